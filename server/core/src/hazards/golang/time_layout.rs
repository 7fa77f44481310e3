//! `go.time-layout`, `go.time-parse-utc`: layouts written in another language's
//! format (`YYYY-MM-DD`), which `time.Parse` rejects, and zone-less timestamps
//! parsed as UTC.

use super::*;

/// The text of a string literal or of a constant bound to one.
pub(super) fn literal_text(cx: &FnCx, node: Node) -> Option<String> {
    match node.kind() {
        "interpreted_string_literal" | "raw_string_literal" => {
            string_contents(&cx.text(node)).map(str::to_owned)
        }
        "identifier" => {
            let name = cx.text(node);
            let value = binding_at(cx, &name, node.start_byte())
                .filter(|b| b.statement.kind() == "const_spec")
                .and_then(|b| b.value)
                .or_else(|| package_const(cx, &name))?;
            literal_text(cx, value)
        }
        _ => None,
    }
}

/// Tokens of other languages' date formats, with a sample value for each.
pub(super) const FOREIGN_TOKENS: &[(&str, &str)] = &[
    ("YYYY", "2024"),
    ("yyyy", "2024"),
    ("%Y", "2024"),
    ("%m", "03"),
    ("%d", "10"),
    ("%H", "09"),
    ("%M", "30"),
    ("%S", "00"),
    ("MM", "03"),
    ("DD", "10"),
    ("dd", "10"),
    ("HH", "09"),
    ("hh", "09"),
    ("mm", "30"),
    ("ss", "00"),
    ("SS", "00"),
];

/// Go's reference-time elements, with the sample value each stands for.
pub(super) const GO_TOKENS: &[(&str, &str)] = &[
    ("2006", "2024"),
    ("Z07:00", "Z"),
    ("-07:00", "+01:00"),
    ("-0700", "+0100"),
    ("January", "March"),
    ("Monday", "Sunday"),
    ("Jan", "Mar"),
    ("Mon", "Sun"),
    ("MST", "CET"),
    ("01", "03"),
    ("02", "10"),
    ("15", "09"),
    ("04", "30"),
    ("05", "00"),
    ("PM", "AM"),
];

/// A sample timestamp in the format the author meant, and the part of the
/// layout Go reads literally where parsing stops: `(value, layout element,
/// value element)`.
pub(super) fn simulate_parse(layout: &str) -> Option<(String, String, String)> {
    let mut value = String::new();
    let mut offsets = Vec::new();
    let mut first_foreign: Option<usize> = None;
    let mut go_ends = Vec::new();
    let mut i = 0;
    while i < layout.len() {
        offsets.push((i, value.len()));
        let rest = &layout[i..];
        if let Some((token, sample)) = FOREIGN_TOKENS.iter().find(|(t, _)| rest.starts_with(t)) {
            first_foreign.get_or_insert(i);
            value.push_str(sample);
            i += token.len();
        } else if let Some((token, sample)) = GO_TOKENS.iter().find(|(t, _)| rest.starts_with(t)) {
            value.push_str(sample);
            i += token.len();
            go_ends.push(i);
        } else {
            let c = rest.chars().next()?;
            value.push(c);
            i += c.len_utf8();
        }
    }
    let bad = first_foreign?;
    // Go matches the literal text between its elements; parsing stops in the
    // literal stretch that holds the first foreign token.
    let literal_start = go_ends
        .iter()
        .copied()
        .filter(|e| *e <= bad)
        .max()
        .unwrap_or(0);
    let literal_end = GO_TOKENS
        .iter()
        .filter_map(|(t, _)| layout[bad..].find(t).map(|p| bad + p))
        .min()
        .unwrap_or(layout.len());
    let value_start = offsets
        .iter()
        .find(|(l, _)| *l == literal_start)
        .map_or(0, |(_, v)| *v);
    let prefix = &layout[literal_start..literal_end];
    let remaining = skip_literal(&value[value_start..], prefix);
    Some((value.clone(), prefix.to_owned(), remaining.to_owned()))
}

/// Go's `skip`: consumes the literal `prefix` from `value` as far as it
/// matches (a space matches any run of spaces) and returns what is left.
pub(super) fn skip_literal<'v>(mut value: &'v str, mut prefix: &str) -> &'v str {
    while let Some(p) = prefix.chars().next() {
        if p == ' ' {
            if value.chars().next().is_some_and(|v| v != ' ') {
                return value;
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        match value.chars().next() {
            Some(v) if v == p => {
                prefix = &prefix[p.len_utf8()..];
                value = &value[v.len_utf8()..];
            }
            _ => return value,
        }
    }
    value
}

pub(super) fn time_layout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let layout_node = m.get("layout")?;
    let layout = literal_text(cx, layout_node)?;
    let (sample, layout_elem, value_elem) = simulate_parse(&layout)?;
    let value = m.get("value")?;
    let value_text = cx.text(value);
    let mut finding = Finding::new(
        FailureClass::ParseError,
        0.9,
        "*time.ParseError",
        format!(
            "parsing time \"{sample}\" as \"{layout}\": cannot parse \"{value_elem}\" as \"{layout_elem}\""
        ),
        format!(
            "every input: \"{layout}\" is not Go layout syntax (Go spells a layout with the reference time \"2006-01-02 15:04:05\"), so time.Parse reads it as literal text"
        ),
        format!("Predicted time.ParseError for every input: \"{layout}\" is not a Go layout (use \"2006-01-02\")"),
    )
    .manifest();
    if value.kind() == "identifier"
        && binding_at(cx, &value_text, m.hazard.start_byte()).is_some_and(|b| b.parameter)
    {
        finding = finding.input(value_text, format!("\"{sample}\""));
    }
    Some(finding)
}

pub(super) fn time_parse_utc(m: &Match, cx: &FnCx) -> Option<Finding> {
    let layout = literal_text(cx, m.get("layout")?)?;
    // Broken layouts are reported by go.time-layout.
    if simulate_parse(&layout).is_some() {
        return None;
    }
    let zoned = ["MST", "Z07", "-07", "Z0700", "-0700"]
        .iter()
        .any(|z| layout.contains(z));
    let has_clock = ["15", "03", ":04"].iter().any(|t| layout.contains(t));
    if zoned || !has_clock {
        return None;
    }
    let body = cx.own_text().to_owned();
    let compares_now = ["time.Now()", "time.Since(", "time.Until("]
        .iter()
        .any(|f| body.contains(f));
    let thinks_in_utc = [
        ".UTC()",
        "time.UTC",
        "time.Local",
        ".In(",
        "ParseInLocation",
    ]
    .iter()
    .any(|f| body.contains(f));
    if !compares_now || thinks_in_utc {
        return None;
    }
    let value = cx.text(m.get("value")?);
    Some(Finding::new(
        FailureClass::TimezoneDst,
        0.35,
        "wrong result",
        "parsed \"2024-03-31 09:00\" as 2024-03-31 09:00:00 +0000 UTC; the author meant 09:00 Europe/Berlin (07:00 UTC)",
        format!(
            "`{}` is a local wall-clock time, but time.Parse reads a layout without a zone as UTC, so comparing it with time.Now() is off by the UTC offset (which itself changes at DST)",
            one_line(&value, 30)
        ),
        "Predicted off-by-hours comparison: time.Parse reads a zone-less layout as UTC, time.Now() is local",
    ))
}
