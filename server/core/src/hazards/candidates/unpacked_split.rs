//! Python text split and unpacked into a fixed number of names: `key,
//! value = line.split("=")`, `host, port = addr.rsplit(":", 1)`. A line
//! with no separator (or with one more) raises "not enough values to
//! unpack" or "too many values to unpack", and real input always has such
//! a line: a blank one, a comment, an IPv6 address. The same holds for a
//! regular expression's groups unpacked from a match that may differ.
//! A check that the separator is there (`if "=" in line`), `partition`
//! (which always returns three parts), or a handler of `ValueError` is
//! the guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn unpacked_split(&mut self, node: Node) {
        if self.cx.language != Language::Python || node.kind() != "assignment" {
            return;
        }
        let Some((left, right)) = sides(node) else {
            return;
        };
        if !matches!(
            left.kind(),
            "pattern_list" | "tuple_pattern" | "list_pattern"
        ) {
            return;
        }
        let right_text = self.text(right);
        let splits = [".split(", ".rsplit(", ".splitlines(", ".findall("]
            .iter()
            .any(|w| right_text.contains(w));
        if !splits || right_text.contains("partition(") {
            self.star_unpacked(node, left, right);
            return;
        }
        // What is split: `line` in `line.split("=")`, `s.strip()` too.
        let subject = right_text
            .split([' ', '('])
            .next()
            .unwrap_or_default()
            .rsplit_once(".split")
            .or_else(|| right_text.rsplit_once(".rsplit"))
            .map(|(s, _)| s.trim().to_owned())
            .unwrap_or_default();
        let root = subject.split(['.', '[']).next().unwrap_or_default().trim();
        if self.unpack_checked(node, root) {
            return;
        }
        self.add(
            node,
            IndexOutOfRange,
            0.09,
            "the text has fewer (or more) separators than names on the left, so unpacking raises ValueError",
        );
    }

    /// Whether a check of what is unpacked (`root`) comes first, or a
    /// handler of the `ValueError` surrounds it.
    fn unpack_checked(&self, node: Node, root: &str) -> bool {
        (!root.is_empty() && guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[root]))
            || self.caught_here(node, IndexOutOfRange)
            || self.caught_here(node, ParseError)
    }

    /// `*path_parts, base = s.parts`: a star says the length varies, and
    /// the names beside it still need an element each. An empty sequence
    /// (the parts of `PurePath('.')`) raises "not enough values to
    /// unpack (expected at least 1, got 0)".
    fn star_unpacked(&mut self, node: Node, left: Node, right: Node) {
        let mut cursor = left.walk();
        let names: Vec<Node> = left.named_children(&mut cursor).collect();
        let starred = names
            .iter()
            .any(|n| matches!(n.kind(), "list_splat_pattern" | "list_splat"));
        if !starred || names.len() < 2 {
            return;
        }
        // A literal or a call the code made knows its length.
        if matches!(
            right.kind(),
            "list" | "tuple" | "string" | "call" | "list_comprehension"
        ) {
            return;
        }
        let subject = self.text(right);
        let root = subject
            .trim()
            .split(['.', '['])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        if root.is_empty() || self.unpack_checked(node, &root) {
            return;
        }
        self.add(
            node,
            IndexOutOfRange,
            0.07,
            "the sequence is empty (or shorter than the names beside the star), so unpacking raises ValueError",
        );
    }
}
