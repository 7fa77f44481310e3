//! `failcast ingest`: documents in, failure records and log templates out.
//!
//! Ingest is incremental and idempotent at two levels. A file remembers how
//! many bytes were read and a hash of them: when it has only grown (an
//! appended log), only the new bytes are read; when it is unchanged, nothing
//! is. And every failure occurrence is keyed by a hash of its time and text,
//! so the same record arriving again, from a copy or a rotated file, adds
//! nothing. Everything of one document is written in one transaction.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::drain::TemplateMiner;
use super::error::{Error, Result};
use super::parse::{Counts, parse_document};
use super::store::{Corpus, NewOccurrence, SourceUpdate, TemplateUpdate};
use super::{Event, Failure};
use failcast_core::error_class::classify;
use failcast_core::scenario::{FailureClass, Frame};
use failcast_core::workspace::{ScanOptions, source_files};

/// What one `ingest` did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IngestStats {
    pub documents: u64,
    /// Documents already ingested and unchanged.
    pub unchanged: u64,
    pub bytes: u64,
    pub lines: u64,
    pub events: u64,
    /// Failure occurrences new to the corpus.
    pub failures: u64,
    /// Failure occurrences the corpus already had.
    pub duplicates: u64,
    /// Failures whose frames reach a function of the workspace.
    pub mapped: u64,
    pub malformed: u64,
    pub recoded: u64,
    /// Templates touched by this run.
    pub templates: u64,
    pub seconds: f64,
}

impl IngestStats {
    pub fn lines_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.lines as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Options of an ingest: the workspace (to map frames to its files) and a
/// service name for records that do not carry one.
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    pub root: PathBuf,
    pub service: Option<String>,
}

/// How far an ingest is, for a progress bar: occurrences of the current
/// document written so far, of how many.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    pub document: &'a str,
    pub written: u64,
    pub occurrences: u64,
}

/// Ingests files and directories (recursively; hidden entries skipped).
pub fn ingest_paths(
    corpus: &mut Corpus,
    paths: &[PathBuf],
    options: &IngestOptions,
) -> Result<IngestStats> {
    ingest_paths_with_progress(corpus, paths, options, &|_| {})
}

/// [`ingest_paths`], telling `progress` how far it is.
pub fn ingest_paths_with_progress(
    corpus: &mut Corpus,
    paths: &[PathBuf],
    options: &IngestOptions,
    progress: &dyn Fn(Progress),
) -> Result<IngestStats> {
    let started = Instant::now();
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    let corpus_file = corpus.path().and_then(|p| std::path::absolute(p).ok());
    let mut stats = IngestStats::default();
    let mut workspace = WorkspaceFiles::new(&options.root);
    let mut miner = TemplateMiner::new(&corpus.templates()?);
    for file in files {
        let absolute = std::path::absolute(&file).unwrap_or(file.clone());
        if corpus_file.as_ref().is_some_and(|c| {
            absolute
                .to_string_lossy()
                .starts_with(c.to_string_lossy().as_ref())
        }) {
            continue;
        }
        let bytes = std::fs::read(&file).map_err(|cause| Error::ReadInput {
            path: Some(file.clone()),
            cause,
        })?;
        if bytes.iter().take(8192).any(|&b| b == 0) {
            tracing::info!("skipped binary file {}", file.display());
            stats.malformed += 1;
            continue;
        }
        let key = absolute.to_string_lossy().into_owned();
        let document = failcast_core::workspace::relative_path(&options.root, &absolute);
        ingest_document(
            corpus,
            &key,
            &document,
            &bytes,
            options,
            &mut workspace,
            &mut miner,
            &mut stats,
            progress,
        )?;
    }
    store_templates(corpus, miner, &mut stats)?;
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(stats)
}

/// Ingests standard input (or any reader) as one document.
pub fn ingest_stdin(
    corpus: &mut Corpus,
    input: impl Read,
    options: &IngestOptions,
) -> Result<IngestStats> {
    ingest_stdin_with_progress(corpus, input, options, &|_| {})
}

/// [`ingest_stdin`], telling `progress` how far it is.
pub fn ingest_stdin_with_progress(
    corpus: &mut Corpus,
    mut input: impl Read,
    options: &IngestOptions,
    progress: &dyn Fn(Progress),
) -> Result<IngestStats> {
    let started = Instant::now();
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|cause| Error::ReadInput { path: None, cause })?;
    let mut stats = IngestStats::default();
    let mut workspace = WorkspaceFiles::new(&options.root);
    let mut miner = TemplateMiner::new(&corpus.templates()?);
    // Stdin has no name; its content is its identity.
    let key = format!("stdin:{:016x}", xxh3_64(&bytes));
    ingest_document(
        corpus,
        &key,
        "<stdin>",
        &bytes,
        options,
        &mut workspace,
        &mut miner,
        &mut stats,
        progress,
    )?;
    store_templates(corpus, miner, &mut stats)?;
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(stats)
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|cause| Error::MissingInput {
        path: path.to_owned(),
        cause,
    })?;
    if meta.is_file() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|cause| Error::ListInput {
            path: path.to_owned(),
            cause,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    for entry in entries {
        collect(&entry, out)?;
    }
    Ok(())
}

fn hash_hex(bytes: &[u8]) -> String {
    format!("{:016x}", xxh3_64(bytes))
}

/// Ingests the part of a document the corpus has not seen, while no other
/// ingester reads the same source.
#[allow(clippy::too_many_arguments)]
fn ingest_document(
    corpus: &mut Corpus,
    key: &str,
    document: &str,
    bytes: &[u8],
    options: &IngestOptions,
    workspace: &mut WorkspaceFiles,
    miner: &mut TemplateMiner,
    stats: &mut IngestStats,
    progress: &dyn Fn(Progress),
) -> Result<()> {
    stats.documents += 1;
    corpus.with_source_locked(key, |corpus| {
        let start = match corpus.source(key)? {
            Some(state)
                if state.bytes as usize <= bytes.len()
                    && hash_hex(&bytes[..state.bytes as usize]) == state.prefix_hash =>
            {
                state.bytes as usize
            }
            _ => 0,
        };
        if start == bytes.len() && start > 0 {
            stats.unchanged += 1;
            return Ok(());
        }
        let new = &bytes[start..];
        stats.bytes += new.len() as u64;
        let mut events = 0u64;
        let mut ordinals: HashMap<u64, u32> = HashMap::new();
        let mut occurrences = Vec::new();
        let counts: Counts = parse_document(document, new, &mut |mut event: Event| {
            events += 1;
            if event.service.is_none() {
                event.service = options.service.clone();
            }
            if !event.message.is_empty() {
                miner.add(&event.message, event.time.as_deref());
            }
            if let Some(failure) = &event.failure {
                occurrences.push(occurrence(&event, failure, workspace, &mut ordinals));
            }
        });
        let source = SourceUpdate {
            key: key.to_owned(),
            document: document.to_owned(),
            bytes: bytes.len() as u64,
            prefix_hash: hash_hex(bytes),
            lines: counts.lines,
            events,
            malformed: counts.malformed,
            recoded: counts.recoded,
        };
        let total = occurrences.len() as u64;
        let written = corpus.write_document(&source, &occurrences, &mut |written| {
            progress(Progress {
                document,
                written,
                occurrences: total,
            })
        })?;
        stats.failures += written.new;
        stats.duplicates += written.duplicates;
        stats.mapped += written.mapped;
        stats.lines += counts.lines;
        stats.events += events;
        stats.malformed += counts.malformed;
        stats.recoded += counts.recoded;
        Ok(())
    })
}

/// The message with what varies between occurrences (numbers, ids) masked,
/// so that one failure's occurrences share a row.
pub fn message_template(message: &str) -> String {
    message
        .split_whitespace()
        .take(40)
        .map(|token| {
            if token.chars().any(|c| c.is_ascii_digit()) {
                super::drain::WILDCARD
            } else {
                token
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The class of a parsed failure (incident documents carry theirs).
pub fn failure_class(failure: &Failure) -> FailureClass {
    failure
        .error_type
        .strip_prefix("incident:")
        .and_then(FailureClass::parse)
        .unwrap_or_else(|| classify(&failure.error_type, &failure.message))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// One occurrence with its natural keys: the occurrence's hash (its time
/// and text, and its order among identical records of this document) and
/// the fingerprint of the failure it is an occurrence of.
fn occurrence(
    event: &Event,
    failure: &Failure,
    workspace: &mut WorkspaceFiles,
    ordinals: &mut HashMap<u64, u32>,
) -> NewOccurrence {
    // Identical records with the same time in one document are distinct
    // occurrences (a retry loop), so their order within the document counts.
    let mut h = Xxh3::new();
    for part in [
        event.time.as_deref().unwrap_or(""),
        &failure.error_type,
        &failure.message,
        &failure.trace,
    ] {
        h.update(part.as_bytes());
        h.update(b"\x1f");
    }
    let base = h.digest();
    let ordinal = ordinals.entry(base).or_insert(0);
    *ordinal += 1;
    let hash = format!("{base:016x}-{ordinal}");
    let template = message_template(&failure.message);
    let mut fp = Xxh3::new();
    for part in [
        failure.error_type.as_str(),
        template.as_str(),
        event.service.as_deref().unwrap_or(""),
    ] {
        fp.update(part.as_bytes());
        fp.update(b"\x1f");
    }
    for frame in failure.frames.iter().take(3) {
        fp.update(file_name(&frame.path).as_bytes());
        fp.update(frame.function.as_bytes());
        fp.update(b"\x1f");
    }
    let identifiers: Vec<String> = failure
        .frames
        .iter()
        .take(16)
        .flat_map(|f| identifiers(&f.function).chain(identifiers(file_name(&f.path))))
        .collect();
    NewOccurrence {
        hash,
        fingerprint: format!("{:016x}", fp.digest()),
        class: failure_class(failure),
        language: failure.language,
        error_type: failure.error_type.clone(),
        error_words: identifiers_text(&failure.error_type),
        template,
        message: failure.message.clone(),
        service: event.service.clone(),
        trace: failure.trace.clone(),
        time: event.time.clone(),
        mapped: workspace.map(&failure.frames),
        frames: failure.frames.iter().take(64).cloned().collect(),
        identifiers: identifiers.join(" "),
    }
}

/// The words of a name: `payments.Gateway.charge_card` → payments, Gateway,
/// charge_card (FTS5 then matches each).
pub fn identifiers(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.len() >= 2)
        .map(str::to_owned)
}

fn identifiers_text(name: &str) -> String {
    let mut words: Vec<String> = identifiers(name).collect();
    words.push(name.to_owned());
    words.join(" ")
}

fn store_templates(
    corpus: &mut Corpus,
    miner: TemplateMiner,
    stats: &mut IngestStats,
) -> Result<()> {
    let mined = miner.finish();
    stats.templates = mined.len() as u64;
    let updates: Vec<TemplateUpdate> = mined
        .into_iter()
        .map(|m| TemplateUpdate {
            text: m.text,
            previous: m.previous,
            count: m.count as i64,
            first_seen: m.first_seen,
            last_seen: m.last_seen,
            example: m.example,
        })
        .collect();
    corpus.write_templates(&updates)
}

/// The workspace's source files by file name, listed on first use, to map
/// a trace's paths (absolute, container paths, Java package paths) to
/// workspace files by their longest common suffix.
pub struct WorkspaceFiles {
    root: PathBuf,
    by_name: Option<HashMap<String, Vec<String>>>,
}

impl WorkspaceFiles {
    pub fn new(root: &Path) -> WorkspaceFiles {
        WorkspaceFiles {
            root: root.to_owned(),
            by_name: None,
        }
    }

    /// The workspace file a trace path names, if any.
    pub fn resolve(&mut self, path: &str) -> Option<String> {
        if path.is_empty() {
            return None;
        }
        let root = self.root.clone();
        let by_name = self.by_name.get_or_insert_with(|| {
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for file in source_files(&root, &ScanOptions::default()) {
                map.entry(file_name(&file.relative).to_owned())
                    .or_default()
                    .push(file.relative);
            }
            map
        });
        let candidates = by_name.get(file_name(path))?;
        let parts: Vec<&str> = path.split('/').rev().collect();
        candidates
            .iter()
            .map(|c| {
                let common = c
                    .split('/')
                    .rev()
                    .zip(&parts)
                    .take_while(|(a, b)| a == *b)
                    .count();
                (common, c)
            })
            .max_by_key(|(common, c)| (*common, std::cmp::Reverse(c.len())))
            .map(|(_, c)| c.clone())
    }

    /// The innermost frame in a workspace file, with that file's path.
    pub fn map(&mut self, frames: &[Frame]) -> Option<(String, Frame)> {
        frames
            .iter()
            .find_map(|f| self.resolve(&f.path).map(|p| (p, f.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "2026-03-29T10:00:00Z INFO payments: charge ok order=1\n\
2026-03-29T10:00:01Z ERROR payments: charge failed\n\
Traceback (most recent call last):\n  File \"/srv/shop/gateway.py\", line 6, in charge\n    return body[\"charge\"]\nKeyError: 'charge'\n\
{\"broken\n";

    fn counts(corpus: &Corpus) -> (u64, u64, u64, u64) {
        corpus.counts().unwrap()
    }

    #[test]
    fn ingest_is_incremental_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("shop")).unwrap();
        std::fs::write(
            dir.path().join("shop/gateway.py"),
            "def charge(body):\n    pass\n",
        )
        .unwrap();
        let log = dir.path().join("app.log");
        std::fs::write(&log, LOG).unwrap();
        let mut corpus = Corpus::open(&dir.path().join(".failcast/corpus.db")).unwrap();
        let options = IngestOptions {
            root: dir.path().to_owned(),
            service: None,
        };
        let first = ingest_paths(&mut corpus, std::slice::from_ref(&log), &options).unwrap();
        assert_eq!(
            (
                first.lines,
                first.events,
                first.failures,
                first.mapped,
                first.malformed
            ),
            (7, 2, 1, 1, 1)
        );
        let after_first = counts(&corpus);
        // The same file again: nothing read.
        let again = ingest_paths(&mut corpus, std::slice::from_ref(&log), &options).unwrap();
        assert_eq!((again.unchanged, again.lines), (1, 0));
        // A copy under another name: read, but every occurrence is known.
        let copy = dir.path().join("copy.log");
        std::fs::copy(&log, &copy).unwrap();
        let copied = ingest_paths(&mut corpus, std::slice::from_ref(&copy), &options).unwrap();
        assert_eq!((copied.failures, copied.duplicates), (0, 1));
        let (_, failures, occurrences, _) = counts(&corpus);
        assert_eq!((failures, occurrences), (after_first.1, after_first.2));
        // Appended lines: only they are read; the failure's count grows.
        let mut appended = LOG.to_owned();
        appended.push_str("2026-03-30T10:00:01Z ERROR payments: charge failed\nTraceback (most recent call last):\n  File \"/srv/shop/gateway.py\", line 6, in charge\n    return body[\"charge\"]\nKeyError: 'charge'\n");
        std::fs::write(&log, appended).unwrap();
        let grown = ingest_paths(&mut corpus, std::slice::from_ref(&log), &options).unwrap();
        assert_eq!((grown.lines, grown.failures), (5, 1));
        let stored = corpus.failures_in("shop/gateway.py").unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].count, 2);
        assert_eq!(stored[0].last_seen.as_deref(), Some("2026-03-30T10:00:01Z"));
        assert_eq!(
            stored[0].first_seen.as_deref(),
            Some("2026-03-29T10:00:01Z")
        );
        // Stdin: the same content twice is one document.
        let s1 = ingest_stdin(&mut corpus, LOG.as_bytes(), &options).unwrap();
        let s2 = ingest_stdin(&mut corpus, LOG.as_bytes(), &options).unwrap();
        assert_eq!((s1.failures, s2.unchanged), (0, 1));
        // FTS finds it by what the code says.
        let similar = corpus.similar(&["charge".to_owned()], 3).unwrap();
        assert_eq!(similar.len(), 1);
    }
}
