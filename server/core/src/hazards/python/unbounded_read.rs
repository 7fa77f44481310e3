//! `py.unbounded-read`: reading a whole request, file or socket with no size
//! limit.

use super::*;

pub(super) fn unbounded_read(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = cx.text(m.get("object")?);
    let args = m.get("args")?;
    if args.named_child_count() > 0 {
        return None;
    }
    let lower = object.to_lowercase();
    let external = [
        "stdin",
        "request",
        "req.",
        "resp",
        "upload",
        "stream",
        "socket",
        "sock",
        "conn",
        ".raw",
        "body",
        "urlopen",
        "files[",
        "file_storage",
        "wfile",
        "rfile",
    ]
    .iter()
    .any(|marker| lower.contains(marker));
    if !external {
        return None;
    }
    if cx.guarded(m.hazard, &["content_length"]) || cx.guarded(m.hazard, &["MAX_CONTENT_LENGTH"]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::ResourceExhaustion,
        0.35,
        "MemoryError",
        "MemoryError",
        format!(
            "a client sends a multi-gigabyte body and `{}` reads all of it into memory",
            one_line(&object, 40)
        ),
        format!(
            "Predicted MemoryError: {}.read() has no size limit",
            one_line(&object, 30)
        ),
    ))
}
