//! `rs.truncating-cast`: `as` casts to a narrower integer, which wrap silently.

use super::*;

pub(super) fn truncating_cast(m: &Match, cx: &FnCx) -> Option<Finding> {
    let value = m.get("value")?;
    let ty = cx.text(m.get("type")?);
    if is_literal(value) {
        return None;
    }
    let text = cx.text(value);
    let wide = is_length(&text)
        || [
            "as_millis()",
            "as_micros()",
            "as_nanos()",
            "as_secs()",
            "timestamp",
            "len",
        ]
        .iter()
        .any(|w| text.contains(w))
        || parameter_types(cx).get(&text).is_some_and(|t| {
            matches!(
                t.as_str(),
                "u64" | "i64" | "usize" | "u128" | "i128" | "isize"
            )
        });
    if !wide {
        return None;
    }
    if cx.guarded(m.hazard, &[&text]) {
        return None;
    }
    let max = match ty.as_str() {
        "u8" => "255",
        "i8" => "127",
        "u16" => "65535",
        "i16" => "32767",
        "u32" => "4294967295",
        _ => "2147483647",
    };
    Some(Finding::new(
        FailureClass::Overflow,
        0.3,
        "truncation",
        format!(
            "silent truncation: `{} as {ty}` wraps past {max}",
            one_line(&text, 30)
        ),
        format!(
            "`{}` exceeds {max} (a large upload, a long uptime in milliseconds)",
            one_line(&text, 30)
        ),
        format!(
            "Predicted silent truncation: {} as {ty} wraps past {max}",
            one_line(&text, 30)
        ),
    ))
}
