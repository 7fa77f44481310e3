//! One test per format: a real-looking sample from `tests/fixtures/corpus/`
//! (with CRLF, Latin-1 lines, malformed records and truncated traces),
//! parsed and snapshotted as a summary of its events.

use std::fmt::Write;

use super::parse_document;
use crate::ingest::failure_class;

fn check(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap();
    let mut out = String::new();
    let counts = parse_document(name, &bytes, &mut |event| {
        let _ = writeln!(
            out,
            "- {} | {} | {} | {}",
            event.time.as_deref().unwrap_or("-"),
            event.level.as_deref().unwrap_or("-"),
            event.service.as_deref().unwrap_or("-"),
            event.message
        );
        if let Some(f) = &event.failure {
            let _ = writeln!(
                out,
                "  {} {} [{}]: {}",
                f.language,
                f.error_type,
                failure_class(f),
                f.message
            );
            for frame in &f.frames {
                let _ = writeln!(
                    out,
                    "    at {} {}:{}",
                    frame.function, frame.path, frame.line
                );
            }
        }
    });
    format!(
        "lines {} malformed {} recoded {}\n{out}",
        counts.lines, counts.malformed, counts.recoded
    )
}

#[test]
fn python_tracebacks_in_logs_with_crlf_latin1_and_a_truncated_trace() {
    insta::assert_snapshot!(check("python.log"));
}

#[test]
fn rust_panics_new_and_old_format() {
    insta::assert_snapshot!(check("rust.log"));
}

#[test]
fn go_panics_keep_the_panicking_goroutine_only() {
    insta::assert_snapshot!(check("go.log"));
}

#[test]
fn java_root_cause_with_elided_frames() {
    insta::assert_snapshot!(check("java.log"));
}

#[test]
fn javascript_stacks_in_json_lines_and_plain_logs() {
    insta::assert_snapshot!(check("node.log"));
}

#[test]
fn otlp_logs_and_span_exception_events() {
    insta::assert_snapshot!(check("otlp.json"));
}

#[test]
fn markdown_incident_document() {
    insta::assert_snapshot!(check("incident.md"));
}

#[test]
fn loghub_formats_and_binary_lines() {
    insta::assert_snapshot!(check("loghub.log"));
}

/// Found by the `ingest` fuzz target: a curly quote (three bytes) right
/// before the exception name used to split it and panic.
#[test]
fn error_name_after_a_multi_byte_character() {
    let mut events = Vec::new();
    let line = "2026-03-29 10:00:00,348 ERROR payments: charge raised “KeyError: 'charge'”\n";
    parse_document("app.log", line.as_bytes(), &mut |event| events.push(event));
    let failure = events[0].failure.as_ref().expect("a logged error");
    assert_eq!(failure.error_type, "KeyError");
    assert_eq!(failure.message, "'charge'”");
}
