//! Model predictions for open documents: when to ask, what to ask, and what
//! to do with the answers. The engine (its own thread) does the asking.
//!
//! Static diagnostics never wait for this. After an edit the changed
//! functions are queued once the document has been quiet for the debounce
//! interval; newer edits and the function under the cursor go first. An
//! answer is kept only if its function still has the content hash it was
//! asked about, so no stale prediction is ever shown; a function that
//! changes or disappears has its job cancelled. The engine's queue is
//! bounded: a job it drops for room is remembered (one entry per function,
//! so this is bounded by the open code, not by the number of edits) and
//! asked again, in its old order, as jobs finish and make room.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use tower_lsp_server::ls_types::Uri;

use super::state::State;
use failcast_core::analysis::FileAnalysis;
use failcast_core::functions::Function;
use failcast_model::predict::{ModelAnswers, prompt_input, work_for};
use failcast_model::{Engine, EngineConfig, EngineEvent, Job};

/// Separates the URI from the function id in job keys; ids may contain `#`.
const KEY_SEPARATOR: char = '\u{1f}';

pub fn job_key(uri: &Uri, function_id: &str) -> String {
    format!("{}{KEY_SEPARATOR}{function_id}", uri.as_str())
}

/// The function id of prefill jobs; no function's id starts with the key
/// separator.
const PREFILL_ID: &str = "\u{1f}prefill";

/// The key of a document's prefill job (see [`Predictor::prefill`]).
pub fn prefill_key(uri: &Uri) -> String {
    job_key(uri, PREFILL_ID)
}

/// Whether `key` is a prefill job's, whose answer is empty by design.
pub fn is_prefill(key: &str) -> bool {
    key.ends_with(PREFILL_ID) && split_key(key).is_some_and(|(_, id)| id == PREFILL_ID)
}

pub fn split_key(key: &str) -> Option<(Uri, &str)> {
    let (uri, id) = key.split_once(KEY_SEPARATOR)?;
    Some((uri.parse().ok()?, id))
}

/// Which functions of a document to ask about.
#[derive(Clone, Debug)]
pub enum Scope {
    /// Functions that changed since they were last asked about (after an
    /// edit), or that have static hazards (when a document opens).
    Changed,
    /// One function, now, ahead of everything else (`failcast.predict`).
    Function(String),
    /// Functions whose jobs the full queue dropped, each with the priority
    /// it had, asked again now that there is room.
    Resume(HashMap<String, i64>),
}

/// Priorities: the function under the cursor first, then newer edits.
const CURSOR_BONUS: i64 = 1 << 40;
const EXPLICIT_BONUS: i64 = 1 << 41;

#[derive(Default)]
pub struct Predictor {
    engine: Mutex<Option<Engine>>,
    /// Jobs in flight: key → the content hash asked about.
    pending: Mutex<HashMap<String, u64>>,
    /// Jobs the engine's full queue dropped: key → the priority they had.
    deferred: Mutex<HashMap<String, i64>>,
    /// Bumped on every change; newer changes get higher priority.
    generation: AtomicU64,
    /// The generation of each document's latest change, for debouncing.
    latest: Mutex<HashMap<Uri, u64>>,
    /// The last position the client showed interest in, per document.
    cursor: Mutex<HashMap<Uri, usize>>,
    /// Warnings already shown, so each is shown once.
    warned: Mutex<HashSet<String>>,
    /// Decode steps across engine restarts, for tests and reports.
    pub answered: AtomicU64,
}

impl Predictor {
    pub fn is_running(&self) -> bool {
        self.engine.lock().is_some()
    }

    /// Starts the engine, or restarts it with a new configuration. Returns
    /// the events receiver for a new engine.
    pub fn start(&self, config: EngineConfig) -> Option<crossbeam_channel::Receiver<EngineEvent>> {
        let mut engine = self.engine.lock();
        self.pending.lock().clear();
        // Once the engine is ready every document is scheduled again.
        self.deferred.lock().clear();
        match engine.as_mut() {
            Some(running) => {
                running.restart(config);
                None
            }
            None => {
                let started = Engine::start(config);
                let events = started.events();
                *engine = Some(started);
                Some(events)
            }
        }
    }

    pub fn stop(&self) {
        if let Some(engine) = self.engine.lock().take() {
            engine.shutdown();
        }
        self.pending.lock().clear();
        self.deferred.lock().clear();
    }

    pub fn decode_steps(&self) -> u64 {
        self.engine.lock().as_ref().map_or(0, Engine::decode_steps)
    }

    /// The engine's state: `off`, `loading`, `ready` or `error`.
    pub fn state_name(&self) -> &'static str {
        match self.engine.lock().as_ref().map(Engine::state) {
            None => "off",
            Some(failcast_model::EngineState::Loading) => "loading",
            Some(failcast_model::EngineState::Ready { .. }) => "ready",
            Some(failcast_model::EngineState::Failed { .. }) => "error",
        }
    }

    pub fn pending(&self) -> usize {
        self.pending.lock().len()
    }

    /// Jobs dropped for room and not yet asked again.
    pub fn deferred(&self) -> usize {
        self.deferred.lock().len()
    }

    /// Returns true the first time `message` is offered.
    pub fn first_warning(&self, message: &str) -> bool {
        self.warned.lock().insert(message.to_owned())
    }

    pub fn forget_warnings(&self) {
        self.warned.lock().clear();
    }

    /// Notes a change of `uri`; returns the generation to debounce on.
    pub fn changed(&self, uri: &Uri) -> u64 {
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        self.latest.lock().insert(uri.clone(), generation);
        generation
    }

    /// Whether `generation` is still the latest change of `uri`.
    pub fn is_latest(&self, uri: &Uri, generation: u64) -> bool {
        self.latest.lock().get(uri) == Some(&generation)
    }

    pub fn set_cursor(&self, uri: &Uri, offset: usize) {
        self.cursor.lock().insert(uri.clone(), offset);
    }

    /// Cancels every job of a document (closed) and forgets it.
    pub fn forget(&self, uri: &Uri) {
        let prefix = format!("{}{KEY_SEPARATOR}", uri.as_str());
        let keys: Vec<String> = self
            .pending
            .lock()
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        if let Some(engine) = self.engine.lock().as_ref() {
            for key in &keys {
                engine.cancel(key);
            }
            engine.cancel(&prefill_key(uri));
        }
        let mut pending = self.pending.lock();
        for key in keys {
            pending.remove(&key);
        }
        self.deferred
            .lock()
            .retain(|key, _| !key.starts_with(&prefix));
        self.latest.lock().remove(uri);
        self.cursor.lock().remove(uri);
    }

    /// A job finished one way or another.
    pub fn settled(&self, key: &str, content_hash: u64) {
        let mut pending = self.pending.lock();
        if pending.get(key) == Some(&content_hash) {
            pending.remove(key);
        }
    }

    /// The engine's full queue dropped a job that is still wanted: it is
    /// asked again by [`Predictor::resume`] once there is room.
    pub fn dropped(&self, key: &str, content_hash: u64, priority: i64) {
        let mut pending = self.pending.lock();
        if pending.get(key) == Some(&content_hash) {
            pending.remove(key);
            self.deferred.lock().insert(key.to_owned(), priority);
        }
    }

    /// Asks again about functions whose jobs were dropped for room, highest
    /// priority first, as many as the queue now has room for. Returns how
    /// many jobs were submitted.
    pub fn resume(&self, state: &State) -> usize {
        let mut waiting: Vec<(String, i64)> = self.deferred.lock().drain().collect();
        waiting.sort_by_key(|(_, priority)| std::cmp::Reverse(*priority));
        let mut waiting = waiting.into_iter();
        let mut submitted = 0;
        loop {
            let room = self.engine.lock().as_ref().map_or(0, Engine::room);
            // A function that vanished or was answered meanwhile takes no
            // room, so go on until the room is used or nobody waits.
            let batch: Vec<(String, i64)> = waiting.by_ref().take(room).collect();
            if batch.is_empty() {
                break;
            }
            let mut by_document: HashMap<Uri, HashMap<String, i64>> = HashMap::new();
            for (key, priority) in batch {
                if let Some((uri, id)) = split_key(&key) {
                    by_document
                        .entry(uri)
                        .or_default()
                        .insert(id.to_owned(), priority);
                }
            }
            submitted += by_document
                .into_iter()
                .map(|(uri, functions)| self.schedule(state, &uri, &Scope::Resume(functions)))
                .sum::<usize>();
        }
        self.defer(waiting);
        submitted
    }

    /// Puts jobs taken out of `deferred` back (an entry added meanwhile wins).
    fn defer(&self, jobs: impl IntoIterator<Item = (String, i64)>) {
        let mut deferred = self.deferred.lock();
        for (key, priority) in jobs {
            deferred.entry(key).or_insert(priority);
        }
    }

    /// Functions taken out of `deferred` to be asked again wait on when
    /// their document's analysis is not current yet.
    fn defer_again(&self, uri: &Uri, scope: &Scope) {
        if let Scope::Resume(functions) = scope {
            self.defer(functions.iter().map(|(id, p)| (job_key(uri, id), *p)));
        }
    }

    /// Decodes the prompt of the function under the cursor while the
    /// debounce runs (the job after it then decodes only what changed since,
    /// at least its last chunk). One prefill per document: a newer one
    /// replaces it, and a running one is cancelled between decode steps.
    /// Nothing is asked when the cursor is in no function, or in one that has
    /// nothing to rank or is already answered. Returns whether one was asked.
    pub fn prefill(&self, state: &State, uri: &Uri) -> bool {
        let engine_guard = self.engine.lock();
        let Some(engine) = engine_guard.as_ref() else {
            return false;
        };
        let Some(cursor) = self.cursor.lock().get(uri).copied() else {
            return false;
        };
        let Current::Ready(analysis, answers) = current(state, uri) else {
            return false;
        };
        // The innermost function holding the cursor.
        let Some((index, function)) = analysis
            .functions
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.range.contains(&cursor))
            .min_by_key(|(_, f)| f.range.len())
        else {
            return false;
        };
        if nothing_to_rank(&analysis, index) || answered(&answers, function) {
            return false;
        }
        let (input, _) = job_input(state, &analysis, index);
        let generation = self.generation.load(Ordering::Relaxed) as i64;
        // Ahead of the ranking job it prepares (same generation, cursor).
        let priority = generation * 16 + CURSOR_BONUS + 1;
        engine.submit(
            Job::new(prefill_key(uri), function.content_hash, priority, input)
                .with_work(failcast_model::Work::Prefill),
        );
        true
    }

    /// Submits jobs for the functions of `uri` in `scope`. Returns how many.
    pub fn schedule(&self, state: &State, uri: &Uri, scope: &Scope) -> usize {
        let engine_guard = self.engine.lock();
        let Some(engine) = engine_guard.as_ref() else {
            return 0;
        };
        let (analysis, answers) = match current(state, uri) {
            Current::Ready(analysis, answers) => (analysis, answers),
            Current::Closed => return 0,
            // A newer version is being analysed; its change schedules again.
            Current::NotYet => {
                self.defer_again(uri, scope);
                return 0;
            }
        };
        let cursor = self.cursor.lock().get(uri).copied();
        let generation = self.generation.load(Ordering::Relaxed) as i64;
        let mut pending = self.pending.lock();
        // Jobs for functions that changed or vanished are stale: cancel them.
        let prefix = format!("{}{KEY_SEPARATOR}", uri.as_str());
        let current: HashMap<&str, u64> = analysis
            .functions
            .functions
            .iter()
            .map(|f| (f.id.as_str(), f.content_hash))
            .collect();
        let stale: Vec<String> = pending
            .iter()
            .filter(|(key, hash)| {
                key.starts_with(&prefix) && current.get(&key[prefix.len()..]) != Some(*hash)
            })
            .map(|(key, _)| key.clone())
            .collect();
        for key in stale {
            engine.cancel(&key);
            pending.remove(&key);
        }
        let mut submitted = 0;
        for (index, function) in analysis.functions.functions.iter().enumerate() {
            let nothing = nothing_to_rank(&analysis, index);
            let answered = answered(&answers, function);
            let wanted = match scope {
                Scope::Function(id) => *id == function.id && !function.is_module(),
                Scope::Resume(functions) => functions.contains_key(&function.id) && !answered,
                Scope::Changed => {
                    // Only functions with predictions: the model ranks them
                    // (and writes prose for scenarios); with nothing to rank,
                    // a prefill would buy nothing. `failcast check` asks the
                    // same functions (`ask_as_editors_do`).
                    !answered && !nothing
                }
            };
            if !wanted {
                continue;
            }
            let key = job_key(uri, &function.id);
            if !matches!(scope, Scope::Function(_))
                && pending.get(&key) == Some(&function.content_hash)
            {
                continue;
            }
            let priority = match scope {
                // Back in line where it was, not ahead of later edits.
                Scope::Resume(functions) => functions[&function.id],
                _ => {
                    let mut priority = generation * 16;
                    if cursor.is_some_and(|c| function.range.contains(&c)) {
                        priority += CURSOR_BONUS;
                    }
                    if matches!(scope, Scope::Function(_)) {
                        priority += EXPLICIT_BONUS;
                    }
                    priority
                }
            };
            let (input, work) = job_input(state, &analysis, index);
            self.deferred.lock().remove(&key);
            pending.insert(key.clone(), function.content_hash);
            engine.submit(
                Job::new(key, function.content_hash, priority, input)
                    .with_partial()
                    .with_work(work),
            );
            submitted += 1;
        }
        submitted
    }
}

/// A document as the model may be asked about it.
enum Current {
    /// Its analysis is of its current version: with the answers kept.
    Ready(Arc<FileAnalysis>, ModelAnswers),
    /// It is not open.
    Closed,
    /// Not analysed yet, or a newer version is being analysed.
    NotYet,
}

fn current(state: &State, uri: &Uri) -> Current {
    let documents = state.documents.lock();
    let Some(open) = documents.get(uri) else {
        return Current::Closed;
    };
    match &open.analysis {
        Some(analysis)
            if analysis.version == open.document.version() && analysis.skipped.is_none() =>
        {
            Current::Ready(Arc::clone(analysis), open.model.clone())
        }
        _ => Current::NotYet,
    }
}

/// Whether the function at `index` has no prediction for the model to rank.
/// How many it has does not depend on where the function is, so a function
/// an edit only moved is not moved for this.
fn nothing_to_rank(analysis: &FileAnalysis, index: usize) -> bool {
    // The model reads functions; the module's code is static predictions only.
    analysis.functions.functions[index].is_module()
        || analysis.scenarios.as_rendered(index).is_empty()
            && analysis.candidates.as_rendered(index).is_empty()
}

/// Whether the model's answer for this version of `function` is kept.
fn answered(answers: &ModelAnswers, function: &Function) -> bool {
    answers
        .get(&function.id)
        .is_some_and(|(hash, _)| *hash == function.content_hash)
}

/// What the model is asked about the function at `index` of `analysis`,
/// and how: the same for a prefill as for the job it prepares, so that the
/// job finds its prompt's KV entries in place.
fn job_input(
    state: &State,
    analysis: &FileAnalysis,
    index: usize,
) -> (failcast_model::PromptInput, failcast_model::Work) {
    let function = &analysis.functions.functions[index];
    let scenarios = &analysis.scenarios[index];
    let candidates = analysis
        .candidates
        .get(index)
        .map_or(&[][..], Vec::as_slice);
    let input = prompt_input(
        function,
        analysis.language,
        &analysis.path,
        &analysis.rope,
        scenarios,
        candidates,
        super::history::incidents(state, analysis, function),
    );
    // Asked by name about a function with no prediction at all, the model
    // may write what it sees; otherwise it ranks (and writes prose for the
    // function's own scenarios).
    let work = if scenarios.is_empty() && candidates.is_empty() {
        failcast_model::Work::RankAndWrite
    } else {
        work_for(scenarios)
    };
    (input, work)
}

/// Forwards engine events to the async side from a plain thread, since the
/// engine's channel is blocking.
pub fn pump_events(
    events: crossbeam_channel::Receiver<EngineEvent>,
    out: tokio::sync::mpsc::UnboundedSender<super::worker::Outgoing>,
) {
    std::thread::Builder::new()
        .name("failcast-model-events".to_owned())
        .spawn(move || {
            for event in events {
                if out.send(super::worker::Outgoing::Engine(event)).is_err() {
                    return;
                }
            }
        })
        .map(drop)
        .unwrap_or_else(|err| tracing::error!("cannot start the model event thread: {err}"));
}
