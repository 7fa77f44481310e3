//! A long-lived collection filled by key with no bound: `self._cache[key] =
//! value`, `this.seen.set(id, true)`, `s.byID[id] = v`, `cache.put(k, v)`
//! on a field. Each distinct key (a URL, a user's id, a message id from
//! the wire) adds an entry that nothing removes, and a server's memory
//! grows until it is killed. A size check or an eviction in the function
//! (a length, `maxsize`, `evict`, `delete`, `pop`), or an LRU, is the
//! guard.

use super::*;

/// Words that say the function bounds or empties the collection.
const BOUNDED: &[&str] = &[
    "len(", ".length", ".size", "size()", "Len()", "max", "Max", "MAX", "limit", "Limit", "evict",
    "Evict", "delete", "Delete", "remove", "Remove", "pop", "clear", "Clear", "lru", "LRU",
    "expire", "ttl", "TTL",
];

impl Scan<'_, '_, '_> {
    /// `target` is written at `key`: by subscript assignment or `set`/`put`.
    pub(super) fn unbounded_cache(&mut self, node: Node, target: &str, key: &str) {
        let target = target.trim();
        let field = ["self.", "this.", "cls."]
            .iter()
            .any(|p| target.starts_with(p))
            || (self.cx.language == Language::Java && super::absent::is_field_name(target))
            || (self.cx.language == Language::Go
                && self
                    .go_receiver()
                    .is_some_and(|r| target.starts_with(&format!("{r}."))));
        let key = key.trim();
        let literal_key = key.starts_with(['"', '\'', '`'])
            || key.parse::<f64>().is_ok()
            || key.chars().all(|c| c.is_ascii_uppercase() || c == '_');
        if !field
            || literal_key
            || self.in_constructor()
            || BOUNDED.iter().any(|w| self.body.contains(w))
        {
            return;
        }
        self.add(
            node,
            ResourceExhaustion,
            0.03,
            "every distinct key adds an entry that nothing removes, so the collection grows for as long as the process runs",
        );
    }

    /// Subscript assignments: `target[key] = value`.
    pub(super) fn keyed_write(&mut self, node: Node) {
        if !self.facts.assignment.contains(&node.kind()) {
            return;
        }
        let Some(left) = node
            .child_by_field_name("left")
            .or_else(|| node.named_child(0))
        else {
            return;
        };
        let left = if left.kind() == "expression_list" {
            match left.named_child(0) {
                Some(first) => first,
                None => return,
            }
        } else {
            left
        };
        if !self.facts.subscript.contains(&left.kind()) {
            return;
        }
        let object = left
            .child_by_field_name("value")
            .or_else(|| left.child_by_field_name("object"))
            .or_else(|| left.child_by_field_name("operand"))
            .or_else(|| left.named_child(0));
        let index = left
            .child_by_field_name("subscript")
            .or_else(|| left.child_by_field_name("index"))
            .or_else(|| left.named_child(1));
        if let (Some(object), Some(index)) = (object, index) {
            let (object, index) = (self.text(object), self.text(index));
            self.unbounded_cache(node, &object, &index);
        }
    }
}
