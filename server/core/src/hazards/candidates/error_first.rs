//! Node's error-first callbacks: `store.get(p, (err, buffer) => { … })`
//! is called with an error and no result when the operation fails, so
//! `buffer.length` read before `err` is looked at throws `TypeError:
//! Cannot read properties of undefined` (webtorrent's file stream, on a
//! piece the disk could not read). Node documents the convention for
//! every callback API it ships; libraries follow it. A test of the error
//! first (`if (err) return cb(err)`), or of the result, is the guard.

use super::*;

/// Names the first parameter of an error-first callback goes by.
const ERROR_NAMES: &[&str] = &["err", "error", "er", "e"];

const TRIGGER: &str = "the operation fails: the callback gets the error and no result";

impl Scan<'_, '_, '_> {
    /// A dereference of an error-first callback's result before its error
    /// is tested; true when one was added.
    pub(super) fn result_before_error_checked(&mut self, node: Node, receiver: &str) -> bool {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || receiver.is_empty()
            || !receiver
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            return false;
        }
        let Some((callback, error)) = self.error_first_callback(node, receiver) else {
            return false;
        };
        let Some(body) = callback.child_by_field_name("body") else {
            return false;
        };
        let rope = self.cx.rope;
        let end = node.start_byte().max(body.start_byte());
        let before = rope.byte_slice(body.start_byte()..end).to_string();
        let tested = [
            format!("if ({error}"),
            format!("if({error}"),
            format!("if (!{error}"),
            format!("if(!{error}"),
            format!("{error} ?"),
            format!("{error} &&"),
            format!("{error} ||"),
            format!("{error} != null"),
            format!("{error} !== null"),
            format!("{error} !== undefined"),
            format!("({error})"),
            format!("throw {error}"),
        ]
        .iter()
        .any(|t| before.contains(t.as_str()));
        if tested || !self.null_unguarded(node, receiver) {
            return false;
        }
        self.add(node, NullOrNone, 0.10, TRIGGER);
        true
    }

    /// The innermost function literal holding `node` whose parameters are
    /// `(err, <receiver>, …)`, with the error's name.
    fn error_first_callback<'t>(
        &self,
        node: Node<'t>,
        receiver: &str,
    ) -> Option<(Node<'t>, String)> {
        let mut at = node.parent();
        while let Some(candidate) = at {
            if candidate.id() == self.cx.node.id() && candidate.kind() == "program" {
                return None;
            }
            if matches!(
                candidate.kind(),
                "arrow_function" | "function_expression" | "function"
            ) {
                // Passed to a call: a callback, not a method assigned
                // (`Cluster.prototype.handleError = function (error, ttl)`).
                if candidate.parent().is_none_or(|p| p.kind() != "arguments") {
                    return None;
                }
                let parameters = candidate.child_by_field_name("parameters")?;
                let mut cursor = parameters.walk();
                let names: Vec<String> = parameters
                    .named_children(&mut cursor)
                    .map(|p| {
                        let p = p.child_by_field_name("pattern").unwrap_or(p);
                        node_text(p, self.cx.rope)
                    })
                    .collect();
                return match names.as_slice() {
                    [error, result, ..]
                        if ERROR_NAMES.contains(&error.as_str()) && result == receiver =>
                    {
                        Some((candidate, error.clone()))
                    }
                    _ => None,
                };
            }
            if candidate.id() == self.cx.node.id() {
                return None;
            }
            at = candidate.parent();
        }
        None
    }
}
