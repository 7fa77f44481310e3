//! A path that may be None handed to Python's path functions:
//! `os.path.realpath(module.__file__)`, `os.path.join(root, name)` with
//! `name=None`, `open(path)` with a path a lookup may not have found. They
//! raise `TypeError: expected str, bytes or os.PathLike object, not
//! NoneType` (dill, on a namespace package whose `__file__` is None). The
//! value is one the code itself doubts: compared with None somewhere, a
//! parameter defaulting to None, a lookup's result, or set to None on
//! another path. A check of it before the call is the guard.

use super::*;

/// Calls that turn their arguments into a path with `os.fspath`.
fn takes_paths(callee: &str) -> bool {
    callee.starts_with("os.path.")
        || callee.starts_with("posixpath.")
        || matches!(
            callee,
            "open"
                | "io.open"
                | "os.fspath"
                | "os.stat"
                | "os.listdir"
                | "os.scandir"
                | "Path"
                | "pathlib.Path"
                | "os.makedirs"
                | "os.remove"
                | "os.unlink"
        )
}

impl Scan<'_, '_, '_> {
    pub(super) fn path_of_nothing(&mut self, node: Node, callee: &str) {
        if self.cx.language != Language::Python || !takes_paths(callee) {
            return;
        }
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        let doubted: Vec<String> = arguments
            .named_children(&mut cursor)
            .filter(|a| matches!(a.kind(), "identifier" | "attribute"))
            .map(|a| self.text(a).trim().to_owned())
            .filter(|a| self.doubted(a, node))
            .collect();
        let Some(value) = doubted.iter().find(|v| self.null_unguarded(node, v)) else {
            return;
        };
        if let Some(found) = self.added(
            node,
            NullOrNone,
            0.10,
            "the value is None here (a namespace package's __file__, an omitted option, a lookup that found nothing), and the path function cannot take it",
        ) {
            found.error_type = "TypeError".to_owned();
            found.error = format!(
                "TypeError: expected str, bytes or os.PathLike object, not NoneType (from `{}`)",
                one_line(value, 30)
            );
        }
    }
}
