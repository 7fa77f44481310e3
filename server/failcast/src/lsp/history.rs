//! The corpus as the language server sees it: opened lazily on first use,
//! looked for again now and then while it does not exist (an ingest may
//! create it), and given up on with one warning if it is broken. Without a
//! corpus everything else works as before; history only adds.
//!
//! A shared PostgreSQL corpus is opened with short timeouts, and one that
//! does not answer is not given up on: it costs one warning, predictions go
//! on without history, and it is tried again after [`RETRY_REMOTE`], so a
//! server that is down delays at most one lookup in that time.

use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::state::State;
use super::worker::Outgoing;
use failcast_core::analysis::FileAnalysis;
use failcast_core::functions::Function;
use failcast_corpus::{Corpus, FileHistory, Location, Timeouts, retrieve};

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

/// The past failures of a workspace file.
pub fn file_history(
    state: &State,
    path: &str,
    out: &UnboundedSender<Outgoing>,
) -> Option<FileHistory> {
    with_corpus(state, Some(out), |c| FileHistory::load(c, path)).filter(|h| !h.is_empty())
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

/// Records the scenarios shown for a file as predictions. A corpus that
/// cannot be written (read-only, disk full) is still read; the first
/// failed write is reported once and writing is not tried again.
pub fn record_shown(state: &State, analysis: &FileAnalysis, out: &UnboundedSender<Outgoing>) {
    if analysis.scenarios.iter().all(Vec::is_empty) || state.corpus.lock().no_record {
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
