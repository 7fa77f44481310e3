//! The SQLite backend: one file, `.failcast/corpus.db` in the workspace
//! (through rusqlite, bundled), with an FTS5 index over failures.
//!
//! Tables: `sources` (what was ingested up to which byte, for incremental
//! re-ingest), `templates` (Drain log templates with counts), `failures`
//! (one row per distinct failure, with counts and first/last seen),
//! `frames`, `occurrences` (one row per real occurrence, keyed by a hash so
//! re-ingesting adds nothing), `failures_fts`, `predictions` (what
//! failcast predicted, for the feedback report) and `schema_version`.
//! Corpora made before `schema_version` existed record their version in
//! `meta`; version 1 is that schema, so they open unchanged.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::{
    Counts, NewOccurrence, PredictionRow, SCHEMA_VERSION, SourceState, SourceUpdate, Store,
    StoredFailure, TemplateUpdate, WriteOutcome,
};
use crate::error::{Error, Result};
use failcast_core::scenario::{FailureClass, Frame};

/// The migrations, in order: version n is `MIGRATIONS[n - 1]`.
const MIGRATIONS: &[&str] = &["
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '1');
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
"];

pub struct SqliteStore {
    conn: Connection,
}

const FAILURE_COLUMNS: &str = "id, class, language, error_type, template, message, service, trace, document, first_seen, last_seen, count, function_path, function_name, line";

fn failure_row(row: &rusqlite::Row) -> rusqlite::Result<StoredFailure> {
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

/// The version of a corpus file: `schema_version`'s highest, else `meta`'s
/// (a corpus from before `schema_version`), else `None` (not a corpus).
fn current_version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let has_table = |name: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            params![name],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    if has_table("schema_version")? {
        return conn.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0));
    }
    if has_table("meta")? {
        let value: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()?;
        return Ok(value.and_then(|v| v.parse().ok()));
    }
    Ok(None)
}

/// Applies every migration newer than the file's version (at `path`), each
/// in its own transaction with its `schema_version` row.
fn migrate(conn: &mut Connection, path: &Path) -> Result<i64> {
    let tx = conn.transaction()?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let meta_version: Option<String> = tx
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
            r.get(0)
        })
        .optional()
        .unwrap_or(None);
    let mut version: i64 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?;
    if version == 0
        && let Some(old) = meta_version.and_then(|v| v.parse::<i64>().ok())
    {
        // A corpus made before schema_version: its meta row says where it is.
        for v in 1..=old {
            tx.execute(
                "INSERT INTO schema_version(version, applied_at) VALUES (?1, ?2)",
                params![v, crate::time::now()],
            )?;
        }
        version = old;
    }
    tx.commit()?;
    if version > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            corpus: path.display().to_string(),
            found: version,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version(version, applied_at) VALUES (?1, ?2)",
            params![index as i64 + 1, crate::time::now()],
        )?;
        tx.commit()?;
    }
    Ok(SCHEMA_VERSION)
}

impl SqliteStore {
    /// Opens the corpus at `path` for reading and writing, creating it (and
    /// its directory) if needed, migrated to the current schema.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|cause| Error::CreateDir {
                path: dir.to_owned(),
                cause,
            })?;
        }
        let mut conn = Connection::open(path).map_err(|cause| Error::Open {
            path: path.to_owned(),
            cause,
        })?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut conn, path).map_err(|error| match error {
            Error::Sqlite(cause) => Error::NotACorpus {
                path: path.to_owned(),
                cause: Some(cause),
            },
            other => other,
        })?;
        Ok(SqliteStore { conn })
    }

    /// Opens an existing corpus without creating anything; `None` when
    /// there is none.
    pub fn open_existing(path: &Path) -> Result<Option<SqliteStore>> {
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
        Ok(Some(SqliteStore { conn }))
    }

    /// Opens and checks that this is a corpus of our schema.
    fn connect(path: &Path, name: &std::ffi::OsStr, flags: OpenFlags) -> Result<Connection> {
        let conn = Connection::open_with_flags(name, flags).map_err(|cause| Error::Open {
            path: path.to_owned(),
            cause,
        })?;
        // Short: an editor must not wait on an ingest holding the lock.
        conn.busy_timeout(Duration::from_millis(250))?;
        let version = current_version(&conn).map_err(|cause| Error::NotACorpus {
            path: path.to_owned(),
            cause: Some(cause),
        })?;
        match version {
            Some(SCHEMA_VERSION) => Ok(conn),
            Some(found) if found > SCHEMA_VERSION => Err(Error::SchemaTooNew {
                corpus: path.display().to_string(),
                found,
            }),
            Some(found) => Err(Error::SchemaOutdated {
                corpus: path.display().to_string(),
                found,
            }),
            None => Err(Error::NotACorpus {
                path: path.to_owned(),
                cause: None,
            }),
        }
    }

    /// Stores one occurrence in the open transaction.
    fn store_occurrence(
        tx: &rusqlite::Transaction,
        document: &str,
        o: &NewOccurrence,
    ) -> Result<Option<bool>> {
        let exists: Option<i64> = tx
            .prepare_cached("SELECT failure_id FROM occurrences WHERE hash = ?1")?
            .query_row(params![o.hash], |r| r.get(0))
            .optional()?;
        if exists.is_some() {
            return Ok(None);
        }
        let existing: Option<i64> = tx
            .prepare_cached("SELECT id FROM failures WHERE fingerprint = ?1")?
            .query_row(params![o.fingerprint], |r| r.get(0))
            .optional()?;
        let time = o.time.as_deref();
        let (id, mapped) = match existing {
            Some(id) => {
                tx.prepare_cached(
                    "UPDATE failures SET count = count + 1,
                       first_seen = min(coalesce(first_seen, ?2), coalesce(?2, first_seen)),
                       last_seen = max(coalesce(last_seen, ?2), coalesce(?2, last_seen))
                     WHERE id = ?1",
                )?
                .execute(params![id, time])?;
                (id, false)
            }
            None => {
                let mapped = o.mapped.as_ref();
                tx.prepare_cached(
                    "INSERT INTO failures(fingerprint, class, language, error_type, template, message, service,
                       trace, document, first_seen, last_seen, count, function_path, function_name, line)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1, ?11, ?12, ?13)",
                )?
                .execute(params![
                    o.fingerprint,
                    o.class.as_str(),
                    o.language,
                    o.error_type,
                    o.template,
                    o.message,
                    o.service,
                    o.trace,
                    document,
                    time,
                    mapped.map(|m| &m.0),
                    mapped.map(|m| &m.1.function),
                    mapped.map(|m| m.1.line as i64),
                ])?;
                let id = tx.last_insert_rowid();
                let mut frames = tx.prepare_cached(
                    "INSERT INTO frames(failure_id, depth, path, function, line) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for (depth, frame) in o.frames.iter().enumerate() {
                    frames.execute(params![
                        id,
                        depth as i64,
                        frame.path,
                        frame.function,
                        frame.line as i64
                    ])?;
                }
                tx.prepare_cached(
                    "INSERT INTO failures_fts(rowid, error_type, message, identifiers, trace) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, o.error_words, o.message, o.identifiers, o.trace])?;
                (id, mapped.is_some())
            }
        };
        tx.prepare_cached(
            "INSERT INTO occurrences(hash, failure_id, time, document) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![o.hash, id, time, document])?;
        Ok(Some(mapped))
    }

    fn query_failures(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<StoredFailure>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, failure_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn upsert_template(
    tx: &rusqlite::Transaction,
    text: &str,
    count: i64,
    first: Option<&str>,
    last: Option<&str>,
    example: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO templates(template, count, first_seen, last_seen, example) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(template) DO UPDATE SET count = count + excluded.count,
           first_seen = min(coalesce(first_seen, excluded.first_seen), coalesce(excluded.first_seen, first_seen)),
           last_seen = max(coalesce(last_seen, excluded.last_seen), coalesce(excluded.last_seen, last_seen))",
    )?
    .execute(params![text, count, first, last, example])?;
    Ok(())
}

impl Store for SqliteStore {
    fn source(&self, key: &str) -> Result<Option<SourceState>> {
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

    fn templates(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT template FROM templates ORDER BY count DESC LIMIT 20000")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn failures_in(&self, path: &str) -> Result<Vec<StoredFailure>> {
        self.query_failures(
            &format!(
                "SELECT {FAILURE_COLUMNS} FROM failures WHERE function_path = ?1 ORDER BY last_seen DESC LIMIT 200"
            ),
            params![path],
        )
    }

    fn similar(&self, terms: &[String], limit: usize) -> Result<Vec<StoredFailure>> {
        let query: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
        let columns: String = FAILURE_COLUMNS
            .split(", ")
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.query_failures(
            &format!(
                "SELECT {columns} FROM failures_fts JOIN failures f ON f.id = failures_fts.rowid \
                 WHERE failures_fts MATCH ?1 ORDER BY bm25(failures_fts, 4.0, 2.0, 3.0, 1.0) LIMIT ?2"
            ),
            params![query.join(" OR "), limit as i64],
        )
    }

    fn frames(&self, failure_id: i64) -> Result<Vec<Frame>> {
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

    fn all_failures(&self) -> Result<Vec<StoredFailure>> {
        self.query_failures(
            &format!("SELECT {FAILURE_COLUMNS} FROM failures ORDER BY last_seen DESC, id"),
            [],
        )
    }

    fn counts(&self) -> Result<Counts> {
        let count = |table: &str| -> Result<u64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })? as u64)
        };
        Ok(Counts {
            templates: count("templates")?,
            failures: count("failures")?,
            frames: count("frames")?,
            occurrences: count("occurrences")?,
            sources: count("sources")?,
            predictions: count("predictions")?,
        })
    }

    /// Everything of one document in one transaction, as before the store
    /// had a second backend: a file is either ingested or not.
    fn write_document(
        &mut self,
        source: &SourceUpdate,
        occurrences: &[NewOccurrence],
        progress: &mut dyn FnMut(u64),
    ) -> Result<WriteOutcome> {
        let tx = self.conn.transaction()?;
        let mut outcome = WriteOutcome::default();
        for (done, occurrence) in occurrences.iter().enumerate() {
            if done % 1000 == 0 {
                progress(done as u64);
            }
            match Self::store_occurrence(&tx, &source.document, occurrence)? {
                Some(mapped) => {
                    outcome.new += 1;
                    outcome.mapped += u64::from(mapped);
                }
                None => outcome.duplicates += 1,
            }
        }
        tx.execute(
            "INSERT INTO sources(key, bytes, prefix_hash, lines, events, failures, malformed, recoded, ingested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(key) DO UPDATE SET bytes = excluded.bytes, prefix_hash = excluded.prefix_hash,
               lines = lines + excluded.lines, events = events + excluded.events,
               failures = failures + excluded.failures, malformed = malformed + excluded.malformed,
               recoded = recoded + excluded.recoded, ingested_at = excluded.ingested_at",
            params![
                source.key,
                source.bytes as i64,
                source.prefix_hash,
                source.lines as i64,
                source.events as i64,
                outcome.new as i64,
                source.malformed as i64,
                source.recoded as i64,
                crate::time::now()
            ],
        )?;
        tx.commit()?;
        progress(occurrences.len() as u64);
        Ok(outcome)
    }

    fn write_templates(&mut self, templates: &[TemplateUpdate]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for m in templates {
            if let Some(previous) = &m.previous
                && previous != &m.text
            {
                // The template generalised: fold the old row into the new text.
                let old: Option<(i64, Option<String>, Option<String>)> = tx
                    .query_row(
                        "DELETE FROM templates WHERE template = ?1 RETURNING count, first_seen, last_seen",
                        params![previous],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                if let Some((count, first, last)) = old {
                    upsert_template(
                        &tx,
                        &m.text,
                        count,
                        first.as_deref(),
                        last.as_deref(),
                        &m.example,
                    )?;
                }
            }
            upsert_template(
                &tx,
                &m.text,
                m.count,
                m.first_seen.as_deref(),
                m.last_seen.as_deref(),
                &m.example,
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn record_predictions(&self, rows: &[PredictionRow]) -> Result<usize> {
        let tx = self.conn.unchecked_transaction()?;
        let mut new = 0;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO predictions(function_id, path, function, content_hash, class, line, source, first_predicted, last_predicted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
                 ON CONFLICT(function_id, content_hash, class, line) DO UPDATE SET last_predicted = excluded.last_predicted",
            )?;
            for row in rows {
                new += stmt.execute(params![
                    row.function_id,
                    row.path,
                    row.function,
                    row.content_hash,
                    row.class,
                    row.line,
                    row.source,
                    row.time
                ])?;
            }
        }
        tx.commit()?;
        Ok(new)
    }

    fn predictions(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT function_id, path, class FROM predictions WHERE source != 'history'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn schema_version(&self) -> Result<i64> {
        Ok(current_version(&self.conn)?.unwrap_or(0))
    }
}
