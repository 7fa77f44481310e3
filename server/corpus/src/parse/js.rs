//! JavaScript error stacks as V8 prints them: `TypeError: message` then
//! `    at fn (/app/src/x.js:18:16)` or `    at /app/src/x.js:18:16`
//! frames, `async` callers included.

use super::{find_error as error_header, frame};
use crate::Failure;

pub fn parse(lines: &[&str]) -> Option<Failure> {
    let first_at = lines.iter().position(|l| {
        let t = l.trim_start();
        t.starts_with("at ")
            && (t.ends_with(')') || t.matches(':').count() >= 2)
            && l.len() > t.len()
    })?;
    // The error line is the nearest line above the frames that names an error.
    let header_at = lines[..first_at]
        .iter()
        .rposition(|l| error_header(l).is_some())?;
    let (error_type, message) = error_header(lines[header_at])?;
    let mut frames = Vec::new();
    let mut trace = vec![lines[header_at].trim_start()];
    for line in &lines[header_at + 1..] {
        let t = line.trim();
        let Some(at) = t.strip_prefix("at ") else {
            if frames.is_empty() {
                trace.push(line);
                continue;
            }
            break;
        };
        trace.push(line);
        let at = at.strip_prefix("async ").unwrap_or(at);
        let (function, location) = match at.strip_suffix(')').and_then(|a| a.rsplit_once(" (")) {
            Some((function, location)) => (function, location),
            None => ("", at),
        };
        if location.ends_with(".java") || location.contains(".java:") {
            return None;
        }
        let mut parts = location.rsplitn(3, ':');
        let (Some(_column), Some(line), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(line) = line.parse() else { continue };
        let path = path
            .trim_start_matches("file://")
            .trim_start_matches("webpack:///");
        frames.push(frame(path, function.trim_start_matches("new "), line));
    }
    Some(Failure {
        language: "javascript",
        error_type,
        message,
        frames,
        trace: trace.join("\n"),
    })
}
