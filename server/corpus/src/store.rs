//! The corpus database: SQLite (through rusqlite, bundled) with an FTS5
//! index over failures. One file, `.failcast/corpus.db` in the workspace.
//!
//! Tables: `sources` (what was ingested up to which byte, for incremental
//! re-ingest), `templates` (Drain log templates with counts), `failures`
//! (one row per distinct failure, with counts and first/last seen),
//! `frames`, `occurrences` (one row per real occurrence, keyed by a hash so
//! re-ingesting adds nothing), `failures_fts`, and `predictions` (what
//! failcast predicted, for the feedback report).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use failcast_core::scenario::{FailureClass, Frame};

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources(
    key TEXT PRIMARY KEY, bytes INTEGER NOT NULL, prefix_hash TEXT NOT NULL,
    lines INTEGER NOT NULL, events INTEGER NOT NULL, failures INTEGER NOT NULL,
    malformed INTEGER NOT NULL, recoded INTEGER NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS templates(
    id INTEGER PRIMARY KEY, template TEXT NOT NULL UNIQUE, count INTEGER NOT NULL,
    first_seen TEXT, last_seen TEXT, example TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS failures(
    id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE, class TEXT NOT NULL,
    language TEXT NOT NULL, error_type TEXT NOT NULL, template TEXT NOT NULL,
    message TEXT NOT NULL, service TEXT, trace TEXT NOT NULL, document TEXT NOT NULL,
    first_seen TEXT, last_seen TEXT, count INTEGER NOT NULL,
    function_path TEXT, function_name TEXT, line INTEGER);
CREATE INDEX IF NOT EXISTS failures_function ON failures(function_path);
CREATE TABLE IF NOT EXISTS frames(
    failure_id INTEGER NOT NULL, depth INTEGER NOT NULL, path TEXT NOT NULL,
    function TEXT NOT NULL, line INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS frames_failure ON frames(failure_id);
CREATE TABLE IF NOT EXISTS occurrences(
    hash TEXT PRIMARY KEY, failure_id INTEGER NOT NULL, time TEXT, document TEXT NOT NULL)
    WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS failures_fts USING fts5(
    error_type, message, identifiers, trace, tokenize = \"unicode61 tokenchars '_'\");
CREATE TABLE IF NOT EXISTS predictions(
    function_id TEXT NOT NULL, path TEXT NOT NULL, function TEXT NOT NULL,
    content_hash TEXT NOT NULL, class TEXT NOT NULL, line INTEGER NOT NULL,
    source TEXT NOT NULL, first_predicted TEXT NOT NULL, last_predicted TEXT NOT NULL,
    PRIMARY KEY(function_id, content_hash, class, line));
CREATE INDEX IF NOT EXISTS predictions_path ON predictions(path);
";

/// An open corpus.
pub struct Corpus {
    pub(super) conn: Connection,
    path: PathBuf,
}

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

pub(super) const FAILURE_COLUMNS: &str = "id, class, language, error_type, template, message, service, trace, document, first_seen, last_seen, count, function_path, function_name, line";

pub(super) fn failure_row(row: &rusqlite::Row) -> rusqlite::Result<StoredFailure> {
    Ok(StoredFailure {
        id: row.get(0)?,
        class: FailureClass::parse(&row.get::<_, String>(1)?).unwrap_or(FailureClass::Other),
        language: row.get(2)?,
        error_type: row.get(3)?,
        template: row.get(4)?,
        message: row.get(5)?,
        service: row.get(6)?,
        trace: row.get(7)?,
        document: row.get(8)?,
        first_seen: row.get(9)?,
        last_seen: row.get(10)?,
        count: row.get::<_, i64>(11)? as u64,
        function_path: row.get(12)?,
        function_name: row.get(13)?,
        line: row.get::<_, Option<i64>>(14)?.map(|l| l as usize),
    })
}

impl Corpus {
    /// Opens the corpus at `path` for reading and writing, creating it (and
    /// its directory) if needed.
    pub fn open(path: &Path) -> Result<Corpus> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the corpus {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)
            .with_context(|| format!("{} is not a failcast corpus", path.display()))?;
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?1)",
            params![SCHEMA_VERSION.to_string()],
        )?;
        Ok(Corpus {
            conn,
            path: path.to_owned(),
        })
    }

    /// Opens an existing corpus without creating anything; `None` when
    /// there is none. The language server and `check` use this: a
    /// workspace without a corpus gets none.
    pub fn open_existing(path: &Path) -> Result<Option<Corpus>> {
        if !path.is_file() {
            return Ok(None);
        }
        let writable = Self::connect(
            path,
            path.as_os_str(),
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        );
        let conn = match writable {
            Ok(conn) => conn,
            // A WAL database on read-only media cannot even be read the
            // usual way (SQLite must create its -shm file). Opened as
            // immutable it can: reads work, writes fail and are reported.
            Err(error) => {
                let mut uri = std::ffi::OsString::from("file:");
                uri.push(path.as_os_str());
                uri.push("?immutable=1");
                Self::connect(
                    path,
                    &uri,
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_URI
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|_| error)?
            }
        };
        Ok(Some(Corpus {
            conn,
            path: path.to_owned(),
        }))
    }

    /// Opens and checks that this is a corpus of our schema.
    fn connect(path: &Path, name: &std::ffi::OsStr, flags: OpenFlags) -> Result<Connection> {
        let conn = Connection::open_with_flags(name, flags)
            .with_context(|| format!("cannot open the corpus {}", path.display()))?;
        // Short: an editor must not wait on an ingest holding the lock.
        conn.busy_timeout(Duration::from_millis(250))?;
        let version: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()
            .with_context(|| format!("{} is not a failcast corpus", path.display()))?;
        if version.as_deref() != Some(&SCHEMA_VERSION.to_string()) {
            anyhow::bail!(
                "{} has corpus schema {:?}, expected {SCHEMA_VERSION}",
                path.display(),
                version
            );
        }
        Ok(conn)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn source(&self, key: &str) -> Result<Option<SourceState>> {
        Ok(self
            .conn
            .query_row(
                "SELECT bytes, prefix_hash FROM sources WHERE key = ?1",
                params![key],
                |r| {
                    Ok(SourceState {
                        bytes: r.get::<_, i64>(0)? as u64,
                        prefix_hash: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn templates(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT template FROM templates ORDER BY count DESC LIMIT 20000")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Failures whose innermost workspace frame is in `path`.
    pub fn failures_in(&self, path: &str) -> Result<Vec<StoredFailure>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FAILURE_COLUMNS} FROM failures WHERE function_path = ?1 ORDER BY last_seen DESC LIMIT 200"
        ))?;
        let rows = stmt.query_map(params![path], failure_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Failures whose text resembles `terms` (FTS5, bm25-ranked), best first.
    pub fn similar(&self, terms: &[String], limit: usize) -> Result<Vec<StoredFailure>> {
        let query: Vec<String> = terms
            .iter()
            .filter(|t| t.chars().all(|c| c.is_alphanumeric() || c == '_') && t.len() >= 3)
            .map(|t| format!("\"{t}\""))
            .collect();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let columns: String = FAILURE_COLUMNS
            .split(", ")
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {columns} FROM failures_fts JOIN failures f ON f.id = failures_fts.rowid \
             WHERE failures_fts MATCH ?1 ORDER BY bm25(failures_fts, 4.0, 2.0, 3.0, 1.0) LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![query.join(" OR "), limit as i64], failure_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn frames(&self, failure_id: i64) -> Result<Vec<Frame>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT path, function, line FROM frames WHERE failure_id = ?1 ORDER BY depth",
        )?;
        let rows = stmt.query_map(params![failure_id], |r| {
            Ok(Frame {
                path: r.get(0)?,
                function: r.get(1)?,
                line: r.get::<_, i64>(2)? as usize,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every failure, most recent first.
    pub fn all_failures(&self) -> Result<Vec<StoredFailure>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {FAILURE_COLUMNS} FROM failures ORDER BY last_seen DESC, id"
        ))?;
        let rows = stmt.query_map([], failure_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// (templates, failures, occurrences, sources) counts.
    pub fn counts(&self) -> Result<(u64, u64, u64, u64)> {
        let count = |table: &str| -> Result<u64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })? as u64)
        };
        Ok((
            count("templates")?,
            count("failures")?,
            count("occurrences")?,
            count("sources")?,
        ))
    }
}
