//! The local language model: catalog, fetching, the inference engine and its cache.
//!
//! Plain data in, plain data out: nothing here knows about the editor
//! protocol. The LSP layer submits `engine::Job`s and renders the
//! `engine::EngineEvent`s it receives; the CLI calls `fetch::fetch_command`
//! and `doctor::diagnose`.

pub mod cache;
pub mod catalog;
pub mod doctor;
pub mod engine;
pub mod fetch;
pub mod gguf;
#[cfg(feature = "llama")]
mod llama;
#[cfg(not(feature = "llama"))]
mod llama_off;
pub mod output;
pub mod prompt;
mod queue;
pub mod remote;

pub use catalog::{CATALOG, DEFAULT_MODEL, ModelEntry, ModelSource};
pub use engine::{
    Engine, EngineConfig, EngineEvent, EngineState, FETCH_HINT, Job, JobStats, LoraConfig,
};
pub use output::ModelScenario;
pub use prompt::{PromptCaller, PromptHazard, PromptInput};
