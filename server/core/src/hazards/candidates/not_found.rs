//! A "not found" position used as a position: `indexOf`, `lastIndexOf`
//! and Android's `Cursor.getColumnIndex` return -1 for what they do not
//! find, and Java's `substring`, `charAt`, `get` and a cursor's `getString`
//! throw for -1 (`StringIndexOutOfBoundsException`, `IllegalStateException:
//! Couldn't read row 0, col -1`); JavaScript's `splice(-1, 1)` silently
//! removes the last element instead. Go's `strings.Index` has the same
//! rule among its precise ones. A check of the position (`i >= 0`, `i !=
//! -1`, `getColumnIndexOrThrow`) is the guard.

use super::*;

/// Calls that return -1 when they find nothing.
const FINDERS: &[&str] = &["indexOf(", "lastIndexOf(", "getColumnIndex(", "findIndex("];

/// Java methods that take a position and throw for -1.
const JAVA_POSITIONS: &[&str] = &[
    "substring",
    "charAt",
    "get",
    "remove",
    "set",
    "subList",
    "deleteCharAt",
    "getString",
    "getInt",
    "getLong",
    "getDouble",
    "getFloat",
    "getShort",
    "getBlob",
    "getType",
    "isNull",
];

const TRIGGER: &str = "what it looks for is not there, so the position is -1";

impl Scan<'_, '_, '_> {
    pub(super) fn not_found_position(&mut self, node: Node, last: &str, args: &str) {
        let takes_position = match self.cx.language {
            Language::Java => JAVA_POSITIONS.contains(&last),
            Language::JavaScript | Language::TypeScript | Language::Tsx => last == "splice",
            _ => false,
        };
        if !takes_position {
            return;
        }
        let arguments = arguments(args);
        let found = arguments.split(',').map(str::trim).find_map(|argument| {
            // The finder called in the argument, or a local it was
            // assigned to.
            if FINDERS.iter().any(|f| argument.contains(f)) {
                return Some(None);
            }
            let name = argument
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .find(|w| !w.is_empty())?;
            self.call_assigned
                .iter()
                .any(|(local, callee)| {
                    local == name
                        && FINDERS
                            .iter()
                            .any(|f| callee.ends_with(f.trim_end_matches('(')))
                })
                .then(|| Some(name.to_owned()))
        });
        let Some(local) = found else {
            return;
        };
        if let Some(local) = &local
            && (guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[local])
                || self.checked_for_not_found(local))
        {
            return;
        }
        if self.caught_here(node, IndexOutOfRange) {
            return;
        }
        self.add(node, IndexOutOfRange, 0.10, TRIGGER);
    }

    /// Whether the function tests `local` against the not-found value
    /// anywhere (`if (i < 0) return`, `i == -1 ? … : …`, `Math.max(i, 0)`).
    fn checked_for_not_found(&self, local: &str) -> bool {
        ["-1", "< 0", "<0", ">= 0", ">=0", "> -1", "Math.max("]
            .iter()
            .any(|w| {
                self.body.match_indices(local).any(|(at, _)| {
                    let near = &self.body[at..(at + local.len() + 12).min(self.body.len())];
                    near.contains(w)
                })
            })
    }
}
