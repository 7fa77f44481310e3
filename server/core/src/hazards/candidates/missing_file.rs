//! A file-system call on a path that may not be there: removing a cache
//! entry that was never written (cachecontrol's `os.remove(name)` on a PUT
//! to an uncached URL: `FileNotFoundError`), resolving a symlink whose
//! target is gone (chokidar's `await fsrealpath(path)`: an unhandled
//! `ENOENT` rejection), renaming or sizing a file another process already
//! took away. These calls raise or reject on a missing path; the ones that
//! report it otherwise are left out (Go returns an error, Node's callback
//! forms hand it to the callback, Java's checked `IOException` must be
//! declared). A handler of the error, `missing_ok=True`,
//! `ignore_errors=True` or `{ force: true }` is the guard.

use super::*;

const TRIGGER: &str = "the path is not there: never created, already removed by another process or request, or a symlink whose target is gone";

/// Python calls that raise `FileNotFoundError` for a missing path.
const PYTHON: &[&str] = &[
    "os.remove",
    "os.unlink",
    "os.rmdir",
    "os.removedirs",
    "os.rename",
    "os.replace",
    "os.stat",
    "os.lstat",
    "os.readlink",
    "os.listdir",
    "os.scandir",
    "os.path.getsize",
    "os.path.getmtime",
    "os.path.getctime",
    "os.path.getatime",
    "shutil.rmtree",
    "shutil.move",
    "shutil.copyfile",
];

/// Node's `fs` operations that fail with `ENOENT` on a missing path, by
/// the name the promise and `…Sync` forms share.
const NODE: &[&str] = &[
    "realpath", "stat", "lstat", "unlink", "rmdir", "rm", "readlink", "readdir", "rename",
    "utimes", "chmod", "chown", "copyFile",
];

/// Python handlers that take a missing file.
const PYTHON_ERRORS: &[&str] = &[
    "FileNotFoundError",
    "OSError",
    "IOError",
    "EnvironmentError",
];

impl Scan<'_, '_, '_> {
    pub(super) fn missing_file(&mut self, node: Node, callee: &str, args: &str) {
        let errors = match self.cx.language {
            Language::Python => {
                let removes_quietly =
                    args.contains("missing_ok=True") || args.contains("ignore_errors=True");
                if !PYTHON.contains(&callee) || removes_quietly {
                    return;
                }
                PYTHON_ERRORS
            }
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                if !self.node_fs_call(callee) || args.contains("force: true") {
                    return;
                }
                // A rejection handled on the spot is handled.
                if self
                    .text_after(node, 12)
                    .trim_start()
                    .starts_with(".catch(")
                {
                    return;
                }
                &[]
            }
            _ => return,
        };
        if caught(self.cx.language, node, self.cx.node, self.cx.rope, errors) {
            return;
        }
        self.add(node, Other, 0.06, TRIGGER);
    }

    /// Whether `callee` is one of [`NODE`]'s operations in a form that
    /// throws or rejects: `fs.statSync`, `fs.promises.stat`, `fsp.stat`,
    /// or a name the file binds to a promisified one (`const fsrealpath =
    /// promisify(fs.realpath)`).
    fn node_fs_call(&self, callee: &str) -> bool {
        let (receiver, name) = callee.rsplit_once('.').unwrap_or(("", callee));
        if let Some(base) = name.strip_suffix("Sync") {
            return NODE.contains(&base) && receiver.ends_with("fs");
        }
        if !receiver.is_empty() {
            let promised = receiver.ends_with("promises")
                || matches!(receiver, "fsp" | "fsPromises")
                || (receiver == "fs" && {
                    let text = self.cx.file_text();
                    text.contains("fs/promises") || text.contains("fs-extra")
                });
            return promised && NODE.contains(&name);
        }
        let text = self.cx.file_text();
        NODE.iter().any(|op| {
            [
                format!("{name} = promisify(fs.{op})"),
                format!("{name} = util.promisify(fs.{op})"),
                format!("{name} = fs.promises.{op}"),
            ]
            .iter()
            .any(|binding| text.contains(binding.as_str()))
        })
    }
}
