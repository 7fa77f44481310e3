//! failcast predicts how code will fail in production, before it ships.
//!
//! The crate is a core that knows nothing of the editor protocol (documents,
//! syntax, functions, hazards, scenarios, the model) and two thin surfaces on
//! top of it: `lsp` for editors and `cli` for code review and CI.

pub mod calls;
pub mod document;
pub mod functions;
pub mod language;
pub mod model;
pub mod position;
pub mod scenario;
pub mod syntax;
pub mod workspace;
