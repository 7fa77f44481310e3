//! Go checks: writes to nil or goroutine-shared maps, indexing and slicing
//! past the end, values used after their error was dropped, type assertions
//! without `ok`, integer division, HTTP clients without a timeout,
//! `time.Parse` layouts, and `strconv` errors that are thrown away.
//!
//! Go has no `try`, so the guards that matter are conditions and early exits
//! (`if err != nil { return err }`, `if len(parts) < 2 { return }`), loop
//! headers (`range xs`, `i < len(xs)`), `switch len(xs)`, the `v, ok :=`
//! forms and locks. Go is typed but we see no types across files, so every
//! rule first proves from declarations in the file what a value is (a map,
//! a slice from `strings.Split`, an `int` parameter) and stays silent when it
//! cannot: a float divided by zero is `+Inf`, a read from a nil map is zero.

use tree_sitter::Node;

use super::division::{self, Divisor};
use super::tree::{children, descendants, plural};
use super::{Check, Finding, FnCx, Match};
use crate::hazards::guards::{mentions, string_contents};
use crate::scenario::FailureClass;
use crate::text::one_line;

mod http_timeout;
mod index;
mod map_write;
mod slice;
mod strconv;
#[cfg(test)]
mod tests;
mod time_layout;
mod type_assertion;
mod unchecked_error;
mod zero_divisor;

use http_timeout::*;
use index::*;
use map_write::*;
use slice::*;
use strconv::*;
use time_layout::*;
use type_assertion::*;
use unchecked_error::*;
use zero_divisor::*;

pub(super) const CHECKS: &[(&str, Check)] = &[
    ("go.nil-map-write", nil_map_write),
    ("go.concurrent-map-write", concurrent_map_write),
    ("go.index", index),
    ("go.slice", slice),
    ("go.unchecked-error-use", unchecked_error_use),
    ("go.type-assertion", type_assertion),
    ("go.division", division),
    ("go.http-no-timeout", http_default_client),
    ("go.http-client-no-timeout", http_client_literal),
    ("go.time-layout", time_layout),
    ("go.time-parse-utc", time_parse_utc),
    ("go.strconv-ignored-error", strconv_ignored_error),
];

const INTEGER_TYPES: &[&str] = &[
    "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
    "uintptr", "byte", "rune",
];

/// A name bound in the function: a parameter, `var`, `:=`, `=` or a `range`
/// variable.
#[derive(Clone, Copy)]
struct Binding<'t> {
    /// Where the name is bound.
    at: usize,
    /// The declared type, when written (`var m map[string]int`, parameters).
    ty: Option<Node<'t>>,
    /// The value bound: the matching right-hand expression, or the single
    /// multi-value call that produces it.
    value: Option<Node<'t>>,
    /// Which result of a multi-value call the name receives.
    position: usize,
    /// The declaring node (`var_spec`, `short_var_declaration`, …).
    statement: Node<'t>,
    /// Whether it is a parameter or receiver of the function itself.
    parameter: bool,
}

fn field_children<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor).collect()
}

/// Every binding of `name` in the function (nested literals included), in
/// source order.
fn bindings<'t>(cx: &FnCx<'_, 't>, name: &str) -> Vec<Binding<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![cx.node];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "parameter_declaration" | "variadic_parameter_declaration" => {
                let own = node
                    .parent()
                    .and_then(|list| list.parent())
                    .is_some_and(|f| f.id() == cx.node.id());
                for n in field_children(node, "name") {
                    if cx.text(n) == name {
                        out.push(Binding {
                            at: n.start_byte(),
                            ty: node.child_by_field_name("type"),
                            value: None,
                            position: 0,
                            statement: node,
                            parameter: own,
                        });
                    }
                }
            }
            "var_spec" | "const_spec" => {
                let names = field_children(node, "name");
                let values = node
                    .child_by_field_name("value")
                    .map(children)
                    .unwrap_or_default();
                for (i, n) in names.iter().enumerate() {
                    if cx.text(*n) == name {
                        let (value, position) = pair(&values, names.len(), i);
                        out.push(Binding {
                            at: n.start_byte(),
                            ty: node.child_by_field_name("type"),
                            value,
                            position,
                            statement: node,
                            parameter: false,
                        });
                    }
                }
            }
            "short_var_declaration" | "assignment_statement" | "range_clause" => {
                let plain = node.kind() != "assignment_statement"
                    || node
                        .child_by_field_name("operator")
                        .is_some_and(|op| op.kind() == "=");
                let left = node
                    .child_by_field_name("left")
                    .map(children)
                    .unwrap_or_default();
                let right = node.child_by_field_name("right");
                let values = match right {
                    Some(r) if r.kind() == "expression_list" => children(r),
                    Some(r) => vec![r],
                    None => Vec::new(),
                };
                for (i, n) in left.iter().enumerate() {
                    if plain && n.kind() == "identifier" && cx.text(*n) == name {
                        let (value, position) = if node.kind() == "range_clause" {
                            (right, i)
                        } else {
                            pair(&values, left.len(), i)
                        };
                        out.push(Binding {
                            at: n.start_byte(),
                            ty: None,
                            value,
                            position,
                            statement: node,
                            parameter: false,
                        });
                    }
                }
            }
            _ => {}
        }
        stack.extend(children(node));
    }
    out.sort_by_key(|b| b.at);
    out
}

/// The value a name at `index` of `count` names receives from `values`.
fn pair<'t>(values: &[Node<'t>], count: usize, index: usize) -> (Option<Node<'t>>, usize) {
    if values.len() == count {
        (values.get(index).copied(), 0)
    } else {
        (values.first().copied(), index)
    }
}

/// The binding of `name` in effect at byte `at`.
fn binding_at<'t>(cx: &FnCx<'_, 't>, name: &str, at: usize) -> Option<Binding<'t>> {
    bindings(cx, name).into_iter().rev().find(|b| b.at < at)
}

/// Top-level declarations of the file, found by kind.
fn top_level<'t>(cx: &FnCx<'_, 't>, kinds: &[&str]) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack: Vec<Node> = children(cx.tree.root_node())
        .into_iter()
        .filter(|n| {
            matches!(
                n.kind(),
                "var_declaration" | "const_declaration" | "type_declaration"
            )
        })
        .collect();
    while let Some(node) = stack.pop() {
        if kinds.contains(&node.kind()) {
            out.push(node);
        }
        if matches!(
            node.kind(),
            "var_declaration" | "const_declaration" | "type_declaration" | "var_spec_list"
        ) {
            stack.extend(children(node));
        }
    }
    out
}

/// A package-level `var name T` or `var name = v`: its type and value.
fn package_var<'t>(cx: &FnCx<'_, 't>, name: &str) -> Option<(Option<Node<'t>>, Option<Node<'t>>)> {
    package_spec(cx, "var_spec", name)
}

/// The value of a package-level constant.
fn package_const<'t>(cx: &FnCx<'_, 't>, name: &str) -> Option<Node<'t>> {
    package_spec(cx, "const_spec", name).and_then(|(_, value)| value)
}

/// The type and value a package-level `var_spec` or `const_spec` gives `name`.
fn package_spec<'t>(
    cx: &FnCx<'_, 't>,
    kind: &str,
    name: &str,
) -> Option<(Option<Node<'t>>, Option<Node<'t>>)> {
    top_level(cx, &[kind]).into_iter().find_map(|spec| {
        let names = field_children(spec, "name");
        let i = names.iter().position(|n| cx.text(*n) == name)?;
        let values = spec
            .child_by_field_name("value")
            .map(children)
            .unwrap_or_default();
        Some((
            spec.child_by_field_name("type"),
            pair(&values, names.len(), i).0,
        ))
    })
}

/// The type of a struct field declared in this file: `(struct name, type)`.
/// The receiver's type wins when it declares the field.
fn struct_field<'t>(cx: &FnCx<'_, 't>, field: &str) -> Option<(String, Node<'t>)> {
    let receiver = cx
        .function
        .receiver
        .as_deref()
        .map(|r| r.trim_start_matches('*'));
    let mut found = Vec::new();
    for spec in top_level(cx, &["type_spec"]) {
        let Some(ty) = spec.child_by_field_name("type") else {
            continue;
        };
        if ty.kind() != "struct_type" {
            continue;
        }
        let name = spec
            .child_by_field_name("name")
            .map(|n| cx.text(n))
            .unwrap_or_default();
        let mut stack = children(ty);
        while let Some(node) = stack.pop() {
            if node.kind() == "field_declaration" {
                if field_children(node, "name")
                    .iter()
                    .any(|n| cx.text(*n) == field)
                    && let Some(t) = node.child_by_field_name("type")
                {
                    found.push((name.clone(), t));
                }
            } else if node.kind() == "field_declaration_list" {
                stack.extend(children(node));
            }
        }
    }
    let preferred = found
        .iter()
        .position(|(name, _)| Some(name.as_str()) == receiver);
    match preferred {
        Some(i) => Some(found.swap_remove(i)),
        None if found.len() == 1 => found.pop(),
        None => None,
    }
}

fn is_map_type(node: Node) -> bool {
    node.kind() == "map_type"
}

/// Whether `value` makes a map: `make(map[K]V)` or `map[K]V{…}`.
fn makes_map(cx: &FnCx, value: Node) -> bool {
    match value.kind() {
        "composite_literal" => value.child_by_field_name("type").is_some_and(is_map_type),
        "call_expression" => {
            value
                .child_by_field_name("function")
                .is_some_and(|f| cx.text(f) == "make")
                && value
                    .child_by_field_name("arguments")
                    .and_then(|a| a.named_child(0))
                    .is_some_and(is_map_type)
        }
        _ => false,
    }
}

/// Whether `expr` (a map operand) is known to be a map, at byte `at`.
fn is_map(cx: &FnCx, expr: Node, at: usize) -> bool {
    match expr.kind() {
        "identifier" => {
            let name = cx.text(expr);
            match binding_at(cx, &name, at) {
                Some(b) => {
                    b.ty.is_some_and(is_map_type)
                        || b.value.is_some_and(|v| b.position == 0 && makes_map(cx, v))
                }
                None => package_var(cx, &name).is_some_and(|(ty, value)| {
                    ty.is_some_and(is_map_type) || value.is_some_and(|v| makes_map(cx, v))
                }),
            }
        }
        "selector_expression" => expr
            .child_by_field_name("field")
            .and_then(|f| struct_field(cx, &cx.text(f)))
            .is_some_and(|(_, ty)| is_map_type(ty)),
        _ => false,
    }
}

/// Whether anything in `scope` between `from` and `to` may give `name` a
/// value: an assignment to it, or its address passed on (`json.Unmarshal(b, &m)`).
fn assigned_within(cx: &FnCx, scope: Node, name: &str, from: usize, to: usize) -> bool {
    descendants(scope).into_iter().any(|n| {
        if n.start_byte() <= from || n.start_byte() >= to {
            return false;
        }
        match n.kind() {
            "assignment_statement" | "short_var_declaration" => n
                .child_by_field_name("left")
                .is_some_and(|l| children(l).iter().any(|t| cx.text(*t) == name)),
            "unary_expression" => {
                cx.text(n).trim_start_matches('&').trim() == name && cx.text(n).starts_with('&')
            }
            _ => false,
        }
    })
}

/// Go's own deciding clauses, which the shared guards do not read: a
/// `switch` value (`switch len(parts) { case 2: … }`), a `case` expression
/// (`case len(parts) > 1:`), an `if` initializer
/// (`if _, ok := v.(string); ok { … }`) and assertion helpers.
fn switch_guarded(cx: &FnCx, node: Node, words: &[&str]) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.kind() == "if_statement"
            && parent
                .child_by_field_name("consequence")
                .is_some_and(|c| c.id() == current.id())
            && let Some(initializer) = parent.child_by_field_name("initializer")
            && words.iter().any(|w| mentions(&cx.text(initializer), w))
        {
            return true;
        }
        if parent.kind() == "expression_switch_statement" {
            let decider = [
                parent.child_by_field_name("value"),
                parent.child_by_field_name("initializer"),
            ]
            .into_iter()
            .flatten()
            .map(|n| cx.text(n))
            .collect::<Vec<_>>()
            .join(" ");
            if words.iter().any(|w| mentions(&decider, w)) {
                return true;
            }
            // `switch { case len(parts) > 1: … }`
            if current.kind() == "expression_case"
                && let Some(value) = current.child_by_field_name("value")
                && words.iter().any(|w| mentions(&cx.text(value), w))
            {
                return true;
            }
        }
        // `assert1(len(offered) > 0, "…")`, `mustHaveFields(parts, 2)`: a
        // helper that panics on failure guards what follows it.
        if matches!(parent.kind(), "block" | "statement_list") {
            let mut sibling = current.prev_named_sibling();
            while let Some(statement) = sibling {
                if statement.kind() == "expression_statement"
                    && let Some(call) = statement.named_child(0)
                    && call.kind() == "call_expression"
                {
                    let callee = callee_text(cx, call);
                    let name = callee.rsplit('.').next().unwrap_or_default().to_lowercase();
                    let asserts = ["assert", "require", "must", "check", "expect"]
                        .iter()
                        .any(|a| name.starts_with(a));
                    if asserts && words.iter().any(|w| mentions(&cx.text(call), w)) {
                        return true;
                    }
                }
                sibling = statement.prev_named_sibling();
            }
        }
        if parent.id() == cx.node.id() {
            break;
        }
        current = parent;
    }
    false
}

/// Whether any of `words` guards `node` (each on its own).
fn guarded_by_any(cx: &FnCx, node: Node, words: &[&str]) -> bool {
    words
        .iter()
        .filter(|w| !w.is_empty())
        .any(|w| cx.guarded(node, &[w]))
        || switch_guarded(cx, node, words)
}

/// The arguments of a call.
fn arguments<'t>(call: Node<'t>) -> Vec<Node<'t>> {
    call.child_by_field_name("arguments")
        .map(children)
        .unwrap_or_default()
}

fn callee_text(cx: &FnCx, call: Node) -> String {
    call.child_by_field_name("function")
        .map(|f| cx.text(f))
        .unwrap_or_default()
}

/// Where a slice or string came from, which decides how it fails.
enum Source<'t> {
    /// `strings.Split(input, sep)` and friends: at least one element.
    Split {
        input: Node<'t>,
        sep: String,
        call: String,
    },
    /// `strings.Fields(input)`: possibly none.
    Fields { input: Node<'t> },
    /// `re.FindStringSubmatch(input)`: nil when nothing matches.
    Submatch { input: Node<'t> },
    /// `os.Args`: the program name and then the arguments.
    Args,
    /// `flag.Args()`: the positional arguments.
    FlagArgs,
    /// A parameter of slice or string type.
    Parameter { name: String, ty: String },
}

/// The source of an indexed or sliced expression, if we know it.
fn slice_source<'t>(cx: &FnCx<'_, 't>, expr: Node<'t>, at: usize) -> Option<Source<'t>> {
    match expr.kind() {
        "selector_expression" => (cx.text(expr) == "os.Args").then_some(Source::Args),
        "call_expression" => call_source(cx, expr),
        "identifier" => {
            let name = cx.text(expr);
            let b = binding_at(cx, &name, at)?;
            if b.parameter {
                // An unexported function's callers are the package itself,
                // which keeps its contract; exported ones take any input.
                if !is_exported(cx) {
                    return None;
                }
                let ty = b.ty?;
                let ty_text = cx.text(ty);
                let sliceish = ty.kind() == "slice_type" || ty_text == "string";
                // A variadic parameter is a slice too.
                let variadic = b.statement.kind() == "variadic_parameter_declaration";
                return (sliceish || variadic).then(|| Source::Parameter {
                    name,
                    ty: if variadic {
                        format!("[]{ty_text}")
                    } else {
                        ty_text
                    },
                });
            }
            let value = b.value?;
            if b.position != 0 {
                return None;
            }
            match value.kind() {
                "call_expression" => call_source(cx, value),
                "selector_expression" => slice_source(cx, value, b.at),
                _ => None,
            }
        }
        _ => None,
    }
}

fn call_source<'t>(cx: &FnCx<'_, 't>, call: Node<'t>) -> Option<Source<'t>> {
    let callee = callee_text(cx, call);
    let args = arguments(call);
    let method = callee.rsplit('.').next().unwrap_or_default();
    match callee.as_str() {
        "strings.Split"
        | "strings.SplitN"
        | "strings.SplitAfter"
        | "strings.SplitAfterN"
        | "bytes.Split"
        | "bytes.SplitN" => {
            let input = *args.first()?;
            let sep = args.get(1).map(|s| cx.text(*s)).unwrap_or_default();
            // `strings.Split(s, "")` splits into characters: empty for "".
            if string_contents(&sep) == Some("") {
                return None;
            }
            Some(Source::Split {
                input,
                sep,
                call: callee.clone(),
            })
        }
        "strings.Fields" | "bytes.Fields" => Some(Source::Fields {
            input: *args.first()?,
        }),
        "flag.Args" => Some(Source::FlagArgs),
        _ if matches!(
            method,
            "FindStringSubmatch" | "FindSubmatch" | "FindStringSubmatchIndex" | "FindSubmatchIndex"
        ) =>
        {
            Some(Source::Submatch {
                input: *args.first()?,
            })
        }
        _ => None,
    }
}

/// `strings.Index(s, ":")` and friends, which return -1 when not found:
/// `(call text, haystack, needle)`.
fn index_of_call(cx: &FnCx, name: &str, at: usize) -> Option<(String, String, String)> {
    let b = binding_at(cx, name, at)?;
    let value = b.value?;
    if value.kind() != "call_expression" || b.position != 0 {
        return None;
    }
    let callee = callee_text(cx, value);
    let finder = matches!(
        callee.as_str(),
        "strings.Index"
            | "strings.IndexByte"
            | "strings.IndexRune"
            | "strings.IndexAny"
            | "strings.LastIndex"
            | "strings.LastIndexByte"
            | "strings.LastIndexAny"
            | "bytes.Index"
            | "bytes.IndexByte"
            | "bytes.LastIndex"
            | "bytes.IndexRune"
    );
    if !finder {
        return None;
    }
    let args = arguments(value);
    Some((
        callee,
        args.first().map(|a| cx.text(*a)).unwrap_or_default(),
        args.get(1).map(|a| cx.text(*a)).unwrap_or_default(),
    ))
}

/// A Go literal of the empty value of a slice or string type, for tests.
fn empty_value(ty: &str) -> String {
    if ty == "string" {
        "\"\"".to_owned()
    } else {
        "nil".to_owned()
    }
}

/// Whether the function (or method) is exported from its package.
fn is_exported(cx: &FnCx) -> bool {
    cx.function
        .name
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

/// `[]byte` parameters are buffers whose length the caller guarantees by
/// contract (encoders, `binary.BigEndian.Uint32(b)`), not input.
fn is_byte_slice(ty: &str) -> bool {
    matches!(ty, "[]byte" | "[]uint8")
}
