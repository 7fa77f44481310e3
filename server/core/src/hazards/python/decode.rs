//! `py.decode`: bytes from outside decoded strictly, a UnicodeDecodeError on
//! the first bad byte.

use super::*;

pub(super) fn decode(m: &Match, cx: &FnCx) -> Option<Finding> {
    let module = cx.text(m.get("module")?);
    let errors = [
        "ValueError",
        "JSONDecodeError",
        "YAMLError",
        "TOMLDecodeError",
        "DecodeError",
        "UnicodeDecodeError",
        "TypeError",
    ];
    if cx.caught(m.hazard, &errors) {
        return None;
    }
    let (error_type, error) = match module.as_str() {
        "yaml" => (
            "yaml.YAMLError",
            "yaml.scanner.ScannerError: mapping values are not allowed here",
        ),
        "tomllib" | "toml" => (
            "tomllib.TOMLDecodeError",
            "tomllib.TOMLDecodeError: Invalid value (at line 1, column 1)",
        ),
        _ => (
            "json.JSONDecodeError",
            "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        ),
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        0.45,
        error_type,
        error,
        "the input is not valid (an empty body, an HTML error page from a proxy, or a truncated document)",
        format!(
            "Predicted {} when the input is empty or not {}",
            error_type.rsplit('.').next().unwrap_or(error_type),
            if module == "json" || module.contains("json") {
                "JSON"
            } else {
                "well-formed"
            }
        ),
    );
    if let Some(arg) = m
        .hazard
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        && arg.kind() == "identifier"
        && cx.parameters().contains(&cx.text(arg))
    {
        finding = finding.input(cx.text(arg), "'<html>502 Bad Gateway</html>'");
    }
    Some(finding)
}
