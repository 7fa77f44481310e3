//! A walk up or along a chain that stops only at a node it expects to
//! meet: `do { … v = (View) v.getParent(); } while (v != root)`, `while
//! (node !== stop) node = node.parentNode`, `while n is not target: n =
//! n.parent`. The last link of a chain is null (the root's parent, the
//! list's end), so when the expected node is not on the chain, the next
//! turn dereferences null. A test of the walker for null, in the loop's
//! condition or in its body, is the guard.

use super::*;

/// Links that lead to the next node of a chain, ending in null.
const LINKS: &[&str] = &[
    "getParent()",
    "parent",
    "parentNode",
    "parentElement",
    "getParentFile()",
    "next",
    "getNext()",
    "prev",
    "previous",
    "_parent",
    "__parent__",
];

impl Scan<'_, '_, '_> {
    /// A loop (`node`) whose body steps a walker along [`LINKS`] while its
    /// condition never tests the walker for null: the step's dereference.
    pub(super) fn chain_walked_past_its_end(&mut self, node: Node) {
        if !matches!(
            node.kind(),
            "while_statement" | "do_statement" | "for_statement"
        ) || self.cx.language == Language::Rust
        {
            return;
        }
        let Some(condition) = node.child_by_field_name("condition") else {
            return;
        };
        let condition = self.text(condition);
        let body = node.child_by_field_name("body").unwrap_or(node);
        for step in crate::hazards::tree::descendants(body) {
            if !self.facts.assignment.contains(&step.kind()) {
                continue;
            }
            let Some((left, right)) = sides(step) else {
                continue;
            };
            let walker = self.text(left);
            let walker = walker.trim();
            if walker.is_empty()
                || !walker
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
            {
                continue;
            }
            // `(View) v.getParent()`: the cast aside.
            let right_text = self.text(right);
            let stepped = right_text
                .strip_prefix('(')
                .and_then(|cast| cast.split_once(')'))
                .map_or(right_text.as_str(), |(_, rest)| rest)
                .trim()
                .to_owned();
            let Some(link) = stepped.strip_prefix(&format!("{walker}.")) else {
                continue;
            };
            if !LINKS.contains(&link) {
                continue;
            }
            if !mentions(&condition, walker)
                || tests_for_null(&condition, walker)
                || tests_for_null(&self.text(body), walker)
            {
                return;
            }
            // The dereference of the walker in the step.
            let deref = crate::hazards::tree::descendants(right)
                .into_iter()
                .find(|n| {
                    (self.facts.member.contains(&n.kind()) || self.facts.call.contains(&n.kind()))
                        && self.text(*n).trim().starts_with(&format!("{walker}."))
                });
            if let Some(deref) = deref {
                self.add(
                    deref,
                    NullOrNone,
                    0.09,
                    "the node the walk expects is not on the chain, so it reaches the end, where the next link is null",
                );
            }
            return;
        }
    }
}

/// Whether `text` tests `name` for null: compares it with a null word,
/// or (Python, JavaScript) tests its truth (`while node:`, `node &&`,
/// `if (!node)`).
fn tests_for_null(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        if !starts_word(text, at) {
            return false;
        }
        let before = text[..at].trim_end();
        let after = text[at + name.len()..].trim_start();
        let operand = ["!==", "===", "!=", "==", "is not ", "is "]
            .iter()
            .find_map(|op| after.strip_prefix(op))
            .map(str::trim_start);
        let compared = absent::NOTHING
            .iter()
            .any(|n| operand.is_some_and(|o| o.starts_with(n)) || before.ends_with(n));
        let truthy = before.ends_with('!')
            || before.ends_with("not")
            || before.ends_with("while")
            || before.ends_with("while (")
            || before.ends_with("if (")
            || after.starts_with("&&")
            || after.starts_with("and ")
            || after.starts_with(':') && (before.ends_with("while") || before.ends_with("if"));
        compared || truthy
    })
}
