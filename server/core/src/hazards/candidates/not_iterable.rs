//! JavaScript's `for (const x of v)` throws "TypeError: v is not
//! iterable" when `v` is undefined or null. A value read through a long
//! property chain of outside data (`info.response.contents.…results`), an
//! optional chain, a lookup that may find nothing or an optional
//! parameter is undefined as soon as one server leaves a field out, and
//! reading the chain does not throw: the loop does. A check of the value,
//! a default (`|| []`, `?? []`) or a handler around the loop is the guard.

use super::*;

/// Whether `expression` reads a field three or more steps down a value
/// (`a.b.c.d`), or through an optional chain, with no default after it.
fn deep_read(expression: &str) -> bool {
    let expression = expression.trim().trim_end_matches(';').trim();
    let plain = expression
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '?'));
    plain
        && !expression.starts_with(['.', '?'])
        && (expression.matches('.').count() >= 3 || expression.contains("?."))
        && !matches!(expression.split('.').next(), Some("this" | "self"))
}

impl Scan<'_, '_, '_> {
    pub(super) fn iterated_absent(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || node.kind() != "for_in_statement"
        {
            return;
        }
        let Some(right) = node.child_by_field_name("right") else {
            return;
        };
        if !self.header_text(node).contains(" of ") {
            return;
        }
        let iterated = self.text(right);
        let name = iterated.trim();
        let absent = if name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
        {
            self.maybe_absent.iter().any(|m| m == name)
                || self.optional.iter().any(|o| o == name)
                || self.assigned_from(name, deep_read)
        } else {
            deep_read(name) && self.outside(name.split(['.', '?']).next().unwrap_or_default())
        };
        if !absent
            || guarded(self.cx.language, right, self.cx.node, self.cx.rope, &[name])
            || self.caught_here(right, NullOrNone)
        {
            return;
        }
        self.add(
            right,
            NullOrNone,
            0.10,
            "the data lacks a field the value is read from, so it is undefined and `for … of` cannot iterate it",
        );
    }
}
