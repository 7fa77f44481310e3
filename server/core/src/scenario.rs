//! What a prediction is: failure classes, scenarios and the telemetry they carry.
//!
//! These are the plain data types every stage shares: the hazard pass produces
//! scenarios, the model engine ranks and extends them, the corpus backs them
//! with history, and the surfaces (`lsp`, `check`) render them. Nothing here
//! knows about the editor protocol.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The failure classes a scenario can belong to, as named in `failcast check --format json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    IndexOutOfRange,
    NullOrNone,
    KeyMissing,
    DivisionByZero,
    ParseError,
    TypeError,
    Timeout,
    NetworkError,
    RaceCondition,
    Overflow,
    Encoding,
    TimezoneDst,
    ResourceExhaustion,
    Assertion,
    Other,
}

impl FailureClass {
    pub const ALL: [FailureClass; 15] = [
        FailureClass::IndexOutOfRange,
        FailureClass::NullOrNone,
        FailureClass::KeyMissing,
        FailureClass::DivisionByZero,
        FailureClass::ParseError,
        FailureClass::TypeError,
        FailureClass::Timeout,
        FailureClass::NetworkError,
        FailureClass::RaceCondition,
        FailureClass::Overflow,
        FailureClass::Encoding,
        FailureClass::TimezoneDst,
        FailureClass::ResourceExhaustion,
        FailureClass::Assertion,
        FailureClass::Other,
    ];

    /// The snake_case name used in JSON, SARIF rule ids, diagnostic codes and ignore comments.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::IndexOutOfRange => "index_out_of_range",
            FailureClass::NullOrNone => "null_or_none",
            FailureClass::KeyMissing => "key_missing",
            FailureClass::DivisionByZero => "division_by_zero",
            FailureClass::ParseError => "parse_error",
            FailureClass::TypeError => "type_error",
            FailureClass::Timeout => "timeout",
            FailureClass::NetworkError => "network_error",
            FailureClass::RaceCondition => "race_condition",
            FailureClass::Overflow => "overflow",
            FailureClass::Encoding => "encoding",
            FailureClass::TimezoneDst => "timezone_dst",
            FailureClass::ResourceExhaustion => "resource_exhaustion",
            FailureClass::Assertion => "assertion",
            FailureClass::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<FailureClass> {
        FailureClass::ALL
            .into_iter()
            .find(|class| class.as_str() == name)
    }

    /// A short human title, used in summaries and SARIF rule descriptions.
    pub fn title(self) -> &'static str {
        match self {
            FailureClass::IndexOutOfRange => "index out of range",
            FailureClass::NullOrNone => "null or None value",
            FailureClass::KeyMissing => "missing key",
            FailureClass::DivisionByZero => "division by zero",
            FailureClass::ParseError => "parse error",
            FailureClass::TypeError => "type error",
            FailureClass::Timeout => "timeout",
            FailureClass::NetworkError => "network error",
            FailureClass::RaceCondition => "race condition",
            FailureClass::Overflow => "arithmetic overflow",
            FailureClass::Encoding => "encoding error",
            FailureClass::TimezoneDst => "time zone or DST error",
            FailureClass::ResourceExhaustion => "resource exhaustion",
            FailureClass::Assertion => "assertion failure",
            FailureClass::Other => "runtime failure",
        }
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a failure happens whatever the input (`Manifest`) or only for some
/// inputs or environments (`Latent`), in the sense of Infer's Pulse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Latent,
    Manifest,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Latent => "latent",
            Kind::Manifest => "manifest",
        }
    }
}

/// Where a scenario came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The static hazard pass.
    Static,
    /// The language model (possibly refining a static scenario).
    Model,
    /// A failure that really happened, from the ingested corpus.
    History,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Static => "static",
            Source::Model => "model",
            Source::History => "history",
        }
    }
}

/// A place in a file: 0-based line and 0-based column counted in bytes, plus
/// the byte offsets it spans. Surfaces convert to their own coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub start_line: usize,
    pub start_col: usize,
    pub end_line: usize,
    pub end_col: usize,
}

/// One stack frame of a synthetic trace. Frames always come from the code
/// (the function itself, or a real caller from the call index).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// Path relative to the workspace root, `/`-separated.
    pub path: String,
    /// The function's qualified name as the language's runtime would print it.
    pub function: String,
    /// 1-based line.
    pub line: usize,
}

/// Evidence that a scenario really happened in production.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEvidence {
    pub count: u64,
    /// ISO-8601 date of the last occurrence.
    pub last_seen: String,
    /// The real trace as recorded.
    pub trace: String,
    pub document: String,
}

/// One way a function can fail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub class: FailureClass,
    pub kind: Kind,
    pub source: Source,
    /// Identifies the static rule (e.g. `py.requests-no-timeout`) or `model`.
    pub rule: String,
    /// Where the failure is raised.
    pub origin: Span,
    /// The expression that fails, as written in the code.
    pub subject: String,
    /// The input or environment condition, in one sentence.
    pub trigger: String,
    /// The exact error the runtime prints, e.g. `KeyError: 'id'`.
    pub error: String,
    /// The one-line summary shown first in diagnostics.
    pub summary: String,
    /// 0.0 to 1.0.
    pub likelihood: f32,
    /// Innermost frame first: the failing function, then its callers.
    pub frames: Vec<Frame>,
    /// The trace rendered in the language's own format.
    pub trace: String,
    /// Log lines a service would emit: one JSON line, then its plain-text form.
    pub logs: Vec<String>,
    /// Parameters and the values (literals in the function's language)
    /// that trigger the failure; a generated test calls the function with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<(String, String)>,
    pub history: Option<HistoryEvidence>,
}

/// The scenarios of one version of one function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub function_id: String,
    pub content_hash: u64,
    pub scenarios: Vec<Scenario>,
}

/// Sorts scenarios the way every surface shows them: most likely first, then by position.
pub fn sort_scenarios(scenarios: &mut [Scenario]) {
    scenarios.sort_by(likelier_first);
}

/// The order of [`sort_scenarios`], for sorting what carries a scenario.
pub fn likelier_first(a: &Scenario, b: &Scenario) -> std::cmp::Ordering {
    b.likelihood
        .total_cmp(&a.likelihood)
        .then(a.origin.start.cmp(&b.origin.start))
        .then(a.class.cmp(&b.class))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_round_trip() {
        for class in FailureClass::ALL {
            assert_eq!(FailureClass::parse(class.as_str()), Some(class));
            let json = serde_json::to_string(&class).unwrap();
            assert_eq!(json, format!("\"{}\"", class.as_str()));
        }
    }
}
