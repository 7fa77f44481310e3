//! The local language model: catalog, fetching, the inference engine and
//! its cache, and `predict`, which turns a static analysis into prompts and
//! merges the answers back into its scenarios.
//!
//! Plain data in, plain data out: nothing here knows about the editor
//! protocol. The LSP layer submits `engine::Job`s and renders the
//! `engine::EngineEvent`s it receives; the CLI calls `fetch::fetch_command`
//! and `doctor::diagnose`.

mod cache;
pub mod catalog;
pub mod doctor;
pub mod engine;
pub mod fetch;
// The structural check guards llama.cpp's loader, which aborts the process
// on a malformed file; without the `llama` feature only its tests use it.
#[cfg_attr(not(feature = "llama"), allow(dead_code))]
mod gguf;
// The answer grammar; only the llama.cpp backend samples under one.
#[cfg_attr(not(feature = "llama"), allow(dead_code))]
mod grammar;
#[cfg(feature = "llama")]
mod llama;
#[cfg(not(feature = "llama"))]
mod llama_off;
pub mod output;
pub mod predict;
pub mod prompt;
mod queue;
// The scoring math of ranking; only the llama.cpp backend scores.
#[cfg_attr(not(feature = "llama"), allow(dead_code))]
mod rank;
pub mod remote;

pub use catalog::{CATALOG, DEFAULT_MODEL, ModelEntry, ModelSource};
pub use engine::{
    Engine, EngineConfig, EngineEvent, EngineState, FETCH_HINT, Job, JobStats, LoraConfig, Work,
};
pub use output::ModelScenario;
pub use prompt::{PromptCaller, PromptHazard, PromptInput};
