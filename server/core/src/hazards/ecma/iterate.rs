//! `ecma.iterate`: iterating a value that may be absent.

use super::*;

pub(super) fn iterate(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    if !matches!(
        object.kind(),
        "member_expression" | "subscript_expression" | "identifier"
    ) {
        return None;
    }
    let facts = facts(cx);
    let Value::Missing(missing) = eval(cx, &facts, object) else {
        return None;
    };
    // A failing read inside the iterable is reported on its own.
    if access_failure(cx, &facts, object).is_some() {
        return None;
    }
    if handled(cx, m.hazard) {
        return None;
    }
    let text = cx.text(object);
    let mut sets: Vec<Vec<String>> = vec![vec![text.clone()], words_of(&text)];
    sets.extend(missing.guards.iter().cloned());
    if sets.iter().any(|set| {
        let words: Vec<&str> = set.iter().map(String::as_str).collect();
        cx.guarded(object, &words)
    }) {
        return None;
    }
    let for_of = m.hazard.kind() == "for_in_statement";
    let (error, head) = if for_of {
        (
            format!("TypeError: {} is not iterable", one_line(&text, 60)),
            format!("TypeError: {} is not iterable", one_line(&text, 30)),
        )
    } else {
        (
            "TypeError: Cannot convert undefined or null to object".to_owned(),
            format!(
                "TypeError in {}()",
                m.get("callee")
                    .map(|c| format!("Object.{}", cx.text(c)))
                    .unwrap_or_default()
            ),
        )
    };
    Some(missing_finding(cx, &missing, error, &head).at(object.byte_range()))
}
