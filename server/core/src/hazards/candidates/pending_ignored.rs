//! A Rust poll function that loops over its inner futures and, when one
//! of them answers `Poll::Pending`, does nothing and goes round again:
//! `loop { … match this.stream.as_mut().poll_next(cx) { Poll::Ready(r) =>
//! …, Poll::Pending => {} } }`. `Pending` means "I have registered your
//! waker, come back when it fires"; polling again at once gets `Pending`
//! again, so the loop never yields and the executor thread spins at full
//! CPU while every other task on it waits (tower's `CallAll`). The
//! contract is to hand the `Pending` up (`return Poll::Pending`,
//! `ready!(…)`) or to leave the loop; an arm that sets a flag the loop
//! later tests (`would_block = true`) does the latter and is left alone.

use super::*;

const TRIGGER: &str = "the inner poll answers Pending, the arm does nothing and the loop polls again at once: the task spins and never yields to the executor";

impl Scan<'_, '_, '_> {
    /// A `Poll::Pending => {}` arm of a `match` that is the last thing a
    /// `loop` of a function returning `Poll` does.
    pub(super) fn pending_ignored(&mut self, node: Node) {
        if self.cx.language != Language::Rust
            || node.kind() != "match_arm"
            || node
                .child_by_field_name("pattern")
                .is_none_or(|p| self.text(p).trim() != "Poll::Pending")
            || node
                .child_by_field_name("value")
                .is_none_or(|v| !does_nothing(v))
            || !self.cx.header().contains("Poll<")
        {
            return;
        }
        let Some(matched) = node
            .parent()
            .filter(|b| b.kind() == "match_block")
            .and_then(|b| b.parent())
        else {
            return;
        };
        if !last_in_a_loop(matched) {
            return;
        }
        // The `match …` line: the poll whose answer is dropped.
        let head = matched
            .child_by_field_name("value")
            .map_or(matched.end_byte(), |v| v.end_byte());
        self.push(matched.start_byte()..head, Timeout, 0.12, TRIGGER);
    }
}

/// An empty block (comments aside) or `()`.
fn does_nothing(value: Node) -> bool {
    match value.kind() {
        "unit_expression" => true,
        "block" => {
            let mut cursor = value.walk();
            value
                .named_children(&mut cursor)
                .all(|c| c.kind().contains("comment"))
        }
        _ => false,
    }
}

/// Whether nothing follows `expression` in the body of the `loop` that
/// holds it: after it the loop goes straight round again.
fn last_in_a_loop(expression: Node) -> bool {
    let statement = expression
        .parent()
        .filter(|p| p.kind() == "expression_statement")
        .unwrap_or(expression);
    let Some(body) = statement.parent().filter(|p| p.kind() == "block") else {
        return false;
    };
    if body.parent().is_none_or(|l| l.kind() != "loop_expression") {
        return false;
    }
    let mut cursor = body.walk();
    let last = body
        .named_children(&mut cursor)
        .filter(|c| !c.kind().contains("comment"))
        .last();
    last.is_some_and(|l| l.id() == statement.id())
}
