//! A collection changed while a loop walks it: `for (X x : list) {
//! list.remove(x); }` throws `ConcurrentModificationException` in Java,
//! and `for k in d: del d[k]` raises "dictionary changed size during
//! iteration" in Python. The same error comes from another thread when the
//! walked collection is shared (a field, in a file that runs code
//! concurrently) and no lock is held. Copying the collection first
//! (`list(d)`, `new ArrayList<>(list)`), an iterator's own `remove`, or a
//! lock is the guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn modified_while_iterated(&mut self, node: Node) {
        let language = self.cx.language;
        let (collection, body) = match (language, node.kind()) {
            (Language::Java, "enhanced_for_statement") => (
                node.child_by_field_name("value"),
                node.child_by_field_name("body"),
            ),
            (Language::Python, "for_statement") => (
                node.child_by_field_name("right"),
                node.child_by_field_name("body"),
            ),
            _ => return,
        };
        let (Some(collection), Some(body)) = (collection, body) else {
            return;
        };
        let walked = self.text(collection);
        let walked = walked.trim();
        // A copy, a view the loop builds (`list(d)`, `d.items()` is a view
        // but `list(d.items())` is not), or anything computed.
        let name = walked
            .trim_end_matches(".items()")
            .trim_end_matches(".keys()")
            .trim_end_matches(".values()")
            .trim_end_matches(".entrySet()")
            .trim_end_matches(".keySet()");
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        {
            return;
        }
        let inside = self.text(body);
        let changed = [
            ".remove(",
            ".add(",
            ".put(",
            ".clear(",
            ".pop(",
            ".append(",
            ".insert(",
            ".update(",
            ".discard(",
            ".addAll(",
            ".removeAll(",
            ".removeIf(",
            ".setdefault(",
        ]
        .iter()
        .any(|m| inside.contains(&format!("{name}{m}")))
            || inside.contains(&format!("del {name}["))
            || inside.contains(&format!("{name}.remove()"));
        let start = node.start_byte();
        let end = body.start_byte().max(start + 1);
        if changed {
            self.push(
                start..end,
                RaceCondition,
                0.08,
                "the loop changes the collection it walks, and the iterator throws on its next step",
            );
            return;
        }
        let shared = (name.starts_with("self.") || name.starts_with("this."))
            || (language == Language::Java
                && !name.contains('.')
                && super::absent::is_field_name(name));
        if shared
            && self.domain.factor(RaceCondition) > 1.0
            && !self.locked(node)
            && !self.in_constructor()
        {
            self.push(
                start..end,
                RaceCondition,
                0.03,
                "another thread changes the shared collection while this loop walks it",
            );
        }
    }
}
