//! `java.division`: integer division or remainder by a value that may be zero.

use super::*;

/// A `static final` field or an ALL_CAPS name: a constant.
pub(super) fn is_constant(cx: &FnCx, node: Node, at: usize) -> bool {
    let text = cx.text(node);
    let name = text.rsplit('.').next().unwrap_or(&text);
    if name.len() > 1
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return true;
    }
    declared_expr(cx, node, at).is_some_and(|d| {
        d.field && {
            let modifiers = children(d.node)
                .into_iter()
                .find(|c| c.kind() == "modifiers")
                .map(|c| cx.text(c))
                .unwrap_or_default();
            mentions(&modifiers, "final") && mentions(&modifiers, "static")
        }
    })
}

pub(super) fn division(m: &Match, cx: &FnCx) -> Option<Finding> {
    let right = m.get("right")?;
    let left = m.get("left")?;
    let at = m.hazard.start_byte();
    if right.kind().ends_with("literal") || is_constant(cx, right, at) {
        return None;
    }
    // Floating-point division by zero is Infinity or NaN, not an exception.
    if numeric(cx, right, at) != Numeric::Integer || numeric(cx, left, at) != Numeric::Integer {
        return None;
    }
    let right_text = cx.text(right);
    if right_text.starts_with("Math.max(") {
        return None;
    }
    let inner = right_text
        .strip_suffix(".size()")
        .or_else(|| right_text.strip_suffix(".length()"))
        .or_else(|| right_text.strip_suffix(".length"))
        .unwrap_or(&right_text)
        .to_owned();
    if cx.caught(m.hazard, &["ArithmeticException"])
        || [&right_text, &inner]
            .iter()
            .any(|w| cx.guarded(m.hazard, &[w.as_str()]))
    {
        return None;
    }
    let collection = (inner != right_text).then_some(inner);
    let input = if is_parameter(cx, right, at) {
        Some((right_text.clone(), "0".to_owned()))
    } else {
        let empty = if right_text.ends_with(".size()") {
            "List.of()"
        } else {
            "\"\""
        };
        collection
            .as_ref()
            .filter(|c| declared(cx, c, at).is_some_and(|d| d.parameter))
            .map(|c| (c.clone(), empty.to_owned()))
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
