//! OpenTelemetry OTLP JSON exports (what the collector's file exporter and
//! OTLP/HTTP JSON carry): log records, and span events named `exception`,
//! with the semantic-convention attributes `exception.type`,
//! `exception.message` and `exception.stacktrace`, and the service from the
//! resource's `service.name`.

use serde_json::Value;

use super::{frame, parse_trace_text};
use crate::{Event, Failure, time};

/// Whether a JSON value is an OTLP export of logs or traces.
pub fn is_otlp(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.contains_key("resourceLogs") || o.contains_key("resourceSpans"),
        Value::Array(items) => items.first().is_some_and(is_otlp),
        _ => false,
    }
}

/// Hands every record to `sink`; returns how many records were malformed.
pub fn parse(value: &Value, sink: &mut dyn FnMut(Event)) -> u64 {
    if let Value::Array(items) = value {
        return items.iter().map(|v| parse(v, sink)).sum();
    }
    let mut malformed = 0;
    for resource in array(value, "resourceLogs") {
        let service = service(resource);
        for scope in
            array(resource, "scopeLogs").chain(array(resource, "instrumentationLibraryLogs"))
        {
            for record in array(scope, "logRecords") {
                if !record.is_object() {
                    malformed += 1;
                    continue;
                }
                let attributes = attributes(record);
                let body = record.get("body").map(any_value).unwrap_or_default();
                let level = record
                    .get("severityText")
                    .and_then(Value::as_str)
                    .and_then(super::level)
                    .or_else(|| {
                        record
                            .get("severityNumber")
                            .and_then(Value::as_u64)
                            .map(|n| match n {
                                0..=4 => "TRACE",
                                5..=8 => "DEBUG",
                                9..=12 => "INFO",
                                13..=16 => "WARN",
                                17..=20 => "ERROR",
                                _ => "FATAL",
                            })
                    });
                sink(Event {
                    time: nanos(record, "timeUnixNano")
                        .or_else(|| nanos(record, "observedTimeUnixNano")),
                    level: level.map(str::to_owned),
                    service: service.clone(),
                    message: body.lines().next().unwrap_or("").to_owned(),
                    failure: exception(&attributes).or_else(|| parse_trace_text(&body)),
                });
            }
        }
    }
    for resource in array(value, "resourceSpans") {
        let service = service(resource);
        for scope in
            array(resource, "scopeSpans").chain(array(resource, "instrumentationLibrarySpans"))
        {
            for span in array(scope, "spans") {
                let name = span.get("name").and_then(Value::as_str).unwrap_or("");
                for event in array(span, "events") {
                    if event.get("name").and_then(Value::as_str) != Some("exception") {
                        continue;
                    }
                    let attributes = attributes(event);
                    let Some(failure) = exception(&attributes) else {
                        malformed += 1;
                        continue;
                    };
                    sink(Event {
                        time: nanos(event, "timeUnixNano"),
                        level: Some("ERROR".to_owned()),
                        service: service.clone(),
                        // A message is one line (the template miner's
                        // input); span names and types may hold more.
                        message: format!("{name}: {}", failure.error_type)
                            .lines()
                            .next()
                            .unwrap_or("")
                            .to_owned(),
                        failure: Some(failure),
                    });
                }
            }
        }
    }
    malformed
}

fn array<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn service(resource: &Value) -> Option<String> {
    attributes(resource.get("resource").unwrap_or(&Value::Null))
        .into_iter()
        .find(|(k, _)| k == "service.name")
        .map(|(_, v)| v)
}

/// OTLP `attributes: [{key, value: {stringValue|intValue|…}}]` as pairs.
fn attributes(value: &Value) -> Vec<(String, String)> {
    array(value, "attributes")
        .filter_map(|a| {
            let key = a.get("key")?.as_str()?.to_owned();
            Some((key, any_value(a.get("value")?)))
        })
        .collect()
}

fn any_value(value: &Value) -> String {
    for key in ["stringValue", "intValue", "doubleValue", "boolValue"] {
        match value.get(key) {
            Some(Value::String(s)) => return s.clone(),
            Some(other @ (Value::Number(_) | Value::Bool(_))) => return other.to_string(),
            _ => {}
        }
    }
    value.as_str().map(str::to_owned).unwrap_or_default()
}

fn nanos(value: &Value, key: &str) -> Option<String> {
    let n = match value.get(key)? {
        Value::String(s) => s.parse::<f64>().ok()?,
        Value::Number(n) => n.as_f64()?,
        _ => return None,
    };
    time::from_epoch(n)
}

/// The failure the `exception.*` attributes describe; the trace gives the
/// frames, `code.*` attributes stand in when there is none.
fn exception(attributes: &[(String, String)]) -> Option<Failure> {
    let get = |k: &str| {
        attributes
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let error_type = get("exception.type");
    let stack = get("exception.stacktrace");
    if error_type.is_none() && stack.is_none() {
        return None;
    }
    let mut failure = stack.and_then(parse_trace_text).unwrap_or_else(|| Failure {
        language: "log",
        trace: stack.unwrap_or_default().to_owned(),
        ..Failure::default()
    });
    if let Some(t) = error_type {
        failure.error_type = t.to_owned();
    }
    if let Some(m) = get("exception.message") {
        failure.message = m.to_owned();
    }
    if failure.frames.is_empty()
        && let Some(path) = get("code.filepath")
    {
        let line = get("code.lineno").and_then(|l| l.parse().ok()).unwrap_or(0);
        failure
            .frames
            .push(frame(path, get("code.function").unwrap_or(""), line));
    }
    if failure.trace.is_empty() {
        failure.trace = format!("{}: {}", failure.error_type, failure.message);
    }
    Some(failure)
}
