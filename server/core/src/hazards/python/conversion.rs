//! `py.conversion`: `int()`/`float()` of text from outside, outside a handler
//! for ValueError; of a `.get()` lookup, a TypeError on None.

use super::*;

pub(super) fn conversion(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let arg = m.get("arg")?;
    if is_constant(cx, arg) || arg.kind() == "keyword_argument" {
        return None;
    }
    // `int(len(x))`, `int(x * 100)`, `float(a) / b`: numbers already.
    let arg_text = cx.text(arg);
    if matches!(arg.kind(), "binary_operator" | "comparison_operator")
        || [
            "len(", "round(", "time.", "sum(", "int(", "float(", "ord(", "count(", "math.",
        ]
        .iter()
        .any(|p| arg_text.starts_with(p))
    {
        return None;
    }
    let errors = [
        "ValueError",
        "TypeError",
        "InvalidOperation",
        "ArithmeticError",
    ];
    if cx.caught(m.hazard, &errors) {
        return None;
    }
    let arg_word = guard_word(&arg_text);
    if cx.guarded(m.hazard, &[&arg_word, "isdigit"])
        || cx.guarded(m.hazard, &[&arg_word, "isnumeric"])
        || cx.guarded(m.hazard, &[&arg_word, "isdecimal"])
        || cx.guarded(m.hazard, &[&arg_word, "match"])
    {
        return None;
    }
    let names = external_names(cx);
    let external = expression_origin(cx, arg, names);
    let likelihood = if external.is_some() { 0.5 } else { 0.3 };
    // `int(d.get("code", 1000))`: a lookup that may give None (the key is
    // absent, or present with a null value, where the default does not
    // apply) fails on None before any text is parsed.
    // The environment holds text only: `os.environ.get(k, default)` and
    // `os.getenv(k, default)` give None only without the default.
    let lookup = arg
        .child_by_field_name("function")
        .filter(|_| arg.kind() == "call")
        .map(|f| cx.text(f));
    let environment = lookup
        .as_deref()
        .is_some_and(|f| matches!(f, "os.environ.get" | "environ.get" | "os.getenv" | "getenv"));
    let defaulted = arg
        .child_by_field_name("arguments")
        .is_some_and(|a| a.named_child_count() >= 2);
    let may_be_none = if environment {
        !defaulted
    } else {
        lookup.as_deref().is_some_and(|f| f.ends_with(".get"))
    };
    if may_be_none {
        return Some(Finding::new(
            FailureClass::NullOrNone,
            likelihood,
            "TypeError",
            format!(
                "TypeError: {callee}() argument must be a string, a bytes-like object or a real number, not 'NoneType'"
            ),
            format!(
                "`{}` is None: the key is missing, or present with a null value",
                one_line(&arg_text, 40)
            ),
            format!("Predicted TypeError in {callee}() when the lookup gives None"),
        ));
    }
    let (error_type, error) = match callee.as_str() {
        "Decimal" => (
            "decimal.InvalidOperation",
            "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]".to_owned(),
        ),
        "float" => (
            "ValueError",
            "ValueError: could not convert string to float: 'N/A'".to_owned(),
        ),
        _ => (
            "ValueError",
            format!("ValueError: invalid literal for {callee}() with base 10: 'N/A'"),
        ),
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        likelihood,
        error_type,
        error,
        format!(
            "`{}` holds text that is not a number (\"N/A\", \"\", \"1,5\", \" 42 \\n\")",
            one_line(&arg_text, 40)
        ),
        format!("Predicted {error_type} in {callee}() when the text is not a number"),
    );
    if let Some(Origin::Parameter(name)) = external
        && name == arg_text
    {
        finding = finding.input(name, "'N/A'");
    } else if arg.kind() == "identifier" && cx.parameters().contains(&arg_text) {
        finding = finding.input(arg_text, "'N/A'");
    }
    Some(finding)
}
