//! Go values updated with `sync/atomic` in one place and read or written
//! plainly in another: `atomic.AddInt64(&id, 1)` beside
//! `strconv.FormatInt(id, 10)`. The atomic update orders nothing for the
//! plain access, so two goroutines race on the value (go-maildir built
//! duplicate message keys this way; the race detector reports it). Every
//! access of a value the file updates atomically has to be atomic too, or
//! under a lock.

use super::*;

/// The values the file hands to a `sync/atomic` function by address:
/// `id` of `atomic.AddInt64(&id, 1)`, `s.count` of
/// `atomic.LoadUint32(&s.count)`.
pub(super) fn atomic_values(language: Language, text: &str) -> Vec<String> {
    if language != Language::Go {
        return Vec::new();
    }
    let mut names: Vec<String> = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), "atomic.") {
        let rest = &text[at + "atomic.".len()..];
        let function: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let Some(arguments) = rest[function.len()..].strip_prefix("(&") else {
            continue;
        };
        let name: String = arguments
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
            .collect();
        if !function.is_empty() && !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

impl Scan<'_, '_, '_> {
    /// A plain read or write of a value the file updates atomically.
    pub(super) fn mixed_atomic(&mut self, node: Node) {
        if self.cx.language != Language::Go
            || self.cx.file.atomics.is_empty()
            || !matches!(node.kind(), "identifier" | "selector_expression")
        {
            return;
        }
        let text = self.text(node);
        if !self.cx.file.atomics.contains(&text) {
            return;
        }
        // The outermost selector only (`s.count`, not `s` inside it), and
        // not the operand of `&` handed to an atomic function.
        let parent = node.parent();
        if parent.is_some_and(|p| {
            p.kind() == "selector_expression"
                || p.kind() == "unary_expression" && self.text(p).starts_with('&')
        }) {
            return;
        }
        // A declaration, a field's own name in a literal, a local that
        // shadows it: not an access of the shared value.
        if parent.is_some_and(|p| {
            matches!(
                p.kind(),
                "var_spec"
                    | "short_var_declaration"
                    | "parameter_declaration"
                    | "keyed_element"
                    | "field_declaration"
            )
        }) || self.locked(node)
        {
            return;
        }
        self.add(
            node,
            RaceCondition,
            0.10,
            "another goroutine updates the value with sync/atomic while this code reads or writes it plainly, with nothing ordering the two",
        );
    }
}
