//! `rs.panic`: `todo!`, `unimplemented!`, `unreachable!` and `panic!` left
//! where production input can reach them.

use super::*;

pub(super) fn panic(m: &Match, cx: &FnCx) -> Option<Finding> {
    let name = cx.text(m.get("name")?);
    let text = cx.text(m.hazard);
    let message = text
        .split_once('(')
        .map(|(_, rest)| rest.trim_end_matches(')').trim().to_owned())
        .and_then(|args| {
            string_contents(args.split(',').next().unwrap_or_default()).map(str::to_owned)
        })
        .unwrap_or_default();
    match name.as_str() {
        "todo" | "unimplemented" => Some(
            Finding::new(
                FailureClass::Other,
                0.9,
                "panic",
                if name == "todo" {
                    format!(
                        "not yet implemented{}",
                        if message.is_empty() {
                            String::new()
                        } else {
                            format!(": {message}")
                        }
                    )
                } else {
                    format!(
                        "not implemented{}",
                        if message.is_empty() {
                            String::new()
                        } else {
                            format!(": {message}")
                        }
                    )
                },
                format!(
                    "any call that reaches `{}` in {}",
                    one_line(&text, 30),
                    cx.function.name
                ),
                format!("Predicted panic: {name}!() is reached in production"),
            )
            .manifest(),
        ),
        "unreachable" => Some(Finding::new(
            FailureClass::Assertion,
            0.15,
            "panic",
            format!(
                "internal error: entered unreachable code{}",
                if message.is_empty() {
                    String::new()
                } else {
                    format!(": {message}")
                }
            ),
            "an input the code assumed impossible arrives (a new enum variant from a newer client, a state the invariant missed)",
            "Predicted panic: unreachable!() is reached by an unexpected input",
        )),
        _ => Some(Finding::new(
            FailureClass::Assertion,
            0.3,
            "panic",
            if message.is_empty() {
                "explicit panic".to_owned()
            } else {
                message.clone()
            },
            "the condition that leads to this panic! occurs in production",
            format!(
                "Predicted panic: {}",
                if message.is_empty() {
                    "explicit panic!".to_owned()
                } else {
                    one_line(&message, 50)
                }
            ),
        )),
    }
}
