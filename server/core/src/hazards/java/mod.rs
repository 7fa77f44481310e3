//! Java checks: `Map.get` results dereferenced without a null check, number
//! parsing without a `NumberFormatException` handler, array and list
//! indexing past the end, integer division, `java.net.http` clients and
//! requests without timeouts, shared `SimpleDateFormat`s, and collections
//! modified inside a for-each over themselves.
//!
//! Every rule first proves from declarations in the file what a value is (a
//! `Map`, a `List`, an `int`) and stays silent when it cannot: `list.get(0)`
//! and `map.get(k)` look the same, and a `double` divided by zero is
//! `Infinity`. Messages are what a current JDK prints, helpful
//! `NullPointerException` texts included (JDK 14+, with the local variable
//! names that `-g`, the Maven and Gradle default, keeps).

use tree_sitter::Node;

use super::division::{self, Divisor};
use super::tree::{children, descendants, plural};
use super::{Check, Finding, FnCx, Match};
use crate::hazards::guards::{mentions, string_contents};
use crate::scenario::FailureClass;
use crate::text::one_line;

mod array_index;
mod concurrent_modification;
mod http_timeout;
mod list_get;
mod map_get;
mod parse_number;
mod shared_date_format;
#[cfg(test)]
mod tests;
mod zero_divisor;

use array_index::*;
use concurrent_modification::*;
use http_timeout::*;
use list_get::*;
use map_get::*;
use parse_number::*;
use shared_date_format::*;
use zero_divisor::*;

pub(super) const CHECKS: &[(&str, Check)] = &[
    ("java.map-get-deref", map_get_deref),
    ("java.map-get-var", map_get_var),
    ("java.parse-number", parse_number),
    ("java.array-index", array_index),
    ("java.list-get", list_get),
    ("java.division", division),
    ("java.http-client-no-timeout", http_client_no_timeout),
    ("java.http-request-no-timeout", http_request_no_timeout),
    ("java.shared-date-format", shared_date_format),
    ("java.concurrent-modification", concurrent_modification),
];

const INTEGER_TYPES: &[&str] = &[
    "int", "long", "short", "byte", "char", "Integer", "Long", "Short", "Byte",
];

const FLOAT_TYPES: &[&str] = &["float", "double", "Float", "Double", "BigDecimal"];

const INDEX_ERRORS: &[&str] = &[
    "ArrayIndexOutOfBoundsException",
    "IndexOutOfBoundsException",
    "StringIndexOutOfBoundsException",
];

/// A declaration of a name visible in the method: a parameter, a local, a
/// loop variable or a field of an enclosing class.
#[derive(Clone, Copy)]
struct Declared<'t> {
    at: usize,
    ty: Node<'t>,
    value: Option<Node<'t>>,
    /// The declaring node (`formal_parameter`, `field_declaration`, …).
    node: Node<'t>,
    parameter: bool,
    field: bool,
}

/// Declarators of a declaration (`int a = 1, b;`) named `name`.
fn declarators<'t>(cx: &FnCx, node: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name("declarator", &mut cursor)
        .filter(|d| {
            d.child_by_field_name("name")
                .is_some_and(|n| cx.text(n) == name)
        })
        .collect()
}

/// The declaration of `name` in effect at byte `at`: the nearest local or
/// parameter before it, else a field of an enclosing class.
fn declared<'t>(cx: &FnCx<'_, 't>, name: &str, at: usize) -> Option<Declared<'t>> {
    let mut best: Option<Declared> = None;
    for node in descendants(cx.node) {
        if node.start_byte() >= at {
            continue;
        }
        let found = match node.kind() {
            "formal_parameter" | "spread_parameter" | "catch_formal_parameter" => {
                let name_node = node.child_by_field_name("name").or_else(|| {
                    children(node)
                        .into_iter()
                        .find(|c| c.kind() == "variable_declarator")
                        .and_then(|d| d.child_by_field_name("name"))
                });
                // `String... names` and `catch (A | B e)` have no type field.
                let ty = node.child_by_field_name("type").or_else(|| {
                    children(node).into_iter().find(|c| {
                        !matches!(c.kind(), "modifiers" | "variable_declarator" | "identifier")
                    })
                });
                match (name_node, ty) {
                    (Some(n), Some(ty)) if cx.text(n) == name => Some(Declared {
                        at: n.start_byte(),
                        ty,
                        value: None,
                        node,
                        parameter: node.kind() != "catch_formal_parameter"
                            && node
                                .parent()
                                .and_then(|p| p.parent())
                                .is_some_and(|f| f.id() == cx.node.id()),
                        field: false,
                    }),
                    _ => None,
                }
            }
            "local_variable_declaration" => {
                let ty = node.child_by_field_name("type");
                declarators(cx, node, name)
                    .into_iter()
                    .next()
                    .zip(ty)
                    .map(|(d, ty)| Declared {
                        at: d.start_byte(),
                        ty,
                        value: d.child_by_field_name("value"),
                        node,
                        parameter: false,
                        field: false,
                    })
            }
            "enhanced_for_statement" | "resource" => {
                let n = node.child_by_field_name("name");
                let ty = node.child_by_field_name("type");
                match (n, ty) {
                    (Some(n), Some(ty)) if cx.text(n) == name => Some(Declared {
                        at: n.start_byte(),
                        ty,
                        value: node.child_by_field_name("value"),
                        node,
                        parameter: false,
                        field: false,
                    }),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(found) = found
            && best.is_none_or(|b| b.at < found.at)
        {
            best = Some(found);
        }
    }
    best.or_else(|| field(cx, name))
}

/// A field of an enclosing class, enum or record.
fn field<'t>(cx: &FnCx<'_, 't>, name: &str) -> Option<Declared<'t>> {
    let mut current = cx.node;
    while let Some(parent) = current.parent() {
        if matches!(
            parent.kind(),
            "class_body" | "enum_body_declarations" | "interface_body" | "enum_body"
        ) {
            for member in children(parent) {
                if member.kind() != "field_declaration" && member.kind() != "constant_declaration" {
                    continue;
                }
                if let Some(d) = declarators(cx, member, name).into_iter().next()
                    && let Some(ty) = member.child_by_field_name("type")
                {
                    return Some(Declared {
                        at: d.start_byte(),
                        ty,
                        value: d.child_by_field_name("value"),
                        node: member,
                        parameter: false,
                        field: true,
                    });
                }
            }
        }
        current = parent;
    }
    None
}

/// The declaration behind an expression: `x`, `this.x`.
fn declared_expr<'t>(cx: &FnCx<'_, 't>, expr: Node<'t>, at: usize) -> Option<Declared<'t>> {
    match expr.kind() {
        "identifier" => declared(cx, &cx.text(expr), at),
        "field_access" => {
            let object = expr.child_by_field_name("object")?;
            if object.kind() != "this" {
                return None;
            }
            field(cx, &cx.text(expr.child_by_field_name("field")?))
        }
        _ => None,
    }
}

/// `Map<String, List<User>>` → `Map`.
fn erased(ty: &str) -> &str {
    let ty = ty.split('<').next().unwrap_or(ty).trim();
    ty.rsplit('.').next().unwrap_or(ty).trim_end_matches("[]")
}

/// The declared type of a declaration, with `var` resolved from `new T<…>(…)`.
fn type_text(cx: &FnCx, d: &Declared) -> String {
    let ty = cx.text(d.ty);
    if ty == "var"
        && let Some(value) = d.value
        && value.kind() == "object_creation_expression"
        && let Some(t) = value.child_by_field_name("type")
    {
        return cx.text(t);
    }
    ty
}

fn is_parameter(cx: &FnCx, node: Node, at: usize) -> bool {
    node.kind() == "identifier" && declared(cx, &cx.text(node), at).is_some_and(|d| d.parameter)
}

/// `x.length - 1` → `x`; `x.size() - 1` → `x`.
fn last_index_of(cx: &FnCx, index: Node) -> Option<String> {
    if index.kind() != "binary_expression" {
        return None;
    }
    let op = index.child_by_field_name("operator")?;
    let right = index.child_by_field_name("right")?;
    if op.kind() != "-" || cx.int_value(right)? < 1 {
        return None;
    }
    let left = cx.text(index.child_by_field_name("left")?);
    left.strip_suffix(".length")
        .or_else(|| left.strip_suffix(".size()"))
        .map(str::to_owned)
}

/// Whether the method is private: a helper whose callers keep its contract.
fn is_private(cx: &FnCx) -> bool {
    children(cx.node)
        .into_iter()
        .find(|c| c.kind() == "modifiers")
        .is_some_and(|m| mentions(&cx.text(m), "private"))
}

/// What an expression's type is, as far as the file shows.
#[derive(PartialEq)]
enum Numeric {
    Integer,
    Float,
    Unknown,
}

fn numeric(cx: &FnCx, node: Node, at: usize) -> Numeric {
    let of_type = |ty: &str| {
        if INTEGER_TYPES.contains(&ty) {
            Numeric::Integer
        } else if FLOAT_TYPES.contains(&ty) {
            Numeric::Float
        } else {
            Numeric::Unknown
        }
    };
    match node.kind() {
        "decimal_integer_literal"
        | "hex_integer_literal"
        | "octal_integer_literal"
        | "binary_integer_literal" => {
            if cx.text(node).ends_with(['f', 'F', 'd', 'D']) {
                Numeric::Float
            } else {
                Numeric::Integer
            }
        }
        "decimal_floating_point_literal" | "hex_floating_point_literal" => Numeric::Float,
        "parenthesized_expression" => node
            .named_child(0)
            .map_or(Numeric::Unknown, |n| numeric(cx, n, at)),
        "cast_expression" => node
            .child_by_field_name("type")
            .map_or(Numeric::Unknown, |t| of_type(&cx.text(t))),
        "identifier" | "field_access" => {
            if node.kind() == "field_access"
                && node
                    .child_by_field_name("field")
                    .is_some_and(|f| cx.text(f) == "length")
            {
                return Numeric::Integer;
            }
            declared_expr(cx, node, at).map_or(Numeric::Unknown, |d| of_type(&cx.text(d.ty)))
        }
        "method_invocation" => {
            let name = node
                .child_by_field_name("name")
                .map(|n| cx.text(n))
                .unwrap_or_default();
            match name.as_str() {
                "size" | "length" | "count" | "intValue" | "longValue" | "getAsInt" => {
                    Numeric::Integer
                }
                "doubleValue" | "floatValue" | "getAsDouble" | "random" => Numeric::Float,
                _ => Numeric::Unknown,
            }
        }
        "binary_expression" => {
            let sides: Vec<Numeric> = [
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ]
            .into_iter()
            .flatten()
            .map(|n| numeric(cx, n, at))
            .collect();
            if sides.contains(&Numeric::Float) {
                Numeric::Float
            } else if sides.iter().all(|s| *s == Numeric::Integer) {
                Numeric::Integer
            } else {
                Numeric::Unknown
            }
        }
        _ => Numeric::Unknown,
    }
}
