//! `go.slice`: a slice expression whose bounds the data may not reach.

use super::*;

pub(super) fn slice(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let at = m.hazard.start_byte();
    let object_text = cx.text(object);
    let start = m.hazard.child_by_field_name("start");
    let end = m.hazard.child_by_field_name("end");
    let short = one_line(&cx.text(m.hazard), 40);

    // `s[:i]` / `s[i:]` where `i := strings.Index(…)` may be -1.
    for (bound, is_end) in [(end, true), (start, false)] {
        let Some(bound) = bound.filter(|b| b.kind() == "identifier") else {
            continue;
        };
        let name = cx.text(bound);
        let Some((call, haystack, needle)) = index_of_call(cx, &name, at) else {
            continue;
        };
        if guarded_by_any(cx, m.hazard, &[&name]) {
            return None;
        }
        let range = if is_end { "[:-1]" } else { "[-1:]" };
        return Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.45,
            "runtime.Error",
            format!("panic: runtime error: slice bounds out of range {range}"),
            format!("`{haystack}` does not contain {needle}, so {call} returns -1 into `{name}`"),
            format!(
                "Predicted panic: slice bounds out of range on {short} when {call} finds nothing"
            ),
        ));
    }

    // `s[:8]`, `s[7:]` on a string or slice from the caller.
    let Some(Source::Parameter { name, ty }) = slice_source(cx, object, at) else {
        return None;
    };
    // `s[1:]` and `s[:1]` mostly follow a look at `s[0]`; longer fixed
    // prefixes and suffixes (`id[:8]`, `token[7:]`) assume a format.
    if is_byte_slice(&ty) {
        return None;
    }
    let (bound, is_end) = match (start, end) {
        (_, Some(e)) if cx.int_value(e).is_some_and(|k| k > 1) => (e, true),
        (Some(s), None) if cx.int_value(s).is_some_and(|k| k > 1) => (s, false),
        _ => return None,
    };
    let k = cx.int_value(bound)?;
    if guarded_by_any(cx, m.hazard, &[&object_text]) {
        return None;
    }
    let what = if ty == "string" { "bytes" } else { "elements" };
    let (error, len) = if is_end {
        (
            format!(
                "panic: runtime error: slice bounds out of range [:{k}] with length {}",
                k - 1
            ),
            k - 1,
        )
    } else {
        (
            format!(
                "panic: runtime error: slice bounds out of range [{k}:{}]",
                k - 1
            ),
            k - 1,
        )
    };
    Some(
        Finding::new(
            FailureClass::IndexOutOfRange,
            0.35,
            "runtime.Error",
            error,
            format!(
                "`{name}` is shorter than {} (a caller passes {})",
                plural(k, &what[..what.len() - 1], what),
                plural(len, &what[..what.len() - 1], what)
            ),
            format!("Predicted panic: slice bounds out of range on {short} when {name} is shorter than {k}"),
        )
        .input(name, empty_value(&ty)),
    )
}
