//! `py.next-no-default`: `next()` without a default on an iterator that may be
//! empty.

use super::*;

pub(super) fn next_no_default(m: &Match, cx: &FnCx) -> Option<Finding> {
    if cx.caught(m.hazard, &["StopIteration"]) {
        return None;
    }
    let arg = m
        .hazard
        .child_by_field_name("arguments")
        .map(|a| match a.kind() {
            "generator_expression" => cx.text(a),
            _ => a.named_child(0).map(|n| cx.text(n)).unwrap_or_default(),
        })
        .unwrap_or_default();
    // Inside a generator, StopIteration becomes RuntimeError (PEP 479).
    Some(Finding::new(
        FailureClass::IndexOutOfRange,
        0.4,
        "StopIteration",
        "StopIteration",
        format!(
            "`{}` yields nothing (no element matches, or the input is empty)",
            one_line(&arg, 40)
        ),
        "Predicted StopIteration from next() when nothing matches: no default is given",
    ))
}
