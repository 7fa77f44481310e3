//! `ecma.destructure`: destructuring a value that may be null or undefined.

use super::*;

pub(super) fn destructure(m: &Match, cx: &FnCx) -> Option<Finding> {
    let value = m.get("object")?;
    let pattern = m.get("pattern")?;
    let facts = facts(cx);
    let evaluated = eval(cx, &facts, value);
    let value_text = cx.text(value);
    if handled(cx, m.hazard) {
        return None;
    }
    if let Value::Missing(missing) = &evaluated {
        // `const { id } = body.user`
        let first = first_pattern_key(cx, pattern)?;
        let mut sets: Vec<Vec<String>> = vec![vec![value_text.clone()], words_of(&value_text)];
        sets.extend(missing.guards.iter().cloned());
        if sets.iter().any(|set| {
            let words: Vec<&str> = set.iter().map(String::as_str).collect();
            cx.guarded(m.hazard, &words)
        }) {
            return None;
        }
        let nothing = if missing.null { "null" } else { "undefined" };
        let finding = missing_finding(
            cx,
            missing,
            format!(
                "TypeError: Cannot destructure property '{first}' of '{}' as it is {nothing}.",
                one_line(&value_text, 40)
            ),
            &format!("TypeError destructuring '{first}'"),
        );
        return Some(finding.at(value.byte_range()));
    }
    // `const { user: { id } } = body`: the nested pattern reads from a
    // property that may be missing.
    evaluated.external()?;
    let mut cursor = pattern.walk();
    for part in pattern.named_children(&mut cursor) {
        if part.kind() != "pair_pattern" {
            continue;
        }
        let (Some(key), Some(inner)) = (
            part.child_by_field_name("key"),
            part.child_by_field_name("value"),
        ) else {
            continue;
        };
        if inner.kind() != "object_pattern" {
            continue;
        }
        let key = guard_key(&cx.text(key));
        let path = format!("{value_text}.{key}");
        let Value::Missing(missing) = read_property(&evaluated, &key, &value_text) else {
            continue;
        };
        let inner_key = first_pattern_key(cx, inner)?;
        let words: Vec<String> = words_of(&path);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        if cx.guarded(m.hazard, &words) {
            return None;
        }
        let nothing = if missing.null { "null" } else { "undefined" };
        let finding = missing_finding(
            cx,
            &missing,
            format!("TypeError: Cannot read properties of {nothing} (reading '{inner_key}')"),
            &format!("TypeError reading '{inner_key}'"),
        );
        return Some(finding.at(part.byte_range()));
    }
    None
}

/// The first property a destructuring pattern reads.
pub(super) fn first_pattern_key(cx: &FnCx, pattern: Node) -> Option<String> {
    let mut cursor = pattern.walk();
    let first = pattern.named_children(&mut cursor).find(|p| {
        matches!(
            p.kind(),
            "shorthand_property_identifier_pattern" | "pair_pattern" | "object_assignment_pattern"
        )
    })?;
    let key = match first.kind() {
        "pair_pattern" => first.child_by_field_name("key")?,
        "object_assignment_pattern" => first.child_by_field_name("left")?,
        _ => first,
    };
    Some(guard_key(&cx.text(key)))
}
