//! Go panics and fatal errors: `panic: message` (or `fatal error: …`), then
//! goroutine dumps. The first goroutine is the one that panicked; the others
//! (printed after `fatal error`s) are context, not the failure, so only its
//! frames are kept, minus the runtime's own.

use super::frame;
use crate::Failure;

pub fn parse(lines: &[&str]) -> Option<Failure> {
    let start = lines
        .iter()
        .position(|l| l.starts_with("panic: ") || l.starts_with("fatal error: "))?;
    let header = lines[start];
    let (kind, message) = header.split_once(": ")?;
    let message = message.trim_end_matches(" [recovered]").to_owned();
    let (error_type, message) = match message.strip_prefix("runtime error: ") {
        Some(rest) => ("runtime error".to_owned(), rest.to_owned()),
        None if kind == "fatal error" => ("fatal error".to_owned(), message),
        None => ("panic".to_owned(), message),
    };
    let mut frames = Vec::new();
    let mut trace = vec![header];
    let mut in_goroutine = false;
    let mut function: Option<&str> = None;
    for line in &lines[start + 1..] {
        if line.starts_with("goroutine ") {
            if in_goroutine {
                break;
            }
            in_goroutine = true;
            trace.push(line);
            continue;
        }
        trace.push(line);
        if !in_goroutine {
            continue;
        }
        if line.trim().is_empty() {
            break;
        }
        if let Some(location) = line.strip_prefix('\t') {
            let location = location.split(" +0x").next().unwrap_or(location);
            if let (Some(f), Some((path, line))) = (function.take(), location.rsplit_once(':'))
                && let Ok(line) = line.trim().parse()
                && !f.starts_with("runtime.")
                && !f.starts_with("panic(")
            {
                frames.push(frame(path, f, line));
            }
        } else {
            let name = line.trim_start_matches("created by ");
            let name = name.split(" in goroutine").next().unwrap_or(name);
            // `main.(*Client).Charge(0x0, ...)`: the arguments are not part of the name.
            let name = match name.rfind('(') {
                Some(i) if name.ends_with(')') && i > 0 => &name[..i],
                _ => name,
            };
            function = Some(name);
        }
    }
    while trace.last().is_some_and(|l| l.trim().is_empty()) {
        trace.pop();
    }
    Some(Failure {
        language: "go",
        error_type,
        message,
        frames,
        trace: trace.join("\n"),
    })
}
