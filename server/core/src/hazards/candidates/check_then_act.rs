//! Check-then-act on shared state: a function tests a field of its object
//! (`if (!this.connection)`, `if self._loop is None:`, `if c.conn == nil`)
//! and then sets it. Between the test and the write another thread,
//! goroutine or interleaved callback can do the same, so both see the old
//! value: two connections, a lazy value built twice, a request made after
//! its cancellation. Only the test is named, where the interleaving
//! starts. A lock held around both, Java's `synchronized`, or an atomic
//! compare-and-set (a call, not a test) is the guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn check_then_act(&mut self, node: Node) {
        if self.cx.language == Language::Rust || self.in_constructor() {
            return;
        }
        let Some(condition) = node.child_by_field_name("condition") else {
            return;
        };
        let test = self.text(condition);
        let own = ["this.", "self.", "cls."];
        let receiver = self.go_receiver().map(|r| format!("{r}."));
        let prefixes: Vec<&str> = own.iter().copied().chain(receiver.as_deref()).collect();
        let body_after = self
            .body
            .get(
                condition
                    .end_byte()
                    .saturating_sub(self.cx.node.start_byte())..,
            )
            .unwrap_or_default();
        let mut tested = fields_in(&test, &prefixes);
        // Python: module-level state, in a module that runs threads.
        if self.cx.language == Language::Python && self.domain.factor(RaceCondition) > 1.0 {
            tested.extend(
                self.module_state
                    .iter()
                    .filter(|name| mentions(&test, name))
                    .cloned(),
            );
        }
        let written = tested.iter().find(|field| {
            [" = ", " := ", " ??= ", " ||= "]
                .iter()
                .any(|op| body_after.contains(&format!("{field}{op}")))
                // `_CACHE[key] = value`
                || body_after.lines().any(|line| {
                    line.trim_start().starts_with(&format!("{field}[")) && line.contains("] = ")
                })
        });
        if written.is_none() || self.locked(node) {
            return;
        }
        let end = condition.end_byte();
        self.push(
            node.start_byte()..end,
            RaceCondition,
            0.04,
            "two threads, goroutines or interleaved callbacks test the field at once, both see the old value, and both act on it",
        );
    }
}

/// The fields of the object a condition reads (`this.x`, `self._y.z` as
/// `self._y`), by their prefixes.
fn fields_in(test: &str, prefixes: &[&str]) -> Vec<String> {
    let mut fields = Vec::new();
    for prefix in prefixes {
        for (at, _) in test.match_indices(prefix) {
            if at > 0
                && test[..at]
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                continue;
            }
            let rest = &test[at + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '#')
                .collect();
            if !name.is_empty() && !rest[name.len()..].starts_with('(') {
                fields.push(format!("{prefix}{name}"));
            }
        }
    }
    fields
}
