//! Check, then use: a file opened, read or removed because a check a moment
//! earlier said it exists (or did not). Another process (a second worker, a
//! cache cleaner, a deploy) changes the file system between the two, and
//! the use fails with the error the check was meant to avoid.

use super::*;

/// Calls that ask whether a path exists, by last name; with a dot, only as
/// a method (`path.exists()`).
const CHECKS: &[&str] = &[
    "exists",
    "isfile",
    "isdir",
    "is_file",
    "is_dir",
    "isFile",
    "isDirectory",
    "existsSync",
    "access",
    "accessSync",
    "canRead",
    "lexists",
];

/// Calls that use a path and fail if it changed since the check.
const USES: &[&str] = &[
    // Python
    "open",
    "remove",
    "unlink",
    "rmtree",
    "rename",
    "mkdir",
    "makedirs",
    "listdir",
    "getmtime",
    "getsize",
    "read_text",
    "read_bytes",
    "rmdir",
    // JavaScript
    "readFileSync",
    "readFile",
    "unlinkSync",
    "mkdirSync",
    "renameSync",
    "rmSync",
    "statSync",
    "readdirSync",
    "createReadStream",
    // Java
    "FileInputStream",
    "FileReader",
    "readAllBytes",
    "readAllLines",
    "readString",
    "newInputStream",
    "newBufferedReader",
    "delete",
    "createDirectory",
    // Rust
    "read_to_string",
    "remove_file",
    "remove_dir_all",
    "create_dir",
    "read_dir",
    "metadata",
];

/// What each language raises when the file is gone or already there: a
/// handler of one of these makes the use safe.
fn missing_file_errors(language: Language) -> &'static [&'static str] {
    match language {
        Language::Python => &[
            "FileNotFoundError",
            "FileExistsError",
            "OSError",
            "IOError",
            "EnvironmentError",
        ],
        Language::Java => &[
            "FileNotFoundException",
            "NoSuchFileException",
            "FileAlreadyExistsException",
            "IOException",
        ],
        _ => &[],
    }
}

impl Scan<'_, '_, '_> {
    /// A path used after a check of the same path in the function.
    pub(super) fn checked_then_used(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        if self.cx.language == Language::Go || !USES.contains(&last) {
            return;
        }
        // The path: the first argument (`open(name)`), or the receiver of a
        // method on a path (`path.read_text()`, `file.delete()`).
        let first = args
            .trim()
            .trim_start_matches('(')
            .split([',', ')'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let receiver = callee
            .trim_start_matches("new ")
            .rsplit_once('.')
            .map(|(r, _)| r.trim().to_owned());
        let before = {
            let start = self.cx.node.start_byte();
            let end = node.start_byte().max(start);
            self.cx.rope.byte_slice(start..end).to_string()
        };
        let checked = |path: &str| {
            !path.is_empty()
                && !path.starts_with(['"', '\''])
                && CHECKS.iter().any(|check| {
                    before.contains(&format!("{check}({path})"))
                        || before.contains(&format!("{path}.{check}()"))
                })
        };
        // `file.toPath()`: the path is what the conversion starts from.
        let root = first
            .split(['.', '('])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        if !(checked(&first) || checked(&root) || receiver.as_deref().is_some_and(checked)) {
            return;
        }
        // Rust only fails where the `Result` is unwrapped.
        if self.cx.language == Language::Rust && !self.unwrapped_after(node, 20) {
            return;
        }
        let errors = missing_file_errors(self.cx.language);
        if !errors.is_empty() && caught(self.cx.language, node, self.cx.node, self.cx.rope, errors)
        {
            return;
        }
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && self.listens_for_errors()
        {
            return;
        }
        self.add(
            node,
            RaceCondition,
            0.11,
            "another process removes, replaces or creates the file between the check and this call (a second worker, a cache cleaner, a deploy)",
        );
    }
}
