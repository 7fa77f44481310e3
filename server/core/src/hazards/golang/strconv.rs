//! `go.strconv-ignored-error`: a `strconv` conversion whose error is dropped,
//! so bad input becomes a silent zero.

use super::*;

pub(super) fn strconv_ignored_error(m: &Match, cx: &FnCx) -> Option<Finding> {
    let function = cx.text(m.get("function")?);
    let arg = m.get("arg")?;
    let value = cx.text(m.get("value")?);
    if matches!(
        arg.kind(),
        "interpreted_string_literal" | "raw_string_literal" | "int_literal"
    ) {
        return None;
    }
    if m.hazard.kind() == "assignment_statement"
        && m.hazard
            .child_by_field_name("operator")
            .is_some_and(|op| op.kind() != "=")
    {
        return None;
    }
    let arg_text = cx.text(arg);
    // A regexp submatch (`m[2]` of `(\d+)`) is digits by construction.
    if arg.kind() == "index_expression"
        && arg.child_by_field_name("operand").is_some_and(|o| {
            matches!(
                slice_source(cx, o, m.hazard.start_byte()),
                Some(Source::Submatch { .. })
            )
        })
    {
        return None;
    }
    // Validated input (`if !isDigits(s) { return }`) parses.
    if guarded_by_any(cx, m.hazard, &[&arg_text]) {
        return None;
    }
    // `if on, _ := strconv.ParseBool(s); on { … }`: false is the default.
    if let Some(parent) = m.hazard.parent()
        && parent.kind() == "if_statement"
        && parent
            .child_by_field_name("condition")
            .is_some_and(|c| mentions(&cx.text(c), &value))
    {
        return None;
    }
    // A zero result that the code checks right after is handled on purpose.
    if let Some(next) = m.hazard.next_named_sibling()
        && next.kind() == "if_statement"
        && next
            .child_by_field_name("condition")
            .is_some_and(|c| mentions(&cx.text(c), &value))
    {
        return None;
    }
    let (bad, zero, examples) = match function.as_str() {
        "ParseBool" => ("yes", "false", "\"yes\", \"on\", \"\""),
        _ => ("N/A", "0", "\"N/A\", \"\", \"1,5\", \" 42\""),
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        0.45,
        "*strconv.NumError",
        format!("strconv.{function}: parsing \"{bad}\": invalid syntax"),
        format!(
            "`{}` is not what strconv.{function} accepts ({examples}): it returns {zero} and the discarded error said so, so the code carries on with {value} = {zero}",
            one_line(&arg_text, 30)
        ),
        format!(
            "Predicted silent {value} = {zero} when {} is not valid: the strconv.{function} error is discarded",
            one_line(&arg_text, 30)
        ),
    );
    if arg.kind() == "identifier"
        && binding_at(cx, &arg_text, m.hazard.start_byte()).is_some_and(|b| b.parameter)
    {
        finding = finding.input(arg_text, format!("\"{bad}\""));
    }
    Some(finding)
}
