//! `py.division`: division or modulo by a value that may be zero.

use super::*;

pub(super) fn division(m: &Match, cx: &FnCx) -> Option<Finding> {
    let right = m.get("right")?;
    let op = cx.text(m.get("op")?);
    // `"%s" % x` formats a string; `path / "file"` joins paths.
    if op.contains('%')
        && m.get("left")
            .is_some_and(|l| l.kind() == "string" || l.kind() == "concatenated_string")
    {
        return None;
    }
    if matches!(right.kind(), "string" | "concatenated_string") {
        return None;
    }
    // `fmt % {...}`, `template % (a, b)`, `self._fmt % token`: formatting
    // with a format string held in a variable.
    if op.contains('%') {
        let formatting_operand = matches!(right.kind(), "dictionary" | "tuple" | "list");
        let left_name = m
            .get("left")
            .map(|l| {
                cx.text(l)
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .to_lowercase()
            })
            .unwrap_or_default();
        let format_name = [
            "fmt", "format", "template", "msg", "message", "pattern", "text",
        ]
        .iter()
        .any(|w| left_name.contains(w));
        if formatting_operand || format_name {
            return None;
        }
    }
    if is_constant(cx, right) {
        let text = cx.text(right);
        let zero = text.trim_matches(['(', ')', ' ']).trim_start_matches('-');
        if zero != "0" && zero != "0.0" {
            return None;
        }
    }
    let right_text = cx.text(right);
    // `len(x)` is only zero for empty input; still worth a latent warning.
    let errors = ["ZeroDivisionError", "ArithmeticError"];
    if cx.caught(m.hazard, &errors) {
        return None;
    }
    let divisor = guard_word(&right_text);
    let inner = right_text
        .strip_prefix("len(")
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(&right_text);
    if cx.guarded(m.hazard, &[&divisor]) || cx.guarded(m.hazard, &[inner]) {
        return None;
    }
    // A denominator of `x or 1`, `max(x, 1)` is never zero.
    if right_text.contains(" or ") || right_text.starts_with("max(") {
        return None;
    }
    let params = cx.parameters();
    let input = if right.kind() == "identifier" && params.contains(&right_text) {
        Some((right_text.clone(), "0".to_owned()))
    } else if inner != right_text && params.iter().any(|p| p == inner) {
        Some((inner.to_owned(), "[]".to_owned()))
    } else {
        None
    };
    // Any divisor written `len(…)…` reads as a length in the trigger,
    // though only an exact `len(x)` names a parameter to empty.
    let collection = right_text.starts_with("len(").then(|| inner.to_owned());
    division::finding(
        cx,
        Divisor {
            op,
            text: right_text,
            collection,
            input,
        },
    )
}
