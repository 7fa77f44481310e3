//! `py.datetime-parse`, `py.naive-datetime`: parsing timestamps with a fixed
//! format, and naive datetimes that shift across zones and DST.

use super::*;

pub(super) fn datetime_parse(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let args = m.get("args")?;
    let first = args.named_child(0)?;
    if first.kind() == "string" {
        return None;
    }
    if cx.caught(m.hazard, &["ValueError", "TypeError"]) {
        return None;
    }
    let format = args.named_child(1).map(|f| cx.text(f));
    let (error, trigger) = match (callee.as_str(), format) {
        ("strptime", Some(format)) => (
            format!("ValueError: time data '2024-03-10T02:30:00Z' does not match format {format}"),
            "the timestamp arrives in another format (ISO-8601 with a zone suffix, epoch seconds, or an empty string)".to_owned(),
        ),
        _ => (
            "ValueError: Invalid isoformat string: '10/03/2024'".to_owned(),
            "the date arrives in a non-ISO format (\"10/03/2024\", epoch milliseconds, or an empty string)".to_owned(),
        ),
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        0.4,
        "ValueError",
        error,
        trigger,
        format!("Predicted ValueError in {callee}() when the timestamp has another format"),
    );
    if first.kind() == "identifier" && cx.parameters().contains(&cx.text(first)) {
        finding = finding.input(cx.text(first), "'10/03/2024'");
    }
    Some(finding)
}

pub(super) fn naive_datetime(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = cx.text(m.get("object")?);
    let callee = cx.text(m.get("callee")?);
    let args = m.get("args")?;
    if !(object == "datetime" || object == "datetime.datetime" || object == "date") {
        return None;
    }
    if args.named_child_count() > 0 {
        return None;
    }
    // `datetime.utcnow().replace(tzinfo=timezone.utc)` is aware from the
    // start: the fix this rule asks for, written in one expression.
    let zoned_at_once = m
        .hazard
        .parent()
        .filter(|p| p.kind() == "attribute")
        .and_then(|p| p.parent())
        .is_some_and(|call| call.kind() == "call" && cx.text(call).contains("tzinfo"));
    if zoned_at_once {
        return None;
    }
    let body = cx.own_text().to_owned();
    let aware = [
        "timezone.utc",
        "tzinfo",
        "ZoneInfo(",
        "pytz",
        "astimezone",
        "tz=",
        "UTC)",
    ]
    .iter()
    .any(|marker| body.contains(marker));
    let arithmetic = body.contains("timedelta(");
    if aware {
        Some(Finding::new(
            FailureClass::TimezoneDst,
            0.6,
            "TypeError",
            "TypeError: can't compare offset-naive and offset-aware datetimes",
            format!(
                "the naive `{object}.{callee}()` meets a timezone-aware datetime in the same comparison or subtraction"
            ),
            format!("Predicted TypeError mixing naive {object}.{callee}() with aware datetimes"),
        ))
    } else if arithmetic && callee != "utcnow" && object != "date" {
        Some(Finding::new(
            FailureClass::TimezoneDst,
            0.35,
            "ValueError",
            "wrong local time: 2024-03-31 02:30 does not exist (clocks jump from 02:00 to 03:00)",
            "local wall-clock arithmetic crosses a daylight-saving change (the last Sunday of March or October in Europe): an hour is skipped or repeated",
            format!(
                "Predicted off-by-one-hour result: naive local {object}.{callee}() arithmetic across a DST change"
            ),
        ))
    } else {
        None
    }
}
