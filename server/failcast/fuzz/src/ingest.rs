//! The ingest harness: every parser behind `failcast ingest` (plain-text
//! and JSON-lines logs with the Python, Rust, Go, Java and JavaScript trace
//! parsers, OTLP JSON exports, Markdown incidents) on any bytes under any
//! file name, and the trace parsers alone on the same text.
//!
//! What is checked is what the corpus relies on: a parse is a pure function
//! of the bytes (re-ingesting a file must find the same records), the name
//! only picks Markdown, the counts written to `sources` agree with the
//! bytes, times are ISO-8601 (they are compared as strings), messages are
//! one line (the template miner's input), frame paths are tidied (they are
//! matched against workspace files) and no line number is invented.

use failcast_core::scenario::FailureClass;
use failcast_corpus::parse::{Counts, parse_document, parse_trace_text};
use failcast_corpus::{Event, Failure, time};
use serde_json::Value;

/// Chosen by the first input byte. Only `.md`/`.markdown` (any case) may
/// change how the bytes are read; the others must all read alike.
const NAMES: [&str; 6] = [
    "app.log",
    "app.jsonl",
    "export.json",
    "incident.md",
    "POSTMORTEM.Markdown",
    "-",
];

const LEVELS: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

const TRACE_LANGUAGES: [&str; 5] = ["python", "rust", "go", "java", "javascript"];

/// How `parse_document` reads a document, by its documented dispatch.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Markdown,
    /// A whole-document OTLP JSON export.
    Otlp,
    /// Line-oriented logs, plain text or JSON lines.
    Lines,
}

fn kind(name: &str, bytes: &[u8]) -> Kind {
    let lower = name.to_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") || bytes.starts_with(b"# ") {
        return Kind::Markdown;
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'['))
        && serde_json::from_slice::<Value>(bytes).is_ok_and(|v| is_otlp(&v))
    {
        return Kind::Otlp;
    }
    Kind::Lines
}

/// The OTLP test of the parser, restated: an object with `resourceLogs` or
/// `resourceSpans`, or an array whose first item is one.
fn is_otlp(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.contains_key("resourceLogs") || o.contains_key("resourceSpans"),
        Value::Array(items) => items.first().is_some_and(is_otlp),
        _ => false,
    }
}

fn parse(name: &str, bytes: &[u8]) -> (Vec<Event>, Counts) {
    let mut events = Vec::new();
    let counts = parse_document(name, bytes, &mut |event| events.push(event));
    (events, counts)
}

/// Ingest parsers on any bytes: see the module comment for what must hold.
pub fn ingest(data: &[u8]) {
    let Some((&head, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[head as usize % NAMES.len()];
    let kind = kind(name, bytes);
    let (events, counts) = parse(name, bytes);
    // A second parse, under another plain name unless Markdown was asked
    // for: the same bytes must give the same events and counts.
    let again = if kind == Kind::Markdown {
        name
    } else {
        NAMES[(head as usize + 1) % 3]
    };
    assert!(
        parse(again, bytes) == (events.clone(), counts),
        "{name} and {again} read the same bytes differently"
    );
    check_counts(kind, bytes, counts, &events);
    // Line numbers must come from the text. JSON escapes (`\u0034`) can hide
    // digits from a plain search, so inputs with a backslash skip that check.
    let text = String::from_utf8_lossy(bytes);
    let haystack = (!bytes.contains(&b'\\')).then_some(text.as_ref());
    for event in &events {
        check_event(event, haystack);
    }

    let failure = parse_trace_text(&text);
    assert_eq!(failure, parse_trace_text(&text), "trace parse differs");
    if let Some(failure) = failure {
        assert!(TRACE_LANGUAGES.contains(&failure.language), "{failure:?}");
        check_failure(&failure, Some(&text));
        assert!(!failure.trace.is_empty(), "{failure:?}");
        for line in failure.trace.lines() {
            assert!(text.contains(line), "trace line {line:?} not in the text");
        }
    }
}

/// `lines`, `malformed` and `recoded` as `ingest` stores them per source.
fn check_counts(kind: Kind, bytes: &[u8], counts: Counts, events: &[Event]) {
    let pieces: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    // A final newline ends the last line rather than starting an empty one.
    let lines = pieces.len() - usize::from(bytes.is_empty() || bytes.ends_with(b"\n"));
    let recoded = pieces
        .iter()
        .filter(|p| std::str::from_utf8(p).is_err())
        .count();
    assert_eq!(counts.recoded, recoded as u64, "{counts:?}");
    assert_eq!(counts.lines, lines as u64, "{counts:?}");
    match kind {
        // One export holds any number of records, each malformed or not.
        Kind::Otlp => {}
        Kind::Markdown => {
            assert_eq!(counts.malformed, 0, "{counts:?}");
            // An incident happened once: one event, a fatal failure.
            assert!(events.len() <= 1, "{events:?}");
            for event in events {
                assert_eq!(event.level.as_deref(), Some("FATAL"), "{event:?}");
                assert!(event.failure.is_some(), "{event:?}");
            }
        }
        Kind::Lines => {
            let binary = pieces[..lines].iter().filter(|p| p.contains(&0)).count();
            assert!(counts.malformed >= binary as u64, "{counts:?}");
            // Each line yields at most one event or one malformed record,
            // except a line holding a whole OTLP export.
            if !pieces[..lines].iter().any(|p| is_otlp_line(p)) {
                assert!(
                    events.len() as u64 + counts.malformed <= counts.lines,
                    "{} events, {counts:?}",
                    events.len()
                );
            }
        }
    }
}

fn is_otlp_line(line: &[u8]) -> bool {
    let text: String = match std::str::from_utf8(line) {
        Ok(text) => text.to_owned(),
        // As the parser reads it: Latin-1.
        Err(_) => line.iter().map(|&b| b as char).collect(),
    };
    serde_json::from_str::<Value>(text.trim()).is_ok_and(|v| is_otlp(&v))
}

fn check_event(event: &Event, haystack: Option<&str>) {
    if let Some(level) = &event.level {
        assert!(LEVELS.contains(&level.as_str()), "{event:?}");
    }
    if let Some(t) = &event.time {
        assert_eq!(
            time::leading_iso(t),
            Some(t.len()),
            "not ISO-8601: {event:?}"
        );
    }
    assert!(!event.message.contains('\n'), "{event:?}");
    if let Some(failure) = &event.failure {
        check_failure(failure, haystack);
    }
}

fn check_failure(failure: &Failure, haystack: Option<&str>) {
    assert!(
        TRACE_LANGUAGES.contains(&failure.language)
            || ["log", "incident"].contains(&failure.language),
        "{failure:?}"
    );
    if failure.language == "incident" {
        let class = failure.error_type.strip_prefix("incident:");
        assert!(class.and_then(FailureClass::parse).is_some(), "{failure:?}");
    }
    for frame in &failure.frames {
        // `./src/x.rs`, `src\x.rs` and `src/x.rs` must be one file.
        assert!(
            !frame.path.starts_with("./") && !frame.path.contains('\\'),
            "untidy path {frame:?}"
        );
        assert_eq!(frame.function, frame.function.trim(), "{frame:?}");
        if let Some(text) = haystack
            && frame.line != 0
        {
            assert!(
                text.contains(&frame.line.to_string()),
                "line {} is not in the input: {frame:?}",
                frame.line
            );
        }
    }
}
