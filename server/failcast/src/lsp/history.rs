//! The corpus as the language server sees it: opened lazily on first use,
//! looked for again now and then while it does not exist (an ingest may
//! create it), and given up on with one warning if it is broken. Without a
//! corpus everything else works as before; history only adds.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::state::State;
use super::worker::Outgoing;
use failcast_core::analysis::FileAnalysis;
use failcast_core::functions::Function;
use failcast_corpus::{Corpus, FileHistory, retrieve};

/// How often a missing corpus is looked for again.
const RECHECK: Duration = Duration::from_secs(5);
const INCIDENTS: usize = 3;

#[derive(Default)]
pub struct CorpusSlot {
    path: Option<PathBuf>,
    corpus: Option<Corpus>,
    looked_at: Option<Instant>,
    /// The path whose corpus failed to open; not tried again.
    broken: Option<PathBuf>,
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
    /// The corpus at `path`, or why it cannot be used (returned once).
    fn get(&mut self, path: &Path) -> Result<Option<&Corpus>, String> {
        if self.path.as_deref() != Some(path) {
            *self = CorpusSlot {
                path: Some(path.to_owned()),
                ..CorpusSlot::default()
            };
        }
        if self.broken.is_some() {
            return Ok(None);
        }
        if self.corpus.is_none() && self.looked_at.is_none_or(|t| t.elapsed() >= RECHECK) {
            self.looked_at = Some(Instant::now());
            match Corpus::open_existing(path) {
                Ok(corpus) => self.corpus = corpus,
                Err(err) => {
                    self.broken = Some(path.to_owned());
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

fn corpus_path(state: &State) -> Option<PathBuf> {
    let root = state.roots.read().first().cloned()?;
    Some(root.join(&state.config.read().corpus_path))
}

/// Runs `f` on the corpus, if there is one. A corpus that cannot be opened,
/// or whose queries still fail after reopening it, is given up on with one
/// warning (sent now through `out`, or by the next caller that has one).
fn with_corpus<T>(
    state: &State,
    out: Option<&UnboundedSender<Outgoing>>,
    f: impl FnOnce(&Corpus) -> anyhow::Result<T>,
) -> Option<T> {
    let path = corpus_path(state)?;
    let mut slot = state.corpus.lock();
    let result = match slot.get(&path) {
        Ok(None) => None,
        Ok(Some(corpus)) => match f(corpus) {
            Ok(value) => {
                slot.failed_once = false;
                Some(value)
            }
            Err(err) if !slot.failed_once => {
                // The file may have been replaced under us: reopen next time.
                tracing::warn!("corpus query failed: {err:#}; reopening");
                slot.reset();
                slot.failed_once = true;
                None
            }
            Err(err) => {
                slot.broken = Some(path.clone());
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
