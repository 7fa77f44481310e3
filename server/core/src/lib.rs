//! failcast's core: everything that predicts failures from the code alone.
//!
//! Documents and positions, syntax and languages, the function and call
//! index, hazards (the static rules), scenarios and their telemetry, the
//! static analysis of a file, and test generation. Plain data in and out:
//! no editor protocol, no model runtime, no database (a tidy test holds
//! the crate to that). The model and the corpus enrich what this crate
//! computes; the `failcast` crate translates it for editors and CI.

pub mod analysis;
pub mod arguments;
pub mod calls;
pub mod config;
pub mod context;
pub mod document;
pub mod error_class;
pub mod functions;
pub mod hazards;
pub mod language;
pub mod logging;
pub mod macro_bodies;
pub mod module_code;
pub mod position;
pub mod scenario;
pub mod scenario_lists;
pub mod syntax;
pub mod telemetry;
pub mod testgen;
pub mod text;
pub mod workspace;
