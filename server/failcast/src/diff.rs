//! `--diff REV`: the functions that changed between a git revision and the
//! working tree, by content hash, so review and CI look only at what a
//! change touched.
//!
//! Git is driven through its command line: one `diff --raw` names the files
//! that differ and their old blobs, `ls-files --others` adds untracked
//! files, and one `cat-file --batch` process reads every old blob. Old and
//! new text go through the same function index, so a reformatted function
//! (same content hash) is not a change. Renamed or moved files have no old
//! version under their new path and count as added, whole.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use failcast_core::functions::FunctionIndex;
use failcast_core::language::Language;
use failcast_core::workspace::SourceFile;

/// Why a diff could not be taken; the CLI prints it and exits with 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffError(pub String);

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a working-tree file relates to the revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// Not in the revision under this path (new, untracked, renamed, moved).
    Added,
    /// In the revision with this blob, and different now.
    Modified { old_blob: String },
}

/// The files that differ from a revision, keyed by absolute path.
#[derive(Debug, Default)]
pub struct ChangedFiles {
    pub files: HashMap<PathBuf, FileChange>,
    /// The checkout's top level, where git runs.
    pub toplevel: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, DiffError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| DiffError(format!("cannot run git: {err}")))
}

/// Finds the files under `dir`'s checkout that differ from `rev`.
pub fn changed_files(dir: &Path, rev: &str) -> Result<ChangedFiles, DiffError> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(DiffError(format!(
            "--diff needs a git checkout, and {} is not in one",
            dir.display()
        )));
    }
    let toplevel = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim_end());
    let toplevel = toplevel.canonicalize().unwrap_or(toplevel);
    let commit = format!("{rev}^{{commit}}");
    let verify = git(
        &toplevel,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &commit,
        ],
    )?;
    if !verify.status.success() || rev.starts_with('-') {
        return Err(DiffError(format!(
            "--diff {rev}: not a revision of the checkout at {}",
            toplevel.display()
        )));
    }
    let mut files = HashMap::new();
    // Working tree against the revision; staged and unstaged edits alike.
    // `--no-renames` makes a rename a deletion plus an addition.
    let raw = git(
        &toplevel,
        &[
            "diff",
            "--raw",
            "-z",
            "--no-renames",
            "--no-abbrev",
            &commit,
            "--",
        ],
    )?;
    if !raw.status.success() {
        return Err(DiffError(format!(
            "git diff against {rev} failed: {}",
            String::from_utf8_lossy(&raw.stderr).trim()
        )));
    }
    let mut fields = raw.stdout.split(|&b| b == 0);
    while let Some(meta) = fields.next() {
        if meta.is_empty() {
            continue;
        }
        let Some(path) = fields.next() else { break };
        // `:100644 100644 <old> <new> M`
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let (Some(old_blob), Some(status)) = (parts.get(2), parts.get(4)) else {
            continue;
        };
        let path = toplevel.join(String::from_utf8_lossy(path).as_ref());
        let change = match status.chars().next() {
            Some('D') => continue,
            Some('A') => FileChange::Added,
            _ if old_blob.bytes().all(|b| b == b'0') => FileChange::Added,
            _ => FileChange::Modified {
                old_blob: (*old_blob).to_owned(),
            },
        };
        files.insert(path, change);
    }
    let untracked = git(
        &toplevel,
        &["ls-files", "--others", "--exclude-standard", "-z"],
    )?;
    for path in untracked
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
    {
        files.insert(
            toplevel.join(String::from_utf8_lossy(path).as_ref()),
            FileChange::Added,
        );
    }
    Ok(ChangedFiles { files, toplevel })
}

impl ChangedFiles {
    /// How `file` changed, or `None` when it is the same as in the revision.
    pub fn change_of(&self, file: &SourceFile) -> Option<&FileChange> {
        let absolute = file.path.canonicalize().ok()?;
        self.files.get(&absolute)
    }

    /// Reads old blobs by id through one `git cat-file --batch` process.
    /// Blobs that cannot be read are left out (their files count as added).
    pub fn read_blobs(&self, blobs: &[String]) -> HashMap<String, String> {
        let mut out = HashMap::new();
        if blobs.is_empty() {
            return out;
        }
        let Ok(mut child) = Command::new("git")
            .arg("-C")
            .arg(&self.toplevel)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
        else {
            return out;
        };
        let mut stdin = child.stdin.take();
        let request: String = blobs.iter().map(|b| format!("{b}\n")).collect();
        // Write from another thread: git answers while it reads, and a full
        // pipe on either side would otherwise stall both processes.
        let writer = std::thread::spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                let _ = stdin.write_all(request.as_bytes());
            }
            drop(stdin);
        });
        if let Some(stdout) = child.stdout.take() {
            let mut reader = BufReader::new(stdout);
            for blob in blobs {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 {
                    break;
                }
                // `<sha> blob <size>` or `<sha> missing`
                let parts: Vec<&str> = header.split_whitespace().collect();
                let Some(size) = parts.get(2).and_then(|s| s.parse::<usize>().ok()) else {
                    continue;
                };
                let mut body = vec![0; size + 1];
                if reader.read_exact(&mut body).is_err() {
                    break;
                }
                body.truncate(size);
                out.insert(blob.clone(), String::from_utf8_lossy(&body).into_owned());
            }
        }
        let _ = writer.join();
        let _ = child.wait();
        out
    }
}

/// The files that changed against a revision, keyed by workspace-relative
/// path, with the blob of their old version (`None`: new under this path).
/// Blob ids name contents, so caches can key on them without reading them.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    pub old: HashMap<String, Option<String>>,
    toplevel: PathBuf,
}

impl Baseline {
    /// The old texts of `relatives` (only those that have one), read in
    /// one git process.
    pub fn old_texts(&self, relatives: &[&str]) -> HashMap<String, String> {
        let wanted: Vec<(&str, &String)> = relatives
            .iter()
            .filter_map(|r| {
                self.old
                    .get_key_value(*r)
                    .and_then(|(k, b)| b.as_ref().map(|b| (k.as_str(), b)))
            })
            .collect();
        let blobs: Vec<String> = wanted.iter().map(|(_, b)| (*b).clone()).collect();
        let changed = ChangedFiles {
            toplevel: self.toplevel.clone(),
            ..ChangedFiles::default()
        };
        let texts = changed.read_blobs(&blobs);
        wanted
            .into_iter()
            .filter_map(|(r, b)| texts.get(b).map(|t| (r.to_owned(), t.clone())))
            .collect()
    }
}

/// The baseline of `files` against `rev`: only files that differ appear.
pub fn baseline(dir: &Path, rev: &str, files: &[SourceFile]) -> Result<Baseline, DiffError> {
    let changed = changed_files(dir, rev)?;
    let mut old = HashMap::new();
    for file in files {
        match changed.change_of(file) {
            Some(FileChange::Added) => {
                old.insert(file.relative.clone(), None);
            }
            Some(FileChange::Modified { old_blob }) => {
                old.insert(file.relative.clone(), Some(old_blob.clone()));
            }
            None => {}
        }
    }
    Ok(Baseline {
        old,
        toplevel: changed.toplevel,
    })
}

/// The ids of the functions of `new` that are new or whose content hash
/// differs from the same id in `old_text` (`None`: every function is new).
pub fn changed_against(
    language: Language,
    relative: &str,
    old_text: Option<&str>,
    new: &FunctionIndex,
) -> HashSet<String> {
    let old = old_text.and_then(|text| {
        let rope = ropey::Rope::from_str(text);
        failcast_core::syntax::parse_rope(language, &rope, None)
            .map(|tree| failcast_core::functions::index_functions(language, &tree, &rope, relative))
    });
    match old {
        Some(old) => {
            let changes = failcast_core::functions::changed_functions(&old, new);
            changes.added.into_iter().chain(changes.changed).collect()
        }
        None => new.functions.iter().map(|f| f.id.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reformatting_is_not_a_change_but_an_edit_is() {
        let old = "def a(x):\n    return x[0]\n\n\ndef b(y):\n    return y / 2\n";
        let new = "def a(x):\n    # why: first item\n    return   x[0]\n\n\ndef b(y):\n    return y / 3\n\n\ndef c():\n    pass\n";
        let rope = ropey::Rope::from_str(new);
        let tree = failcast_core::syntax::parse_rope(Language::Python, &rope, None).unwrap();
        let index =
            failcast_core::functions::index_functions(Language::Python, &tree, &rope, "m.py");
        let mut ids: Vec<String> = changed_against(Language::Python, "m.py", Some(old), &index)
            .into_iter()
            .collect();
        ids.sort();
        assert_eq!(ids, ["m.py::b", "m.py::c"]);
        let all = changed_against(Language::Python, "m.py", None, &index);
        assert_eq!(all.len(), 3);
    }
}
