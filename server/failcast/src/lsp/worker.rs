//! The analysis worker: one thread that brings documents' trees up to date,
//! re-analyses what changed and publishes diagnostics, without a timer.
//!
//! `didChange` only applies the text and queues the URI; a URI already
//! queued is not queued twice, so a burst of edits costs one reparse and one
//! analysis of the latest text. Results are published tagged with the
//! version they were computed from and only if that is still the
//! document's version: a stale result is dropped, never shown.

use std::collections::{HashSet, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use parking_lot::{Condvar, Mutex};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::Uri;

use super::convert;
use super::guard::panic_message;
use super::state::State;
use failcast_core::analysis::analyze;
use failcast_core::calls::file_calls;
use failcast_core::context::Context;

/// What the worker asks the async side to send.
pub enum Outgoing {
    Diagnostics {
        uri: Uri,
        version: i32,
        /// The diagnostics as a JSON array.
        diagnostics: Vec<u8>,
    },
    /// A one-time warning for the user.
    Warning(String),
    /// The functions of a document changed; predictions should follow.
    FunctionsChanged { uri: Uri },
    /// Something the model engine reported.
    Engine(failcast_model::EngineEvent),
}

#[derive(Default)]
struct Queue {
    order: VecDeque<Uri>,
    queued: HashSet<Uri>,
    stop: bool,
}

#[derive(Clone)]
pub struct AnalysisWorker {
    queue: Arc<(Mutex<Queue>, Condvar)>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl AnalysisWorker {
    pub fn start(state: Arc<State>, out: UnboundedSender<Outgoing>) -> AnalysisWorker {
        let queue: Arc<(Mutex<Queue>, Condvar)> = Arc::default();
        let thread_queue = queue.clone();
        let corpus_state = state.clone();
        let corpus_out = out.clone();
        let thread = std::thread::Builder::new()
            .name("failcast-analysis".to_owned())
            .spawn(move || run(&thread_queue, &state, &out))
            .expect("spawn the analysis thread");
        let worker = AnalysisWorker {
            queue,
            thread: Arc::new(Mutex::new(Some(thread))),
        };
        let requeue = worker.queue.clone();
        super::history::spawn(corpus_state, corpus_out, move |uri| {
            enqueue(&requeue, uri);
        });
        worker
    }

    /// Queues a document for analysis; a no-op if it is already queued.
    pub fn enqueue(&self, uri: Uri) {
        enqueue(&self.queue, uri);
    }

    pub fn stop(&self) {
        let (lock, condvar) = &*self.queue;
        lock.lock().stop = true;
        condvar.notify_all();
        if let Some(thread) = self.thread.lock().take() {
            let _ = thread.join();
        }
    }
}

fn enqueue(queue: &(Mutex<Queue>, Condvar), uri: Uri) {
    let (lock, condvar) = queue;
    let mut queue = lock.lock();
    if queue.queued.insert(uri.clone()) {
        queue.order.push_back(uri);
        condvar.notify_one();
    }
}

fn run(queue: &(Mutex<Queue>, Condvar), state: &Arc<State>, out: &UnboundedSender<Outgoing>) {
    let (lock, condvar) = queue;
    loop {
        let uri = {
            let mut queue = lock.lock();
            loop {
                if queue.stop {
                    return;
                }
                if let Some(uri) = queue.order.pop_front() {
                    queue.queued.remove(&uri);
                    break uri;
                }
                if condvar.wait_for(&mut queue, CALLS_IDLE).timed_out() && queue.order.is_empty() {
                    drop(queue);
                    index_stale_calls(state);
                    queue = lock.lock();
                }
            }
        };
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| process(state, &uri, out))) {
            let message = panic_message(payload.as_ref());
            tracing::error!("analysis of {} panicked: {message}", uri.as_str());
            let _ = out.send(Outgoing::Warning(format!(
                "failcast: analysis of {} failed ({message}); other files are unaffected",
                uri.path().as_str().rsplit('/').next().unwrap_or_default()
            )));
        }
    }
}

/// How long edits must pause before the call index takes a file's new calls.
const CALLS_IDLE: std::time::Duration = std::time::Duration::from_millis(150);

/// Puts the calls of documents whose functions changed into the call index.
fn index_stale_calls(state: &State) {
    loop {
        let job = {
            let mut documents = state.documents.lock();
            documents.values_mut().find(|o| o.calls_stale).map(|open| {
                open.calls_stale = false;
                let snapshot = open.document.snapshot();
                let analysis = open
                    .analysis
                    .clone()
                    .filter(|a| a.version == snapshot.version);
                (open.path.clone(), snapshot, analysis)
            })
        };
        let Some((path, snapshot, analysis)) = job else {
            return;
        };
        // A newer version is analysed first; its analysis marks it again.
        let (Some(tree), Some(language), Some(analysis)) =
            (snapshot.tree.as_ref(), snapshot.language, analysis)
        else {
            continue;
        };
        let calls = file_calls(language, tree, &snapshot.rope, &path, &analysis.functions);
        state.calls.write().set_file(&path, calls);
    }
}

/// Drops `value` on a thread of its own (started on first use), or here if
/// that thread cannot be started.
fn drop_later<T: Send + 'static>(value: T) {
    type Garbage = Box<dyn Send>;
    static BIN: std::sync::OnceLock<Option<std::sync::mpsc::Sender<Garbage>>> =
        std::sync::OnceLock::new();
    let bin = BIN.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Garbage>();
        std::thread::Builder::new()
            .name("failcast-drop".to_owned())
            .spawn(move || receiver.into_iter().for_each(drop))
            .ok()
            .map(|_| sender)
    });
    if let Some(bin) = bin {
        let _ = bin.send(Box::new(value));
    }
}

/// Reparses and re-analyses one document and publishes its diagnostics.
pub fn process(state: &State, uri: &Uri, out: &UnboundedSender<Outgoing>) {
    let started = Instant::now();
    let job = {
        let documents = state.documents.lock();
        let Some(open) = documents.get(uri) else {
            return;
        };
        open.document.parse_job()
    };
    if let Some(job) = job
        && let Some(tree) = job.run()
    {
        let mut documents = state.documents.lock();
        if let Some(open) = documents.get_mut(uri) {
            open.document.store_parse(&job, tree);
        }
    }
    let (snapshot, path, previous, analysable, answers) = {
        let documents = state.documents.lock();
        let Some(open) = documents.get(uri) else {
            return;
        };
        (
            open.document.snapshot(),
            open.path.clone(),
            open.analysis.clone(),
            open.document.is_analysable(),
            open.model.clone(),
        )
    };
    let parsed_at = started.elapsed();
    let (Some(tree), Some(language)) = (snapshot.tree.as_ref(), snapshot.language) else {
        if !analysable {
            // Unknown language or too large: nothing to show, but clear
            // whatever an earlier version showed.
            let documents = state.documents.lock();
            if documents
                .get(uri)
                .is_some_and(|o| o.document.version() == snapshot.version)
            {
                let _ = out.send(Outgoing::Diagnostics {
                    uri: uri.clone(),
                    version: snapshot.version,
                    diagnostics: b"[]".to_vec(),
                });
            }
        }
        // Otherwise newer edits arrived while parsing; they queued this URI again.
        return;
    };
    let config = state.config.read().clone();
    let history = super::history::file_history(state, &path, uri);
    let analysis = {
        let calls = state.calls.read();
        let ctx = Context::new(&config, &calls);
        let mut analysis = analyze(
            &path,
            language,
            snapshot.version,
            &snapshot.rope,
            tree,
            previous.as_deref(),
            &ctx,
        );
        crate::enrich::enrich(&mut analysis, Some(&answers), history.as_deref(), &ctx);
        analysis
    };
    let analysed_at = started.elapsed();
    let functions_changed = !analysis.changes.is_empty();
    let encoding = state.encoding();
    // Taken while in use: a request analysing at the same time gets an
    // empty one and serialises everything.
    let mut kept = match state.documents.lock().get_mut(uri) {
        Some(open) => std::mem::take(&mut open.diagnostics),
        None => return,
    };
    let diagnostics = convert::diagnostics_json(
        &analysis,
        &config,
        encoding,
        &|p| state.uri_of(p),
        &mut kept,
    );
    let converted_at = started.elapsed();
    // A hash of what would be published, to skip publishing it again.
    let fingerprint = xxhash_rust::xxh3::xxh3_64(&diagnostics);
    let recomputed = analysis.recomputed();
    let analysis = Arc::new(analysis);
    let mut documents = state.documents.lock();
    let Some(open) = documents.get_mut(uri) else {
        return;
    };
    open.diagnostics = kept;
    if open.document.version() != snapshot.version {
        return;
    }
    // The analysis it replaces is freed on another thread: dropping a
    // large file's scenarios takes milliseconds the next edit would wait.
    drop_later((open.analysis.replace(analysis), previous));
    let mut shown = None;
    if open.published != Some((snapshot.version, fingerprint)) {
        open.published = Some((snapshot.version, fingerprint));
        shown = open.analysis.clone();
        // Sent under the lock so a concurrent close cannot overtake it.
        let _ = out.send(Outgoing::Diagnostics {
            uri: uri.clone(),
            version: snapshot.version,
            diagnostics,
        });
    }
    // Other files' traces can wait for this file's calls; typing cannot:
    // the worker indexes them once edits pause (`index_stale_calls`).
    open.calls_stale |= functions_changed;
    drop(documents);
    if let Some(analysis) = shown {
        super::history::record_shown(state, analysis);
    }
    if functions_changed {
        let _ = out.send(Outgoing::FunctionsChanged { uri: uri.clone() });
    }
    tracing::debug!(
        uri = uri.as_str(),
        version = snapshot.version,
        recomputed,
        parse_us = parsed_at.as_micros() as u64,
        analyse_us = (analysed_at - parsed_at).as_micros() as u64,
        convert_us = (converted_at - analysed_at).as_micros() as u64,
        total_us = started.elapsed().as_micros() as u64,
        "analysed"
    );
}
