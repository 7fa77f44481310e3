//! Java stack traces: `pkg.SomeException: message`, `\tat pkg.Class.method(File.java:18)`
//! frames, `Caused by:` sections and `... N more` elisions. The root cause
//! (the last `Caused by`) is what failed; its elided frames are the last N
//! of the section before it.

use super::{frame, is_exception_name};
use crate::Failure;
use failcast_core::scenario::Frame;

struct Section<'a> {
    header: &'a str,
    frames: Vec<Frame>,
    more: usize,
}

pub fn parse(lines: &[&str]) -> Option<Failure> {
    if !lines
        .iter()
        .any(|l| l.trim_start().starts_with("at ") && l.contains(".java:"))
        && !lines.iter().any(|l| l.contains("(Native Method)"))
    {
        return None;
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut trace = Vec::new();
    for line in lines {
        let trimmed = line.trim();
        if let Some(at) = trimmed.strip_prefix("at ") {
            trace.push(*line);
            if let Some(section) = sections.last_mut()
                && let Some(f) = java_frame(at)
            {
                section.frames.push(f);
            }
        } else if let Some(rest) = trimmed.strip_prefix("...") {
            trace.push(*line);
            if let Some(section) = sections.last_mut() {
                section.more = rest
                    .trim()
                    .trim_end_matches("more")
                    .trim()
                    .parse()
                    .unwrap_or(0);
            }
        } else if let Some(header) = exception_header(trimmed) {
            trace.push(line.trim_start());
            sections.push(Section {
                header,
                frames: Vec::new(),
                more: 0,
            });
        } else if !sections.is_empty() && !trimmed.is_empty() {
            // A multi-line message belongs to its section's header.
            trace.push(line);
        }
    }
    // `... N more`: the last N frames are the enclosing trace's last N, so
    // each section's frames are completed from the one before it.
    let mut full: Vec<Frame> = Vec::new();
    let mut root: Option<&Section> = None;
    for section in &sections {
        let mut frames = section.frames.clone();
        let skip = full.len().saturating_sub(section.more);
        frames.extend(full[skip..].iter().cloned());
        full = frames;
        root = Some(section);
    }
    let root = root?;
    let frames = full;
    let (error_type, message) = match root.header.split_once(": ") {
        Some((t, m)) => (t.to_owned(), m.to_owned()),
        None => (root.header.trim_end_matches(':').to_owned(), String::new()),
    };
    Some(Failure {
        language: "java",
        error_type,
        message,
        frames,
        trace: trace.join("\n"),
    })
}

/// The exception part of `Caused by: X: m`, `Exception in thread "main" X: m`, `X: m`.
fn exception_header(line: &str) -> Option<&str> {
    let line = line
        .strip_prefix("Caused by: ")
        .or_else(|| line.strip_prefix("Suppressed: "))
        .unwrap_or(line);
    let line = match line.strip_prefix("Exception in thread \"") {
        Some(rest) => rest.split_once("\" ")?.1,
        None => line,
    };
    let name = line.split(": ").next()?.trim_end_matches(':');
    is_exception_name(name).then_some(line)
}

/// `com.shop.Gateway.charge(Gateway.java:18)` with an optional module prefix
/// (`java.base/`); the path is the package's directory plus the file.
fn java_frame(at: &str) -> Option<Frame> {
    let (symbol, location) = at.split_once('(')?;
    let symbol = symbol.rsplit('/').next()?;
    let location = location.trim_end_matches(')');
    let (file, line) = location.split_once(':').unwrap_or((location, "0"));
    let line = line.parse().unwrap_or(0);
    let class = symbol.rsplit_once('.').map_or("", |(class, _)| class);
    let package = class.rsplit_once('.').map_or("", |(package, _)| package);
    let path = if file.ends_with(".java") || file.ends_with(".kt") {
        if package.is_empty() {
            file.to_owned()
        } else {
            format!("{}/{file}", package.replace('.', "/"))
        }
    } else {
        // Native Method, Unknown Source.
        String::new()
    };
    Some(frame(&path, symbol, line))
}
