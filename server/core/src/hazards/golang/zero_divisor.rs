//! `go.division`: integer division or remainder by a value that may be zero.

use super::*;

pub(super) fn is_constant_name(cx: &FnCx, name: &str) -> bool {
    binding_at(cx, name, usize::MAX).is_some_and(|b| b.statement.kind() == "const_spec")
        || package_const(cx, name).is_some()
}

/// Whether an expression is an integer, as far as the file shows.
pub(super) fn is_integer(cx: &FnCx, node: Node, at: usize) -> bool {
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
pub(super) fn is_constant_conversion(cx: &FnCx, node: Node) -> bool {
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

pub(super) fn division(m: &Match, cx: &FnCx) -> Option<Finding> {
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
