//! failcast: the language server and the command line, composed from the
//! protocol-free core (`failcast_core`), the model (`failcast_model`) and
//! the production corpus (`failcast_corpus`).
//!
//! This crate translates: `lsp` speaks the editor protocol, `cli` and
//! `check` run headless for review and CI (human, JSON and SARIF output),
//! and `enrich` merges model answers and production history into the
//! core's static analysis, the one step both share.

pub(crate) mod check;
pub(crate) mod check_cache;
pub mod cli;
pub(crate) mod diff;
pub(crate) mod enrich;
pub(crate) mod eval;
pub mod lsp;
pub(crate) mod repro;
pub(crate) mod sarif;
pub(crate) mod synth_logs;
pub(crate) mod training;
