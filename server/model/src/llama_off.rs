//! The engine's model side in a build without llama.cpp (cargo feature
//! `llama` off, as the fuzz targets build it so sanitizers never compile
//! llama.cpp). Loading always fails with a clear reason, so the engine goes
//! to its failed state at once: cache hits are still served and everything
//! else is static predictions. The session types are uninhabited: no value
//! of them can exist, so their methods are never called.

use std::marker::PhantomData;
use std::sync::Arc;

use super::engine::{EngineConfig, Failure, Outcome, Shared};
use super::prompt::PromptInput;

/// Without llama.cpp there is no model value.
pub(super) enum NoModel {}

pub(super) type ModelHandle = NoModel;
pub(super) type AdapterHandle = NoModel;

pub(super) struct LoadedModel {
    pub(super) model: NoModel,
    pub(super) adapter: Option<NoModel>,
    pub(super) name: String,
}

pub(super) fn load_model(
    _config: &EngineConfig,
    _identity: &dyn Fn(String),
) -> Result<LoadedModel, Failure> {
    Err(Failure {
        message: "this failcast was built without the embedded model (cargo feature `llama`)"
            .to_string(),
        hint: "rebuild with default features, or use a model server with \
               `model.backend = \"openai\"`"
            .to_string(),
    })
}

pub(super) struct Session<'m> {
    never: NoModel,
    _model: PhantomData<&'m NoModel>,
}

impl<'m> Session<'m> {
    pub(super) fn new(
        model: &'m NoModel,
        _adapter: Option<&mut NoModel>,
        _config: &EngineConfig,
        _counters: Arc<Shared>,
    ) -> Result<Self, Failure> {
        match *model {}
    }

    pub(super) fn predict(
        &mut self,
        _input: &PromptInput,
        _work: super::engine::Work,
        _budget_chars: usize,
        _cancelled: &dyn Fn() -> bool,
        _partial: Option<&dyn Fn(Vec<super::output::ModelScenario>)>,
    ) -> Outcome {
        match self.never {}
    }

    pub(super) fn reset(&mut self) -> Result<(), Failure> {
        match self.never {}
    }
}

/// Without llama.cpp there are no logits to show.
pub fn next_token_logits(_config: &EngineConfig, _text: &str) -> Result<Vec<f32>, String> {
    Err("this failcast was built without the embedded model (cargo feature `llama`)".to_string())
}
