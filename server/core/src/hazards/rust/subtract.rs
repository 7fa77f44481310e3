//! `rs.subtract`: unsigned subtraction that underflows when the right side is
//! larger.

use super::*;

pub(super) fn subtract(m: &Match, cx: &FnCx) -> Option<Finding> {
    let left = cx.text(m.get("left")?);
    let right_node = m.get("right")?;
    let right = cx.text(right_node);
    // Only subtractions from a length: they underflow on empty input, and
    // lengths are unsigned.
    if !is_length(&left) {
        return None;
    }
    let object = left
        .rsplit_once('.')
        .map_or(left.as_str(), |(o, _)| o)
        .to_owned();
    if cx.guarded(m.hazard, &[&object]) || cx.guarded(m.hazard, &[&right]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::Overflow,
        0.35,
        "panic",
        "attempt to subtract with overflow",
        format!(
            "`{}` is empty, so `{left} - {right}` goes below zero (a panic in debug builds, a huge wrapped value in release)",
            one_line(&object, 30)
        ),
        format!(
            "Predicted underflow: {} - {} when {} is empty",
            one_line(&left, 30),
            one_line(&right, 10),
            one_line(&object, 20)
        ),
    ))
}
