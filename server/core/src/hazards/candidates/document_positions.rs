//! Positions into a rich-text document: ProseMirror's `doc.resolve(pos)`
//! throws `RangeError: Position 42 out of range` for a position past the
//! document's end, and `$pos.before(depth)` throws `There is no position
//! before the top-level node` at depth 0. Editors built on it (tiptap,
//! BlockNote, Remirror) compute positions by arithmetic (`pos +
//! node.nodeSize`), keep them across transactions that shrink the document
//! (`this.cursorPos`), or step out a level (`$pos.depth - 1`); each holds
//! until the document changes under it. A position clamped to the
//! document (`Math.min(pos, doc.content.size)`) or a depth checked first
//! is the guard.

use super::*;

const RESOLVE: &str = "the position is past the document's end: it was computed before a change that shrank the document, or counts one node too far";

const DEPTH: &str =
    "the position is in a top-level node, at depth 0, which has no position before or after it";

impl Scan<'_, '_, '_> {
    pub(super) fn document_position(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return;
        }
        let receiver = callee.rsplit_once('.').map_or("", |(r, _)| r).trim();
        let argument = first_argument(args).trim();
        if argument.is_empty() || argument.parse::<f64>().is_ok() {
            return;
        }
        let document = receiver == "doc" || receiver.ends_with(".doc");
        // Counted forward (`pos + node.nodeSize`) or kept from before a
        // change (`this.cursorPos`); a position just read is in range.
        let moved = argument.contains('+') || argument.starts_with("this.");
        if last == "resolve" && document && moved {
            let clamped = ["Math.min(", "Math.max(", "clamp("]
                .iter()
                .any(|c| argument.contains(c));
            let bounded = |text: &str| {
                ["content.size", "nodeSize", ".size"]
                    .iter()
                    .any(|s| text.contains(s))
                    && operand_names(argument).iter().any(|n| mentions(text, n))
            };
            if clamped
                || guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &bounded)
                || self.caught_here(node, IndexOutOfRange)
            {
                return;
            }
            self.add(node, IndexOutOfRange, 0.09, RESOLVE);
            return;
        }
        // `$pos.before(depth)`: a resolved position by ProseMirror's `$`
        // naming, stepped out a level (`$pos.depth - 1`).
        let stepped_out = |depth: &str| {
            depth.contains('-')
                || self.body.lines().any(|line| {
                    absent::assignment(line.trim()).is_some_and(|(left, right)| {
                        absent::assigned_name(left) == depth && right.contains("depth -")
                    })
                })
        };
        if matches!(last, "before" | "after") && receiver.starts_with('$') && stepped_out(argument)
        {
            let depth = operand_names(argument);
            let checked = !depth.is_empty()
                && guarded_by(
                    self.cx.language,
                    node,
                    self.cx.node,
                    self.cx.rope,
                    &|text| depth.iter().any(|d| mentions(text, d)),
                );
            if checked || self.caught_here(node, IndexOutOfRange) {
                return;
            }
            self.add(node, IndexOutOfRange, 0.08, DEPTH);
        }
    }
}

/// The names in an expression (`pos`, `result`, `nodeSize` of `result.pos
/// + result.resultNode.nodeSize`), without the members after a dot.
fn operand_names(expression: &str) -> Vec<&str> {
    expression
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'))
        .filter_map(|part| part.split('.').find(|p| !p.is_empty() && *p != "this"))
        .filter(|p| p.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$'))
        .collect()
}
