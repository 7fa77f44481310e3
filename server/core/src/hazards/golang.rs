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
use super::guards::{mentions, string_contents};
use super::tree::{children, descendants, plural};
use super::{Check, Finding, FnCx, Match};
use crate::scenario::FailureClass;
use crate::text::one_line;

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

/// What the runtime prints for a nil pointer dereference (the signal line
/// follows the panic line on every Unix).
const NIL_DEREF: &str = "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6b1f2e]";

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
    top_level(cx, &["var_spec"]).into_iter().find_map(|spec| {
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

/// The value of a package-level constant.
fn package_const<'t>(cx: &FnCx<'_, 't>, name: &str) -> Option<Node<'t>> {
    top_level(cx, &["const_spec"]).into_iter().find_map(|spec| {
        let names = field_children(spec, "name");
        let i = names.iter().position(|n| cx.text(*n) == name)?;
        let values = spec
            .child_by_field_name("value")
            .map(children)
            .unwrap_or_default();
        pair(&values, names.len(), i).0
    })
}

fn is_constant_name(cx: &FnCx, name: &str) -> bool {
    binding_at(cx, name, usize::MAX).is_some_and(|b| b.statement.kind() == "const_spec")
        || package_const(cx, name).is_some()
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

/// `len(x) - 1` → `x`.
fn last_index_of(cx: &FnCx, index: Node) -> Option<String> {
    if index.kind() != "binary_expression" {
        return None;
    }
    let left = index.child_by_field_name("left")?;
    let right = index.child_by_field_name("right")?;
    let op = index.child_by_field_name("operator")?;
    if op.kind() != "-" || cx.int_value(right)? < 1 || left.kind() != "call_expression" {
        return None;
    }
    if callee_text(cx, left) != "len" {
        return None;
    }
    arguments(left).first().map(|a| cx.text(*a))
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

/// Whether `node` is written to (`b[0] = x`), as output buffers are.
fn is_write_target(node: Node) -> bool {
    node.parent().is_some_and(|list| {
        list.kind() == "expression_list"
            && list.parent().is_some_and(|a| {
                a.kind() == "assignment_statement"
                    && a.child_by_field_name("left")
                        .is_some_and(|l| l.id() == list.id())
            })
    }) || node
        .parent()
        .is_some_and(|p| matches!(p.kind(), "inc_statement" | "dec_statement"))
}

/// Whether an earlier constant index into parameter `name` in this function
/// would fail first (so only the first is reported), or the author asserted
/// the length with a bounds-check hint (`_ = b[3]`).
fn earlier_constant_index(cx: &FnCx, name: &str, at: usize) -> bool {
    let Some(body) = cx.node.child_by_field_name("body") else {
        return false;
    };
    cx.text(body).contains(&format!("_ = {name}[")) || cx.earlier_constant_index(body, name, at)
}

fn index(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let index = m.get("index")?;
    let at = m.hazard.start_byte();
    let object_text = cx.text(object);
    let index_text = cx.text(index);
    let short = one_line(&cx.text(m.hazard), 40);

    // `s[len(s)-1]` on an empty slice or string.
    if let Some(of) = last_index_of(cx, index)
        && of == object_text
    {
        if is_map(cx, object, at) || guarded_by_any(cx, m.hazard, &[&object_text]) {
            return None;
        }
        // Only values that may be empty: a caller's slice, fields, submatches.
        let source = slice_source(cx, object, at);
        let may_be_empty = match &source {
            Some(Source::Parameter { ty, .. }) => !is_byte_slice(ty),
            Some(Source::Fields { .. } | Source::Submatch { .. } | Source::FlagArgs) => true,
            _ => false,
        };
        if !may_be_empty {
            return None;
        }
        let mut finding = Finding::new(
            FailureClass::IndexOutOfRange,
            0.4,
            "runtime.Error",
            "panic: runtime error: index out of range [-1]",
            format!("`{object_text}` is empty, so `{index_text}` is -1"),
            format!(
                "Predicted panic: index out of range [-1] on {short} when {object_text} is empty"
            ),
        );
        if let Some(Source::Parameter { name, ty }) = source {
            finding = finding.input(name, empty_value(&ty));
        }
        return Some(finding);
    }

    // `s[i]` where `i := strings.Index(s, sep)` may be -1.
    if index.kind() == "identifier"
        && let Some((call, haystack, needle)) = index_of_call(cx, &index_text, at)
    {
        if guarded_by_any(cx, m.hazard, &[&index_text]) {
            return None;
        }
        return Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.5,
            "runtime.Error",
            "panic: runtime error: index out of range [-1]",
            format!(
                "`{haystack}` does not contain {needle}, so {call} returns -1 into `{index_text}`"
            ),
            format!(
                "Predicted panic: index out of range [-1] on {short} when {call} finds nothing"
            ),
        ));
    }

    let source = slice_source(cx, object, at)?;
    // `&b[0]` hands a buffer to a syscall or assembly, whose contract the
    // caller keeps; `unsafe.Sizeof(b[0])` never evaluates it.
    let handed_on = m.hazard.parent().is_some_and(|p| {
        p.kind() == "unary_expression" && cx.text(p).starts_with('&')
            || p.kind() == "argument_list"
                && p.parent()
                    .is_some_and(|call| callee_text(cx, call).starts_with("unsafe."))
    });
    if handed_on {
        return None;
    }
    let literal = cx.int_value(index);
    let mut words: Vec<String> = vec![object_text.clone()];
    if let Source::Split { input, .. } | Source::Fields { input } | Source::Submatch { input } =
        &source
    {
        words.push(cx.text(*input));
        // `strings.Split(string(b), …)` is guarded by checks on `b`.
        if input.kind() == "call_expression" || input.kind() == "type_conversion_expression" {
            words.extend(
                arguments(*input)
                    .first()
                    .or(input.child_by_field_name("operand").as_ref())
                    .map(|a| cx.text(*a)),
            );
        }
    }
    if matches!(source, Source::Args | Source::FlagArgs) {
        words.push("NArg".to_owned());
    }
    if literal.is_none() {
        words.push(index_text.clone());
    }
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    if guarded_by_any(cx, m.hazard, &word_refs) {
        return None;
    }
    let summary =
        |when: &str| format!("Predicted panic: index out of range on {short} when {when}");
    match (source, literal) {
        (Source::Split { input, sep, call }, Some(k)) if k >= 1 => {
            let input = one_line(&cx.text(input), 30);
            let into = if object.kind() == "identifier" {
                format!(" into `{object_text}`")
            } else {
                String::new()
            };
            let trigger = if k == 1 {
                format!("`{input}` contains no {sep}, so {call} returns one element{into}")
            } else {
                format!(
                    "`{input}` contains fewer than {} {sep}, so `{object_text}` has only {}",
                    plural(k, "separator", "separators"),
                    plural(k, "element", "elements")
                )
            };
            Some(Finding::new(
                FailureClass::IndexOutOfRange,
                0.55,
                "runtime.Error",
                format!("panic: runtime error: index out of range [{k}] with length {k}"),
                trigger,
                summary(&format!("{input} has no {sep}")),
            ))
        }
        (Source::Fields { input }, Some(k)) => {
            let input = one_line(&cx.text(input), 30);
            Some(Finding::new(
                FailureClass::IndexOutOfRange,
                0.45,
                "runtime.Error",
                format!("panic: runtime error: index out of range [{k}] with length {k}"),
                if k == 0 {
                    format!(
                        "`{input}` is empty or only whitespace, so strings.Fields returns no fields"
                    )
                } else {
                    format!("`{input}` has only {}", plural(k, "field", "fields"))
                },
                summary(&if k == 0 {
                    format!("{input} is blank")
                } else {
                    format!("{input} has fewer than {} fields", k + 1)
                }),
            ))
        }
        (Source::Submatch { input }, Some(k)) => {
            let input = one_line(&cx.text(input), 30);
            Some(Finding::new(
                FailureClass::IndexOutOfRange,
                0.5,
                "runtime.Error",
                format!("panic: runtime error: index out of range [{k}] with length 0"),
                format!(
                    "`{input}` does not match the pattern, so the submatch slice `{object_text}` is nil"
                ),
                summary(&format!("{input} does not match")),
            ))
        }
        (Source::Args, Some(k)) if k >= 1 => Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.5,
            "runtime.Error",
            format!("panic: runtime error: index out of range [{k}] with length {k}"),
            if k == 1 {
                "the program is started without arguments".to_owned()
            } else {
                format!("the program is started with fewer than {k} arguments")
            },
            summary("an argument is missing"),
        )),
        (Source::FlagArgs, Some(k)) => Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.5,
            "runtime.Error",
            format!("panic: runtime error: index out of range [{k}] with length {k}"),
            if k == 0 {
                "the program is started without arguments after the flags".to_owned()
            } else {
                format!(
                    "the program is started with fewer than {} arguments after the flags",
                    k + 1
                )
            },
            summary("an argument is missing"),
        )),
        (Source::Parameter { name, ty }, Some(k))
            if !is_byte_slice(&ty)
                && !is_write_target(m.hazard)
                && !earlier_constant_index(cx, &name, at) =>
        {
            Some(
                Finding::new(
                    FailureClass::IndexOutOfRange,
                    0.35,
                    "runtime.Error",
                    format!("panic: runtime error: index out of range [{k}] with length {k}"),
                    if k == 0 {
                        format!("the caller passes an empty `{name}`")
                    } else {
                        format!(
                            "the caller passes a `{name}` with only {}",
                            plural(k, "element", "elements")
                        )
                    },
                    summary(&if k == 0 {
                        format!("{name} is empty")
                    } else {
                        format!("{name} has fewer than {} elements", k + 1)
                    }),
                )
                .input(name, empty_value(&ty)),
            )
        }
        (Source::Parameter { name, ty }, None)
            if index.kind() == "identifier"
                && !is_byte_slice(&ty)
                && !is_write_target(m.hazard) =>
        {
            // `items[i]` with both from the caller.
            let b = binding_at(cx, &index_text, at)?;
            let integer = b.parameter
                && b.ty
                    .is_some_and(|t| INTEGER_TYPES.contains(&cx.text(t).as_str()));
            if !integer {
                return None;
            }
            Some(
                Finding::new(
                    FailureClass::IndexOutOfRange,
                    0.3,
                    "runtime.Error",
                    "panic: runtime error: index out of range [-1]",
                    format!(
                        "the caller passes an `{index_text}` outside 0..len({name})-1 (a -1 \"not found\" marker, or len({name}))"
                    ),
                    summary(&format!("{index_text} is out of range")),
                )
                .input(index_text, "-1"),
            )
        }
        _ => None,
    }
}

fn slice(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let at = m.hazard.start_byte();
    let object_text = cx.text(object);
    let start = m.hazard.child_by_field_name("start");
    let end = m.hazard.child_by_field_name("end");
    let short = one_line(&cx.text(m.hazard), 40);

    // `s[:i]` / `s[i:]` where `i := strings.Index(…)` may be -1.
    for (bound, is_end) in [(end, true), (start, false)] {
        let Some(bound) = bound.filter(|b| b.kind() == "identifier") else {
            continue;
        };
        let name = cx.text(bound);
        let Some((call, haystack, needle)) = index_of_call(cx, &name, at) else {
            continue;
        };
        if guarded_by_any(cx, m.hazard, &[&name]) {
            return None;
        }
        let range = if is_end { "[:-1]" } else { "[-1:]" };
        return Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.45,
            "runtime.Error",
            format!("panic: runtime error: slice bounds out of range {range}"),
            format!("`{haystack}` does not contain {needle}, so {call} returns -1 into `{name}`"),
            format!(
                "Predicted panic: slice bounds out of range on {short} when {call} finds nothing"
            ),
        ));
    }

    // `s[:8]`, `s[7:]` on a string or slice from the caller.
    let Some(Source::Parameter { name, ty }) = slice_source(cx, object, at) else {
        return None;
    };
    // `s[1:]` and `s[:1]` mostly follow a look at `s[0]`; longer fixed
    // prefixes and suffixes (`id[:8]`, `token[7:]`) assume a format.
    if is_byte_slice(&ty) {
        return None;
    }
    let (bound, is_end) = match (start, end) {
        (_, Some(e)) if cx.int_value(e).is_some_and(|k| k > 1) => (e, true),
        (Some(s), None) if cx.int_value(s).is_some_and(|k| k > 1) => (s, false),
        _ => return None,
    };
    let k = cx.int_value(bound)?;
    if guarded_by_any(cx, m.hazard, &[&object_text]) {
        return None;
    }
    let what = if ty == "string" { "bytes" } else { "elements" };
    let (error, len) = if is_end {
        (
            format!(
                "panic: runtime error: slice bounds out of range [:{k}] with length {}",
                k - 1
            ),
            k - 1,
        )
    } else {
        (
            format!(
                "panic: runtime error: slice bounds out of range [{k}:{}]",
                k - 1
            ),
            k - 1,
        )
    };
    Some(
        Finding::new(
            FailureClass::IndexOutOfRange,
            0.35,
            "runtime.Error",
            error,
            format!(
                "`{name}` is shorter than {} (a caller passes {})",
                plural(k, &what[..what.len() - 1], what),
                plural(len, &what[..what.len() - 1], what)
            ),
            format!("Predicted panic: slice bounds out of range on {short} when {name} is shorter than {k}"),
        )
        .input(name, empty_value(&ty)),
    )
}

/// Calls whose first result is nil when they fail, and what makes them fail.
fn nil_on_error(cx: &FnCx, callee: &str, args: &[Node]) -> Option<&'static str> {
    let constant_args = !args.is_empty()
        && args.iter().all(|a| {
            matches!(
                a.kind(),
                "interpreted_string_literal" | "raw_string_literal"
            )
        });
    let method = callee.rsplit('.').next().unwrap_or_default();
    let receiver = callee.rsplit_once('.').map(|(r, _)| r).unwrap_or_default();
    let why = match callee {
        "http.Get" | "http.Post" | "http.Head" | "http.PostForm" => {
            "the request fails (DNS error, connection refused, TLS error, reset)"
        }
        "http.NewRequest" | "http.NewRequestWithContext" => {
            "the URL does not parse (a space, a missing scheme, a bad port) or the method is invalid"
        }
        "url.Parse" | "url.ParseRequestURI" => {
            "the text is not a valid URL (e.g. \"http://[::1\" or a control character)"
        }
        "regexp.Compile" | "regexp.CompilePOSIX" => "the pattern does not compile",
        "sql.Open" => "the driver name is not registered (a missing blank import)",
        "os.Stat" | "os.Lstat" => "the file does not exist or cannot be read",
        "user.Current" | "user.Lookup" | "user.LookupId" => {
            "the user has no entry in /etc/passwd (a scratch or distroless container running as a numeric UID)"
        }
        "x509.ParseCertificate" => "the bytes are not a DER certificate (a PEM file passed as is)",
        "net.Dial" | "net.DialTimeout" | "tls.Dial" => "the connection is refused or times out",
        "template.ParseFiles" | "template.ParseGlob" => {
            "the template file is missing or does not parse"
        }
        _ if method == "Do" && args.len() == 1 => {
            "the request fails (DNS error, connection refused, TLS error, reset)"
        }
        _ if matches!(method, "Get" | "Post" | "Head" | "PostForm")
            && receiver.to_lowercase().ends_with("client") =>
        {
            "the request fails (DNS error, connection refused, TLS error, reset)"
        }
        _ if matches!(method, "Parse" | "ParseFiles" | "ParseGlob")
            && receiver.contains("template.") =>
        {
            "the template does not parse"
        }
        _ => return None,
    };
    // A constant URL, pattern or template fails on the first run, not in production.
    if constant_args
        && matches!(
            method,
            "Parse" | "ParseRequestURI" | "Compile" | "CompilePOSIX"
        )
    {
        return None;
    }
    let _ = cx;
    Some(why)
}

/// The first use of `name` after byte `from` that dereferences it
/// (`resp.Body`, `u.Host`, `fi.Size()`), while that binding is in effect.
fn first_dereference<'t>(cx: &FnCx<'_, 't>, name: &str, from: usize) -> Option<Node<'t>> {
    let body = cx.node.child_by_field_name("body")?;
    descendants(body).into_iter().find(|n| {
        n.start_byte() > from
            && n.kind() == "selector_expression"
            && n.child_by_field_name("operand")
                .is_some_and(|o| o.kind() == "identifier" && cx.text(o) == name)
            && binding_at(cx, name, n.start_byte()).is_some_and(|b| b.at < from)
    })
}

fn unchecked_error_use(m: &Match, cx: &FnCx) -> Option<Finding> {
    let value = cx.text(m.get("value")?);
    let err = cx.text(m.get("err")?);
    let callee = cx.text(m.get("callee")?);
    let args = children(m.get("args")?);
    if value == "_" {
        return None;
    }
    if m.hazard.kind() == "assignment_statement"
        && m.hazard
            .child_by_field_name("operator")
            .is_some_and(|op| op.kind() != "=")
    {
        return None;
    }
    if callee == "time.LoadLocation" {
        return missing_location(m, cx, &value, &err);
    }
    let why = nil_on_error(cx, &callee, &args)?;
    let ignored = err == "_";
    // `u, err = url.Parse(s)` followed by `if err != nil { … }`: handled.
    if !ignored
        && m.hazard.next_named_sibling().is_some_and(|next| {
            next.kind() == "if_statement"
                && next
                    .child_by_field_name("condition")
                    .is_some_and(|c| mentions(&cx.text(c), &err))
        })
    {
        return None;
    }
    let use_node = first_dereference(cx, &value, m.hazard.end_byte())?;
    if guarded_by_any(cx, use_node, &[&value]) || !ignored && guarded_by_any(cx, use_node, &[&err])
    {
        return None;
    }
    let mut use_text = one_line(&cx.text(use_node), 30);
    if use_node
        .parent()
        .is_some_and(|p| p.kind() == "call_expression")
    {
        use_text.push_str("()");
    }
    let call_name = one_line(&callee, 30);
    let (trigger, summary, likelihood) = if ignored {
        (
            format!(
                "{why}: {call_name} returns a nil `{value}` with an error that is discarded, and `{use_text}` dereferences it"
            ),
            format!(
                "Predicted nil pointer dereference on {use_text} when {call_name} fails: the error is ignored"
            ),
            0.5,
        )
    } else {
        (
            format!(
                "{why}: {call_name} returns a nil `{value}`, and `{use_text}` runs before `{err}` is checked"
            ),
            format!(
                "Predicted nil pointer dereference on {use_text} when {call_name} fails: {err} is checked after this use"
            ),
            0.55,
        )
    };
    Some(
        Finding::new(
            FailureClass::NullOrNone,
            likelihood,
            "runtime.Error",
            NIL_DEREF,
            trigger,
            summary,
        )
        .at(use_node.byte_range()),
    )
}

/// `loc, _ := time.LoadLocation("Europe/Berlin")` then `t.In(loc)`: the
/// location is nil when the image has no time zone database.
fn missing_location(m: &Match, cx: &FnCx, value: &str, err: &str) -> Option<Finding> {
    let body = cx.node.child_by_field_name("body")?;
    let from = m.hazard.end_byte();
    let call = descendants(body).into_iter().find(|n| {
        n.start_byte() > from
            && n.kind() == "call_expression"
            && {
                let callee = callee_text(cx, *n);
                callee.ends_with(".In") || callee == "time.Date"
            }
            && arguments(*n).iter().any(|a| cx.text(*a) == value)
    })?;
    if guarded_by_any(cx, call, &[value]) || err != "_" && guarded_by_any(cx, call, &[err]) {
        return None;
    }
    let callee = callee_text(cx, call);
    let (error, in_what) = if callee == "time.Date" {
        ("panic: time: missing Location in call to Date", "time.Date")
    } else {
        (
            "panic: time: missing Location in call to Time.In",
            "Time.In",
        )
    };
    let zone = m
        .hazard
        .child_by_field_name("right")
        .and_then(|r| r.named_child(0))
        .map(|c| arguments(c))
        .and_then(|a| a.first().map(|z| cx.text(*z)))
        .unwrap_or_default();
    Some(
        Finding::new(
            FailureClass::TimezoneDst,
            0.45,
            "panic",
            error,
            format!(
                "the image has no time zone database (scratch, distroless or alpine without tzdata), so time.LoadLocation({zone}) fails and `{value}` is nil"
            ),
            format!("Predicted panic in {in_what} when time.LoadLocation({zone}) fails: the error is ignored"),
        )
        .at(call.byte_range()),
    )
}

fn type_assertion(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let ty = cx.text(m.get("type")?);
    let object_text = cx.text(object);
    // `v, ok := x.(T)` and `var v, ok = x.(T)` never panic.
    let list = m.hazard.parent().filter(|p| p.kind() == "expression_list");
    if let Some(list) = list
        && let Some(statement) = list.parent()
    {
        let left_count = match statement.kind() {
            "short_var_declaration" | "assignment_statement" => statement
                .child_by_field_name("left")
                .map_or(0, |l| children(l).len()),
            "var_spec" => field_children(statement, "name").len(),
            _ => 0,
        };
        if left_count == 2 {
            return None;
        }
    }
    // A pool only ever holds what its New makes.
    let lower = object_text.to_lowercase();
    if lower.contains("pool") && object_text.ends_with(".Get()") {
        return None;
    }
    if guarded_by_any(cx, m.hazard, &[&object_text]) {
        return None;
    }
    let numeric = INTEGER_TYPES.contains(&ty.as_str()) || ty.starts_with("float32");
    // An assertion on a value the program made itself states an invariant
    // (`n.(*ir.Name)`); only values from outside are believable failures.
    let untyped_parameter = object.kind() == "identifier"
        && binding_at(cx, &object_text, m.hazard.start_byte()).is_some_and(|b| {
            b.parameter
                && b.ty
                    .is_some_and(|t| matches!(cx.text(t).as_str(), "interface{}" | "any"))
        });
    let is_error =
        object.kind() == "identifier" && (object_text == "err" || object_text.ends_with("Err"));
    // `payload["count"].(int)`: a map read, not a slice element.
    let from_map = object.kind() == "index_expression"
        && (object
            .child_by_field_name("operand")
            .is_some_and(|o| is_map(cx, o, m.hazard.start_byte()))
            || object.child_by_field_name("index").is_some_and(|k| {
                matches!(
                    k.kind(),
                    "interpreted_string_literal" | "raw_string_literal"
                )
            }));
    // `ctx.Value(key)`: one argument, unlike `token.Value()`.
    let from_context = object.kind() == "call_expression"
        && callee_text(cx, object).ends_with(".Value")
        && arguments(object).len() == 1;
    let (dynamic, static_type, trigger, likelihood) = if is_error {
        (
            "*fmt.wrapError".to_owned(),
            "error",
            format!(
                "`{object_text}` is another error type, or {ty} wrapped with fmt.Errorf(\"…: %w\", err) (errors.As would unwrap it)"
            ),
            0.45,
        )
    } else if from_context {
        (
            "nil".to_owned(),
            "interface {}",
            format!(
                "the context carries no value for this key (a caller or middleware that did not set it), so `{}` is nil",
                one_line(&object_text, 40)
            ),
            0.5,
        )
    } else if from_map && numeric {
        (
            "float64".to_owned(),
            "interface {}",
            format!(
                "`{}` was decoded by encoding/json, which turns every JSON number into float64",
                one_line(&object_text, 40)
            ),
            0.55,
        )
    } else if from_map {
        (
            "nil".to_owned(),
            "interface {}",
            format!(
                "the key is missing, so `{}` is nil",
                one_line(&object_text, 40)
            ),
            0.5,
        )
    } else if untyped_parameter {
        let other = if ty == "string" { "float64" } else { "string" };
        (
            other.to_owned(),
            "interface {}",
            format!(
                "the caller passes a `{}` that is not {ty}",
                one_line(&object_text, 40)
            ),
            0.3,
        )
    } else {
        return None;
    };
    let mut finding = Finding::new(
        FailureClass::TypeError,
        likelihood,
        "*runtime.TypeAssertionError",
        format!("panic: interface conversion: {static_type} is {dynamic}, not {ty}"),
        trigger,
        format!(
            "Predicted panic: interface conversion when {} is not {ty}: no `, ok` form",
            one_line(&object_text, 30)
        ),
    );
    if object.kind() == "identifier"
        && binding_at(cx, &object_text, m.hazard.start_byte()).is_some_and(|b| b.parameter)
    {
        let wrong = if numeric || ty.starts_with("float") {
            "\"42\""
        } else if ty == "string" {
            "42"
        } else {
            "nil"
        };
        finding = finding.input(object_text, wrong);
    }
    Some(finding)
}

/// Whether an expression is an integer, as far as the file shows.
fn is_integer(cx: &FnCx, node: Node, at: usize) -> bool {
    match node.kind() {
        "parenthesized_expression" => node.named_child(0).is_some_and(|n| is_integer(cx, n, at)),
        "call_expression" => {
            let callee = callee_text(cx, node);
            let argument = arguments(node).first().copied();
            match callee.as_str() {
                // The length of a struct field is usually fixed when the
                // value is made (a ring buffer); a local or a parameter is input.
                "len" | "cap" => argument.is_some_and(|a| a.kind() == "identifier"),
                // `int64(n)` is as much an integer as `n` is known to be.
                _ if INTEGER_TYPES.contains(&callee.as_str()) => {
                    argument.is_some_and(|a| is_integer(cx, a, at))
                }
                _ => false,
            }
        }
        "type_conversion_expression" => {
            node.child_by_field_name("type")
                .is_some_and(|t| INTEGER_TYPES.contains(&cx.text(t).as_str()))
                && node
                    .child_by_field_name("operand")
                    .is_some_and(|o| is_integer(cx, o, at))
        }
        "identifier" => {
            let name = cx.text(node);
            match binding_at(cx, &name, at) {
                Some(b) if b.statement.kind() == "const_spec" => false,
                Some(b) => {
                    b.ty.is_some_and(|t| INTEGER_TYPES.contains(&cx.text(t).as_str()))
                        || b.value.is_some_and(|v| {
                            b.position == 0
                                && v.kind() == "call_expression"
                                && matches!(callee_text(cx, v).as_str(), "len" | "cap")
                        })
                }
                None => package_var(cx, &name).is_some_and(|(ty, _)| {
                    ty.is_some_and(|t| INTEGER_TYPES.contains(&cx.text(t).as_str()))
                }),
            }
        }
        "selector_expression" => node
            .child_by_field_name("field")
            .and_then(|f| struct_field(cx, &cx.text(f)))
            .is_some_and(|(_, ty)| INTEGER_TYPES.contains(&cx.text(ty).as_str())),
        "binary_expression" => {
            let op = node
                .child_by_field_name("operator")
                .map(|o| o.kind())
                .unwrap_or_default();
            matches!(op, "+" | "-" | "*")
                && [
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ]
                .into_iter()
                .flatten()
                .any(|n| is_integer(cx, n, at))
        }
        _ => false,
    }
}

/// `int64(1000)`, `time.Duration(5)`: a conversion of a literal is a constant.
fn is_constant_conversion(cx: &FnCx, node: Node) -> bool {
    let operand = match node.kind() {
        "call_expression" => arguments(node).first().copied(),
        "type_conversion_expression" => node.child_by_field_name("operand"),
        _ => None,
    };
    operand.is_some_and(|o| {
        matches!(o.kind(), "int_literal" | "float_literal")
            || o.kind() == "identifier" && is_constant_name(cx, &cx.text(o))
    })
}

fn division(m: &Match, cx: &FnCx) -> Option<Finding> {
    let right = m.get("right")?;
    let at = m.hazard.start_byte();
    let right_text = cx.text(right);
    // Literals and constants are checked by the compiler.
    if matches!(
        right.kind(),
        "int_literal" | "float_literal" | "imaginary_literal" | "rune_literal"
    ) || right.kind() == "identifier" && is_constant_name(cx, &right_text)
        || is_constant_conversion(cx, right)
    {
        return None;
    }
    // A float divided by zero is ±Inf, not a panic: only integers count.
    // A struct field is usually set once when the value is made (a scale, a
    // shard count), so only locals, parameters and lengths count.
    if !is_integer(cx, right, at) || right.kind() == "selector_expression" {
        return None;
    }
    // `var perSec int64 = 1e9` never reassigned is a constant in all but name.
    if right.kind() == "identifier" {
        let nonzero = |v: Node| cx.int_value(v).is_some_and(|n| n != 0);
        let fixed = match binding_at(cx, &right_text, at) {
            Some(b) => {
                b.value.is_some_and(nonzero) && !assigned_within(cx, cx.node, &right_text, b.at, at)
            }
            None => package_var(cx, &right_text).is_some_and(|(_, value)| {
                value.is_some_and(nonzero)
                    && !assigned_within(cx, cx.tree.root_node(), &right_text, 0, usize::MAX)
            }),
        };
        if fixed {
            return None;
        }
    }
    // `len(xs)`, also inside conversions (`uint32(len(xs))`), is zero for empty `xs`.
    let mut inner = right_text.as_str();
    while let Some((ty, rest)) = inner.split_once('(')
        && INTEGER_TYPES.contains(&ty)
        && let Some(unwrapped) = rest.strip_suffix(')')
    {
        inner = unwrapped;
    }
    let inner = inner
        .strip_prefix("len(")
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(&right_text)
        .to_owned();
    if guarded_by_any(cx, m.hazard, &[&right_text, &inner]) {
        return None;
    }
    let collection = (inner != right_text).then_some(inner);
    let parameter = |name: &str| binding_at(cx, name, at).is_some_and(|b| b.parameter);
    let input = if right.kind() == "identifier" && parameter(&right_text) {
        Some((right_text.clone(), "0".to_owned()))
    } else {
        collection
            .as_ref()
            .filter(|c| parameter(c))
            .map(|c| (c.clone(), "nil".to_owned()))
    };
    division::finding(
        cx,
        Divisor {
            op: String::new(),
            text: right_text,
            collection,
            input,
        },
    )
}

/// Whether the file bounds its requests another way: a context deadline or
/// a timeout set on the client after it is made.
fn bounded_elsewhere(cx: &FnCx) -> bool {
    let file = cx.rope.to_string();
    ["WithTimeout(", "WithDeadline(", ".Timeout =", ".Timeout="]
        .iter()
        .any(|marker| file.contains(marker))
}

const HANG_TRIGGER: &str = "accepts the connection but never answers (a stalled upstream, a half-open connection after a failover); nothing bounds the wait, so the goroutine blocks until the process is killed and the caller hangs with it";

fn http_default_client(m: &Match, cx: &FnCx) -> Option<Finding> {
    let method = cx.text(m.get("method")?);
    let args = children(m.get("args")?);
    let file = cx.rope.to_string();
    if file.contains("DefaultClient.Timeout") {
        return None;
    }
    let call = one_line(&callee_text(cx, m.hazard), 40);
    let target = if method == "Do" {
        "the server".to_owned()
    } else {
        format!(
            "the server behind `{}`",
            one_line(&args.first().map(|a| cx.text(*a)).unwrap_or_default(), 40)
        )
    };
    Some(Finding::new(
        FailureClass::Timeout,
        0.45,
        "SIGQUIT",
        "SIGQUIT: quit",
        format!("{target} {HANG_TRIGGER} (a SIGQUIT goroutine dump shows it in net/http)"),
        format!(
            "Predicted hang in {call} when the upstream stalls: http.DefaultClient has no timeout"
        ),
    ))
}

fn http_client_literal(m: &Match, cx: &FnCx) -> Option<Finding> {
    if let Some(body) = m.get("body") {
        let fields: Vec<String> = children(body)
            .into_iter()
            .filter(|e| e.kind() == "keyed_element")
            .filter_map(|e| e.named_child(0).map(|k| cx.text(k)))
            .collect();
        if fields.iter().any(|f| f == "Timeout") {
            return None;
        }
        // A transport that bounds the wait for response headers is enough.
        if cx.text(body).contains("ResponseHeaderTimeout") {
            return None;
        }
    }
    if bounded_elsewhere(cx) {
        return None;
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.4,
        "SIGQUIT",
        "SIGQUIT: quit",
        format!("the server this client calls {HANG_TRIGGER}"),
        "Predicted hang in requests made by this http.Client when the upstream stalls: it has no Timeout",
    ))
}

/// The text of a string literal or of a constant bound to one.
fn literal_text(cx: &FnCx, node: Node) -> Option<String> {
    match node.kind() {
        "interpreted_string_literal" | "raw_string_literal" => {
            string_contents(&cx.text(node)).map(str::to_owned)
        }
        "identifier" => {
            let name = cx.text(node);
            let value = binding_at(cx, &name, node.start_byte())
                .filter(|b| b.statement.kind() == "const_spec")
                .and_then(|b| b.value)
                .or_else(|| package_const(cx, &name))?;
            literal_text(cx, value)
        }
        _ => None,
    }
}

/// Tokens of other languages' date formats, with a sample value for each.
const FOREIGN_TOKENS: &[(&str, &str)] = &[
    ("YYYY", "2024"),
    ("yyyy", "2024"),
    ("%Y", "2024"),
    ("%m", "03"),
    ("%d", "10"),
    ("%H", "09"),
    ("%M", "30"),
    ("%S", "00"),
    ("MM", "03"),
    ("DD", "10"),
    ("dd", "10"),
    ("HH", "09"),
    ("hh", "09"),
    ("mm", "30"),
    ("ss", "00"),
    ("SS", "00"),
];

/// Go's reference-time elements, with the sample value each stands for.
const GO_TOKENS: &[(&str, &str)] = &[
    ("2006", "2024"),
    ("Z07:00", "Z"),
    ("-07:00", "+01:00"),
    ("-0700", "+0100"),
    ("January", "March"),
    ("Monday", "Sunday"),
    ("Jan", "Mar"),
    ("Mon", "Sun"),
    ("MST", "CET"),
    ("01", "03"),
    ("02", "10"),
    ("15", "09"),
    ("04", "30"),
    ("05", "00"),
    ("PM", "AM"),
];

/// A sample timestamp in the format the author meant, and the part of the
/// layout Go reads literally where parsing stops: `(value, layout element,
/// value element)`.
fn simulate_parse(layout: &str) -> Option<(String, String, String)> {
    let mut value = String::new();
    let mut offsets = Vec::new();
    let mut first_foreign: Option<usize> = None;
    let mut go_ends = Vec::new();
    let mut i = 0;
    while i < layout.len() {
        offsets.push((i, value.len()));
        let rest = &layout[i..];
        if let Some((token, sample)) = FOREIGN_TOKENS.iter().find(|(t, _)| rest.starts_with(t)) {
            first_foreign.get_or_insert(i);
            value.push_str(sample);
            i += token.len();
        } else if let Some((token, sample)) = GO_TOKENS.iter().find(|(t, _)| rest.starts_with(t)) {
            value.push_str(sample);
            i += token.len();
            go_ends.push(i);
        } else {
            let c = rest.chars().next()?;
            value.push(c);
            i += c.len_utf8();
        }
    }
    let bad = first_foreign?;
    // Go matches the literal text between its elements; parsing stops in the
    // literal stretch that holds the first foreign token.
    let literal_start = go_ends
        .iter()
        .copied()
        .filter(|e| *e <= bad)
        .max()
        .unwrap_or(0);
    let literal_end = GO_TOKENS
        .iter()
        .filter_map(|(t, _)| layout[bad..].find(t).map(|p| bad + p))
        .min()
        .unwrap_or(layout.len());
    let value_start = offsets
        .iter()
        .find(|(l, _)| *l == literal_start)
        .map_or(0, |(_, v)| *v);
    let prefix = &layout[literal_start..literal_end];
    let remaining = skip_literal(&value[value_start..], prefix);
    Some((value.clone(), prefix.to_owned(), remaining.to_owned()))
}

/// Go's `skip`: consumes the literal `prefix` from `value` as far as it
/// matches (a space matches any run of spaces) and returns what is left.
fn skip_literal<'v>(mut value: &'v str, mut prefix: &str) -> &'v str {
    while let Some(p) = prefix.chars().next() {
        if p == ' ' {
            if value.chars().next().is_some_and(|v| v != ' ') {
                return value;
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        match value.chars().next() {
            Some(v) if v == p => {
                prefix = &prefix[p.len_utf8()..];
                value = &value[v.len_utf8()..];
            }
            _ => return value,
        }
    }
    value
}

fn time_layout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let layout_node = m.get("layout")?;
    let layout = literal_text(cx, layout_node)?;
    let (sample, layout_elem, value_elem) = simulate_parse(&layout)?;
    let value = m.get("value")?;
    let value_text = cx.text(value);
    let mut finding = Finding::new(
        FailureClass::ParseError,
        0.9,
        "*time.ParseError",
        format!(
            "parsing time \"{sample}\" as \"{layout}\": cannot parse \"{value_elem}\" as \"{layout_elem}\""
        ),
        format!(
            "every input: \"{layout}\" is not Go layout syntax (Go spells a layout with the reference time \"2006-01-02 15:04:05\"), so time.Parse reads it as literal text"
        ),
        format!("Predicted time.ParseError for every input: \"{layout}\" is not a Go layout (use \"2006-01-02\")"),
    )
    .manifest();
    if value.kind() == "identifier"
        && binding_at(cx, &value_text, m.hazard.start_byte()).is_some_and(|b| b.parameter)
    {
        finding = finding.input(value_text, format!("\"{sample}\""));
    }
    Some(finding)
}

fn time_parse_utc(m: &Match, cx: &FnCx) -> Option<Finding> {
    let layout = literal_text(cx, m.get("layout")?)?;
    // Broken layouts are reported by go.time-layout.
    if simulate_parse(&layout).is_some() {
        return None;
    }
    let zoned = ["MST", "Z07", "-07", "Z0700", "-0700"]
        .iter()
        .any(|z| layout.contains(z));
    let has_clock = ["15", "03", ":04"].iter().any(|t| layout.contains(t));
    if zoned || !has_clock {
        return None;
    }
    let body = cx.text(cx.node);
    let compares_now = ["time.Now()", "time.Since(", "time.Until("]
        .iter()
        .any(|f| body.contains(f));
    let thinks_in_utc = [
        ".UTC()",
        "time.UTC",
        "time.Local",
        ".In(",
        "ParseInLocation",
    ]
    .iter()
    .any(|f| body.contains(f));
    if !compares_now || thinks_in_utc {
        return None;
    }
    let value = cx.text(m.get("value")?);
    Some(Finding::new(
        FailureClass::TimezoneDst,
        0.35,
        "wrong result",
        "parsed \"2024-03-31 09:00\" as 2024-03-31 09:00:00 +0000 UTC; the author meant 09:00 Europe/Berlin (07:00 UTC)",
        format!(
            "`{}` is a local wall-clock time, but time.Parse reads a layout without a zone as UTC, so comparing it with time.Now() is off by the UTC offset (which itself changes at DST)",
            one_line(&value, 30)
        ),
        "Predicted off-by-hours comparison: time.Parse reads a zone-less layout as UTC, time.Now() is local",
    ))
}

fn strconv_ignored_error(m: &Match, cx: &FnCx) -> Option<Finding> {
    let function = cx.text(m.get("function")?);
    let arg = m.get("arg")?;
    let value = cx.text(m.get("value")?);
    if matches!(
        arg.kind(),
        "interpreted_string_literal" | "raw_string_literal" | "int_literal"
    ) {
        return None;
    }
    if m.hazard.kind() == "assignment_statement"
        && m.hazard
            .child_by_field_name("operator")
            .is_some_and(|op| op.kind() != "=")
    {
        return None;
    }
    let arg_text = cx.text(arg);
    // A regexp submatch (`m[2]` of `(\d+)`) is digits by construction.
    if arg.kind() == "index_expression"
        && arg.child_by_field_name("operand").is_some_and(|o| {
            matches!(
                slice_source(cx, o, m.hazard.start_byte()),
                Some(Source::Submatch { .. })
            )
        })
    {
        return None;
    }
    // Validated input (`if !isDigits(s) { return }`) parses.
    if guarded_by_any(cx, m.hazard, &[&arg_text]) {
        return None;
    }
    // `if on, _ := strconv.ParseBool(s); on { … }`: false is the default.
    if let Some(parent) = m.hazard.parent()
        && parent.kind() == "if_statement"
        && parent
            .child_by_field_name("condition")
            .is_some_and(|c| mentions(&cx.text(c), &value))
    {
        return None;
    }
    // A zero result that the code checks right after is handled on purpose.
    if let Some(next) = m.hazard.next_named_sibling()
        && next.kind() == "if_statement"
        && next
            .child_by_field_name("condition")
            .is_some_and(|c| mentions(&cx.text(c), &value))
    {
        return None;
    }
    let (bad, zero, examples) = match function.as_str() {
        "ParseBool" => ("yes", "false", "\"yes\", \"on\", \"\""),
        _ => ("N/A", "0", "\"N/A\", \"\", \"1,5\", \" 42\""),
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        0.45,
        "*strconv.NumError",
        format!("strconv.{function}: parsing \"{bad}\": invalid syntax"),
        format!(
            "`{}` is not what strconv.{function} accepts ({examples}): it returns {zero} and the discarded error said so, so the code carries on with {value} = {zero}",
            one_line(&arg_text, 30)
        ),
        format!(
            "Predicted silent {value} = {zero} when {} is not valid: the strconv.{function} error is discarded",
            one_line(&arg_text, 30)
        ),
    );
    if arg.kind() == "identifier"
        && binding_at(cx, &arg_text, m.hazard.start_byte()).is_some_and(|b| b.parameter)
    {
        finding = finding.input(arg_text, format!("\"{bad}\""));
    }
    Some(finding)
}

/// The write's enclosing `go func() {…}()` or `g.Go(func() error {…})`
/// literal inside the function, if any.
fn goroutine_literal<'t>(cx: &FnCx<'_, 't>, node: Node<'t>) -> Option<Node<'t>> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.id() == cx.node.id() {
            return None;
        }
        if current.kind() == "func_literal" {
            let launched = match parent.kind() {
                "call_expression" => parent.parent().is_some_and(|g| g.kind() == "go_statement"),
                "argument_list" => parent.parent().is_some_and(|call| {
                    call.kind() == "call_expression"
                        && callee_text(cx, call).rsplit('.').next() == Some("Go")
                }),
                _ => false,
            };
            if launched {
                return Some(current);
            }
        }
        current = parent;
    }
    None
}

/// Whether `scope` takes a lock before byte `at`.
fn locked_before(cx: &FnCx, scope: Node, at: usize) -> bool {
    descendants(scope).into_iter().any(|n| {
        n.kind() == "call_expression"
            && n.start_byte() < at
            && callee_text(cx, n).ends_with(".Lock")
    })
}

/// Whether the file starts this function as a goroutine: `go f(…)`,
/// `go s.f(…)`, `g.Go(s.f)`.
fn launched_as_goroutine(cx: &FnCx) -> bool {
    let name = &cx.function.name;
    descendants(cx.tree.root_node())
        .into_iter()
        .any(|n| match n.kind() {
            "go_statement" => n.named_child(0).is_some_and(|call| {
                let callee = callee_text(cx, call);
                callee == *name || callee.ends_with(&format!(".{name}"))
            }),
            "call_expression" => {
                callee_text(cx, n).rsplit('.').next() == Some("Go")
                    && arguments(n).iter().any(|a| {
                        let text = cx.text(*a);
                        text == *name || text.ends_with(&format!(".{name}"))
                    })
            }
            _ => false,
        })
}

/// The identifier a map expression starts from: `m` in `m`, `s` in `s.counts`.
fn root_name(cx: &FnCx, expr: Node) -> Option<String> {
    match expr.kind() {
        "identifier" => Some(cx.text(expr)),
        "selector_expression" => root_name(cx, expr.child_by_field_name("operand")?),
        _ => None,
    }
}

fn concurrent_map_write(m: &Match, cx: &FnCx) -> Option<Finding> {
    let map = m.get("map")?;
    let at = m.hazard.start_byte();
    let map_text = cx.text(map);
    let root = root_name(cx, map)?;
    let (scope, likelihood, trigger) = if let Some(literal) = goroutine_literal(cx, m.hazard) {
        // A map made inside the goroutine is its own.
        let declared_inside = bindings(cx, &root)
            .iter()
            .any(|b| literal.byte_range().contains(&b.at));
        if declared_inside || !is_map(cx, map, at) {
            return None;
        }
        let mut in_loop = false;
        let mut current = literal;
        while let Some(parent) = current.parent() {
            if parent.id() == cx.node.id() {
                break;
            }
            if parent.kind() == "for_statement" {
                in_loop = true;
                break;
            }
            current = parent;
        }
        let trigger = if in_loop {
            format!(
                "two of the goroutines this loop starts write `{map_text}` at the same time; the runtime detects it and kills the process (recover cannot catch it)"
            )
        } else {
            format!(
                "the goroutine writes `{map_text}` while this function or another goroutine uses it; the runtime detects it and kills the process (recover cannot catch it)"
            )
        };
        (literal, if in_loop { 0.6 } else { 0.4 }, trigger)
    } else {
        // Only maps that outlive the call: package variables, receiver
        // fields, parameters. (Cheap checks first: the last one reads the file.)
        let shared = match binding_at(cx, &root, at) {
            Some(b) => b.parameter,
            None => package_var(cx, &root).is_some(),
        };
        if !shared || !is_map(cx, map, at) || !launched_as_goroutine(cx) {
            return None;
        }
        let trigger = format!(
            "the file starts {} as a goroutine more than once, and two of them write `{map_text}` at the same time; the runtime detects it and kills the process (recover cannot catch it)",
            cx.function.name
        );
        (cx.node, 0.5, trigger)
    };
    if locked_before(cx, scope, at) {
        return None;
    }
    Some(Finding::new(
        FailureClass::RaceCondition,
        likelihood,
        "fatal error",
        "fatal error: concurrent map writes",
        trigger,
        format!(
            "Predicted fatal error: concurrent map writes to {} from goroutines without a lock",
            one_line(&map_text, 30)
        ),
    ))
}

fn nil_map_write(m: &Match, cx: &FnCx) -> Option<Finding> {
    let map = m.get("map")?;
    let at = m.hazard.start_byte();
    let map_text = cx.text(map);
    let error = "panic: assignment to entry in nil map";
    match map.kind() {
        "identifier" => {
            if let Some(b) = binding_at(cx, &map_text, at) {
                // Only `var m map[K]V`, with nothing assigned since.
                if b.statement.kind() != "var_spec"
                    || b.value.is_some()
                    || !b.ty.is_some_and(is_map_type)
                    || assigned_within(cx, cx.node, &map_text, b.at, at)
                    || guarded_by_any(cx, m.hazard, &[&map_text])
                {
                    return None;
                }
                return Some(
                    Finding::new(
                        FailureClass::NullOrNone,
                        0.9,
                        "runtime.Error",
                        error,
                        format!(
                            "every call: `var {map_text} {}` declares a nil map and nothing makes it before this write",
                            b.ty.map(|t| cx.text(t)).unwrap_or_default()
                        ),
                        format!("Predicted panic: assignment to entry in nil map {map_text}: it is never made"),
                    )
                    .manifest(),
                );
            }
            let (ty, value) = package_var(cx, &map_text)?;
            if value.is_some() || !ty.is_some_and(is_map_type) {
                return None;
            }
            let root = cx.tree.root_node();
            if assigned_within(cx, root, &map_text, 0, usize::MAX)
                || guarded_by_any(cx, m.hazard, &[&map_text])
            {
                return None;
            }
            Some(Finding::new(
                FailureClass::NullOrNone,
                0.55,
                "runtime.Error",
                error,
                format!(
                    "the package-level `{map_text}` is declared without a value and nothing in this file makes it (unless another file's init does)"
                ),
                format!(
                    "Predicted panic: assignment to entry in nil map {map_text}: nothing makes it"
                ),
            ))
        }
        "selector_expression" => {
            let field = cx.text(map.child_by_field_name("field")?);
            let (owner, ty) = struct_field(cx, &field)?;
            if !is_map_type(ty) {
                return None;
            }
            let root = cx.tree.root_node();
            let initialised = descendants(root).into_iter().any(|n| match n.kind() {
                "keyed_element" => n.named_child(0).is_some_and(|k| cx.text(k) == field),
                "assignment_statement" => n.child_by_field_name("left").is_some_and(|l| {
                    children(l)
                        .iter()
                        .any(|t| cx.text(*t).ends_with(&format!(".{field}")))
                }),
                _ => false,
            });
            // A positional literal `S{make(map…)}` sets every field.
            let positional = descendants(root).into_iter().any(|n| {
                n.kind() == "composite_literal"
                    && n.child_by_field_name("type")
                        .is_some_and(|t| cx.text(t) == owner)
                    && n.child_by_field_name("body").is_some_and(|b| {
                        children(b)
                            .iter()
                            .any(|e| e.kind() != "keyed_element" && e.kind() != "comment")
                    })
            });
            // Only when this file shows how the value is made: its
            // constructor may live in another file of the package.
            let made_here = descendants(root).into_iter().any(|n| match n.kind() {
                "composite_literal" => n
                    .child_by_field_name("type")
                    .is_some_and(|t| cx.text(t) == owner),
                "call_expression" => {
                    callee_text(cx, n) == "new"
                        && arguments(n).first().is_some_and(|a| cx.text(*a) == owner)
                }
                _ => false,
            });
            if !made_here || initialised || positional || guarded_by_any(cx, m.hazard, &[&map_text])
            {
                return None;
            }
            Some(Finding::new(
                FailureClass::NullOrNone,
                0.45,
                "runtime.Error",
                error,
                format!(
                    "this file makes {owner} values without `{field}`, and nothing in it makes the map, so `{field}` is nil"
                ),
                format!(
                    "Predicted panic: assignment to entry in nil map {map_text}: {owner}.{field} is never made"
                ),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::simulate_parse;

    #[test]
    fn foreign_layouts_fail_like_go() {
        // Checked against go1.19 `time.Parse`.
        assert_eq!(
            simulate_parse("YYYY-MM-DD"),
            Some((
                "2024-03-10".to_owned(),
                "YYYY-MM-DD".to_owned(),
                "2024-03-10".to_owned()
            ))
        );
        assert_eq!(
            simulate_parse("%Y-%m-%d"),
            Some((
                "2024-03-10".to_owned(),
                "%Y-%m-%d".to_owned(),
                "2024-03-10".to_owned()
            ))
        );
        assert_eq!(
            simulate_parse("2006-01-02 HH:mm"),
            Some((
                "2024-03-10 09:30".to_owned(),
                " HH:mm".to_owned(),
                "09:30".to_owned()
            ))
        );
        assert_eq!(
            simulate_parse("02.01.YYYY"),
            Some((
                "10.03.2024".to_owned(),
                ".YYYY".to_owned(),
                "2024".to_owned()
            ))
        );
        assert_eq!(
            simulate_parse("DD/01/2006").map(|(_, layout, value)| (layout, value)),
            Some(("DD/".to_owned(), "10/03/2024".to_owned()))
        );
        assert_eq!(simulate_parse("2006-01-02T15:04:05Z07:00"), None);
        assert_eq!(simulate_parse("Jan _2 15:04:05"), None);
    }
}
