//! The corpus as the language server sees it: opened lazily on first use,
//! looked for again now and then while it does not exist (an ingest may
//! create it), and given up on with one warning if it is broken. Without a
//! corpus everything else works as before; history only adds.
//!
//! Typing never waits on the corpus. Its reads and writes run on a thread
//! of their own (`failcast-corpus`); the analysis worker takes a file's
//! history from a cache, asks for a fresh copy now and then, and is sent the
//! file again when what the corpus says changed. Only a file's first
//! analysis waits for its history, and at most [`FIRST_LOOKUP`]: a corpus on
//! the local disk answers well within it, so history is there when a file
//! opens; a remote one that is slow or down costs the file its history for
//! that first look only.
//!
//! A shared PostgreSQL corpus is opened with short timeouts, and one that
//! does not answer is not given up on: it costs one warning, predictions go
//! on without history, and it is tried again after [`RETRY_REMOTE`].

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::Uri;

use super::guard::panic_message;
use super::state::State;
use super::worker::Outgoing;
use failcast_core::analysis::FileAnalysis;
use failcast_core::functions::Function;
use failcast_corpus::{Corpus, FileHistory, Location, Timeouts, retrieve};

/// How long a file's first analysis waits for its history.
const FIRST_LOOKUP: Duration = Duration::from_millis(150);
/// How old a file's cached history may be before an analysis asks again
/// (an ingest may have added to it).
const REFRESH: Duration = Duration::from_secs(10);
/// How long shutdown waits for shown predictions to be written.
const STOP_WAIT: Duration = Duration::from_secs(2);

/// How often a missing corpus is looked for again.
const RECHECK: Duration = Duration::from_secs(5);
/// How often an unreachable PostgreSQL corpus is tried again.
const RETRY_REMOTE: Duration = Duration::from_secs(30);
const INCIDENTS: usize = 3;

#[derive(Default)]
pub struct CorpusSlot {
    location: Option<Location>,
    corpus: Option<Corpus>,
    looked_at: Option<Instant>,
    /// The corpus file failed to open; not tried again.
    broken: bool,
    /// A remote corpus did not answer and that was said; not said again
    /// until it has answered.
    warned_unreachable: bool,
    /// A query failed on a freshly opened corpus: the next failure is not
    /// a replaced file but a broken one.
    failed_once: bool,
    /// Recording predictions failed (read-only, disk full): reads go on,
    /// writes are not tried again.
    no_record: bool,
    /// A warning for the next caller that can send one (the prompt's
    /// incident lookup has no way to the client).
    pending: Option<String>,
}

impl CorpusSlot {
    /// The corpus at `location`, or why it cannot be used (returned once).
    fn get(&mut self, location: &Location) -> Result<Option<&Corpus>, String> {
        if self.location.as_ref() != Some(location) {
            *self = CorpusSlot {
                location: Some(location.clone()),
                ..CorpusSlot::default()
            };
        }
        if self.broken {
            return Ok(None);
        }
        let recheck = if location.is_remote() {
            RETRY_REMOTE
        } else {
            RECHECK
        };
        if self.corpus.is_none() && self.looked_at.is_none_or(|t| t.elapsed() >= recheck) {
            self.looked_at = Some(Instant::now());
            match Corpus::open_existing_at(location, Timeouts::EDITOR) {
                Ok(corpus) => {
                    self.warned_unreachable = false;
                    self.corpus = corpus;
                }
                Err(err) if location.is_remote() => {
                    if std::mem::replace(&mut self.warned_unreachable, true) {
                        return Ok(None);
                    }
                    return Err(format!(
                        "failcast: the production corpus cannot be reached ({err:#}); predictions continue without history, and it is tried again every {} s",
                        RETRY_REMOTE.as_secs()
                    ));
                }
                Err(err) => {
                    self.broken = true;
                    return Err(format!(
                        "failcast: the production corpus cannot be used ({err:#}); predictions continue without history"
                    ));
                }
            }
        }
        Ok(self.corpus.as_ref())
    }

    /// A query failed: the file may have been replaced; reopen next time.
    fn reset(&mut self) {
        self.corpus = None;
        self.looked_at = None;
    }
}

fn corpus_location(state: &State) -> Option<Location> {
    let root = state.roots.read().first().cloned()?;
    let config = state.config.read();
    Some(Location::resolve(
        &root,
        &config.corpus_path,
        &config.corpus_url,
    ))
}

/// Runs `f` on the corpus, if there is one. A corpus that cannot be opened,
/// or whose queries still fail after reopening it, is given up on with one
/// warning (sent now through `out`, or by the next caller that has one).
fn with_corpus<T>(
    state: &State,
    out: Option<&UnboundedSender<Outgoing>>,
    f: impl FnOnce(&Corpus) -> anyhow::Result<T>,
) -> Option<T> {
    let location = corpus_location(state)?;
    let mut slot = state.corpus.lock();
    let result = match slot.get(&location) {
        Ok(None) => None,
        Ok(Some(corpus)) => match f(corpus) {
            Ok(value) => {
                slot.failed_once = false;
                Some(value)
            }
            Err(err) if location.is_remote() => {
                // The server went away or timed out: try again later.
                slot.corpus = None;
                slot.looked_at = Some(Instant::now());
                if !std::mem::replace(&mut slot.warned_unreachable, true) {
                    slot.pending = Some(format!(
                        "failcast: the production corpus does not answer ({err:#}); predictions continue without history"
                    ));
                }
                None
            }
            Err(err) if !slot.failed_once => {
                // The file may have been replaced under us: reopen next time.
                tracing::warn!("corpus query failed: {err:#}; reopening");
                slot.reset();
                slot.failed_once = true;
                None
            }
            Err(err) => {
                slot.broken = true;
                slot.pending = Some(format!(
                    "failcast: the production corpus cannot be read ({err:#}); predictions continue without history"
                ));
                None
            }
        },
        Err(message) => {
            slot.pending = Some(message);
            None
        }
    };
    if let (Some(out), Some(message)) = (out, slot.pending.take()) {
        tracing::warn!("{message}");
        let _ = out.send(Outgoing::Warning(message));
    }
    result
}

/// The past failures of a workspace file, from the cache. Never waits on
/// the corpus but for a file's first look (at most [`FIRST_LOOKUP`]); a
/// missing or old copy is asked for, and `uri` is analysed again when it
/// arrives and differs.
pub fn file_history(state: &State, path: &str, uri: &Uri) -> Option<Arc<FileHistory>> {
    corpus_location(state)?;
    let history = &state.history;
    let mut cache = history.cache.lock();
    let entry = cache.entry(path.to_owned()).or_default();
    if !entry.asked && entry.fetched.is_none_or(|t| t.elapsed() >= REFRESH) {
        entry.asked = true;
        history.push(Job::Lookup(path.to_owned(), uri.clone()));
    }
    if entry.fetched.is_none() {
        let deadline = Instant::now() + FIRST_LOOKUP;
        cache.get_mut(path)?.waiting = true;
        while cache.get(path).is_some_and(|e| e.fetched.is_none()) {
            if history.fetched.wait_until(&mut cache, deadline).timed_out() {
                break;
            }
        }
        cache.get_mut(path)?.waiting = false;
    }
    cache.get(path)?.history.clone()
}

/// One-line past incidents for the prompt about `function`: its own
/// failures first, then failures of similar code.
pub fn incidents(state: &State, analysis: &FileAnalysis, function: &Function) -> Vec<String> {
    with_corpus(state, None, |corpus| {
        let history = FileHistory::load(corpus, &analysis.path)?;
        let mut lines: Vec<String> = history
            .of_function(function, &analysis.functions)
            .into_iter()
            .map(retrieve::incident_line)
            .collect();
        if lines.len() < INCIDENTS {
            let end = function.range.end.min(analysis.rope.len_bytes());
            let start = function.range.start.min(end);
            let source = analysis.rope.byte_slice(start..end).to_string();
            for failure in retrieve::similar(corpus, &source, INCIDENTS)? {
                let line = retrieve::incident_line(&failure);
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
        }
        lines.truncate(INCIDENTS);
        Ok(lines)
    })
    .unwrap_or_default()
}

/// Records the scenarios shown for a file as predictions, on the corpus
/// thread; of several versions waiting there only the latest is written.
pub fn record_shown(state: &State, analysis: Arc<FileAnalysis>) {
    // Counted as rendered: reading the lists would move every function
    // that an edit moved.
    let scenarios = &analysis.scenarios;
    let none = (0..scenarios.len()).all(|i| scenarios.as_rendered(i).is_empty());
    if none || state.corpus.lock().no_record {
        return;
    }
    state.history.push(Job::Record(analysis));
}

/// Writes shown predictions. A corpus that cannot be written (read-only,
/// disk full) is still read; the first failed write is reported once and
/// writing is not tried again.
fn record(state: &State, analysis: &FileAnalysis, out: &UnboundedSender<Outgoing>) {
    if state.corpus.lock().no_record {
        return;
    }
    let recorded = with_corpus(state, Some(out), |corpus| {
        Ok(failcast_corpus::feedback::record(corpus, &[analysis]))
    });
    if let Some(Err(err)) = recorded {
        state.corpus.lock().no_record = true;
        let message = format!(
            "failcast: predictions cannot be recorded in the production corpus ({err:#}); history still works, but `failcast report` will not count them"
        );
        tracing::warn!("{message}");
        let _ = out.send(Outgoing::Warning(message));
    }
}

/// A file's history as the analysis worker last saw the corpus say it.
#[derive(Default)]
struct Cached {
    history: Option<Arc<FileHistory>>,
    /// When the corpus last answered for this file (or failed to).
    fetched: Option<Instant>,
    /// A lookup is queued or running.
    asked: bool,
    /// An analysis is waiting for the first answer and takes it itself.
    waiting: bool,
}

enum Job {
    Lookup(String, Uri),
    Record(Arc<FileAnalysis>),
}

#[derive(Default)]
struct Jobs {
    lookups: VecDeque<(String, Uri)>,
    /// The latest shown analysis of each file not yet written.
    records: HashMap<String, Arc<FileAnalysis>>,
    stop: bool,
}

/// The corpus side of the server: the history cache the analysis worker
/// reads and the queue of the corpus thread that fills it.
#[derive(Default)]
pub struct History {
    cache: Mutex<HashMap<String, Cached>>,
    /// Signalled whenever a lookup lands in `cache`.
    fetched: Condvar,
    jobs: Mutex<Jobs>,
    wake: Condvar,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl History {
    fn push(&self, job: Job) {
        let mut jobs = self.jobs.lock();
        match job {
            Job::Lookup(path, uri) => jobs.lookups.push_back((path, uri)),
            Job::Record(analysis) => {
                jobs.records.insert(analysis.path.clone(), analysis);
            }
        }
        self.wake.notify_one();
    }

    /// Ends the corpus thread once the predictions shown so far are
    /// written, waiting for that at most [`STOP_WAIT`]: a remote corpus
    /// that hangs must not hold up the editor's shutdown.
    pub fn stop(&self) {
        self.jobs.lock().stop = true;
        self.wake.notify_all();
        let Some(thread) = self.thread.lock().take() else {
            return;
        };
        let deadline = Instant::now() + STOP_WAIT;
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        if thread.is_finished() {
            let _ = thread.join();
        }
    }

    fn next(&self) -> Option<Job> {
        let mut jobs = self.jobs.lock();
        loop {
            if !jobs.stop
                && let Some((path, uri)) = jobs.lookups.pop_front()
            {
                return Some(Job::Lookup(path, uri));
            }
            if let Some(path) = jobs.records.keys().next().cloned() {
                return jobs.records.remove(&path).map(Job::Record);
            }
            if jobs.stop {
                return None;
            }
            self.wake.wait(&mut jobs);
        }
    }
}

/// Starts the corpus thread. `reanalyse` queues a document whose history
/// changed.
pub fn spawn(
    state: Arc<State>,
    out: UnboundedSender<Outgoing>,
    reanalyse: impl Fn(Uri) + Send + 'static,
) {
    let thread_state = state.clone();
    let spawned = std::thread::Builder::new()
        .name("failcast-corpus".to_owned())
        .spawn(move || {
            let state = thread_state;
            while let Some(job) = state.history.next() {
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match job {
                        Job::Lookup(path, uri) => lookup(&state, &path, uri, &out, &reanalyse),
                        Job::Record(analysis) => record(&state, &analysis, &out),
                    }));
                if let Err(payload) = outcome {
                    tracing::error!("corpus job panicked: {}", panic_message(payload.as_ref()));
                }
            }
        });
    match spawned {
        Ok(thread) => *state.history.thread.lock() = Some(thread),
        Err(err) => tracing::error!(
            "cannot start the corpus thread ({err}); predictions go on without history"
        ),
    }
}

fn lookup(
    state: &State,
    path: &str,
    uri: Uri,
    out: &UnboundedSender<Outgoing>,
    reanalyse: &impl Fn(Uri),
) {
    let found = with_corpus(state, Some(out), |c| Ok(FileHistory::load(c, path)?))
        .filter(|h| !h.is_empty())
        .map(Arc::new);
    let mut cache = state.history.cache.lock();
    let entry = cache.entry(path.to_owned()).or_default();
    let changed = entry.history != found;
    entry.history = found;
    entry.fetched = Some(Instant::now());
    entry.asked = false;
    let taken = entry.waiting;
    drop(cache);
    state.history.fetched.notify_all();
    if changed && !taken {
        reanalyse(uri);
    }
}
