//! `py.subscript`: a key or index read from data that came from outside, a
//! KeyError or IndexError when it is absent.

use super::*;

pub(super) fn origin_trigger(origin: &Origin, key: &str, what: &str) -> String {
    match origin {
        Origin::Http => format!(
            "the upstream API answers with an error body that has no {what} (e.g. HTTP 502 with an HTML page, or {{\"error\": \"rate limited\"}})"
        ),
        Origin::Document => format!("the decoded document has no {what}"),
        Origin::Request => format!("a client sends a request without {what}"),
        Origin::Environment => format!("the environment variable {key} is not set where this runs"),
        Origin::Argv => "the program is started without enough command-line arguments".to_owned(),
        Origin::Parameter(name) => format!("the caller passes `{name}` without {what}"),
        // Origins only the ECMAScript interpreter finds.
        _ => format!("the input has no {what}"),
    }
}

pub(super) fn origin_phrase(origin: &Origin) -> &'static str {
    match origin {
        Origin::Http => "when the upstream response has no such field",
        Origin::Document => "when the document lacks it",
        Origin::Request => "when a request omits it",
        Origin::Environment => "when the variable is unset",
        Origin::Argv => "when the argument is missing",
        // Parameters, and origins only the ECMAScript interpreter finds.
        _ => "when the input lacks it",
    }
}

pub(super) fn subscript(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let key = m.get("key")?;
    if key.kind() == "slice" {
        return None;
    }
    // Type subscripts (`list[int]`, `Dict[str, Any]`) are not lookups.
    if m.hazard
        .parent()
        .is_some_and(|p| p.kind() == "type" || p.kind() == "generic_type")
    {
        return None;
    }
    let names = external_names(cx);
    let origin = expression_origin(cx, object, names)?;
    let key_text = cx.text(key);
    let object_text = cx.text(object);
    let literal = string_contents(&key_text);
    let is_index = literal.is_none() && (key.kind() == "integer" || key.kind() == "unary_operator");
    let is_list_source = matches!(origin, Origin::Argv);
    // `sys.argv[0]` is the program's own name: always there.
    if is_list_source && key_text.trim() == "0" {
        return None;
    }
    // Report the innermost unguarded lookup of a chain: it fails first.
    if object.kind() == "subscript" && subscript_flagged(object, cx, names) {
        return None;
    }
    let errors: &[&str] = if is_index || is_list_source {
        &["IndexError", "LookupError", "KeyError", "TypeError"]
    } else {
        &["KeyError", "LookupError", "TypeError", "IndexError"]
    };
    if cx.caught(m.hazard, errors) {
        return None;
    }
    let object_word = guard_word(&object_text);
    let key_word = guard_word(&key_text);
    if is_index || is_list_source {
        // `if parts:` says there is a first and a last part, not a second.
        let position = key_text.trim().parse::<i64>().ok().filter(|_| is_index);
        let reaches = |text: &str| {
            crate::hazards::guards::covers_constant_index(cx.language, text, &object_word, position)
        };
        if crate::hazards::guards::guarded_by(cx.language, m.hazard, cx.node, cx.rope, &reaches) {
            return None;
        }
    } else if cx.guarded(m.hazard, &[&object_word, &key_word])
        || cx.guarded(m.hazard, &[&key_word, "in"])
    {
        return None;
    }
    let likelihood = crate::hazards::origin::weight(crate::language::Language::Python, &origin);
    let mut finding = if is_index || is_list_source {
        let what = format!("element {key_text}");
        Finding::new(
            FailureClass::IndexOutOfRange,
            likelihood,
            "IndexError",
            "IndexError: list index out of range",
            match &origin {
                Origin::Argv => origin_trigger(&origin, &key_text, &what),
                _ => format!(
                    "{} (an empty or shorter list)",
                    origin_trigger(&origin, &key_text, &what)
                ),
            },
            format!(
                "Predicted IndexError on {} {}",
                one_line(&object_text, 40),
                "when the list is shorter than expected"
            ),
        )
    } else {
        let shown = match literal {
            Some(k) => format!("'{k}'"),
            None => key_text.clone(),
        };
        let what = match literal {
            Some(k) => format!("\"{k}\""),
            None => format!("the key `{key_text}`"),
        };
        Finding::new(
            FailureClass::KeyMissing,
            likelihood,
            "KeyError",
            format!("KeyError: {shown}"),
            origin_trigger(&origin, &key_text, &what),
            format!("Predicted KeyError {shown} {}", origin_phrase(&origin)),
        )
    };
    if let Origin::Parameter(name) = &origin {
        finding = finding.input(name.clone(), if is_index { "[]" } else { "{}" });
    }
    Some(finding)
}

/// Whether `subscript` itself would be reported (for chain de-duplication).
pub(super) fn subscript_flagged(
    subscript: Node,
    cx: &FnCx,
    names: &HashMap<String, Origin>,
) -> bool {
    let (Some(object), Some(key)) = (
        subscript.child_by_field_name("value"),
        subscript.child_by_field_name("subscript"),
    ) else {
        return false;
    };
    if key.kind() == "slice" || expression_origin(cx, object, names).is_none() {
        return false;
    }
    let errors = ["KeyError", "LookupError", "TypeError", "IndexError"];
    if cx.caught(subscript, &errors) {
        return false;
    }
    let object_word = guard_word(&cx.text(object));
    let key_word = guard_word(&cx.text(key));
    !cx.guarded(subscript, &[&object_word, &key_word]) && !cx.guarded(subscript, &[&key_word, "in"])
}
