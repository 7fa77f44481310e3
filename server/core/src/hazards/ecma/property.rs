//! `ecma.property`: reading a property of a value that may be null or
//! undefined.

use super::*;

pub(super) fn property(m: &Match, cx: &FnCx) -> Option<Finding> {
    // Cheap exits first: this pattern matches every property read.
    let object = m.get("object")?;
    if matches!(
        object.kind(),
        "this" | "super" | "string" | "template_string" | "number"
    ) {
        return None;
    }
    let facts = facts(cx);
    let failure = access_failure(cx, &facts, m.hazard)?;
    // Report the innermost failing read of a chain: it throws first.
    if access_failure(cx, &facts, object).is_some() {
        return None;
    }
    let missing = &failure.missing;
    let key = (missing.container.clone(), missing.key.clone());
    if first_failure(cx, &facts, &key) != Some(m.hazard.id()) {
        return None;
    }
    let nothing = if missing.null { "null" } else { "undefined" };
    let reading = &failure.reading;
    let assigned = m.hazard.parent().is_some_and(|p| {
        p.kind() == "assignment_expression"
            && p.child_by_field_name("left")
                .is_some_and(|l| l.id() == m.hazard.id())
    });
    let (error, head) = if assigned {
        (
            format!("TypeError: Cannot set properties of {nothing} (setting '{reading}')"),
            format!("TypeError setting '{reading}'"),
        )
    } else {
        (
            format!("TypeError: Cannot read properties of {nothing} (reading '{reading}')"),
            format!("TypeError reading '{reading}'"),
        )
    };
    Some(missing_finding(cx, missing, error, &head))
}

/// The node of the first read that fails on the missing value `key`.
pub(super) fn first_failure(cx: &FnCx, facts: &Facts, key: &(String, String)) -> Option<usize> {
    if facts.first_failures.borrow().is_none() {
        let mut first: HashMap<(String, String), (usize, usize, usize)> = HashMap::new();
        let mut stack = vec![cx.node];
        while let Some(node) = stack.pop() {
            if indexed_function(cx, node) || matches!(node.kind(), "class_declaration" | "class") {
                continue;
            }
            if matches!(node.kind(), "member_expression" | "subscript_expression")
                && let Some(failure) = access_failure(cx, facts, node)
            {
                let order = (node.start_byte(), node.end_byte(), node.id());
                first
                    .entry((
                        failure.missing.container.clone(),
                        failure.missing.key.clone(),
                    ))
                    .and_modify(|seen| *seen = (*seen).min(order))
                    .or_insert(order);
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        let ids = first.into_iter().map(|(k, (_, _, id))| (k, id)).collect();
        *facts.first_failures.borrow_mut() = Some(ids);
    }
    facts
        .first_failures
        .borrow()
        .as_ref()
        .and_then(|map| map.get(key).copied())
}
