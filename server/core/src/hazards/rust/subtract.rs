//! `rs.subtract`: unsigned subtraction that underflows when the right side is
//! larger: from a length, which is zero on empty input, and from a counter
//! that starts at zero and only grows inside a loop or a branch (`let mut
//! tot_width = 0; for col in cols { tot_width += col.width + 1 }; tot_width
//! -= 1`), which is still zero when the loop ran no time: html2text panicked
//! on a table row whose cells were all covered by a rowspan.

use super::*;

pub(super) fn subtract(m: &Match, cx: &FnCx) -> Option<Finding> {
    let left = cx.text(m.get("left")?);
    let right_node = m.get("right")?;
    let right = cx.text(right_node);
    // Only subtractions from a length or a counter that may not have
    // counted: they underflow on empty input.
    if !is_length(&left) {
        return counter_subtract(m, cx, &left, &right);
    }
    let object = left
        .rsplit_once('.')
        .map_or(left.as_str(), |(o, _)| o)
        .to_owned();
    if cx.guarded(m.hazard, &[&object]) || cx.guarded(m.hazard, &[&right]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::Overflow,
        0.35,
        "panic",
        "attempt to subtract with overflow",
        format!(
            "`{}` is empty, so `{left} - {right}` goes below zero (a panic in debug builds, a huge wrapped value in release)",
            one_line(&object, 30)
        ),
        format!(
            "Predicted underflow: {} - {} when {} is empty",
            one_line(&left, 30),
            one_line(&right, 10),
            one_line(&object, 20)
        ),
    ))
}

/// How likely a counter that may still be zero underflows: below a
/// length's, since the loop usually runs.
const COUNTER: f32 = 0.25;

/// `left - right` or `left -= right` where `left` is a local counter
/// [`zero_unless_counted`] before the subtraction and nothing checks it.
fn counter_subtract(m: &Match, cx: &FnCx, left: &str, right: &str) -> Option<Finding> {
    // A constant taken off (`- 1`, `-= 1`): the fencepost of a count. A
    // value taken off a zero (`result -= offset`) is usually signed. Asked
    // first: every subtraction not from a length comes here, and only
    // these need the function's text.
    let constant = right
        .trim()
        .replace('_', "")
        .parse::<u64>()
        .is_ok_and(|k| k > 0);
    if !constant {
        return None;
    }
    let body = cx.own_text().to_owned();
    let before = body.get(..m.hazard.start_byte().checked_sub(cx.node.start_byte())?)?;
    if !zero_unless_counted(before, left) || cx.guarded(m.hazard, &[left]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::Overflow,
        COUNTER,
        "panic",
        "attempt to subtract with overflow",
        format!(
            "the loop that adds to `{left}` runs no time (an empty list, every item skipped), so `{left}` is still 0 when {} is taken from it",
            one_line(right, 10)
        ),
        format!(
            "Predicted underflow: {left} - {} when nothing was added to {left}",
            one_line(right, 10)
        ),
    ))
}

/// Whether `before` declares `name` as a mutable zero (`let mut n = 0;`,
/// `0usize`, `0_u32`; not a signed `0i64`) and afterwards only adds to it, every time deeper in
/// than the declaration (inside a loop or a branch), or sets it there, so
/// that on some path it is still zero.
fn zero_unless_counted(before: &str, name: &str) -> bool {
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return false;
    }
    let indent = |line: &str| line.len() - line.trim_start().len();
    let declaration = format!("let mut {name}");
    let mut declared_at: Option<usize> = None;
    let mut added = false;
    for line in before.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix(&declaration) {
            let value = rest
                .split_once('=')
                .map(|(_, v)| v.trim().trim_end_matches(';').replace('_', ""))
                .unwrap_or_default();
            let zero = value == "0"
                || value.strip_prefix('0').is_some_and(|t| {
                    t.starts_with('u') && t[1..].chars().all(|c| c.is_ascii_alphanumeric())
                });
            declared_at = zero.then(|| indent(line));
            added = false;
            continue;
        }
        let Some(at) = declared_at else {
            continue;
        };
        let Some(rest) = trimmed.strip_prefix(name) else {
            continue;
        };
        let rest = rest.trim_start();
        let assigned = rest.starts_with('=') && !rest.starts_with("==");
        if rest.starts_with("+=") || assigned {
            if indent(line) <= at {
                // Counted (or set) on every path.
                return false;
            }
            added = true;
        } else if rest.starts_with("-=") {
            return false;
        }
    }
    declared_at.is_some() && added
}
