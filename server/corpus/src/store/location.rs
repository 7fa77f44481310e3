//! Where the corpus is: a SQLite file (the default) or a PostgreSQL URL
//! from `FAILCAST_CORPUS_URL` or `[corpus] url`. A URL carries credentials,
//! so it is only ever shown through [`redact`].

use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable that selects a PostgreSQL corpus; it wins over
/// `[corpus] url`, so CI can point at a shared corpus without a config edit.
pub const URL_VARIABLE: &str = "FAILCAST_CORPUS_URL";

#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL (or a `key=value` string).
    Postgres(String),
}

impl Location {
    /// The corpus of a workspace: `FAILCAST_CORPUS_URL`, else the
    /// configured URL, else the SQLite file at `path` (relative to `root`).
    pub fn resolve(root: &Path, path: &Path, url: &str) -> Location {
        let from_env = std::env::var(URL_VARIABLE).unwrap_or_default();
        let url = if from_env.trim().is_empty() {
            url.trim()
        } else {
            from_env.trim()
        };
        if url.is_empty() {
            Location::Sqlite(root.join(path))
        } else {
            Location::Postgres(url.to_owned())
        }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self, Location::Postgres(_))
    }
}

/// Shows the location without its password.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// Debug output goes to logs: it must not show the password either.
impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "Sqlite({path:?})"),
            Location::Postgres(_) => write!(f, "Postgres({self})"),
        }
    }
}

/// A connection string with its password replaced by `***`: in the
/// userinfo of a URL (`postgres://user:secret@host`), in a `password=`
/// query parameter, and in a `password=` key of a key-value string.
pub fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest = scheme_end + 3;
        let authority_end = out[rest..].find(['/', '?']).map_or(out.len(), |i| rest + i);
        if let Some(at) = out[rest..authority_end].rfind('@') {
            let userinfo = &out[rest..rest + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest + colon + 1..rest + at, "***");
            }
        }
    }
    // `password=...` in a query string or a key-value string.
    let lower = out.to_ascii_lowercase();
    let mut redacted = String::with_capacity(out.len());
    let mut i = 0;
    while let Some(found) = lower[i..].find("password=") {
        let start = i + found + "password=".len();
        redacted.push_str(&out[i..start]);
        redacted.push_str("***");
        let value = &out[start..];
        let end = if let Some(quoted) = value.strip_prefix('\'') {
            quoted.find('\'').map_or(out.len(), |e| start + e + 2)
        } else {
            value.find([' ', '&']).map_or(out.len(), |e| start + e)
        };
        i = end;
    }
    redacted.push_str(&out[i..]);
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_in_every_form() {
        assert_eq!(
            redact("postgres://ci:s3cr:et@db.internal:5432/corpus"),
            "postgres://ci:***@db.internal:5432/corpus"
        );
        assert_eq!(
            redact("postgresql://ci@db/corpus?password=hunter2&sslmode=disable"),
            "postgresql://ci@db/corpus?password=***&sslmode=disable"
        );
        assert_eq!(
            redact("host=db user=ci password='a b' dbname=corpus"),
            "host=db user=ci password=*** dbname=corpus"
        );
        assert_eq!(redact("postgres://db/corpus"), "postgres://db/corpus");
        let location = Location::Postgres("postgres://u:pw@h/d".into());
        assert_eq!(
            format!("{location} {location:?}"),
            "postgres://u:***@h/d Postgres(postgres://u:***@h/d)"
        );
    }
}
