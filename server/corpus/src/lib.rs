//! The corpus of what really failed in production: logs, traces and
//! incident documents, parsed into failure records and kept in a SQLite
//! database in the workspace (`.failcast/corpus.db`) or in a team's shared
//! PostgreSQL database (`store`), plus everything that
//! learns from it: retrieval of past failures for a function, the record of
//! what was predicted, and precision and recall against what happened.
//! (Training pairs for a LoRA adapter join this to the model's prompt; the
//! `failcast` crate writes them.)
//!
//! Nothing here knows about the editor protocol: `check`, the CLI and the
//! language server all call the same functions.

mod drain;
pub mod error;
pub mod feedback;
pub mod ingest;
pub mod latency;
pub mod parse;
pub mod retrieve;
pub mod store;
pub mod time;

pub use error::{Error, Result};
pub use ingest::{IngestStats, Progress, ingest_paths, ingest_stdin};
pub use retrieve::{FileHistory, PastFailure};
pub use store::{Corpus, Counts, Location, StoredFailure, Timeouts, URL_VARIABLE, redact};

use failcast_core::scenario::Frame;

/// A failure observed in production: an exception, panic or incident.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Failure {
    /// The runtime the trace came from (`python`, `rust`, `go`, `java`,
    /// `javascript`), or `incident` for a document without a trace.
    pub language: &'static str,
    /// The exception type or panic kind, e.g. `KeyError`, `panic`.
    pub error_type: String,
    pub message: String,
    /// Innermost first, as recorded (paths as the runtime printed them).
    pub frames: Vec<Frame>,
    /// The trace as recorded.
    pub trace: String,
}

/// One event of a log or document: a log line, or a failure with its trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    /// ISO-8601 when known.
    pub time: Option<String>,
    pub level: Option<String>,
    pub service: Option<String>,
    /// The log message (first line), the input of the template miner.
    pub message: String,
    pub failure: Option<Failure>,
}
