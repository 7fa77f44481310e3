//! `ecma.json-parse`: `JSON.parse` of text from outside, outside a `try`.

use super::*;

pub(super) fn json_parse(m: &Match, cx: &FnCx) -> Option<Finding> {
    let arg = m.get("arg")?;
    let arg_text = cx.text(arg);
    // Constants and round-trips (`JSON.parse(JSON.stringify(x))`) are known JSON.
    if matches!(arg.kind(), "string" | "number" | "true" | "false" | "null")
        || arg.kind() == "template_string" && !arg_text.contains("${")
        || arg_text.starts_with("JSON.stringify(")
    {
        return None;
    }
    if handled(cx, m.hazard) {
        return None;
    }
    let facts = facts(cx);
    if facts.serialized.contains(&arg_text) {
        return None;
    }
    let origin = eval(cx, &facts, arg);
    let (error, trigger, summary, likelihood) = if arg_text.contains("process.env") {
        (
            "SyntaxError: \"undefined\" is not valid JSON",
            format!(
                "the environment variable in `{}` is not set (JSON.parse(undefined)) or holds plain text",
                one_line(&arg_text, 40)
            ),
            "Predicted SyntaxError in JSON.parse() when the variable is unset or not JSON",
            0.45,
        )
    } else if arg_text.contains("readFileSync") || arg_text.contains("readFile(") {
        (
            "SyntaxError: Unexpected end of JSON input",
            format!(
                "the file read by `{}` is empty or truncated (a partial write, a crash mid-save)",
                one_line(&arg_text, 40)
            ),
            "Predicted SyntaxError in JSON.parse() when the file is empty or truncated",
            0.3,
        )
    } else {
        let source = match origin.external() {
            Some(Origin::Request | Origin::Lambda) => "a client sends a body that is not JSON",
            _ => "the text is not JSON",
        };
        (
            "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
            format!(
                "{source}: `{}` holds an HTML error page from a proxy (\"<!DOCTYPE html>…502 Bad Gateway\"), an empty string or a truncated document",
                one_line(&arg_text, 40)
            ),
            "Predicted SyntaxError in JSON.parse() when the input is not JSON (an HTML error page, an empty body)",
            0.45,
        )
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        likelihood,
        "SyntaxError",
        error,
        trigger,
        summary,
    );
    if arg.kind() == "identifier" && cx.parameters().contains(&arg_text) {
        finding = finding.input(
            arg_text,
            "'<!DOCTYPE html><html><body>502 Bad Gateway</body></html>'",
        );
    }
    Some(finding)
}
