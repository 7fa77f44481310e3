//! `failcast synth-logs`: every predicted scenario as an OpenTelemetry log
//! record (the OTLP/JSON encoding of an `ExportLogsServiceRequest`), so a
//! staging collector or log store can be fed the failures before they
//! happen, to check that alerts fire and degradation paths work.
//!
//! Each record carries the exception attributes of the OpenTelemetry
//! semantic conventions (`exception.type`, `exception.message`,
//! `exception.stacktrace`), the code location, and
//! `failcast.synthetic = true` so nobody mistakes it for real telemetry.
//! The encoding follows the OTLP/JSON rules: camelCase keys, 64-bit
//! integers as strings, trace and span ids as hex.

use std::path::Path;

use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use crate::check::CheckReport;
use failcast_core::config::Config;
use failcast_core::scenario::Scenario;

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ExportLogsServiceRequest {
    pub resource_logs: Vec<ResourceLogs>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ResourceLogs {
    pub resource: Resource,
    pub scope_logs: Vec<ScopeLogs>,
}

#[derive(Serialize, Clone)]
pub struct Resource {
    pub attributes: Vec<KeyValue>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ScopeLogs {
    pub scope: Scope,
    pub log_records: Vec<LogRecord>,
}

#[derive(Serialize, Clone)]
pub struct Scope {
    pub name: String,
    pub version: String,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct LogRecord {
    pub time_unix_nano: String,
    pub observed_time_unix_nano: String,
    pub severity_number: i32,
    pub severity_text: String,
    pub body: AnyValue,
    pub attributes: Vec<KeyValue>,
    pub trace_id: String,
    pub span_id: String,
}

#[derive(Serialize, Clone)]
pub struct KeyValue {
    pub key: String,
    pub value: AnyValue,
}

#[derive(Serialize, Clone)]
pub enum AnyValue {
    #[serde(rename = "stringValue")]
    String(String),
    #[serde(rename = "boolValue")]
    Bool(bool),
    /// int64 is a decimal string in OTLP/JSON.
    #[serde(rename = "intValue")]
    Int(String),
    #[serde(rename = "doubleValue")]
    Double(f64),
}

fn kv(key: &str, value: AnyValue) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value,
    }
}

fn text(value: &str) -> AnyValue {
    AnyValue::String(value.to_owned())
}

/// `service.name`: `service.name` in `failcast.toml`, else the name of
/// the workspace directory.
pub fn service_name(config: &Config, base: &Path) -> String {
    if !config.service_name.is_empty() {
        return config.service_name.clone();
    }
    base.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "unknown_service".to_owned())
}

/// Nanoseconds since the epoch of an RFC 3339 UTC timestamp
/// (`2026-03-29T01:02:03.456Z`), as the telemetry module writes them.
fn unix_nanos(timestamp: &str) -> Option<u64> {
    let (date, time) = timestamp.trim_end_matches('Z').split_once('T')?;
    let mut date = date.split('-').map(|p| p.parse::<i64>());
    let (year, month, day) = (date.next()?.ok()?, date.next()?.ok()?, date.next()?.ok()?);
    let (hms, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let mut hms = hms.split(':').map(|p| p.parse::<i64>());
    let (h, m, s) = (hms.next()?.ok()?, hms.next()?.ok()?, hms.next()?.ok()?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + h * 3600 + m * 60 + s;
    let digits: String = fraction.chars().take(9).collect();
    let nanos = format!("{digits:0<9}").parse::<i64>().ok()?;
    u64::try_from(seconds * 1_000_000_000 + nanos).ok()
}

/// `KeyError: 'id'` → (`KeyError`, `'id'`); an error without a type name
/// keeps the whole text as its message.
fn exception_parts<'a>(scenario: &'a Scenario, logged_type: Option<&'a str>) -> (&'a str, &'a str) {
    if let Some(kind) = logged_type.filter(|t| !t.is_empty()) {
        let message = scenario
            .error
            .strip_prefix(kind)
            .map_or(scenario.error.as_str(), |rest| {
                rest.trim_start_matches(':').trim_start()
            });
        return (kind, message);
    }
    match scenario.error.split_once(": ") {
        Some((kind, message))
            if !kind.is_empty()
                && kind
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | ':' | '$')) =>
        {
            (kind, message)
        }
        _ => (scenario.class.as_str(), scenario.error.as_str()),
    }
}

/// One log record for one scenario of `function_id` in `path`.
fn record(scenario: &Scenario, function_id: &str, path: &str) -> LogRecord {
    // The telemetry module's JSON log line holds the moment, the level and
    // the trace id the plain-text line shows; reuse them so both agree.
    let logged: Option<serde_json::Value> = scenario
        .logs
        .first()
        .and_then(|line| serde_json::from_str(line).ok());
    let field = |name: &str| {
        logged
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(|v| v.as_str())
    };
    let seed =
        xxh3_64(format!("{function_id}|{}|{}", scenario.rule, scenario.origin.start).as_bytes());
    let nanos = field("timestamp")
        .and_then(unix_nanos)
        .unwrap_or(1_774_746_000_000_000_000 + seed % 86_400_000_000_000);
    let level = field("level").unwrap_or("ERROR");
    let severity_number = match level {
        "WARN" | "WARNING" => 13,
        "INFO" => 9,
        "FATAL" => 21,
        _ => 17,
    };
    let trace_id = field("trace_id")
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map_or_else(
            || format!("{seed:016x}{:016x}", xxh3_64(&seed.to_le_bytes())),
            str::to_owned,
        );
    let body = field("message").map_or_else(|| scenario.summary.clone(), str::to_owned);
    let (exception_type, exception_message) = exception_parts(scenario, field("error.type"));
    let (function, line) = scenario
        .frames
        .first()
        .map_or(("", scenario.origin.start_line + 1), |f| {
            (f.function.as_str(), f.line)
        });
    let mut attributes = vec![
        kv("exception.type", text(exception_type)),
        kv("exception.message", text(exception_message)),
        kv("exception.stacktrace", text(&scenario.trace)),
        kv("code.function", text(function)),
        kv("code.filepath", text(path)),
        kv("code.lineno", AnyValue::Int(line.to_string())),
        kv("failcast.synthetic", AnyValue::Bool(true)),
        kv("failcast.function_id", text(function_id)),
        kv("failcast.class", text(scenario.class.as_str())),
        kv("failcast.kind", text(scenario.kind.as_str())),
        kv("failcast.source", text(scenario.source.as_str())),
        kv(
            "failcast.likelihood",
            AnyValue::Double(f64::from((scenario.likelihood * 100.0).round()) / 100.0),
        ),
        kv("failcast.trigger", text(&scenario.trigger)),
    ];
    if let Some((parameter, value)) = scenario.inputs.first() {
        attributes.push(kv(
            "failcast.test_input",
            text(&format!("{parameter} = {value}")),
        ));
    }
    LogRecord {
        time_unix_nano: nanos.to_string(),
        observed_time_unix_nano: nanos.to_string(),
        severity_number,
        severity_text: level.to_owned(),
        body: AnyValue::String(body),
        attributes,
        span_id: trace_id[16..].to_owned(),
        trace_id,
    }
}

/// All reported scenarios of a check as one export request.
pub fn export_request(report: &CheckReport, service: &str) -> ExportLogsServiceRequest {
    let mut records = Vec::new();
    for checked in &report.files {
        for (function, scenarios) in checked.reported() {
            for scenario in scenarios {
                records.push(record(scenario, &function.id, &checked.analysis.path));
            }
        }
    }
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: Resource {
                attributes: vec![
                    kv("service.name", text(service)),
                    kv("telemetry.sdk.name", text("failcast")),
                    kv("telemetry.sdk.version", text(env!("CARGO_PKG_VERSION"))),
                    kv("failcast.synthetic", AnyValue::Bool(true)),
                ],
            },
            scope_logs: vec![ScopeLogs {
                scope: Scope {
                    name: "failcast.synth-logs".to_owned(),
                    version: env!("CARGO_PKG_VERSION").to_owned(),
                },
                log_records: records,
            }],
        }],
    }
}

/// The request split into one request per record, for JSON Lines: the
/// shape the collector's `otlpjsonfile` receiver reads, a request a line.
pub fn one_per_line(request: &ExportLogsServiceRequest) -> Vec<ExportLogsServiceRequest> {
    let mut out = Vec::new();
    for resource in &request.resource_logs {
        for scope in &resource.scope_logs {
            for record in &scope.log_records {
                out.push(ExportLogsServiceRequest {
                    resource_logs: vec![ResourceLogs {
                        resource: resource.resource.clone(),
                        scope_logs: vec![ScopeLogs {
                            scope: scope.scope.clone(),
                            log_records: vec![record.clone()],
                        }],
                    }],
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_become_unix_nanos() {
        assert_eq!(unix_nanos("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            unix_nanos("2026-03-29T01:02:03.456Z"),
            Some(1_774_746_123_456_000_000)
        );
        assert_eq!(
            unix_nanos("2000-02-29T00:00:01Z"),
            Some(951_782_401_000_000_000)
        );
    }
}
