//! What can go wrong with the corpus, sorted by what the caller can do:
//! fix the settings (a bad URL or port), try again later or check the
//! server (it cannot be reached), migrate or update failcast (the schema is
//! not this version's), give up on the corpus for now (a statement failed on
//! a database that was there: locked, read-only, full, corrupt, timed out),
//! or fix the input of an ingest (a file that cannot be read).
//!
//! A variant that adds context to a lower error says that error in its own
//! message, as `anyhow`'s `{:#}` would, instead of handing it out as
//! [`std::error::Error::source`]: the language server prints these errors
//! directly and the CLI through `anyhow`, and both must show the cause once;
//! and what the PostgreSQL driver says about a connection can quote the URL,
//! so it is shown redacted, which a `source` would not be. The typed cause
//! stays in the variant for callers that want to look at it.

use std::fmt;
use std::num::ParseIntError;
use std::path::PathBuf;
use std::time::Duration;

use super::store::SCHEMA_VERSION;

/// A corpus result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why the corpus could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The PostgreSQL URL does not parse; `url` and `reason` are redacted.
    #[error("invalid PostgreSQL URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// `PGPORT` is set to something that is not a port number.
    #[error("PGPORT is not a port number: {value}{}", Causes(Some(.cause)))]
    InvalidPort { value: String, cause: ParseIntError },

    /// The PostgreSQL server refused the first connection or could not be
    /// reached; `reason` (redacted) and `hint` say what to check.
    #[error("cannot connect to the corpus at {corpus}: {reason}{hint}")]
    Connect {
        corpus: String,
        reason: String,
        hint: &'static str,
    },
    /// The server (or a proxy) accepted the connection and then said
    /// nothing for the whole connect timeout.
    #[error(
        "cannot connect to the corpus at {corpus}: the server accepted the connection but did not answer within {:.1} s",
        .waited.as_secs_f64()
    )]
    NoAnswer { corpus: String, waited: Duration },
    /// No pooled connection could be had in time: the server went away
    /// after the corpus was opened.
    #[error("cannot reach the corpus at {corpus}: {reason}")]
    Unreachable { corpus: String, reason: String },

    /// The SQLite file cannot be opened or created.
    #[error("cannot open the corpus {}{}", .path.display(), Causes(Some(.cause)))]
    Open {
        path: PathBuf,
        cause: rusqlite::Error,
    },
    /// The directory of the SQLite file cannot be created.
    #[error("cannot create {}{}", .path.display(), Causes(Some(.cause)))]
    CreateDir {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// The file is not a failcast corpus: not a database at all (`cause`
    /// says why SQLite thinks so), or a database without our schema.
    #[error("{} is not a failcast corpus{}", .path.display(), Causes(.cause.as_ref().map(|c| c as _)))]
    NotACorpus {
        path: PathBuf,
        cause: Option<rusqlite::Error>,
    },
    /// A newer failcast wrote this corpus; this one must not touch it.
    #[error(
        "the corpus at {corpus} has schema {found}, newer than this failcast knows ({SCHEMA_VERSION}); update failcast"
    )]
    SchemaTooNew { corpus: String, found: i64 },
    /// The corpus is of an older schema: `failcast corpus migrate` brings
    /// it up to date.
    #[error(
        "the corpus at {corpus} has schema {found}, expected {SCHEMA_VERSION}; run `failcast corpus migrate`"
    )]
    SchemaOutdated { corpus: String, found: i64 },

    /// A PostgreSQL statement of one step failed on a reachable corpus;
    /// `doing` names the step ("write to", "migrate", ...).
    #[error("cannot {doing} the corpus at {corpus}{}", Causes(Some(.cause)))]
    Statement {
        doing: &'static str,
        corpus: String,
        cause: postgres::Error,
    },
    /// Any other SQLite statement failed (locked, read-only, disk full,
    /// corrupt).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// Any other PostgreSQL statement failed (a statement timeout, a lost
    /// connection).
    #[error(transparent)]
    Postgres(#[from] postgres::Error),

    /// An input of `ingest` cannot be read (`path` is `None` for stdin).
    #[error("cannot read {}{}", InputName(.path), Causes(Some(.cause)))]
    ReadInput {
        path: Option<PathBuf>,
        cause: std::io::Error,
    },
    /// A path given to `ingest` is not there (or cannot be looked at).
    #[error("{} does not exist{}", .path.display(), Causes(Some(.cause)))]
    MissingInput {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// A directory given to `ingest` cannot be listed.
    #[error("cannot list {}{}", .path.display(), Causes(Some(.cause)))]
    ListInput {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// What an export writes cannot be written.
    #[error(transparent)]
    Output(#[from] std::io::Error),
}

/// An error and its sources, each after ": ", as `anyhow` prints a chain
/// with `{:#}`; nothing for `None`.
struct Causes<'a>(Option<&'a dyn std::error::Error>);

impl fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut next = self.0;
        while let Some(error) = next {
            write!(f, ": {error}")?;
            next = error.source();
        }
        Ok(())
    }
}

struct InputName<'a>(&'a Option<PathBuf>);

impl fmt::Display for InputName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(path) => write!(f, "{}", path.display()),
            None => f.write_str("stdin"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Corpus, Error, Location, Timeouts};

    #[test]
    fn a_file_that_is_no_database_says_so_with_sqlites_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("corpus.db");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let Err(err) = Corpus::open_existing(&path) else {
            panic!("a file of garbage opened as a corpus");
        };
        assert!(
            matches!(err, Error::NotACorpus { cause: Some(_), .. }),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "{} is not a failcast corpus: file is not a database",
                path.display()
            )),
            "{message}"
        );
        // The cause is in the message, so it is not a source too: printed
        // through anyhow, it would appear twice.
        assert!(std::error::Error::source(&err).is_none());
    }

    #[test]
    fn a_corpus_of_a_newer_failcast_is_refused_for_reading_and_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("corpus.db");
        drop(Corpus::open(&path).unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO schema_version(version, applied_at) VALUES (99, 'later')",
            [],
        )
        .unwrap();
        drop(conn);
        let expected = format!(
            "the corpus at {} has schema 99, newer than this failcast knows (1); update failcast",
            path.display()
        );
        for result in [
            Corpus::open_existing(&path).map(|_| ()),
            Corpus::create(&Location::Sqlite(path.clone()), Timeouts::CLI).map(|_| ()),
        ] {
            let err = result.unwrap_err();
            assert!(
                matches!(err, Error::SchemaTooNew { found: 99, .. }),
                "{err:?}"
            );
            assert_eq!(err.to_string(), expected);
        }
    }

    #[test]
    fn an_ingest_input_that_is_not_there_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut corpus = Corpus::open(&dir.path().join("corpus.db")).unwrap();
        let missing = dir.path().join("nothere.log");
        let options = crate::ingest::IngestOptions::default();
        let err =
            crate::ingest_paths(&mut corpus, std::slice::from_ref(&missing), &options).unwrap_err();
        assert!(matches!(err, Error::MissingInput { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with(&format!("{} does not exist: ", missing.display())),
            "{err}"
        );
    }
}
