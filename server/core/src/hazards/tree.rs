//! Syntax-tree helpers the checks of every language share: walking a
//! subtree, reading integer literals, finding an earlier constant index, and
//! asking [`guards`](super::guards) about the function under analysis. What
//! differs between languages (node kinds, field names) is a fact looked up
//! per language here, so a rule states its logic once.

use tree_sitter::Node;

use super::FnCx;
use super::guards::{caught, guarded};
use crate::language::Language;

/// The named children of `node`, in order.
pub(super) fn children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The whole named subtree of `node`, itself first, in source order (depth
/// first), so that "the first one found" is the first one written.
pub(super) fn descendants<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut kids = children(n);
        kids.reverse();
        stack.extend(kids);
    }
    out
}

/// `1 field`, `2 fields`: counts in messages read as people write them.
pub(super) fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The node kind of a decimal integer literal.
fn int_literal(language: Language) -> &'static str {
    match language {
        Language::Go => "int_literal",
        Language::Java => "decimal_integer_literal",
        Language::Python => "integer",
        Language::Rust => "integer_literal",
        Language::TypeScript | Language::Tsx | Language::JavaScript => "number",
    }
}

/// An indexing expression's node kind and the fields of its object and its
/// index, for the languages whose checks look for earlier constant indexes.
fn index_access(language: Language) -> Option<(&'static str, &'static str, &'static str)> {
    match language {
        Language::Go => Some(("index_expression", "operand", "index")),
        Language::Java => Some(("array_access", "array", "index")),
        _ => None,
    }
}

impl<'t> FnCx<'_, 't> {
    /// The value of an integer literal (`1_000` is 1000); `None` for
    /// anything else, hex and suffixed literals included.
    pub fn int_value(&self, node: Node) -> Option<i64> {
        (node.kind() == int_literal(self.language))
            .then(|| self.text(node).replace('_', "").parse().ok())
            .flatten()
    }

    /// Whether an index into `name` by an integer literal, somewhere in
    /// `scope` before byte `at`, would fail first: only the first of a run
    /// of `b[0]`, `b[1]`, `b[2]` is worth reporting.
    pub fn earlier_constant_index(&self, scope: Node, name: &str, at: usize) -> bool {
        let Some((kind, object, index)) = index_access(self.language) else {
            return false;
        };
        let literal = int_literal(self.language);
        descendants(scope).into_iter().any(|n| {
            n.kind() == kind
                && n.start_byte() < at
                && n.child_by_field_name(object)
                    .is_some_and(|o| self.text(o) == name)
                && n.child_by_field_name(index)
                    .is_some_and(|i| i.kind() == literal)
        })
    }

    /// Whether `node` is guarded within this function by a condition or
    /// early exit mentioning every word (see [`guarded`]).
    pub fn guarded(&self, node: Node, words: &[&str]) -> bool {
        guarded(self.language, node, self.node, self.rope, words)
    }

    /// Whether a `try` within this function around `node` catches one of
    /// `errors` (see [`caught`]).
    pub fn caught(&self, node: Node, errors: &[&str]) -> bool {
        caught(self.language, node, self.node, self.rope, errors)
    }
}
