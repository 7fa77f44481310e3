//! `py.assert-input`: input validated by `assert`: an AssertionError on bad
//! input, and no check at all under `python -O`.

use super::*;

pub(super) fn assert_input(m: &Match, cx: &FnCx) -> Option<Finding> {
    let text = cx.text(m.hazard);
    let params = cx.parameters();
    let param = params.iter().find(|p| mentions(&text, p))?;
    let condition = text
        .trim_start_matches("assert")
        .split(',')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let message = text
        .split_once(',')
        .map(|(_, msg)| msg.trim().trim_matches(['"', '\'']).to_owned());
    Some(Finding::new(
        FailureClass::Assertion,
        0.35,
        "AssertionError",
        match message {
            Some(msg) if !msg.is_empty() => format!("AssertionError: {msg}"),
            _ => "AssertionError".to_owned(),
        },
        format!(
            "the caller passes a `{param}` for which `{}` is false (and under `python -O` the check silently disappears)",
            one_line(&condition, 40)
        ),
        format!("Predicted AssertionError on input `{param}`: assert is used to validate input"),
    ))
}
