//! Read, modify, write back: `queues = self.get_table(x)`, a change to
//! `queues`, then `f.write(dumps(queues))`. Two workers (threads,
//! processes sharing a file or a database row, async tasks) that run it at
//! once both read the old value, and the later write drops the earlier
//! one's change: a lost update, or a file one of them truncated while the
//! other read it. The read is named, where the window opens. A lock held
//! across both, a transaction or an atomic update in the store itself is
//! the guard.

use super::*;

/// Verbs of calls that read stored state.
const READS: &[&str] = &[
    "get", "load", "read", "fetch", "find", "lookup", "query", "select",
];

/// Verbs of calls that write it back.
const WRITES: &[&str] = &[
    "write", "save", "put", "set", "store", "dump", "update", "commit", "persist", "upsert",
    "replace", "Write", "Save", "Put", "Set", "Store", "Update",
];

impl Scan<'_, '_, '_> {
    pub(super) fn read_modify_write(&mut self, node: Node, last: &str) {
        if self.cx.language == Language::Rust || self.locked(node) {
            return;
        }
        let reads = READS.iter().any(|r| {
            last.get(..r.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(r))
        });
        if !reads {
            return;
        }
        let verb = identifier_words(last)
            .into_iter()
            .next()
            .unwrap_or_default();
        if !READS.contains(&verb.as_str()) {
            return;
        }
        let statement = crate::hazards::guards::statement_of(self.cx.language, node);
        let text = self.text(statement);
        let Some((left, _)) = super::absent::assignment(text.trim()) else {
            return;
        };
        let name = left
            .split(',')
            .next()
            .map(super::absent::assigned_name)
            .unwrap_or_default();
        if name.len() < 2 || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return;
        }
        let after = self
            .body
            .get(
                statement
                    .end_byte()
                    .saturating_sub(self.cx.node.start_byte())..,
            )
            .unwrap_or_default();
        // Changed in place, then handed to a write; or written back
        // computed from (`store.set(k, current + n)`).
        let changed = [
            ".append(", ".insert(", ".add(", ".push(", ".remove(", ".pop(", "[", " += ", " + ",
            " - ", " * ",
        ]
        .iter()
        .any(|m| after.contains(&format!("{name}{m}")));
        if !changed {
            return;
        }
        let written = after.lines().any(|line| {
            WRITES.iter().any(|w| {
                line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|word| {
                        identifier_words(word)
                            .first()
                            .is_some_and(|first| first.eq_ignore_ascii_case(w))
                    })
            }) && mentions(line, name)
                && line.contains('(')
        });
        if !written {
            return;
        }
        self.add(
            node,
            RaceCondition,
            0.04,
            "two workers read the stored value at once, and the later write drops the earlier one's change",
        );
    }
}
