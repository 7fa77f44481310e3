//! The one task that talks to the client on behalf of the background
//! threads: it publishes what the analysis worker produced, in order,
//! turns engine events into status, progress and re-analysis, and starts
//! prediction jobs once a document has been quiet for the debounce time.
//! After a batch of publications it asks the client to refresh its code
//! lenses, whose titles summarise the same predictions.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::mpsc::UnboundedReceiver;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::notification::Progress;
use tower_lsp_server::ls_types::{
    MessageType, NumberOrString, ProgressParams, ProgressParamsValue, WorkDoneProgress,
    WorkDoneProgressBegin, WorkDoneProgressEnd,
};

use super::predictions::{Predictor, Scope, is_prefill, split_key};
use super::server::{StatusNotification, StatusParams};
use super::state::State;
use super::worker::{AnalysisWorker, Outgoing};
use failcast_model::{EngineEvent, EngineState};

pub struct Dispatcher {
    pub client: Client,
    pub state: Arc<State>,
    pub worker: AnalysisWorker,
    pub predictor: Arc<Predictor>,
    pub lens_refresh: Arc<Mutex<LensRefresh>>,
    /// The writer's queue: diagnostics, already serialised by the analysis
    /// worker, go there as whole frames rather than through `client`. Weak,
    /// so that the writer stops when the transport does.
    pub frames: tokio::sync::mpsc::WeakUnboundedSender<Vec<u8>>,
}

/// Where `workspace/codeLens/refresh` stands. At most one is in flight: a
/// client that is slow to answer gets one more after its answer, however
/// many publications happened meanwhile, never a queue of them.
#[derive(Default)]
pub enum LensRefresh {
    #[default]
    Idle,
    InFlight {
        again: bool,
    },
}

const LOADING_TOKEN: &str = "failcast/model";
/// How long after the last refresh of a burst one more is sent (see
/// [`Dispatcher::refresh_code_lenses`]).
const LENS_NUDGE: Duration = Duration::from_millis(1500);

impl Dispatcher {
    pub async fn run(self, mut rx: UnboundedReceiver<Outgoing>) {
        let mut loading = false;
        let mut lenses_stale = false;
        while let Some(message) = rx.recv().await {
            match message {
                Outgoing::Diagnostics {
                    uri,
                    version,
                    diagnostics,
                } => {
                    // A closed document's publication only clears it; it has no lenses.
                    lenses_stale |= self.state.documents.lock().contains_key(&uri);
                    let frame = super::transport::publish_diagnostics_frame(
                        uri.as_str(),
                        version,
                        &diagnostics,
                    );
                    // Gone only when the client is: nothing to publish to.
                    if let Some(frames) = self.frames.upgrade() {
                        let _ = frames.send(frame);
                    }
                }
                Outgoing::Warning(text) => {
                    self.client.show_message(MessageType::WARNING, text).await;
                }
                Outgoing::FunctionsChanged { uri } => self.debounce(uri),
                Outgoing::Engine(event) => self.engine_event(event, &mut loading).await,
            }
            // Publications queued together (several files, or the model's
            // answers for several functions) end in one refresh.
            if lenses_stale && rx.is_empty() {
                lenses_stale = false;
                self.refresh_code_lenses();
            }
        }
    }

    /// Asks the client to fetch code lenses again, if it said it can. Sent
    /// from a task of its own: waiting for the client's answer here would
    /// hold up the next publication, and so the user's typing.
    fn refresh_code_lenses(&self) {
        if !self.state.client.read().code_lens_refresh {
            return;
        }
        {
            let mut refresh = self.lens_refresh.lock();
            if let LensRefresh::InFlight { again } = &mut *refresh {
                *again = true;
                return;
            }
            *refresh = LensRefresh::InFlight { again: false };
        }
        let client = self.client.clone();
        let refresh = self.lens_refresh.clone();
        let state = self.state.clone();
        tokio::spawn(async move {
            let send = || async {
                state.lens_refreshes.fetch_add(1, Ordering::SeqCst);
                if let Err(err) = client.code_lens_refresh().await {
                    tracing::debug!("workspace/codeLens/refresh failed: {err}");
                }
            };
            loop {
                send().await;
                let mut refresh = refresh.lock();
                match &mut *refresh {
                    LensRefresh::InFlight { again } if *again => *again = false,
                    _ => {
                        *refresh = LensRefresh::Idle;
                        break;
                    }
                }
            }
            let sent = state.lens_refreshes.load(Ordering::SeqCst);
            // VS Code cancels the lens request a refresh started when its
            // editor loses focus (the Problems panel opened at once),
            // whether it was still scheduled or already sent, and drops
            // the answer; the refresh is spent. So one more, once edits
            // pause (no later refresh went out meanwhile) and while a
            // document is open: an editor still in view asks again,
            // focused or not. Counting the lens requests that arrived
            // could not tell a cancelled one from an answered one.
            tokio::time::sleep(LENS_NUDGE).await;
            let idle = matches!(*refresh.lock(), LensRefresh::Idle);
            let open = !state.documents.lock().is_empty();
            if idle && open && state.lens_refreshes.load(Ordering::SeqCst) == sent {
                send().await;
            }
        });
    }

    /// Schedules predictions for `uri` once it has been quiet for the
    /// debounce interval; a newer change restarts the wait.
    fn debounce(&self, uri: tower_lsp_server::ls_types::Uri) {
        if !self.predictor.is_running() {
            return;
        }
        let generation = self.predictor.changed(&uri);
        let delay = Duration::from_millis(self.state.config.read().debounce_ms);
        {
            // The wait is the model's time to read the function being typed.
            let (predictor, state, uri) = (self.predictor.clone(), self.state.clone(), uri.clone());
            tokio::task::spawn_blocking(move || predictor.prefill(&state, &uri));
        }
        let predictor = self.predictor.clone();
        let state = self.state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            if predictor.is_latest(&uri, generation) {
                let _ = tokio::task::spawn_blocking(move || {
                    predictor.schedule(&state, &uri, &Scope::Changed);
                    predictor.resume(&state);
                })
                .await;
            }
        });
    }

    async fn status(&self, state: &str, message: String, model: Option<String>) {
        self.client
            .send_notification::<StatusNotification>(StatusParams {
                state: state.to_owned(),
                message,
                model,
            })
            .await;
    }

    async fn progress(&self, value: WorkDoneProgress) {
        if !self.state.client.read().work_done_progress {
            return;
        }
        self.client
            .send_notification::<Progress>(ProgressParams {
                token: NumberOrString::String(LOADING_TOKEN.to_owned()),
                value: ProgressParamsValue::WorkDone(value),
            })
            .await;
    }

    /// Keeps a model answer for the function version it was asked about;
    /// an answer for a version that has since changed is dropped.
    fn accept_answer(
        &self,
        uri: &tower_lsp_server::ls_types::Uri,
        function_id: &str,
        content_hash: u64,
        scenarios: Vec<failcast_model::ModelScenario>,
    ) -> bool {
        let mut documents = self.state.documents.lock();
        let Some(open) = documents.get_mut(uri) else {
            return false;
        };
        let current = open
            .analysis
            .as_ref()
            .and_then(|a| a.functions.by_id(function_id).map(|f| f.content_hash));
        if current != Some(content_hash) {
            return false;
        }
        open.model
            .insert(function_id.to_owned(), (content_hash, scenarios));
        true
    }

    /// A job left the engine: functions dropped for room may fit now.
    async fn resume_deferred(&self) {
        if self.predictor.deferred() == 0 {
            return;
        }
        let predictor = self.predictor.clone();
        let state = self.state.clone();
        let _ = tokio::task::spawn_blocking(move || predictor.resume(&state)).await;
    }

    async fn engine_event(&self, event: EngineEvent, loading: &mut bool) {
        match event {
            EngineEvent::State(EngineState::Loading) => {
                let model = self.state.config.read().model.name.clone();
                if self.state.client.read().work_done_progress
                    && self
                        .client
                        .create_work_done_progress(NumberOrString::String(LOADING_TOKEN.to_owned()))
                        .await
                        .is_ok()
                {
                    *loading = true;
                    self.progress(WorkDoneProgress::Begin(WorkDoneProgressBegin {
                        title: "failcast: loading model".to_owned(),
                        message: Some(model.clone()),
                        cancellable: Some(false),
                        percentage: None,
                    }))
                    .await;
                }
                self.status("loading", format!("loading {model}"), Some(model))
                    .await;
            }
            EngineEvent::State(EngineState::Ready { model_name, .. }) => {
                if std::mem::take(loading) {
                    self.progress(WorkDoneProgress::End(WorkDoneProgressEnd {
                        message: Some(format!("{model_name} ready")),
                    }))
                    .await;
                }
                self.status("ready", format!("{model_name} ready"), Some(model_name))
                    .await;
                // Documents opened while the model loaded get their predictions now.
                let uris: Vec<_> = self.state.documents.lock().keys().cloned().collect();
                for uri in uris {
                    let predictor = self.predictor.clone();
                    let state = self.state.clone();
                    let _ = tokio::task::spawn_blocking(move || {
                        predictor.schedule(&state, &uri, &Scope::Changed)
                    })
                    .await;
                }
            }
            EngineEvent::State(EngineState::Failed { message, hint }) => {
                if std::mem::take(loading) {
                    self.progress(WorkDoneProgress::End(WorkDoneProgressEnd {
                        message: Some("model unavailable".to_owned()),
                    }))
                    .await;
                }
                tracing::warn!("model engine failed: {message}");
                self.status("error", format!("{message}; static predictions only"), None)
                    .await;
                let text = format!(
                    "failcast: the model is unavailable ({message}); static predictions continue. To fix: {hint}."
                );
                if self.predictor.first_warning(&text) {
                    self.client.show_message(MessageType::WARNING, text).await;
                }
            }
            EngineEvent::Done {
                key,
                content_hash,
                scenarios,
                stats,
            } => {
                self.predictor.settled(&key, content_hash);
                self.resume_deferred().await;
                if is_prefill(&key) {
                    tracing::debug!(
                        prompt_tokens = stats.prompt_tokens,
                        reused = stats.reused_prompt_tokens,
                        prompt_ms = stats.prompt_ms,
                        "model prefilled the function under the cursor"
                    );
                    return;
                }
                let Some((uri, function_id)) = split_key(&key) else {
                    return;
                };
                tracing::debug!(
                    function = function_id,
                    scenarios = scenarios.len(),
                    from_cache = stats.from_cache,
                    decode_steps = stats.decode_steps,
                    prompt_tokens = stats.prompt_tokens,
                    reused = stats.reused_prompt_tokens,
                    prompt_ms = stats.prompt_ms,
                    generate_ms = stats.generate_ms,
                    "model answered"
                );
                let accepted = self.accept_answer(&uri, function_id, content_hash, scenarios);
                if accepted {
                    self.predictor
                        .answered
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    self.worker.enqueue(uri);
                } else {
                    tracing::debug!("dropped a stale model answer for {function_id}");
                }
            }
            EngineEvent::Partial {
                key,
                content_hash,
                scenarios,
            } => {
                // The first scenarios shown while the model writes the rest.
                let Some((uri, function_id)) = split_key(&key) else {
                    return;
                };
                if self.accept_answer(&uri, function_id, content_hash, scenarios) {
                    self.worker.enqueue(uri);
                }
            }
            EngineEvent::Cancelled { key, content_hash } => {
                self.predictor.settled(&key, content_hash);
                self.resume_deferred().await;
            }
            EngineEvent::Dropped {
                key,
                content_hash,
                priority,
            } => {
                tracing::debug!("the model's queue is full; asking about {key} later");
                self.predictor.dropped(&key, content_hash, priority);
            }
            EngineEvent::Failed {
                key,
                content_hash,
                message,
            } => {
                self.predictor.settled(&key, content_hash);
                tracing::warn!("model job failed: {message}");
                self.resume_deferred().await;
            }
            EngineEvent::Notice(message) => {
                tracing::warn!("model: {message}");
                let text = format!("failcast: {message}");
                if self.predictor.first_warning(&text) {
                    self.client.show_message(MessageType::WARNING, text).await;
                }
            }
        }
    }
}
