//! The persisted cache of `failcast check`: one finished file analysis
//! (functions, scenarios with the model's answers merged, the `--diff`
//! selection) per key, so a re-run on an unchanged tree parses nothing and
//! starts no model.
//!
//! A key covers everything the result depends on: the failcast version and
//! a fingerprint of the analysis it was built with (`build.rs`),
//! the configuration, the file's path and text, the old text it is diffed
//! against, whether (and which) model answered, and a fingerprint of every
//! source file in the workspace, since traces name callers found anywhere.
//! Entries live in `.failcast/cache/check/` at the workspace root (with a
//! `.gitignore`, so they never show up as untracked files), or in the user
//! cache directory when the workspace is not writable.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use failcast_core::config::Config;
use failcast_core::functions::FunctionIndex;
use failcast_core::scenario::Scenario;

/// Bumped when the entry format or the meaning of a key changes.
const FORMAT: u32 = 1;

/// One cached file analysis.
#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub functions: FunctionIndex,
    pub scenarios: Vec<Vec<Scenario>>,
    pub lossy: bool,
    pub only: Option<Vec<String>>,
}

pub struct CheckCache {
    dir: PathBuf,
    /// Version, configuration and workspace-independent parts of every key.
    salt: u64,
}

impl CheckCache {
    /// The cache for a workspace; entries are shared by every run with the
    /// same configuration.
    pub fn open(base: &Path, config: &Config) -> CheckCache {
        let mut hasher = Xxh3::new();
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        // The rules change between builds of one version.
        hasher.update(env!("FAILCAST_ANALYSIS_HASH").as_bytes());
        hasher.update(&FORMAT.to_le_bytes());
        hasher.update(serde_json::to_string(config).unwrap_or_default().as_bytes());
        CheckCache {
            dir: cache_dir(base),
            salt: hasher.digest(),
        }
    }

    /// The key of one file's analysis. `workspace` fingerprints every source
    /// file of the workspace, `old` is the git blob diffed against (if any)
    /// and `model` names the model that answered (empty: static only).
    pub fn key(
        &self,
        relative: &str,
        text: &str,
        old: Option<Option<&str>>,
        workspace: u64,
        model: &str,
    ) -> u64 {
        let mut hasher = Xxh3::new();
        hasher.update(&self.salt.to_le_bytes());
        hasher.update(&workspace.to_le_bytes());
        for part in [relative, model, text] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        match old {
            None => hasher.update(b"all"),
            Some(None) => hasher.update(b"added"),
            Some(Some(blob)) => {
                hasher.update(b"blob");
                hasher.update(blob.as_bytes());
            }
        }
        hasher.digest()
    }

    fn path(&self, key: u64) -> PathBuf {
        self.dir.join(format!("{key:016x}.json"))
    }

    pub fn load(&self, key: u64) -> Option<Entry> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores an entry; a cache that cannot be written is only slower.
    pub fn store(&self, key: u64, entry: &Entry) {
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(entry) else {
            return;
        };
        // Write then rename, so a concurrent run never reads half an entry.
        let tmp = self
            .dir
            .join(format!("{key:016x}.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, self.path(key)).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// `.failcast/cache/check` at the workspace root when it can be written,
/// else a directory per workspace in the user cache.
fn cache_dir(base: &Path) -> PathBuf {
    let local = base.join(".failcast").join("cache");
    if std::fs::create_dir_all(&local).is_ok() {
        let ignore = local.join(".gitignore");
        if ignore.exists() || std::fs::write(&ignore, "# written by failcast check\n*\n").is_ok() {
            return local.join("check");
        }
    }
    let workspace = xxhash_rust::xxh3::xxh3_64(base.to_string_lossy().as_bytes());
    failcast_model::fetch::cache_root()
        .join("check")
        .join(format!("{workspace:016x}"))
}

/// A fingerprint of the workspace's source files (paths and texts), which
/// the call index is built from.
pub fn workspace_fingerprint(files: &[failcast_core::workspace::SourceFile]) -> u64 {
    use rayon::prelude::*;
    let mut hashes: Vec<(String, u64)> = files
        .par_iter()
        .map(|file| {
            let hash = std::fs::read(&file.path)
                .map(|bytes| xxhash_rust::xxh3::xxh3_64(&bytes))
                .unwrap_or(0);
            (file.relative.clone(), hash)
        })
        .collect();
    hashes.sort();
    let mut hasher = Xxh3::new();
    for (path, hash) in hashes {
        hasher.update(path.as_bytes());
        hasher.update(&hash.to_le_bytes());
    }
    hasher.digest()
}
