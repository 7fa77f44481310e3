//! Python tracebacks: `Traceback (most recent call last):`, `File "…", line
//! N, in f` frames (outermost first), then `Type: message`. With chained
//! exceptions the last traceback is the one that escaped, so it is the one kept.

use super::frame;
use crate::Failure;
use failcast_core::scenario::Frame;

const MARKER: &str = "Traceback (most recent call last):";

pub fn parse(lines: &[&str]) -> Option<Failure> {
    let start = lines.iter().rposition(|l| l.contains(MARKER))?;
    let mut frames = Vec::new();
    let mut error_line = None;
    let mut body = vec![lines[start].trim_start()];
    for line in &lines[start + 1..] {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("File \"") {
            body.push(line);
            if let Some(f) = file_frame(rest) {
                frames.push(f);
            }
        } else if line.starts_with(' ') || line.starts_with('\t') {
            // Source lines and carets under a frame.
            body.push(line);
        } else if !trimmed.is_empty() {
            body.push(line);
            error_line = Some(trimmed);
            break;
        }
    }
    frames.reverse();
    let (error_type, message) = match error_line {
        Some(line) => split_error(line),
        // A traceback cut before its last line still says where it failed.
        None => ("Exception".to_owned(), String::new()),
    };
    Some(Failure {
        language: "python",
        error_type,
        message,
        frames,
        trace: body.join("\n"),
    })
}

/// `"app/x.py", line 18, in charge` (after `File "`).
fn file_frame(rest: &str) -> Option<Frame> {
    let (path, rest) = rest.split_once('"')?;
    let rest = rest.trim_start_matches(',').trim();
    let rest = rest.strip_prefix("line ")?;
    let (line, rest) = rest.split_once(',').unwrap_or((rest, ""));
    let function = rest.trim().strip_prefix("in ").unwrap_or("").trim();
    Some(frame(path, function, line.trim().parse().ok()?))
}

/// `KeyError: 'charge'` → (`KeyError`, `'charge'`).
pub fn split_error(line: &str) -> (String, String) {
    match line.split_once(": ") {
        Some((t, m)) if !t.contains(' ') => (t.to_owned(), m.to_owned()),
        _ if !line.contains(' ') => (line.trim_end_matches(':').to_owned(), String::new()),
        _ => ("Exception".to_owned(), line.to_owned()),
    }
}
