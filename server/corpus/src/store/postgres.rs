//! The PostgreSQL backend: one corpus shared by a team, fed by CI and log
//! shippers from many machines at once and read by every editor.
//!
//! The tables are the SQLite backend's, with `failure_search` (a `tsvector`
//! per failure under a GIN index) instead of FTS5, weighted in the order of
//! FTS5's bm25 weights: error type, identifiers, message, trace. It is a
//! table of its own, written once per failure, because every batch updates
//! its failures' counts: in `failures` each of those updates would compute
//! the vector again and add GIN entries (on a 1,000,000-line log, moving
//! it out took ingest from 120,000 to 247,000 lines/s and retrieval's p50
//! from 37.7 to 3.5 ms). `failures` leaves room in its pages
//! (fillfactor 80) so count updates stay on the page (HOT).
//!
//! Ingest from many processes at once is safe because every row has a
//! natural key: an occurrence its hash, a failure its fingerprint. A batch
//! inserts failures with `ON CONFLICT DO NOTHING`, then occurrences the same
//! way, and adds to a failure's count only the occurrences this batch was
//! the one to insert, in the same transaction. So four ingesters of one log
//! leave exactly the rows and counts one leaves, and a batch committed
//! before a crash is never counted twice when the ingest is run again. Keys
//! are written in sorted order, and a deadlock between two batches is
//! retried.
//!
//! Credentials come from the URL, else the standard `PG*` variables and the
//! password file (`PGPASSFILE` or `~/.pgpass`), as libpq does; the URL is
//! only ever shown redacted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::Host;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Row};
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2::{Pool, PooledConnection};

use super::{
    Counts, NewOccurrence, PredictionRow, SCHEMA_VERSION, SourceState, SourceUpdate, Store,
    StoredFailure, TemplateUpdate, Timeouts, WriteOutcome, redact,
};
use crate::error::{Error, Result};
use failcast_core::scenario::{FailureClass, Frame};

/// Occurrences written per transaction: large enough that a round trip is
/// cheap beside the rows, small enough that a crash loses little work.
const BATCH: usize = 2000;

/// Serialises concurrent migrations (a constant: any value, shared by
/// every failcast).
const MIGRATION_LOCK: i64 = 0x6661_696c_6361_7374;

/// The migrations, in order: version n is `MIGRATIONS[n - 1]`.
const MIGRATIONS: &[&str] = &["
CREATE TABLE sources(
    key TEXT PRIMARY KEY, bytes BIGINT NOT NULL, prefix_hash TEXT NOT NULL,
    lines BIGINT NOT NULL, events BIGINT NOT NULL, failures BIGINT NOT NULL,
    malformed BIGINT NOT NULL, recoded BIGINT NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE templates(
    id BIGSERIAL PRIMARY KEY, template TEXT NOT NULL UNIQUE, count BIGINT NOT NULL,
    first_seen TEXT, last_seen TEXT, example TEXT NOT NULL);
CREATE TABLE failures(
    id BIGSERIAL PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE, class TEXT NOT NULL,
    language TEXT NOT NULL, error_type TEXT NOT NULL, template TEXT NOT NULL,
    message TEXT NOT NULL, service TEXT, trace TEXT NOT NULL, document TEXT NOT NULL,
    first_seen TEXT, last_seen TEXT, count BIGINT NOT NULL,
    function_path TEXT, function_name TEXT, line BIGINT)
    WITH (fillfactor = 80);
CREATE INDEX failures_function ON failures(function_path);
CREATE TABLE failure_search(
    failure_id BIGINT PRIMARY KEY REFERENCES failures(id), search tsvector NOT NULL);
CREATE INDEX failure_search_gin ON failure_search USING GIN(search);
CREATE TABLE frames(
    failure_id BIGINT NOT NULL REFERENCES failures(id), depth INTEGER NOT NULL,
    path TEXT NOT NULL, function TEXT NOT NULL, line BIGINT NOT NULL,
    PRIMARY KEY(failure_id, depth));
CREATE TABLE occurrences(
    hash TEXT PRIMARY KEY, failure_id BIGINT NOT NULL REFERENCES failures(id),
    time TEXT, document TEXT NOT NULL);
CREATE TABLE predictions(
    function_id TEXT NOT NULL, path TEXT NOT NULL, function TEXT NOT NULL,
    content_hash TEXT NOT NULL, class TEXT NOT NULL, line BIGINT NOT NULL,
    source TEXT NOT NULL, first_predicted TEXT NOT NULL, last_predicted TEXT NOT NULL,
    PRIMARY KEY(function_id, content_hash, class, line));
CREATE INDEX predictions_path ON predictions(path);
"];

const FAILURE_COLUMNS: &str = "id, class, language, error_type, template, message, service, trace, document, first_seen, last_seen, count, function_path, function_name, line";

fn failure_row(row: &Row) -> StoredFailure {
    StoredFailure {
        id: row.get(0),
        class: FailureClass::parse(row.get(1)).unwrap_or(FailureClass::Other),
        language: row.get(2),
        error_type: row.get(3),
        template: row.get(4),
        message: row.get(5),
        service: row.get(6),
        trace: row.get(7),
        document: row.get(8),
        first_seen: row.get(9),
        last_seen: row.get(10),
        count: row.get::<_, i64>(11) as u64,
        function_path: row.get(12),
        function_name: row.get(13),
        line: row.get::<_, Option<i64>>(14).map(|l| l as usize),
    }
}

pub struct PgStore {
    pool: Pool<PostgresConnectionManager<NoTls>>,
    /// The redacted URL, for messages.
    shown: String,
    /// The connection holding a source's advisory lock: a session lock,
    /// so the server releases it if this process dies mid-ingest.
    source_lock: Option<PooledConnection<PostgresConnectionManager<NoTls>>>,
}

/// The advisory-lock key of an ingest source.
fn source_lock_key(key: &str) -> i64 {
    i64::from_ne_bytes(xxhash_rust::xxh3::xxh3_64(key.as_bytes()).to_ne_bytes())
}

/// The connection settings of `url`, completed from the `PG*` variables and
/// the password file where the URL says nothing.
fn config(url: &str, timeouts: Timeouts) -> Result<Config> {
    let shown = redact(url);
    // The parser's message can quote the string; say where without it.
    let mut config = Config::from_str(url).map_err(|err| Error::InvalidUrl {
        url: shown,
        reason: redact(&describe(&err)),
    })?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        config.host(&env("PGHOST").unwrap_or_else(|| "localhost".to_owned()));
    }
    if config.get_ports().is_empty()
        && let Some(port) = env("PGPORT")
    {
        config.port(
            port.parse()
                .map_err(|cause| Error::InvalidPort { value: port, cause })?,
        );
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .unwrap_or_else(|| "postgres".to_owned());
        config.user(&user);
    }
    if config.get_dbname().is_none()
        && let Some(db) = env("PGDATABASE")
    {
        config.dbname(&db);
    }
    if config.get_password().is_none() {
        if let Some(password) = env("PGPASSWORD") {
            config.password(password);
        } else if let Some(password) = pgpass(&config) {
            config.password(password);
        }
    }
    config.connect_timeout(timeouts.connect);
    config.application_name("failcast");
    // A network that drops mid-query: sent data left unacknowledged this
    // long closes the connection instead of waiting forever.
    if !timeouts.statement.is_zero() {
        config.tcp_user_timeout(timeouts.statement);
    }
    if !timeouts.statement.is_zero() {
        config.options(&format!(
            "-c statement_timeout={}",
            timeouts.statement.as_millis()
        ));
    }
    Ok(config)
}

/// The password for `config` from the password file, as libpq finds it:
/// `host:port:database:user:password` lines, `*` matching anything, the
/// first match wins, `\:` and `\\` escaped.
fn pgpass(config: &Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".pgpass")))?;
    let text = std::fs::read_to_string(path).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        // libpq matches a socket directory as "localhost".
        _ => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default().to_owned();
    let database = config.get_dbname().unwrap_or(&user).to_owned();
    pgpass_lookup(&text, &[host, port, database, user])
}

/// The password of the first line of a password file matching `wanted`
/// (host, port, database, user).
fn pgpass_lookup(text: &str, wanted: &[String; 4]) -> Option<String> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            if fields.len() != 5 {
                return None;
            }
            fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field == "*" || field == want)
                .then(|| fields[4].clone())
        })
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("one field").push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// Connects, giving up after `limit`; `Err(None)` when the time ran out.
/// The driver's connect timeout covers only the TCP connect: a server (or a
/// proxy) that accepts and then says nothing would hold the caller forever,
/// and the caller may be the editor. The connecting thread is left to
/// finish on its own; it ends when the server answers or closes.
fn connect_within(config: &Config, limit: Duration) -> Result<Client, Option<postgres::Error>> {
    let (send, receive) = std::sync::mpsc::channel();
    let config = config.clone();
    std::thread::Builder::new()
        .name("corpus-connect".to_owned())
        .spawn(move || {
            let _ = send.send(config.connect(NoTls));
        })
        .map_err(|_| None)?;
    match receive.recv_timeout(limit) {
        Ok(result) => result.map_err(Some),
        Err(_) => Err(None),
    }
}

/// A connection failure that names the server (redacted) and says what to
/// check.
fn connect_error(shown: &str, err: &postgres::Error) -> Error {
    let hint = match err.code() {
        Some(code) if *code == SqlState::INVALID_PASSWORD => {
            " (check the password in the URL, PGPASSWORD or ~/.pgpass)"
        }
        Some(code) if *code == SqlState::INVALID_CATALOG_NAME => {
            " (create the database first, e.g. with createdb)"
        }
        Some(_) => "",
        None if describe(err).contains("password missing") => {
            " (give the password in the URL, PGPASSWORD or ~/.pgpass)"
        }
        None => " (is the server running and reachable?)",
    };
    Error::Connect {
        corpus: shown.to_owned(),
        reason: redact(&describe(err)),
        hint,
    }
}

/// The error with its causes: the driver's own message ("db error",
/// "error connecting to server") says little without them.
fn describe(err: &postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn is_retryable(err: &postgres::Error) -> bool {
    err.code().is_some_and(|code| {
        *code == SqlState::T_R_DEADLOCK_DETECTED || *code == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

impl PgStore {
    /// Connects to the corpus at `url`; with `create`, creates its schema
    /// or migrates it to the current version. Without, `None` when the
    /// database has no corpus yet.
    fn connect(url: &str, timeouts: Timeouts) -> Result<(PgStore, Client)> {
        let shown = redact(url);
        let config = config(url, timeouts)?;
        // One connection first, for a clear error now instead of a pool
        // that retries until its timeout.
        let client = connect_within(&config, timeouts.connect).map_err(|err| match err {
            Some(err) => connect_error(&shown, &err),
            None => Error::NoAnswer {
                corpus: shown.clone(),
                waited: timeouts.connect,
            },
        })?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = Pool::builder()
            .max_size(4)
            .min_idle(Some(0))
            .connection_timeout(timeouts.connect.max(std::time::Duration::from_millis(200)))
            .build_unchecked(manager);
        Ok((
            PgStore {
                pool,
                shown,
                source_lock: None,
            },
            client,
        ))
    }

    /// Connects and migrates to the current schema.
    pub fn create(url: &str, timeouts: Timeouts) -> Result<PgStore> {
        let (store, mut client) = Self::connect(url, timeouts)?;
        migrate(&mut client, &store.shown)?;
        Ok(store)
    }

    /// Connects to an existing corpus; `None` when the database has none.
    pub fn open_existing(url: &str, timeouts: Timeouts) -> Result<Option<PgStore>> {
        let (store, mut client) = Self::connect(url, timeouts)?;
        let version = current_version(&mut client).map_err(|cause| Error::Statement {
            doing: "read",
            corpus: store.shown.clone(),
            cause,
        })?;
        match version {
            None => Ok(None),
            Some(SCHEMA_VERSION) => Ok(Some(store)),
            Some(found) if found > SCHEMA_VERSION => Err(Error::SchemaTooNew {
                corpus: store.shown,
                found,
            }),
            Some(found) => Err(Error::SchemaOutdated {
                corpus: store.shown,
                found,
            }),
        }
    }

    fn client(&self) -> Result<PooledConnection<PostgresConnectionManager<NoTls>>> {
        self.pool.get().map_err(|err| Error::Unreachable {
            corpus: self.shown.clone(),
            reason: redact(&err.to_string()),
        })
    }

    /// A statement of the step `doing` failed.
    fn failed(&self, doing: &'static str, cause: postgres::Error) -> Error {
        Error::Statement {
            doing,
            corpus: self.shown.clone(),
            cause,
        }
    }

    fn query_failures(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<StoredFailure>> {
        let rows = self.client()?.query(sql, params)?;
        Ok(rows.iter().map(failure_row).collect())
    }

    /// One batch in one transaction; returns (new occurrences, new mapped
    /// failures).
    fn write_batch(
        client: &mut Client,
        source: &SourceUpdate,
        batch: &[&NewOccurrence],
    ) -> Result<(u64, u64), postgres::Error> {
        let mut tx = client.transaction()?;
        // Failures, one per fingerprint (its first occurrence in the batch
        // describes it, as the first one does in SQLite), in key order.
        let mut firsts: BTreeMap<&str, &NewOccurrence> = BTreeMap::new();
        for o in batch {
            firsts.entry(o.fingerprint.as_str()).or_insert(o);
        }
        let firsts: Vec<&NewOccurrence> = firsts.into_values().collect();
        let column = |f: fn(&NewOccurrence) -> Option<String>| -> Vec<Option<String>> {
            firsts.iter().map(|o| f(o)).collect()
        };
        let fingerprints = column(|o| Some(o.fingerprint.clone()));
        let classes = column(|o| Some(o.class.as_str().to_owned()));
        let languages = column(|o| Some(o.language.to_owned()));
        let error_types = column(|o| Some(o.error_type.clone()));
        let templates = column(|o| Some(o.template.clone()));
        let messages = column(|o| Some(o.message.clone()));
        let services = column(|o| o.service.clone());
        let traces = column(|o| Some(o.trace.clone()));
        let paths = column(|o| o.mapped.as_ref().map(|m| m.0.clone()));
        let functions = column(|o| o.mapped.as_ref().map(|m| m.1.function.clone()));
        let lines: Vec<Option<i64>> = firsts
            .iter()
            .map(|o| o.mapped.as_ref().map(|m| m.1.line as i64))
            .collect();
        let created: HashMap<String, i64> = tx
            .query(
                "INSERT INTO failures(fingerprint, class, language, error_type, template, message, service,
                   trace, document, count, function_path, function_name, line)
                 SELECT f, c, l, e, t, m, s, tr, $9, 0, p, fn, ln
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                   $7::text[], $8::text[], $10::text[], $11::text[], $12::bigint[])
                   AS u(f, c, l, e, t, m, s, tr, p, fn, ln)
                 ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint, id",
                &[
                    &fingerprints,
                    &classes,
                    &languages,
                    &error_types,
                    &templates,
                    &messages,
                    &services,
                    &traces,
                    &source.document,
                    &paths,
                    &functions,
                    &lines,
                ],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mapped = firsts
            .iter()
            .filter(|o| o.mapped.is_some() && created.contains_key(&o.fingerprint))
            .count() as u64;
        // The searchable text of the failures this batch created. Text is
        // cut into words at every character FTS5's tokenizer cuts at: the
        // default parser would keep `/srv/app/payments/service.py` or
        // `service.py` whole, and a word of the code would not find it.
        let (mut search_ids, mut words, mut names_text, mut texts, mut search_traces) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for o in &firsts {
            if let Some(&id) = created.get(&o.fingerprint) {
                search_ids.push(id);
                words.push(o.error_words.as_str());
                names_text.push(o.identifiers.as_str());
                texts.push(o.message.as_str());
                search_traces.push(o.trace.as_str());
            }
        }
        if !search_ids.is_empty() {
            tx.execute(
                "INSERT INTO failure_search(failure_id, search)
                 SELECT id, setweight(to_tsvector('simple', e), 'A') || setweight(to_tsvector('simple', i), 'B')
                   || setweight(to_tsvector('simple', regexp_replace(m, '[^[:alnum:]_]+', ' ', 'g')), 'C')
                   || setweight(to_tsvector('simple', regexp_replace(left(t, 100000), '[^[:alnum:]_]+', ' ', 'g')), 'D')
                 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, e, i, m, t)",
                &[&search_ids, &words, &names_text, &texts, &search_traces],
            )?;
        }
        // Frames, for the failures this batch created.
        let (mut ids, mut depths, mut frame_paths, mut names, mut frame_lines) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for o in &firsts {
            let Some(&id) = created.get(&o.fingerprint) else {
                continue;
            };
            for (depth, frame) in o.frames.iter().enumerate() {
                ids.push(id);
                depths.push(depth as i32);
                frame_paths.push(frame.path.as_str());
                names.push(frame.function.as_str());
                frame_lines.push(frame.line as i64);
            }
        }
        if !ids.is_empty() {
            tx.execute(
                "INSERT INTO frames(failure_id, depth, path, function, line)
                 SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::bigint[])",
                &[&ids, &depths, &frame_paths, &names, &frame_lines],
            )?;
        }
        let keys: Vec<&str> = firsts.iter().map(|o| o.fingerprint.as_str()).collect();
        let failure_ids: HashMap<String, i64> = tx
            .query(
                "SELECT fingerprint, id FROM failures WHERE fingerprint = ANY($1)",
                &[&keys],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        // Occurrences, in key order; only those this batch inserts count.
        let mut occurrences: Vec<&NewOccurrence> = batch.to_vec();
        occurrences.sort_by(|a, b| a.hash.cmp(&b.hash));
        occurrences.dedup_by(|a, b| a.hash == b.hash);
        let hashes: Vec<&str> = occurrences.iter().map(|o| o.hash.as_str()).collect();
        // Every fingerprint is there: this transaction inserted it, or the
        // conflicting insert it waited for was committed before the SELECT.
        let owners: Vec<i64> = occurrences
            .iter()
            .map(|o| failure_ids[&o.fingerprint])
            .collect();
        let times: Vec<Option<&str>> = occurrences.iter().map(|o| o.time.as_deref()).collect();
        let inserted: HashSet<String> = tx
            .query(
                "INSERT INTO occurrences(hash, failure_id, time, document)
                 SELECT h, f, t, $4 FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(h, f, t)
                 ON CONFLICT (hash) DO NOTHING RETURNING hash",
                &[&hashes, &owners, &times, &source.document],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        // Counts and first/last seen, from the new occurrences only.
        let mut seen: BTreeMap<i64, (i64, Option<&str>, Option<&str>)> = BTreeMap::new();
        for (o, &id) in occurrences.iter().zip(&owners) {
            if !inserted.contains(&o.hash) {
                continue;
            }
            let entry = seen.entry(id).or_insert((0, None, None));
            entry.0 += 1;
            if let Some(time) = o.time.as_deref() {
                entry.1 = Some(entry.1.map_or(time, |t| t.min(time)));
                entry.2 = Some(entry.2.map_or(time, |t| t.max(time)));
            }
        }
        if !seen.is_empty() {
            let ids: Vec<i64> = seen.keys().copied().collect();
            let counts: Vec<i64> = seen.values().map(|v| v.0).collect();
            let firsts: Vec<Option<&str>> = seen.values().map(|v| v.1).collect();
            let lasts: Vec<Option<&str>> = seen.values().map(|v| v.2).collect();
            // Rows locked in id order, so two batches never wait on each
            // other in a circle here.
            tx.execute(
                "SELECT id FROM failures WHERE id = ANY($1) ORDER BY id FOR UPDATE",
                &[&ids],
            )?;
            tx.execute(
                "UPDATE failures f SET count = f.count + v.n,
                   first_seen = least(f.first_seen, v.first), last_seen = greatest(f.last_seen, v.last)
                 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS v(id, n, first, last)
                 WHERE f.id = v.id",
                &[&ids, &counts, &firsts, &lasts],
            )?;
        }
        // The source's failure count moves with its batches, so a run
        // stopped mid-document loses none of what it committed; the rest
        // of the row is written when the document is done.
        if !inserted.is_empty() {
            tx.execute(
                "INSERT INTO sources(key, bytes, prefix_hash, lines, events, failures, malformed, recoded, ingested_at)
                 VALUES ($1, 0, '', 0, 0, $2, 0, 0, $3)
                 ON CONFLICT(key) DO UPDATE SET failures = sources.failures + excluded.failures",
                &[&source.key, &(inserted.len() as i64), &crate::time::now()],
            )?;
        }
        tx.commit()?;
        Ok((inserted.len() as u64, mapped))
    }
}

/// The highest applied migration; `None` when the database has no corpus.
fn current_version(client: &mut Client) -> Result<Option<i64>, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(None);
    }
    Ok(client
        .query_one("SELECT max(version)::bigint FROM schema_version", &[])?
        .get(0))
}

/// Brings the database to this failcast's schema, and refuses one a newer
/// failcast took further. `shown` is the corpus's redacted URL, for
/// messages.
fn migrate(client: &mut Client, shown: &str) -> Result<i64> {
    let newest = apply_migrations(client).map_err(|cause| Error::Statement {
        doing: "migrate",
        corpus: shown.to_owned(),
        cause,
    })?;
    match newest {
        Some(found) if found > SCHEMA_VERSION => Err(Error::SchemaTooNew {
            corpus: shown.to_owned(),
            found,
        }),
        _ => Ok(SCHEMA_VERSION),
    }
}

/// Applies every migration newer than the database's, each in its own
/// transaction with its `schema_version` row, under an advisory lock so
/// that two processes migrating at once apply each migration once. Returns
/// the newest version the database has, which may be a newer failcast's.
fn apply_migrations(client: &mut Client) -> Result<Option<i64>, postgres::Error> {
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version(version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        let applied: bool = tx
            .query_one(
                "SELECT EXISTS(SELECT 1 FROM schema_version WHERE version = $1)",
                &[&version],
            )?
            .get(0);
        if !applied {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_version(version, applied_at) VALUES ($1, $2)",
                &[&version, &crate::time::now()],
            )?;
        }
        tx.commit()?;
    }
    Ok(client
        .query_one("SELECT max(version)::bigint FROM schema_version", &[])?
        .get(0))
}

/// Runs `f` again when PostgreSQL chose it as a deadlock victim or could
/// not serialise it: another ingester wrote the same keys at the same time.
fn retrying<T>(mut f: impl FnMut() -> Result<T, postgres::Error>) -> Result<T, postgres::Error> {
    let mut tries = 0;
    loop {
        match f() {
            Err(err) if is_retryable(&err) && tries < 8 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10 << tries.min(5)));
            }
            result => return result,
        }
    }
}

impl Store for PgStore {
    fn lock_source(&mut self, key: &str) -> Result<()> {
        self.unlock_source(key);
        let mut client = self.client()?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&source_lock_key(key)])
            .map_err(|cause| self.failed("lock a log source in", cause))?;
        self.source_lock = Some(client);
        Ok(())
    }

    fn unlock_source(&mut self, key: &str) {
        if let Some(mut client) = self.source_lock.take()
            && let Err(err) =
                client.execute("SELECT pg_advisory_unlock($1)", &[&source_lock_key(key)])
        {
            // A closed connection has released its locks, and the pool
            // drops it rather than hand it out again.
            tracing::warn!("cannot unlock a log source: {}", redact(&err.to_string()));
        }
    }

    fn source(&self, key: &str) -> Result<Option<SourceState>> {
        Ok(self
            .client()?
            .query_opt(
                "SELECT bytes, prefix_hash FROM sources WHERE key = $1",
                &[&key],
            )?
            .map(|r| SourceState {
                bytes: r.get::<_, i64>(0) as u64,
                prefix_hash: r.get(1),
            }))
    }

    fn templates(&self) -> Result<Vec<String>> {
        Ok(self
            .client()?
            .query(
                "SELECT template FROM templates ORDER BY count DESC, id LIMIT 20000",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn failures_in(&self, path: &str) -> Result<Vec<StoredFailure>> {
        self.query_failures(
            &format!(
                "SELECT {FAILURE_COLUMNS} FROM failures WHERE function_path = $1 ORDER BY last_seen DESC NULLS LAST, id LIMIT 200"
            ),
            &[&path],
        )
    }

    fn similar(&self, terms: &[String], limit: usize) -> Result<Vec<StoredFailure>> {
        // FTS5's bm25 weighs a term by its rarity (IDF); ts_rank does not,
        // so each term's rank is weighted by bm25's IDF here, from the
        // term's document count (one GIN lookup per term). Terms are plain
        // words (the caller filtered them), each a valid tsquery.
        let columns: String = FAILURE_COLUMNS
            .split(", ")
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.query_failures(
            &format!(
                "WITH terms AS (SELECT to_tsquery('simple', t) AS q FROM unnest($1::text[]) AS t),
                 n AS (SELECT count(*)::float8 AS n FROM failure_search),
                 idf AS (
                   SELECT terms.q, ln(1 + (n.n - d.df + 0.5) / (d.df + 0.5)) AS w
                   FROM terms, n, LATERAL (
                     SELECT count(*)::float8 AS df FROM failure_search WHERE search @@ terms.q) d),
                 scored AS (
                   SELECT s.failure_id, sum(idf.w * ts_rank('{{0.25, 0.5, 0.75, 1.0}}', s.search, idf.q, 1)) AS score
                   FROM idf JOIN failure_search s ON s.search @@ idf.q
                   GROUP BY s.failure_id)
                 SELECT {columns} FROM scored JOIN failures f ON f.id = scored.failure_id
                 ORDER BY scored.score DESC, f.id LIMIT $2"
            ),
            &[&terms, &(limit as i64)],
        )
    }

    fn frames(&self, failure_id: i64) -> Result<Vec<Frame>> {
        Ok(self
            .client()?
            .query(
                "SELECT path, function, line FROM frames WHERE failure_id = $1 ORDER BY depth",
                &[&failure_id],
            )?
            .iter()
            .map(|r| Frame {
                path: r.get(0),
                function: r.get(1),
                line: r.get::<_, i64>(2) as usize,
            })
            .collect())
    }

    fn all_failures(&self) -> Result<Vec<StoredFailure>> {
        self.query_failures(
            &format!(
                "SELECT {FAILURE_COLUMNS} FROM failures ORDER BY last_seen DESC NULLS LAST, id"
            ),
            &[],
        )
    }

    fn counts(&self) -> Result<Counts> {
        let row = self.client()?.query_one(
            "SELECT (SELECT count(*) FROM templates), (SELECT count(*) FROM failures),
                    (SELECT count(*) FROM frames), (SELECT count(*) FROM occurrences),
                    (SELECT count(*) FROM sources), (SELECT count(*) FROM predictions)",
            &[],
        )?;
        let get = |i: usize| row.get::<_, i64>(i) as u64;
        Ok(Counts {
            templates: get(0),
            failures: get(1),
            frames: get(2),
            occurrences: get(3),
            sources: get(4),
            predictions: get(5),
        })
    }

    /// Batches of [`BATCH`] occurrences, each its own transaction, then the
    /// `sources` row: a crash keeps every committed batch, and the next run
    /// reads the document again and finds those occurrences already there.
    fn write_document(
        &mut self,
        source: &SourceUpdate,
        occurrences: &[NewOccurrence],
        progress: &mut dyn FnMut(u64),
    ) -> Result<WriteOutcome> {
        let mut client = self.client()?;
        let mut outcome = WriteOutcome::default();
        let all: Vec<&NewOccurrence> = occurrences.iter().collect();
        for batch in all.chunks(BATCH) {
            let (new, mapped) = retrying(|| Self::write_batch(&mut client, source, batch))
                .map_err(|cause| self.failed("write to", cause))?;
            outcome.new += new;
            outcome.duplicates += batch.len() as u64 - new;
            outcome.mapped += mapped;
            progress(outcome.new + outcome.duplicates);
        }
        client.execute(
            "INSERT INTO sources(key, bytes, prefix_hash, lines, events, failures, malformed, recoded, ingested_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT(key) DO UPDATE SET bytes = excluded.bytes, prefix_hash = excluded.prefix_hash,
               lines = sources.lines + excluded.lines, events = sources.events + excluded.events,
               malformed = sources.malformed + excluded.malformed,
               recoded = sources.recoded + excluded.recoded, ingested_at = excluded.ingested_at",
            &[
                &source.key,
                &(source.bytes as i64),
                &source.prefix_hash,
                &(source.lines as i64),
                &(source.events as i64),
                &0i64,
                &(source.malformed as i64),
                &(source.recoded as i64),
                &crate::time::now(),
            ],
        )?;
        Ok(outcome)
    }

    fn write_templates(&mut self, templates: &[TemplateUpdate]) -> Result<()> {
        let mut sorted: Vec<&TemplateUpdate> = templates.iter().collect();
        sorted.sort_by(|a, b| a.text.cmp(&b.text));
        let mut client = self.client()?;
        retrying(|| {
            let mut tx = client.transaction()?;
            let upsert = tx.prepare(
                "INSERT INTO templates(template, count, first_seen, last_seen, example) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT(template) DO UPDATE SET count = templates.count + excluded.count,
                   first_seen = least(templates.first_seen, excluded.first_seen),
                   last_seen = greatest(templates.last_seen, excluded.last_seen)",
            )?;
            for m in &sorted {
                if let Some(previous) = &m.previous
                    && previous != &m.text
                {
                    // The template generalised: fold the old row into the new text.
                    let old = tx.query_opt(
                        "DELETE FROM templates WHERE template = $1 RETURNING count, first_seen, last_seen",
                        &[previous],
                    )?;
                    if let Some(old) = old {
                        let (count, first, last): (i64, Option<String>, Option<String>) =
                            (old.get(0), old.get(1), old.get(2));
                        tx.execute(&upsert, &[&m.text, &count, &first, &last, &m.example])?;
                    }
                }
                tx.execute(
                    &upsert,
                    &[&m.text, &m.count, &m.first_seen, &m.last_seen, &m.example],
                )?;
            }
            tx.commit()
        })
        .map_err(|cause| self.failed("write templates to", cause))
    }

    /// One statement for all rows: the editor records what it showed after
    /// every analysis, and a round trip per row to a remote server would
    /// hold the analysis up. A key that comes twice keeps its first row, as
    /// row-by-row upserts would; keys go in sorted, so two recorders at
    /// once never wait on each other in a circle.
    fn record_predictions(&self, rows: &[PredictionRow]) -> Result<usize> {
        let mut unique: BTreeMap<(&str, &str, &str, i64), &PredictionRow> = BTreeMap::new();
        for row in rows {
            unique
                .entry((&row.function_id, &row.content_hash, row.class, row.line))
                .or_insert(row);
        }
        if unique.is_empty() {
            return Ok(0);
        }
        let rows: Vec<&PredictionRow> = unique.into_values().collect();
        let column =
            |f: fn(&PredictionRow) -> &str| -> Vec<&str> { rows.iter().map(|r| f(r)).collect() };
        let lines: Vec<i64> = rows.iter().map(|r| r.line).collect();
        let mut client = self.client()?;
        let written = retrying(|| {
            client.execute(
                    "INSERT INTO predictions(function_id, path, function, content_hash, class, line, source, first_predicted, last_predicted)
                     SELECT i, p, f, h, c, l, s, t, t
                     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[])
                       AS u(i, p, f, h, c, l, s, t)
                     ON CONFLICT(function_id, content_hash, class, line) DO UPDATE SET last_predicted = excluded.last_predicted",
                    &[
                        &column(|r| &r.function_id),
                        &column(|r| &r.path),
                        &column(|r| &r.function),
                        &column(|r| &r.content_hash),
                        &column(|r| r.class),
                        &lines,
                        &column(|r| r.source),
                        &column(|r| &r.time),
                    ],
                )
        })
        .map_err(|cause| self.failed("record predictions in", cause))?;
        Ok(written as usize)
    }

    fn predictions(&self) -> Result<Vec<(String, String, String)>> {
        Ok(self
            .client()?
            .query(
                "SELECT function_id, path, class FROM predictions WHERE source != 'history'",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    fn schema_version(&self) -> Result<i64> {
        let mut client = self.client()?;
        Ok(current_version(&mut client)?.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_lines_match_as_libpq_matches_them() {
        let text =
            "# comment\nother:5432:*:*:nope\ndb.internal:*:corpus:ci:s\\:cret\n*:*:*:*:fallback\n";
        let wanted = |host: &str| [host, "6432", "corpus", "ci"].map(str::to_owned);
        assert_eq!(
            pgpass_lookup(text, &wanted("db.internal")).as_deref(),
            Some("s:cret")
        );
        assert_eq!(
            pgpass_lookup(text, &wanted("elsewhere")).as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("", &wanted("db.internal")), None);
    }

    #[test]
    fn a_bad_url_is_reported_without_its_password() {
        let err = config("postgres://ci:hunter2@db:notaport/corpus", Timeouts::CLI).unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("invalid PostgreSQL URL"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}
