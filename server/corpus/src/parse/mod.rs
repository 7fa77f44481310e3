//! Parsers for what production leaves behind: plain-text and JSON-lines
//! logs, the stack traces embedded in them (Python, Rust, Go, Java,
//! JavaScript), OpenTelemetry OTLP JSON exports and Markdown incident
//! documents.
//!
//! Parsing never fails: a line that cannot be understood is counted as
//! malformed and skipped, a line that is not UTF-8 is read as Latin-1 (the
//! usual other encoding in logs) and counted, and a trace cut short keeps
//! what it has. Events are handed to a sink one at a time, so a day of logs
//! never sits in memory as events.

mod go;
mod java;
mod js;
mod markdown;
mod otlp;
mod python;
mod rust;

use std::borrow::Cow;

use serde_json::Value;

use super::time;
use super::{Event, Failure};
use failcast_core::scenario::Frame;

/// What a document held besides its events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub lines: u64,
    /// Lines or records that could not be understood (invalid JSON, binary).
    pub malformed: u64,
    /// Lines that were not UTF-8 and were read as Latin-1.
    pub recoded: u64,
}

/// Parses one document (a file, or stdin) named `name`, handing each event
/// to `sink`.
pub fn parse_document(name: &str, bytes: &[u8], sink: &mut dyn FnMut(Event)) -> Counts {
    let lower = name.to_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") || bytes.starts_with(b"# ") {
        let mut counts = Counts::default();
        let text = decode_all(bytes, &mut counts);
        markdown::parse(&text, sink);
        counts.lines = count_lines(bytes);
        return counts;
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'['))
        && let Ok(value) = serde_json::from_slice::<Value>(bytes)
        && otlp::is_otlp(&value)
    {
        let mut counts = Counts {
            lines: count_lines(bytes),
            ..Counts::default()
        };
        counts.malformed = otlp::parse(&value, sink);
        return counts;
    }
    parse_lines(bytes, sink)
}

/// Lines as `parse_lines` counts them, whatever the format: a final newline
/// ends the last line rather than starting one. Counted on the bytes, since
/// decoding a Latin-1 line drops its `\r`, and with it a last line of `\r`.
fn count_lines(bytes: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

fn decode_all<'a>(bytes: &'a [u8], counts: &mut Counts) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(
            bytes
                .split(|b| *b == b'\n')
                .map(|line| decode(line, counts).into_owned())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// One line as text: UTF-8 when it is, else Latin-1 (every byte is a
/// character there, so nothing is lost and nothing fails).
fn decode<'a>(line: &'a [u8], counts: &mut Counts) -> Cow<'a, str> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match std::str::from_utf8(line) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            counts.recoded += 1;
            Cow::Owned(line.iter().map(|&b| b as char).collect())
        }
    }
}

/// Line-oriented logs: plain text or JSON lines, with multi-line traces
/// grouped under the log line that introduced them.
fn parse_lines(bytes: &[u8], sink: &mut dyn FnMut(Event)) -> Counts {
    let mut counts = Counts::default();
    let mut raw = bytes.split(|b| *b == b'\n').peekable();
    let mut block: Vec<Cow<str>> = Vec::new();
    let mut trace = false;
    while let Some(bytes_line) = raw.next() {
        if bytes_line.is_empty() && raw.peek().is_none() {
            break;
        }
        counts.lines += 1;
        let line = decode(bytes_line, &mut counts);
        if line.contains('\0') {
            counts.malformed += 1;
            continue;
        }
        let blank = line.trim().is_empty();
        let continues = !block.is_empty() && !block[0].trim_start().starts_with('{') && {
            let indented = !blank && line.starts_with([' ', '\t']);
            if indented {
                true
            } else if blank {
                trace
                    && raw.peek().is_some_and(|next| {
                        next.starts_with(b" ")
                            || next.starts_with(b"\t")
                            || next.starts_with(b"goroutine ")
                            || next.starts_with(b"Traceback")
                            || next.starts_with(b"During handling")
                            || next.starts_with(b"The above exception")
                    })
            } else if starts_failure(&line) {
                false
            } else if starts_trace(&line) {
                true
            } else if looks_like_header(&line) {
                false
            } else {
                trace
                    || raw.peek().is_some_and(|next| {
                        let t = next.trim_ascii_start();
                        t.starts_with(b"at ") && t.len() < next.len()
                    })
            }
        };
        if continues {
            trace = true;
            block.push(line);
            continue;
        }
        flush(&mut block, &mut counts, sink);
        if !blank {
            trace = has_trace_marker(&line);
            block.push(line);
        }
    }
    flush(&mut block, &mut counts, sink);
    counts
}

fn flush(block: &mut Vec<Cow<str>>, counts: &mut Counts, sink: &mut dyn FnMut(Event)) {
    if block.is_empty() {
        return;
    }
    let first = block[0].trim();
    if first.starts_with('{') {
        match serde_json::from_str::<Value>(first) {
            Ok(value) if otlp::is_otlp(&value) => counts.malformed += otlp::parse(&value, sink),
            Ok(value @ Value::Object(_)) => sink(json_event(&value)),
            _ => counts.malformed += 1,
        }
        block.clear();
        return;
    }
    // A process's last words (`panic: …`) have no log header to take apart.
    let (time, level, service, message) = if starts_failure(first) {
        (None, Some("FATAL".to_owned()), None, first)
    } else {
        parse_header(first)
    };
    let failure = if block.len() > 1 || has_trace_marker(message) {
        let mut lines: Vec<&str> = Vec::with_capacity(block.len());
        lines.push(message);
        lines.extend(block[1..].iter().map(|l| l.as_ref()));
        parse_trace(&lines)
    } else {
        None
    };
    let failure = failure.or_else(|| {
        level
            .as_deref()
            .is_some_and(|l| l == "ERROR" || l == "FATAL")
            .then(|| logged_error(message))
            .flatten()
    });
    sink(Event {
        time,
        level,
        service,
        message: message.to_owned(),
        failure,
    });
    block.clear();
}

/// An error logged on one line without a trace: `… failed: KeyError: 'x'`.
fn logged_error(message: &str) -> Option<Failure> {
    let (error_type, text) = find_error(message)?;
    Some(Failure {
        language: "log",
        error_type,
        message: text,
        frames: Vec::new(),
        trace: message.to_owned(),
    })
}

/// The first failure any trace parser finds in these lines.
pub fn parse_trace(lines: &[&str]) -> Option<Failure> {
    python::parse(lines)
        .or_else(|| rust::parse(lines))
        .or_else(|| go::parse(lines))
        .or_else(|| java::parse(lines))
        .or_else(|| js::parse(lines))
}

/// Splits a block of text (a JSON field, an OTLP attribute) into lines and
/// parses the trace in it.
pub fn parse_trace_text(text: &str) -> Option<Failure> {
    let lines: Vec<&str> = text.lines().collect();
    parse_trace(&lines)
}

fn has_trace_marker(line: &str) -> bool {
    line.contains("Traceback (most recent call last)")
        || line.contains("' panicked at ")
        || line.starts_with("panic: ")
        || line.starts_with("fatal error: ")
}

/// A line that begins or continues a trace even though it is not indented.
fn starts_trace(line: &str) -> bool {
    [
        "Traceback (most recent call last)",
        "Caused by: ",
        "Suppressed: ",
        "goroutine ",
        "stack backtrace:",
        "note: run with",
        "During handling of the above exception",
        "The above exception was the direct cause",
        "created by ",
        "[signal ",
        "Exception in thread \"",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

/// A line that starts a failure of its own (a process's last words on
/// stderr), never a continuation of the log line before it.
fn starts_failure(line: &str) -> bool {
    line.starts_with("panic: ")
        || line.starts_with("fatal error: ")
        || line.starts_with("thread '") && line.contains("' panicked at ")
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Whether a line starts a new log record (timestamp, level, JSON) rather
/// than continuing a trace.
fn looks_like_header(line: &str) -> bool {
    let b = line.as_bytes();
    if time::leading_iso(line).is_some() || b.first() == Some(&b'{') {
        return true;
    }
    if b.first() == Some(&b'[') {
        return true;
    }
    // LogHub-style `081109 203615 …` and syslog `Dec 10 06:55:46 …`.
    if b.len() > 7 && b[..6].iter().all(u8::is_ascii_digit) && b[6] == b' ' {
        return true;
    }
    if MONTHS.iter().any(|m| line.starts_with(m)) && b.get(3) == Some(&b' ') {
        return true;
    }
    let first = line.split([' ', ':']).next().unwrap_or("");
    level(first).is_some()
        || ["level=", "time=", "ts="]
            .iter()
            .any(|p| line.starts_with(p))
}

/// The normalised level a word names, if it names one.
fn level(word: &str) -> Option<&'static str> {
    let word = word.trim_matches(|c: char| matches!(c, '[' | ']' | ':' | '<' | '>'));
    let upper = word.to_ascii_uppercase();
    Some(match upper.as_str() {
        "TRACE" => "TRACE",
        "DEBUG" => "DEBUG",
        "INFO" | "NOTICE" => "INFO",
        "WARN" | "WARNING" => "WARN",
        "ERROR" | "ERR" | "SEVERE" => "ERROR",
        "FATAL" | "CRITICAL" | "CRIT" | "PANIC" | "EMERG" | "ALERT" => "FATAL",
        _ => return None,
    })
}

type Header<'a> = (Option<String>, Option<String>, Option<String>, &'a str);

/// Time, level, service and message of a plain-text log line.
fn parse_header(line: &str) -> Header<'_> {
    let mut rest = line.trim();
    let mut time = None;
    if let Some(inner) = rest.strip_prefix('[')
        && let Some(len) = time::leading_iso(inner)
    {
        time = Some(time::normalise(&inner[..len]));
        rest = inner[len..].trim_start_matches(']').trim_start();
    } else if let Some(len) = time::leading_iso(rest) {
        time = Some(time::normalise(&rest[..len]));
        rest = rest[len..].trim_start();
    }
    let mut found_level = None;
    let mut service = kv(line, "service=").map(str::to_owned);
    // `level=error` (logfmt) anywhere; else a level word among the first few.
    if let Some(value) = kv(line, "level=") {
        found_level = level(value);
        if let Some(msg) = kv_quoted(line, "msg=") {
            rest = msg;
        }
    } else {
        let mut offset = 0;
        for (i, word) in rest.split(' ').enumerate().take(6) {
            let python = word.split(':').next().unwrap_or(word);
            let is_upper = python.chars().all(|c| c.is_ascii_uppercase());
            if (i == 0 || is_upper || word.starts_with('['))
                && let Some(l) = level(python)
            {
                found_level = Some(l);
                let after = &rest[offset + word.len()..];
                // Python's `ERROR:root:message`.
                let after = match word.split_once(':') {
                    Some((_, logger_and_more)) if !logger_and_more.is_empty() => {
                        match logger_and_more.split_once(':') {
                            Some((logger, _)) if !logger.is_empty() => {
                                &rest[offset + python.len() + logger.len() + 2..]
                            }
                            _ => &rest[offset + python.len() + 1..],
                        }
                    }
                    _ => after,
                };
                rest = after.trim_start_matches([':', ' ', '-', '|']).trim_start();
                break;
            }
            offset += word.len() + 1;
        }
    }
    if found_level.is_some() && service.is_none() {
        let word = rest.split(' ').next().unwrap_or("");
        // `[name]` is left alone: it is a thread name as often as a service.
        let named = word.strip_suffix(':').or_else(|| {
            rest[word.len()..]
                .trim_start()
                .starts_with('[')
                .then_some(word)
        });
        if let Some(name) = named
            && !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        {
            service = Some(name.to_owned());
            rest = rest[word.len()..].trim_start();
        }
    }
    (time, found_level.map(str::to_owned), service, rest)
}

/// The value of `key` in a logfmt line (up to the next space).
fn kv<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line
        .match_indices(key)
        .find(|(i, _)| *i == 0 || line.as_bytes()[i - 1] == b' ')?
        .0;
    let value = &line[at + key.len()..];
    let value = value.split(' ').next()?.trim_matches('"');
    (!value.is_empty()).then_some(value)
}

/// A possibly quoted logfmt value (`msg="charge failed"`).
fn kv_quoted<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line.find(key)?;
    let value = &line[at + key.len()..];
    match value.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next(),
        None => value.split(' ').next(),
    }
}

/// A JSON-lines record: the usual field names of structured loggers
/// (Python's json loggers, pino, logrus/zap, logback's JSON encoder, ECS).
fn json_event(value: &Value) -> Event {
    let field = |names: &[&str]| -> Option<&Value> {
        names.iter().find_map(|name| {
            value.get(*name).or_else(|| {
                // Dotted ECS names may also be nested objects.
                let mut parts = name.split('.');
                let mut v = value.get(parts.next()?)?;
                for part in parts {
                    v = v.get(part)?;
                }
                Some(v)
            })
        })
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let time = field(&["timestamp", "@timestamp", "time", "ts", "datetime", "date"]).and_then(
        |v| match v {
            Value::Number(n) => n.as_f64().and_then(time::from_epoch),
            Value::String(s) => match time::leading_iso(s) {
                Some(len) => Some(time::normalise(&s[..len])),
                None => s.parse::<f64>().ok().and_then(time::from_epoch),
            },
            _ => None,
        },
    );
    let level = field(&[
        "level",
        "severity",
        "levelname",
        "log.level",
        "severity_text",
    ])
    .and_then(|v| match v {
        // pino's numeric levels.
        Value::Number(n) => Some(match n.as_u64().unwrap_or(30) {
            0..=10 => "TRACE",
            11..=20 => "DEBUG",
            21..=30 => "INFO",
            31..=40 => "WARN",
            41..=50 => "ERROR",
            _ => "FATAL",
        }),
        Value::String(s) => level(s),
        _ => None,
    })
    .map(str::to_owned);
    let service = field(&[
        "service.name",
        "service",
        "service_name",
        "app",
        "application",
    ])
    .and_then(text);
    let message = field(&["message", "msg", "event", "body", "log"])
        .and_then(text)
        .unwrap_or_default();
    let stack = field(&[
        "exception",
        "exc_info",
        "stack_trace",
        "stacktrace",
        "stack",
        "error.stack_trace",
        "error.stack",
        "err.stack",
        "error",
        "err",
    ])
    .and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => ["stack", "stack_trace", "stacktrace", "message"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_owned)),
        _ => None,
    });
    let mut failure = stack
        .as_deref()
        .and_then(parse_trace_text)
        .or_else(|| parse_trace_text(&message));
    if failure.is_none() && matches!(level.as_deref(), Some("ERROR" | "FATAL")) {
        let error_type = field(&["error.type", "error.kind", "exc_type"]).and_then(text);
        failure = match error_type {
            Some(error_type) => Some(Failure {
                language: "log",
                error_type,
                message: field(&["error.message"]).and_then(text).unwrap_or_default(),
                frames: Vec::new(),
                trace: stack.unwrap_or_else(|| message.clone()),
            }),
            None => logged_error(&message),
        };
    }
    Event {
        time,
        level,
        service,
        message: message.lines().next().unwrap_or("").to_owned(),
        failure,
    }
}

/// A frame with its path tidied: `./src/x.rs`, `.\src\x.rs` and `src/x.rs` are
/// the same file.
fn frame(path: &str, function: &str, line: usize) -> Frame {
    Frame {
        // Slashes first, so that `.\src\x.py` loses its `./` as well.
        path: path
            .replace('\\', "/")
            .trim()
            .trim_start_matches("./")
            .to_owned(),
        function: function.trim().to_owned(),
        line,
    }
}

/// Whether `name` looks like an exception class: `KeyError`,
/// `java.lang.NullPointerException`, `requests.exceptions.ReadTimeout`.
fn is_exception_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '$')
        && last.starts_with(|c: char| c.is_ascii_uppercase())
        && [
            "Error",
            "Exception",
            "Throwable",
            "Exit",
            "Interrupt",
            "Timeout",
            "Fault",
        ]
        .iter()
        .any(|s| last.ends_with(s))
}

/// The first `Type: message` (or a bare `Type` at the end) in a line whose
/// type looks like an exception class.
fn find_error(line: &str) -> Option<(String, String)> {
    let mut starts: Vec<usize> = ["Error", "Exception", "Throwable", "Timeout", "Exit"]
        .iter()
        .flat_map(|w| line.match_indices(w).map(|(i, _)| i))
        .collect();
    starts.sort_unstable();
    for i in starts {
        // The name starts after the character before it, which may be wider
        // than a byte: `raised “KeyError: 'x'”`, or Latin-1 read as U+0093.
        let start = line[..i]
            .char_indices()
            .rfind(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '$'))
            .map_or(0, |(p, c)| p + c.len_utf8());
        let end = line[i..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(line.len(), |p| i + p);
        let name = &line[start..end];
        if !is_exception_name(name) {
            continue;
        }
        let rest = &line[end..];
        if rest.trim().is_empty() {
            return Some((name.to_owned(), String::new()));
        }
        if let Some(message) = rest.strip_prefix(": ") {
            return Some((name.to_owned(), message.to_owned()));
        }
    }
    None
}

#[cfg(test)]
mod tests;
