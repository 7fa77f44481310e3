//! `ecma.date-parse`: `new Date(text)` and `Date.parse` of zone-less or date-
//! only text, read as local time or UTC depending on the format.

use super::*;

/// `"2024-03-10T10:00:00Z"` and `"2024-03-10T10:00:00+02:00"` name an instant.
pub(super) fn has_zone(text: &str) -> bool {
    let text = text.trim();
    if text.ends_with('Z') || text.ends_with('z') || text.contains("GMT") || text.contains("UTC") {
        return true;
    }
    let bytes = text.as_bytes();
    // A trailing ±hh:mm or ±hhmm after a time.
    text.contains('T')
        && bytes.len() > 6
        && text[text.len().saturating_sub(6)..]
            .chars()
            .any(|c| c == '+' || c == '-')
        && text.rsplit(['+', '-']).next().is_some_and(|tail| {
            tail.chars().all(|c| c.is_ascii_digit() || c == ':') && tail.len() >= 4
        })
}

pub(super) fn is_date_only(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

pub(super) fn date_parse(m: &Match, cx: &FnCx) -> Option<Finding> {
    let arg = m.get("arg")?;
    let arg_text = cx.text(arg);
    let call = if m.hazard.kind() == "new_expression" {
        format!("new Date({})", one_line(&arg_text, 30))
    } else {
        format!("Date.parse({})", one_line(&arg_text, 30))
    };
    let literal = match arg.kind() {
        "string" => string_contents(&arg_text).map(str::to_owned),
        "template_string" if !arg_text.contains("${") => {
            string_contents(&arg_text).map(str::to_owned)
        }
        _ => None,
    };
    if let Some(literal) = literal {
        if has_zone(&literal) {
            return None;
        }
        if is_date_only(&literal) {
            // UTC midnight only shows as the wrong day through local getters.
            let body = cx.own_text().to_owned();
            let local_getters = [
                ".getDate()",
                ".getDay()",
                ".getMonth()",
                ".getFullYear()",
                "toLocaleDateString",
                "toDateString",
            ];
            if m.hazard.kind() != "new_expression"
                || !local_getters.iter().any(|g| body.contains(g))
            {
                return None;
            }
            return Some(Finding::new(
                FailureClass::TimezoneDst,
                0.3,
                "Date",
                format!(
                    "{call} is {literal}T00:00:00.000Z (UTC midnight): getDate() gives the day before west of UTC"
                ),
                "a date-only ISO string is parsed as UTC midnight, so local getters (getDate, toLocaleDateString) show the previous day for users west of UTC",
                format!(
                    "Predicted off-by-one day: {call} is UTC midnight, shown as the day before west of UTC"
                ),
            ));
        }
        return Some(Finding::new(
            FailureClass::TimezoneDst,
            0.5,
            "Date",
            format!(
                "{call} is parsed as local time: the instant shifts with the server's TZ and DST"
            ),
            format!(
                "\"{literal}\" has no zone, so it means a different instant on a UTC server, a developer laptop and across a DST change"
            ),
            format!("Predicted wrong instant: {call} has no zone and is read as local time"),
        ));
    }
    let facts = facts(cx);
    let external = eval(cx, &facts, arg).external().is_some();
    // `x as string` is a cast, not a name that says "string".
    let lower = cx.text(unwrap_casts(arg)).to_lowercase();
    let built = matches!(arg.kind(), "template_string" | "binary_expression")
        && (arg_text.contains('\'') || arg_text.contains('"') || arg_text.contains('`'));
    let stringy = ["str", "string", "text", "input", "raw", "iso"]
        .iter()
        .any(|w| {
            lower
                .rsplit(['.', '_'])
                .next()
                .is_some_and(|last| last.contains(w))
        });
    if !(external || built || stringy) {
        return None;
    }
    // A zone spelled out in a built string (`${day}T00:00:00Z`).
    if built
        && (arg_text.contains("Z`")
            || arg_text.contains("Z'")
            || arg_text.contains("Z\"")
            || arg_text.contains("+00:00"))
    {
        return None;
    }
    let word = guard_word_of(&arg_text);
    if ["test", "match", "isValid", "isNaN", "ISO"]
        .iter()
        .any(|check| cx.guarded(m.hazard, &[&word, check]))
    {
        return None;
    }
    // An Invalid Date throws once serialized.
    let body = cx.own_text().to_owned();
    let serialized = body.contains("toISOString()") || body.contains("JSON.stringify");
    let error = if serialized {
        "RangeError: Invalid time value".to_owned()
    } else {
        format!("{call} is Invalid Date, or local time for a zone-less string")
    };
    let mut finding = Finding::new(
        FailureClass::TimezoneDst,
        if external { 0.45 } else { 0.35 },
        if serialized { "RangeError" } else { "Date" },
        error,
        format!(
            "{} arrives without a zone or in another format (\"2024-03-10 10:00\", \"10/03/2024\"): V8 reads it as local time, or gives Invalid Date",
            code(&one_line(&arg_text, 40))
        ),
        format!(
            "Predicted wrong or Invalid Date from {call}: the string has no zone or format check"
        ),
    );
    if arg.kind() == "identifier" && cx.parameters().contains(&arg_text) {
        finding = finding.input(arg_text, "'10/03/2024'");
    }
    Some(finding)
}
