//! Incident and postmortem documents in Markdown: a `#` title, a date (a
//! `Date:` line, else the first ISO date), and sections found by their
//! headings: summary, root cause, affected services, affected code paths.
//! A fenced block holding a trace gives the frames; otherwise the code paths
//! do (`path/to/file.py::Class.method`, `file.go:42`, `fn in file.rs`).

use super::{frame, parse_trace_text};
use crate::{Event, Failure, time};
use failcast_core::error_class::classify;
use failcast_core::scenario::Frame;

#[derive(Default)]
struct Incident {
    title: String,
    date: Option<String>,
    summary: String,
    root_cause: String,
    services: Vec<String>,
    code_paths: Vec<Frame>,
    traces: Vec<String>,
}

pub fn parse(text: &str, sink: &mut dyn FnMut(Event)) {
    let mut incident = Incident::default();
    let mut section = String::new();
    let mut fence: Option<String> = None;
    let mut block = String::new();
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        if let Some(open) = &fence {
            if line.trim_start().starts_with(open.as_str()) {
                incident.traces.push(std::mem::take(&mut block));
                fence = None;
            } else {
                block.push_str(line);
                block.push('\n');
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(trimmed[..3].to_owned());
            continue;
        }
        if let Some(title) = trimmed.strip_prefix("# ") {
            if incident.title.is_empty() {
                incident.title = title.trim().to_owned();
            }
            continue;
        }
        if let Some(heading) = trimmed.strip_prefix("##") {
            section = heading.trim_start_matches('#').trim().to_lowercase();
            continue;
        }
        let plain = trimmed.replace("**", "").replace('*', "");
        if let Some((key, value)) = plain.split_once(':') {
            let key = key.trim().trim_start_matches("- ").to_lowercase();
            let value = value.trim();
            match key.as_str() {
                "date" | "started" | "start" | "when" if incident.date.is_none() => {
                    incident.date = first_date(value);
                    continue;
                }
                "services" | "service" | "affected services" => {
                    incident.services.extend(list(value));
                    continue;
                }
                "code paths" | "code path" | "affected code" | "affected code paths" => {
                    incident.code_paths.extend(code_path(value));
                    continue;
                }
                _ => {}
            }
        }
        if trimmed.is_empty() {
            continue;
        }
        let item = trimmed
            .trim_start_matches(['-', '*', '+'])
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
            .trim();
        if section.contains("service") {
            incident.services.extend(list(item));
        } else if section.contains("code") || section.contains("affected") {
            incident.code_paths.extend(code_path(item));
        } else if section.contains("root cause") || section.contains("cause") {
            push_text(&mut incident.root_cause, item);
        } else if section.contains("summary") || section.contains("impact") || section.is_empty() {
            push_text(&mut incident.summary, item);
        }
    }
    if incident.title.is_empty() && incident.summary.is_empty() && incident.traces.is_empty() {
        return;
    }
    let date = incident
        .date
        .clone()
        .or_else(|| first_date(&incident.title).or_else(|| first_date(&incident.summary)));
    let trace_failure = incident.traces.iter().find_map(|t| parse_trace_text(t));
    let description = format!(
        "{}. {} Root cause: {}",
        incident.title, incident.summary, incident.root_cause
    );
    let mut failure = trace_failure.unwrap_or_else(|| {
        let class = classify(&description, &description);
        Failure {
            language: "incident",
            error_type: format!("incident:{}", class.as_str()),
            message: incident.title.clone(),
            frames: Vec::new(),
            trace: String::new(),
        }
    });
    if failure.frames.is_empty() {
        failure.frames = incident.code_paths.clone();
    }
    if failure.trace.is_empty() {
        failure.trace = description.trim().to_owned();
    }
    let services = if incident.services.is_empty() {
        vec![None]
    } else {
        incident.services.iter().cloned().map(Some).collect()
    };
    // One event for the first affected service: an incident happened once.
    sink(Event {
        time: date,
        level: Some("FATAL".to_owned()),
        service: services.into_iter().next().flatten(),
        message: incident.title,
        failure: Some(failure),
    });
}

fn push_text(out: &mut String, text: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(text);
}

fn first_date(text: &str) -> Option<String> {
    text.char_indices().find_map(|(i, _)| {
        time::leading_iso(&text[i..]).map(|len| time::normalise(&text[i..i + len]))
    })
}

fn list(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(|s| s.trim().trim_matches('`').trim().to_owned())
        .filter(|s| !s.is_empty() && !s.contains(' '))
        .collect()
}

/// `payments/gateway.py::Gateway.charge`, `payments/gateway.py:18`,
/// `charge in payments/gateway.py`, `payments/gateway.py#charge`, with or
/// without backticks and trailing prose.
fn code_path(text: &str) -> Vec<Frame> {
    let mut out = Vec::new();
    let pieces: Vec<&str> = if text.contains('`') {
        text.split('`').skip(1).step_by(2).collect()
    } else {
        text.split([',', ' ']).collect()
    };
    for piece in pieces {
        let piece = piece.trim().trim_end_matches(['.', ',', ';', ')']);
        let (path, function) = if let Some((p, f)) = piece.split_once("::") {
            (p, f)
        } else if let Some((p, f)) = piece.split_once('#') {
            (p, f)
        } else {
            (piece, "")
        };
        let (path, line) = match path.rsplit_once(':') {
            Some((p, l)) if l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty() => {
                (p, l.parse().unwrap_or(0))
            }
            _ => (path, 0),
        };
        let looks_like_file = path.contains('.')
            && path.rsplit('.').next().is_some_and(|ext| {
                (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if !looks_like_file || path.contains(' ') {
            continue;
        }
        let mut function = function.trim_end_matches("()").to_owned();
        if function.is_empty()
            && let Some(rest) = text.split(piece).nth(1)
            && let Some(name) = rest.trim().strip_prefix("in ")
        {
            function = name
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .next()
                .unwrap_or("")
                .to_owned();
        }
        out.push(frame(path, &function, line));
    }
    out
}
