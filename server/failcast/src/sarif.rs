//! SARIF 2.1.0 output of `failcast check`, for code-scanning UIs.
//!
//! One rule per failure class (all of them, so rule indexes never move),
//! one result per scenario with its location, the synthetic trace as a
//! code flow (outermost caller first, as SARIF orders thread-flow steps),
//! and a `partialFingerprints` entry built from what survives unrelated
//! edits — the function id, the class and the failing line's text with
//! whitespace collapsed, never a line number — so a finding keeps its
//! identity when code above it moves.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};
use xxhash_rust::xxh3::xxh3_64;

use crate::check::CheckReport;
use failcast_core::config::{Config, Severity};
use failcast_core::scenario::{FailureClass, Scenario};

/// The key of our entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "failcast/v1";
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
        Severity::Off => "none",
    }
}

/// The fingerprint of a scenario, before occurrences are numbered.
pub fn fingerprint(function_id: &str, class: FailureClass, line_text: &str) -> String {
    let normalized: Vec<&str> = line_text.split_whitespace().collect();
    let key = format!(
        "{function_id}\u{1f}{}\u{1f}{}",
        class.as_str(),
        normalized.join(" ")
    );
    format!("{:016x}", xxh3_64(key.as_bytes()))
}

/// The 1-based column, in UTF-16 code units (SARIF's default column kind),
/// of byte column `byte_col` in `line`.
fn utf16_column(line: &str, byte_col: usize) -> usize {
    let mut cut = byte_col.min(line.len());
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    line[..cut].encode_utf16().count() + 1
}

fn rules(config: &Config) -> Vec<Value> {
    FailureClass::ALL
        .iter()
        .map(|class| {
            let name: String = class
                .as_str()
                .split('_')
                .map(|w| {
                    let mut chars = w.chars();
                    chars.next().map_or(String::new(), |c| {
                        c.to_ascii_uppercase().to_string() + chars.as_str()
                    })
                })
                .collect();
            json!({
                "id": class.as_str(),
                "name": name,
                "shortDescription": {"text": format!("Predicted {}", class.title())},
                "fullDescription": {"text": format!(
                    "failcast predicts a {} in production: the code can fail this way for some inputs or environments (latent) or for every input (manifest).",
                    class.title()
                )},
                "defaultConfiguration": {"level": level(config.severity(*class, failcast_core::scenario::Kind::Latent))},
                "properties": {"tags": ["reliability", "failcast"]}
            })
        })
        .collect()
}

/// A path as a URI reference: `/` kept, anything outside the unreserved
/// set percent-encoded (spaces and non-ASCII names are valid paths, not URIs).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn physical(path: &str, start_line: usize, region: Value) -> Value {
    let mut region = region;
    region["startLine"] = json!(start_line);
    json!({
        "artifactLocation": {"uri": uri_path(path), "uriBaseId": "SRCROOT"},
        "region": region
    })
}

fn result(
    scenario: &Scenario,
    function_id: &str,
    path: &str,
    line_text: &str,
    occurrence: usize,
    config: &Config,
) -> Value {
    let origin = &scenario.origin;
    let start_line = origin.start_line + 1;
    let start_column = utf16_column(line_text, origin.start_col);
    let mut region = json!({"startColumn": start_column});
    if origin.end_line == origin.start_line && origin.end_col > origin.start_col {
        region["endLine"] = json!(start_line);
        region["endColumn"] = json!(utf16_column(line_text, origin.end_col));
    }
    region["snippet"] = json!({"text": line_text.trim_end_matches(['\n', '\r'])});
    let class = scenario.class;
    let rule_index = FailureClass::ALL
        .iter()
        .position(|c| *c == class)
        .unwrap_or(0);
    // Thread-flow steps run from the outermost caller to the failing line.
    let steps: Vec<Value> = scenario
        .frames
        .iter()
        .rev()
        .enumerate()
        .map(|(order, frame)| {
            let innermost = order + 1 == scenario.frames.len();
            let message = if innermost {
                format!("{} fails here: {}", frame.function, scenario.error)
            } else {
                format!("{} calls on", frame.function)
            };
            json!({
                "location": {
                    "physicalLocation": physical(&frame.path, frame.line.max(1), json!({})),
                    "message": {"text": message}
                },
                "nestingLevel": order,
                "executionOrder": order + 1
            })
        })
        .collect();
    let mut value = json!({
        "ruleId": class.as_str(),
        "ruleIndex": rule_index,
        "level": level(config.severity(class, scenario.kind)),
        "message": {"text": format!("{}. Trigger: {}", scenario.summary.trim_end_matches('.'), scenario.trigger)},
        "locations": [{
            "physicalLocation": physical(path, start_line, region),
            "logicalLocations": [{"fullyQualifiedName": function_id, "kind": "function"}]
        }],
        "partialFingerprints": {
            FINGERPRINT_KEY: format!("{}:{occurrence}", fingerprint(function_id, class, line_text))
        },
        "properties": {
            "kind": scenario.kind.as_str(),
            "source": scenario.source.as_str(),
            "likelihood": (scenario.likelihood * 100.0).round() / 100.0,
            "error": scenario.error,
            "trigger": scenario.trigger,
            "trace": scenario.trace,
            "logs": scenario.logs
        }
    });
    if !steps.is_empty() {
        value["codeFlows"] = json!([{
            "message": {"text": format!("Synthetic trace: {}", scenario.error)},
            "threadFlows": [{"locations": steps}]
        }]);
    }
    value
}

/// The SARIF log of a check. `base` is the directory result paths are
/// relative to (the `SRCROOT` base id).
pub fn sarif_report(report: &CheckReport, config: &Config, base: &Path) -> Value {
    let mut results = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for checked in &report.files {
        let analysis = &checked.analysis;
        for (function, scenarios) in checked.reported() {
            for scenario in scenarios {
                let line_text = analysis
                    .rope
                    .get_line(scenario.origin.start_line)
                    .map(|l| l.to_string())
                    .unwrap_or_default();
                let print = fingerprint(&function.id, scenario.class, &line_text);
                let occurrence = seen.entry(print).or_default();
                *occurrence += 1;
                results.push(result(
                    scenario,
                    &function.id,
                    &analysis.path,
                    &line_text,
                    *occurrence,
                    config,
                ));
            }
        }
    }
    let mut root = base.to_string_lossy().replace('\\', "/");
    if !root.ends_with('/') {
        root.push('/');
    }
    if !root.starts_with('/') {
        root.insert(0, '/');
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "failcast",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules(config)
            }},
            "originalUriBaseIds": {"SRCROOT": {"uri": format!("file://{}", uri_path(&root))}},
            "columnKind": "utf16CodeUnits",
            "results": results
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_indentation_but_not_text() {
        let a = fingerprint(
            "m.py::f",
            FailureClass::KeyMissing,
            "    return body['id']\n",
        );
        let b = fingerprint("m.py::f", FailureClass::KeyMissing, "return   body['id']");
        let c = fingerprint("m.py::f", FailureClass::KeyMissing, "return body['name']");
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_path("src/my file.py"), "src/my%20file.py");
        assert_eq!(uri_path("app/ünï.ts"), "app/%C3%BCn%C3%AF.ts");
    }

    #[test]
    fn columns_count_utf16_units() {
        assert_eq!(utf16_column("é = x[0]", 5), 5);
        assert_eq!(utf16_column("𝔘 = x[0]", 7), 6);
    }
}
