//! The corpus database behind one trait, [`Store`], with two backends: a
//! SQLite file in the workspace (`sqlite`, the default, for one person) and
//! a PostgreSQL server (`postgres`, for a team sharing one corpus fed by CI
//! and log shippers). Ingest, retrieval, feedback and export only see
//! [`Corpus`], so both backends behave alike; the e2e tests run the same
//! scenarios on both.
//!
//! Both schemas are versioned the same way: a `schema_version` table with one
//! row per applied migration, and a list of migrations in each backend.

mod location;
mod postgres;
mod sqlite;

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::error::Result;
use failcast_core::scenario::{FailureClass, Frame};

pub use location::{Location, URL_VARIABLE, redact};

/// What `sources` remembers of one ingested document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceState {
    pub bytes: u64,
    pub prefix_hash: String,
}

/// A failure as stored, with its frames (innermost first).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredFailure {
    pub id: i64,
    pub class: FailureClass,
    pub language: String,
    pub error_type: String,
    pub template: String,
    pub message: String,
    pub service: Option<String>,
    pub trace: String,
    pub document: String,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub count: u64,
    pub function_path: Option<String>,
    pub function_name: Option<String>,
    pub line: Option<usize>,
}

/// One failure occurrence as ingest prepared it: everything a backend needs
/// to store it, keyed by `hash` (the occurrence) and `fingerprint` (the
/// failure it is an occurrence of). Both keys are natural: the same record
/// ingested twice, from anywhere, has the same keys.
#[derive(Clone, Debug)]
pub struct NewOccurrence {
    pub hash: String,
    pub fingerprint: String,
    pub class: FailureClass,
    pub language: &'static str,
    pub error_type: String,
    /// The error type split into its words, for full-text search.
    pub error_words: String,
    pub template: String,
    pub message: String,
    pub service: Option<String>,
    pub trace: String,
    pub time: Option<String>,
    /// The innermost frame in a workspace file, with that file's path.
    pub mapped: Option<(String, Frame)>,
    /// At most 64, innermost first.
    pub frames: Vec<Frame>,
    /// The words of the frames' functions and files, for full-text search.
    pub identifiers: String,
}

/// The `sources` row of one ingested document.
#[derive(Clone, Debug)]
pub struct SourceUpdate {
    pub key: String,
    pub document: String,
    pub bytes: u64,
    pub prefix_hash: String,
    pub lines: u64,
    pub events: u64,
    pub malformed: u64,
    pub recoded: u64,
}

/// What writing one document did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOutcome {
    /// Occurrences new to the corpus.
    pub new: u64,
    /// Occurrences the corpus already had.
    pub duplicates: u64,
    /// New failures whose frames reach a function of the workspace.
    pub mapped: u64,
}

/// A log template mined by one ingest run.
#[derive(Clone, Debug)]
pub struct TemplateUpdate {
    pub text: String,
    /// The text this template had before it generalised, if it did.
    pub previous: Option<String>,
    pub count: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub example: String,
}

/// One shown or reported prediction.
#[derive(Clone, Debug)]
pub struct PredictionRow {
    pub function_id: String,
    pub path: String,
    pub function: String,
    pub content_hash: String,
    pub class: &'static str,
    pub line: i64,
    pub source: &'static str,
    pub time: String,
}

/// Row counts, for `failcast corpus stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub templates: u64,
    pub failures: u64,
    pub frames: u64,
    pub occurrences: u64,
    pub sources: u64,
    pub predictions: u64,
}

/// What a backend does; everything above it is shared.
pub trait Store: Send {
    /// Waits until no other ingester is reading the source `key`, and keeps
    /// others out until [`Store::unlock_source`]: two machines ingesting
    /// the same log at once would otherwise both count its lines and
    /// templates (occurrences are deduplicated by their natural key
    /// anyway). A no-op where one file lock already serialises writers.
    fn lock_source(&mut self, _key: &str) -> Result<()> {
        Ok(())
    }
    fn unlock_source(&mut self, _key: &str) {}
    fn source(&self, key: &str) -> Result<Option<SourceState>>;
    /// The most frequent templates, to seed the template miner.
    fn templates(&self) -> Result<Vec<String>>;
    /// Failures whose innermost workspace frame is in `path`, most recent first.
    fn failures_in(&self, path: &str) -> Result<Vec<StoredFailure>>;
    /// Failures whose text resembles `terms` (plain words, at least three
    /// characters), best first.
    fn similar(&self, terms: &[String], limit: usize) -> Result<Vec<StoredFailure>>;
    fn frames(&self, failure_id: i64) -> Result<Vec<Frame>>;
    /// Every failure, most recent first.
    fn all_failures(&self) -> Result<Vec<StoredFailure>>;
    fn counts(&self) -> Result<Counts>;
    /// Stores the occurrences of one document (or of the part of it that is
    /// new), then its `sources` row. Occurrences already stored are counted
    /// as duplicates and change nothing. `progress` is told how many
    /// occurrences were written so far, now and then.
    fn write_document(
        &mut self,
        source: &SourceUpdate,
        occurrences: &[NewOccurrence],
        progress: &mut dyn FnMut(u64),
    ) -> Result<WriteOutcome>;
    fn write_templates(&mut self, templates: &[TemplateUpdate]) -> Result<()>;
    /// Records predictions; returns how many rows were written.
    fn record_predictions(&self, rows: &[PredictionRow]) -> Result<usize>;
    /// (function id, path, class) of every prediction not made by history.
    fn predictions(&self) -> Result<Vec<(String, String, String)>>;
    /// The schema version applied.
    fn schema_version(&self) -> Result<i64>;
}

/// How long the database may take. The editor uses short ones: a corpus
/// that does not answer in time is a corpus without history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub statement: Duration,
}

impl Timeouts {
    /// For the command line: a slow server is waited for a while.
    pub const CLI: Timeouts = Timeouts {
        connect: Duration::from_secs(10),
        statement: Duration::from_secs(0),
    };
    /// For the editor: history is a bonus, typing never waits for it.
    pub const EDITOR: Timeouts = Timeouts {
        connect: Duration::from_millis(700),
        statement: Duration::from_millis(1500),
    };
}

/// An open corpus.
pub struct Corpus {
    store: Box<dyn Store>,
    location: Location,
}

impl Corpus {
    /// Opens the SQLite corpus at `path` for reading and writing, creating
    /// it (and its directory) if needed.
    pub fn open(path: &Path) -> Result<Corpus> {
        Corpus::create(&Location::Sqlite(path.to_owned()), Timeouts::CLI)
    }

    /// Opens the corpus at `location` for writing, creating its schema or
    /// migrating it to the current version.
    pub fn create(location: &Location, timeouts: Timeouts) -> Result<Corpus> {
        let store: Box<dyn Store> = match location {
            Location::Sqlite(path) => Box::new(sqlite::SqliteStore::open(path)?),
            Location::Postgres(url) => Box::new(postgres::PgStore::create(url, timeouts)?),
        };
        Ok(Corpus {
            store,
            location: location.clone(),
        })
    }

    /// Opens an existing SQLite corpus without creating anything; `None`
    /// when there is none.
    pub fn open_existing(path: &Path) -> Result<Option<Corpus>> {
        Corpus::open_existing_at(&Location::Sqlite(path.to_owned()), Timeouts::CLI)
    }

    /// Opens an existing corpus without creating anything; `None` when
    /// there is none (no file, or a database without our schema). The
    /// language server and `check` use this: a workspace without a corpus
    /// gets none.
    pub fn open_existing_at(location: &Location, timeouts: Timeouts) -> Result<Option<Corpus>> {
        let store: Option<Box<dyn Store>> = match location {
            Location::Sqlite(path) => {
                sqlite::SqliteStore::open_existing(path)?.map(|s| Box::new(s) as Box<dyn Store>)
            }
            Location::Postgres(url) => postgres::PgStore::open_existing(url, timeouts)?
                .map(|s| Box::new(s) as Box<dyn Store>),
        };
        Ok(store.map(|store| Corpus {
            store,
            location: location.clone(),
        }))
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The SQLite file, for a SQLite corpus.
    pub fn path(&self) -> Option<&Path> {
        match &self.location {
            Location::Sqlite(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }

    pub fn source(&self, key: &str) -> Result<Option<SourceState>> {
        self.store.source(key)
    }

    pub fn templates(&self) -> Result<Vec<String>> {
        self.store.templates()
    }

    /// Failures whose innermost workspace frame is in `path`.
    pub fn failures_in(&self, path: &str) -> Result<Vec<StoredFailure>> {
        self.store.failures_in(path)
    }

    /// Failures whose text resembles `terms`, best first. Terms that are
    /// not plain words of three characters or more are left out.
    pub fn similar(&self, terms: &[String], limit: usize) -> Result<Vec<StoredFailure>> {
        let terms: Vec<String> = terms
            .iter()
            .filter(|t| t.chars().all(|c| c.is_alphanumeric() || c == '_') && t.len() >= 3)
            .cloned()
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        self.store.similar(&terms, limit)
    }

    pub fn frames(&self, failure_id: i64) -> Result<Vec<Frame>> {
        self.store.frames(failure_id)
    }

    /// Every failure, most recent first.
    pub fn all_failures(&self) -> Result<Vec<StoredFailure>> {
        self.store.all_failures()
    }

    /// (templates, failures, occurrences, sources) counts.
    pub fn counts(&self) -> Result<(u64, u64, u64, u64)> {
        let c = self.store.counts()?;
        Ok((c.templates, c.failures, c.occurrences, c.sources))
    }

    /// Every table's row count.
    pub fn table_counts(&self) -> Result<Counts> {
        self.store.counts()
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.store.schema_version()
    }

    pub(crate) fn write_document(
        &mut self,
        source: &SourceUpdate,
        occurrences: &[NewOccurrence],
        progress: &mut dyn FnMut(u64),
    ) -> Result<WriteOutcome> {
        self.store.write_document(source, occurrences, progress)
    }

    /// Runs `f` while no other ingester reads the source `key`.
    pub(crate) fn with_source_locked<T>(
        &mut self,
        key: &str,
        f: impl FnOnce(&mut Corpus) -> Result<T>,
    ) -> Result<T> {
        self.store.lock_source(key)?;
        let result = f(self);
        self.store.unlock_source(key);
        result
    }

    pub(crate) fn write_templates(&mut self, templates: &[TemplateUpdate]) -> Result<()> {
        self.store.write_templates(templates)
    }

    pub(crate) fn record_predictions(&self, rows: &[PredictionRow]) -> Result<usize> {
        self.store.record_predictions(rows)
    }

    pub(crate) fn predictions(&self) -> Result<Vec<(String, String, String)>> {
        self.store.predictions()
    }
}

/// The latest schema version; both backends migrate to it.
pub const SCHEMA_VERSION: i64 = 1;
