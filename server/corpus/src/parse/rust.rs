//! Rust panics: `thread 'main' panicked at src/x.rs:18:5:` followed by the
//! message (Rust 1.73+), or the older `panicked at 'msg', src/x.rs:18:5`,
//! and the frames of a `stack backtrace:` when `RUST_BACKTRACE` was set.
//! Frames of the standard library and the panic machinery are left out:
//! they are the same for every panic.

use super::frame;
use crate::Failure;
use failcast_core::scenario::Frame;

pub fn parse(lines: &[&str]) -> Option<Failure> {
    let start = lines.iter().position(|l| l.contains("' panicked at "))?;
    let header = lines[start];
    let after = &header[header.find("' panicked at ")? + "' panicked at ".len()..];
    let (message, location) = if let Some(old) = after.strip_prefix('\'') {
        // Old format: 'message', src/main.rs:2:5
        let (message, location) = old.rsplit_once("', ")?;
        (message.to_owned(), location.to_owned())
    } else {
        let location = after.trim_end_matches(':').to_owned();
        let message = lines
            .get(start + 1)
            .filter(|l| !l.starts_with("note:") && !l.starts_with("stack backtrace:"))
            .map_or(String::new(), |l| l.trim().to_owned());
        (message, location)
    };
    let mut frames: Vec<Frame> = Vec::new();
    let mut trace = vec![header.trim_start()];
    let mut symbol: Option<&str> = None;
    for line in &lines[start + 1..] {
        trace.push(line);
        let trimmed = line.trim();
        if let Some(at) = trimmed.strip_prefix("at ") {
            if let (Some(function), Some((path, line))) = (symbol.take(), path_line(at))
                && !internal(function, path)
            {
                frames.push(frame(path, function, line));
            }
        } else if let Some((number, rest)) = trimmed.split_once(": ")
            && number.chars().all(|c| c.is_ascii_digit())
            && !number.is_empty()
        {
            symbol = Some(strip_hash(rest.trim()));
        }
    }
    if frames.is_empty()
        && let Some((path, line)) = path_line(&location)
    {
        // Without a backtrace only the panic's location is known; the
        // function is found from the line when the code is indexed.
        frames.push(frame(path, "", line));
    }
    Some(Failure {
        language: "rust",
        error_type: "panic".to_owned(),
        message,
        frames,
        trace: trace.join("\n"),
    })
}

/// `./src/x.rs:18:5` → (`src/x.rs`, 18).
fn path_line(text: &str) -> Option<(&str, usize)> {
    let mut parts = text.trim().rsplitn(3, ':');
    let last = parts.next()?;
    let middle = parts.next()?;
    match parts.next() {
        Some(path) => Some((path, middle.parse().ok()?)),
        None => Some((middle, last.parse().ok()?)),
    }
}

fn strip_hash(symbol: &str) -> &str {
    match symbol.rsplit_once("::h") {
        Some((name, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            name
        }
        _ => symbol,
    }
}

fn internal(function: &str, path: &str) -> bool {
    [
        "std::",
        "core::",
        "alloc::",
        "rust_begin_unwind",
        "__rust",
        "<std::",
        "<core::",
        "<alloc::",
    ]
    .iter()
    .any(|p| function.starts_with(p))
        || path.starts_with("/rustc/")
}
