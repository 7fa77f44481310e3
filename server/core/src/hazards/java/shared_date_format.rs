//! `java.shared-date-format`: a static `SimpleDateFormat`, which corrupts dates
//! when threads share it.

use super::*;

pub(super) fn shared_date_format(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let method = cx.text(m.get("method")?);
    let name = match object.kind() {
        "identifier" => cx.text(object),
        "field_access" => cx.text(object.child_by_field_name("field")?),
        _ => return None,
    };
    let d = field(cx, &name)?;
    if !matches!(erased(&cx.text(d.ty)), "SimpleDateFormat" | "DateFormat") {
        return None;
    }
    let modifiers = children(d.node)
        .into_iter()
        .find(|c| c.kind() == "modifiers")
        .map(|c| cx.text(c))
        .unwrap_or_default();
    if !mentions(&modifiers, "static") {
        return None;
    }
    // A local of the same name shadows the field.
    if declared(cx, &name, m.hazard.start_byte()).is_some_and(|l| !l.field) {
        return None;
    }
    let method_modifiers = children(cx.node)
        .into_iter()
        .find(|c| c.kind() == "modifiers")
        .map(|c| cx.text(c))
        .unwrap_or_default();
    if mentions(&method_modifiers, "synchronized") {
        return None;
    }
    let mut current = m.hazard;
    while let Some(parent) = current.parent() {
        if parent.id() == cx.node.id() {
            break;
        }
        if parent.kind() == "synchronized_statement" {
            return None;
        }
        current = parent;
    }
    let trigger = format!(
        "two threads (two requests on a server) call `{name}.{method}` at the same time: SimpleDateFormat keeps its working state in fields, so the calls corrupt each other"
    );
    if method == "parse" {
        Some(Finding::new(
            FailureClass::RaceCondition,
            0.45,
            "java.lang.NumberFormatException",
            "java.lang.NumberFormatException: multiple points",
            format!("{trigger} (other runs return a wrong date without an exception)"),
            format!(
                "Predicted NumberFormatException or wrong dates: static SimpleDateFormat {name} shared across threads"
            ),
        ))
    } else {
        Some(Finding::new(
            FailureClass::RaceCondition,
            0.35,
            "wrong result",
            "wrong result: format() returned \"2024-08-01\" for 2024-08-15 (no exception)",
            trigger,
            format!(
                "Predicted wrong dates from static SimpleDateFormat {name} shared across threads"
            ),
        ))
    }
}
