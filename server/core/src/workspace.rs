//! Finding and reading the source files of a workspace.
//!
//! Walks the workspace respecting `.gitignore` (and `.ignore`, hidden files,
//! the config's ignore globs), skips binaries and files over a size limit,
//! and reads files that are not valid UTF-8 lossily so that a stray Latin-1
//! byte costs a replacement character, not the file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;
use rayon::prelude::*;

use crate::calls::CallIndex;
use crate::language::Language;

/// Files larger than this are skipped by scans (generated code, bundles).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub max_file_bytes: u64,
    pub languages: Vec<Language>,
    /// Gitignore-style globs of paths to skip.
    pub ignore: Vec<String>,
    /// How many directories deep to walk; `None`: all the way.
    pub max_depth: Option<usize>,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            languages: Language::ALL.to_vec(),
            ignore: Vec::new(),
            max_depth: None,
        }
    }
}

/// A source file found by a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Relative to the scan root, `/`-separated.
    pub relative: String,
    pub language: Language,
}

/// The text of a file, and whether it had to be decoded lossily.
pub struct FileText {
    pub text: String,
    pub lossy: bool,
}

/// Lists the source files under `root` (a directory or a single file).
pub fn source_files(root: &Path, options: &ScanOptions) -> Vec<SourceFile> {
    let base = if root.is_file() {
        root.parent().unwrap_or(Path::new("."))
    } else {
        root
    };
    let mut walker = WalkBuilder::new(root);
    walker
        .standard_filters(true)
        .require_git(false)
        .max_depth(options.max_depth)
        .max_filesize(Some(options.max_file_bytes));
    if !options.ignore.is_empty() {
        let mut overrides = OverrideBuilder::new(base);
        for glob in &options.ignore {
            // Overrides whitelist by default; a leading `!` makes them ignores.
            if let Err(err) = overrides.add(&format!("!{glob}")) {
                tracing::warn!("ignoring invalid glob {glob:?}: {err}");
            }
        }
        match overrides.build() {
            Ok(overrides) => {
                walker.overrides(overrides);
            }
            Err(err) => tracing::warn!("ignore globs not applied: {err}"),
        }
    }
    let mut files: Vec<SourceFile> = walker
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|entry| {
            let language = Language::from_path(entry.path())?;
            if !options.languages.contains(&language)
                || entry.file_name().to_str().is_some_and(is_minified_name)
            {
                return None;
            }
            let path = entry.into_path();
            Some(SourceFile {
                relative: relative_path(base, &path),
                path,
                language,
            })
        })
        .collect();
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    files
}

/// Whether `root` is a project: a git checkout or a directory with a
/// `failcast.toml`, rather than the directory a loose file happens to sit
/// in (`/tmp`, a downloads folder), whose whole tree is no workspace.
pub fn is_project(root: &Path) -> bool {
    root.join(".git").exists() || root.join(crate::config::CONFIG_FILE).exists()
}

/// The workspace a path belongs to: the nearest enclosing git checkout or
/// directory with a `failcast.toml`, else the path itself (its directory,
/// for a file). Callers and config are looked up there, and output paths
/// are relative to it, as code-review tools expect.
pub fn workspace_root(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    for dir in absolute.ancestors() {
        if is_project(dir) {
            return dir.to_path_buf();
        }
    }
    if absolute.is_file() {
        absolute
            .parent()
            .map_or(absolute.clone(), Path::to_path_buf)
    } else {
        absolute
    }
}

/// Whether a file name says it is a bundle or minified build output.
fn is_minified_name(name: &str) -> bool {
    name.contains(".min.") || name.ends_with(".bundle.js") || name.ends_with("-bundle.js")
}

/// `path` relative to `base`, with `/` separators, or the path itself when
/// it is not under `base`.
pub fn relative_path(base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        path.to_string_lossy().replace('\\', "/")
    } else {
        parts.join("/")
    }
}

/// Reads a source file; `None` for binaries (a NUL byte near the start) and
/// unreadable files.
pub fn read_source(path: &Path) -> Option<FileText> {
    let bytes = std::fs::read(path).ok()?;
    let head = &bytes[..bytes.len().min(16 * 1024)];
    if head.contains(&0) {
        return None;
    }
    // Minified or generated code: lines averaging hundreds of characters.
    let lines = head.iter().filter(|&&b| b == b'\n').count().max(1);
    if head.len() >= 4096 && head.len() / lines > 400 {
        return None;
    }
    Some(match String::from_utf8(bytes) {
        Ok(text) => FileText { text, lossy: false },
        Err(err) => FileText {
            text: String::from_utf8_lossy(err.as_bytes()).into_owned(),
            lossy: true,
        },
    })
}

/// Builds the call index of a workspace in parallel, reporting progress as
/// (files done, files total). Stops early, returning what it has, when
/// `cancel` is set.
pub fn build_call_index(
    root: &Path,
    options: &ScanOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> CallIndex {
    let files = source_files(root, options);
    let total = files.len();
    let done = AtomicUsize::new(0);
    progress(0, total);
    let per_file: Vec<(String, crate::calls::FileCalls)> = files
        .par_iter()
        .filter_map(|file| {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let result = index_file_calls(file);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(n, total);
            result.map(|calls| (file.relative.clone(), calls))
        })
        .collect();
    let mut index = CallIndex::default();
    for (path, calls) in per_file {
        index.set_file(&path, calls);
    }
    index
}

fn index_file_calls(file: &SourceFile) -> Option<crate::calls::FileCalls> {
    let source = read_source(&file.path)?;
    let rope = ropey::Rope::from_str(&source.text);
    let tree = crate::syntax::parse_rope(file.language, &rope, None)?;
    let functions = crate::functions::index_functions(file.language, &tree, &rope, &file.relative);
    Some(crate::calls::file_calls(
        file.language,
        &tree,
        &rope,
        &file.relative,
        &functions,
    ))
}
