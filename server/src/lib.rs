//! failcast predicts how code will fail in production, before it ships.
//!
//! The crate is a core that knows nothing of the editor protocol (documents,
//! syntax, functions, hazards, scenarios, the model) and two thin surfaces on
//! top of it: `lsp` for editors and `cli` for code review and CI.

pub mod analysis;
pub mod calls;
pub mod check;
pub mod check_cache;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod diff;
pub mod document;
pub mod functions;
pub mod handlers;
pub mod hazards;
pub mod language;
pub mod logging;
pub mod lsp;
pub mod model;
pub mod position;
pub mod predict;
pub mod sarif;
pub mod scenario;
pub mod syntax;
pub mod synth_logs;
pub mod telemetry;
pub mod testgen;
pub mod workspace;
