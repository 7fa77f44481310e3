//! The prediction cache: model answers kept in memory and on disk.
//!
//! A prediction depends only on the model's bytes, the prompt and the schema,
//! so its key is a sha256 over exactly those (never `DefaultHasher`, whose
//! output may change between Rust releases). Entries on disk survive restarts
//! of the engine and of the editor. Both tiers are size-bounded and evict the
//! least recently used entry; on disk the recency is the file's mtime, touched
//! on every hit. The cache is an optimisation: an unreadable or corrupt entry
//! is a miss, and an unwritable directory turns the cache memory-only.

use std::collections::HashMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::output::ModelScenario;
use super::prompt::SCHEMA_VERSION;

/// Default number of predictions kept in memory.
pub const DEFAULT_MEMORY_ENTRIES: usize = 512;
/// Default size bound of the on-disk cache.
pub const DEFAULT_DISK_BYTES: u64 = 64 << 20;

/// Computes a cache key from every input that determines the model's answer.
/// The parts are length-prefixed so no two different lists hash alike.
pub fn cache_key(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"failcast-prediction\0");
    hasher.update(SCHEMA_VERSION.to_le_bytes());
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    super::fetch::hex(&hasher.finalize())
}

#[derive(Serialize, Deserialize)]
struct DiskEntry {
    version: u32,
    key: String,
    scenarios: Vec<ModelScenario>,
}

struct MemoryEntry {
    scenarios: Vec<ModelScenario>,
    last_used: u64,
}

struct DiskTier {
    dir: PathBuf,
    max_bytes: u64,
    /// key → (size, last use), mirrored from the directory at open.
    files: HashMap<String, (u64, SystemTime)>,
    total: u64,
    writable: bool,
    corrupt_seen: bool,
    notices: Vec<String>,
}

/// Memory and disk tiers of cached predictions.
pub struct PredictionCache {
    memory: HashMap<String, MemoryEntry>,
    memory_capacity: usize,
    tick: u64,
    disk: Option<DiskTier>,
    /// What went wrong with the disk tier, for the user, once per kind.
    notices: Vec<String>,
}

impl std::fmt::Debug for PredictionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PredictionCache")
            .field("memory_entries", &self.memory.len())
            .field("disk", &self.disk.as_ref().map(|d| &d.dir))
            .finish()
    }
}

impl PredictionCache {
    /// A cache that lives only as long as the engine.
    pub fn memory_only(memory_entries: usize) -> Self {
        PredictionCache {
            memory: HashMap::new(),
            memory_capacity: memory_entries.max(1),
            tick: 0,
            disk: None,
            notices: Vec::new(),
        }
    }

    /// Opens (creating it if needed) the disk tier in `dir`. Falls back to
    /// memory only when the directory cannot be created or listed.
    pub fn open(dir: &Path, memory_entries: usize, disk_bytes: u64) -> Self {
        let mut cache = Self::memory_only(memory_entries);
        match DiskTier::open(dir, disk_bytes) {
            Ok(disk) => cache.disk = Some(disk),
            Err(error) => {
                tracing::warn!(
                    %error,
                    dir = %dir.display(),
                    "prediction cache directory unusable; caching in memory only"
                );
                cache.notices.push(format!(
                    "the prediction cache at {} cannot be used ({error}); predictions are kept in memory only",
                    dir.display()
                ));
            }
        }
        cache
    }

    /// Problems of the disk tier not yet reported, each reported once:
    /// the cache is an optimisation, so they are news, never failures.
    pub fn take_notices(&mut self) -> Vec<String> {
        let mut notices = std::mem::take(&mut self.notices);
        if let Some(disk) = self.disk.as_mut() {
            notices.append(&mut disk.notices);
        }
        notices
    }

    /// Whether predictions outlive the engine.
    #[cfg(test)]
    pub fn is_persistent(&self) -> bool {
        self.disk.as_ref().is_some_and(|d| d.writable)
    }

    pub fn get(&mut self, key: &str) -> Option<Vec<ModelScenario>> {
        self.tick += 1;
        if let Some(entry) = self.memory.get_mut(key) {
            entry.last_used = self.tick;
            return Some(entry.scenarios.clone());
        }
        let scenarios = self.disk.as_mut()?.get(key)?;
        self.remember(key, scenarios.clone());
        Some(scenarios)
    }

    pub fn insert(&mut self, key: &str, scenarios: &[ModelScenario]) {
        self.tick += 1;
        self.remember(key, scenarios.to_vec());
        if let Some(disk) = self.disk.as_mut() {
            disk.insert(key, scenarios);
        }
    }

    fn remember(&mut self, key: &str, scenarios: Vec<ModelScenario>) {
        if !self.memory.contains_key(key) && self.memory.len() >= self.memory_capacity {
            let oldest = self
                .memory
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.memory.remove(&oldest);
            }
        }
        self.memory.insert(
            key.to_string(),
            MemoryEntry {
                scenarios,
                last_used: self.tick,
            },
        );
    }
}

fn is_key(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

impl DiskTier {
    fn open(dir: &Path, max_bytes: u64) -> std::io::Result<Self> {
        fs::create_dir_all(dir)?;
        let mut files = HashMap::new();
        let mut total = 0;
        for entry in fs::read_dir(dir)? {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Ok(meta) = entry.metadata() else { continue };
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if let Some(key) = name.strip_suffix(".json").filter(|k| is_key(k)) {
                total += meta.len();
                files.insert(key.to_string(), (meta.len(), modified));
            } else if name.starts_with(".tmp-")
                && modified.elapsed().is_ok_and(|age| age.as_secs() > 3600)
            {
                // A writer died between write and rename; nobody will finish it.
                let _ = fs::remove_file(&path);
            }
        }
        let mut tier = DiskTier {
            dir: dir.to_path_buf(),
            max_bytes,
            files,
            total,
            writable: true,
            corrupt_seen: false,
            notices: Vec::new(),
        };
        tier.evict();
        Ok(tier)
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    fn get(&mut self, key: &str) -> Option<Vec<ModelScenario>> {
        let path = self.path(key);
        let text = match fs::read(&path) {
            Ok(text) => text,
            Err(error) => {
                if error.kind() != std::io::ErrorKind::NotFound {
                    tracing::debug!(%error, path = %path.display(), "unreadable cache entry");
                }
                self.forget(key);
                return None;
            }
        };
        match serde_json::from_slice::<DiskEntry>(&text) {
            Ok(entry) if entry.version == SCHEMA_VERSION && entry.key == key => {
                let now = SystemTime::now();
                // Touching the mtime is what makes eviction least-recently-used.
                if let Ok(file) = File::options().append(true).open(&path) {
                    let _ = file.set_modified(now);
                }
                if let Some(meta) = self.files.get_mut(key) {
                    meta.1 = now;
                }
                Some(entry.scenarios)
            }
            Ok(_) | Err(_) => {
                tracing::info!(path = %path.display(), "ignoring corrupt prediction cache entry");
                if !std::mem::replace(&mut self.corrupt_seen, true) {
                    self.notices.push(format!(
                        "corrupt entries in the prediction cache at {} are ignored and predicted again",
                        self.dir.display()
                    ));
                }
                if self.writable {
                    let _ = fs::remove_file(&path);
                }
                self.forget(key);
                None
            }
        }
    }

    fn forget(&mut self, key: &str) {
        if let Some((size, _)) = self.files.remove(key) {
            self.total = self.total.saturating_sub(size);
        }
    }

    fn insert(&mut self, key: &str, scenarios: &[ModelScenario]) {
        if !self.writable {
            return;
        }
        let entry = DiskEntry {
            version: SCHEMA_VERSION,
            key: key.to_string(),
            scenarios: scenarios.to_vec(),
        };
        let Ok(bytes) = serde_json::to_vec(&entry) else {
            return;
        };
        // Write then rename, so a reader (another editor's server sharing the
        // directory) never sees half an entry.
        let tmp = self.dir.join(format!(".tmp-{key}-{}", std::process::id()));
        let result = fs::write(&tmp, &bytes).and_then(|()| fs::rename(&tmp, self.path(key)));
        match result {
            Ok(()) => {
                self.forget(key);
                self.total += bytes.len() as u64;
                self.files
                    .insert(key.to_string(), (bytes.len() as u64, SystemTime::now()));
                self.evict();
            }
            Err(error) => {
                let _ = fs::remove_file(&tmp);
                tracing::warn!(
                    %error,
                    dir = %self.dir.display(),
                    "cannot write the prediction cache; caching in memory only"
                );
                self.notices.push(format!(
                    "cannot write the prediction cache at {} ({error}); predictions are kept in memory only",
                    self.dir.display()
                ));
                self.writable = false;
            }
        }
    }

    /// Deletes least recently used entries until the tier is a tenth under
    /// its bound, so eviction does not run on every insert.
    fn evict(&mut self) {
        if self.total <= self.max_bytes {
            return;
        }
        let target = self.max_bytes - self.max_bytes / 10;
        let mut by_age: Vec<(String, u64, SystemTime)> = self
            .files
            .iter()
            .map(|(k, (size, time))| (k.clone(), *size, *time))
            .collect();
        by_age.sort_by_key(|(_, _, time)| *time);
        for (key, _, _) in by_age {
            if self.total <= target {
                break;
            }
            let _ = fs::remove_file(self.path(&key));
            self.forget(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use failcast_core::scenario::FailureClass;

    fn scenario(line: usize) -> Vec<ModelScenario> {
        vec![ModelScenario {
            class: FailureClass::Timeout,
            line,
            trigger: "the upstream is slow".into(),
            error: "TimeoutError".into(),
            likelihood: 0.5,
            log: "ERROR timed out".into(),
            scored: false,
            prior: 0.0,
        }]
    }

    #[test]
    fn keys_are_stable_and_unambiguous() {
        assert_eq!(cache_key(&["a", "b"]), cache_key(&["a", "b"]));
        assert_ne!(cache_key(&["ab", ""]), cache_key(&["a", "b"]));
        assert_eq!(cache_key(&["x"]).len(), 64);
    }

    #[test]
    fn survives_reopen_and_ignores_corrupt_entries() {
        let dir = tempfile::tempdir().unwrap();
        let key = cache_key(&["one"]);
        let mut cache = PredictionCache::open(dir.path(), 4, 1 << 20);
        assert!(cache.is_persistent());
        cache.insert(&key, &scenario(3));
        drop(cache);

        let mut cache = PredictionCache::open(dir.path(), 4, 1 << 20);
        assert_eq!(cache.get(&key), Some(scenario(3)));

        let corrupt = cache_key(&["two"]);
        fs::write(dir.path().join(format!("{corrupt}.json")), b"{not json").unwrap();
        let mut cache = PredictionCache::open(dir.path(), 4, 1 << 20);
        assert_eq!(cache.get(&corrupt), None);
        assert!(!dir.path().join(format!("{corrupt}.json")).exists());
    }

    #[test]
    fn evicts_least_recently_used() {
        let dir = tempfile::tempdir().unwrap();
        let entry_size = {
            let mut probe = PredictionCache::open(&dir.path().join("probe"), 1, 1 << 20);
            probe.insert(&cache_key(&["probe"]), &scenario(1));
            probe.disk.as_ref().unwrap().total
        };
        let mut cache = PredictionCache::open(&dir.path().join("c"), 1, entry_size * 3);
        let keys: Vec<String> = (0..4).map(|i| cache_key(&[&i.to_string()])).collect();
        for (i, key) in keys.iter().take(3).enumerate() {
            cache.insert(key, &scenario(i + 1));
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // Use the oldest so the second becomes least recently used.
        assert!(cache.disk.as_mut().unwrap().get(&keys[0]).is_some());
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.insert(&keys[3], &scenario(4));
        let disk = cache.disk.as_mut().unwrap();
        assert!(disk.get(&keys[1]).is_none(), "least recently used must go");
        assert!(disk.get(&keys[0]).is_some());
        assert!(disk.get(&keys[3]).is_some());
        // Memory holds one entry: the newest.
        assert_eq!(cache.memory.len(), 1);
    }

    #[test]
    fn unusable_directory_degrades_to_memory() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let mut cache = PredictionCache::open(&blocker.join("predictions"), 4, 1 << 20);
        assert!(!cache.is_persistent());
        let key = cache_key(&["k"]);
        cache.insert(&key, &scenario(1));
        assert_eq!(cache.get(&key), Some(scenario(1)));
    }
}
