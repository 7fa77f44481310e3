//! Reads of an object's own fields, outside any lock, in a file that runs
//! code on several threads, goroutines or tasks (its [`Domain`] says so:
//! it imports threading, takes mutexes, spawns). Another thread may be
//! writing the field at that moment: a torn or stale value, a null that
//! was set a moment ago, Go's race detector's `DATA RACE`. The lock rules
//! name reads of fields the file itself guards with a lock; this one
//! names the first read of every other field, at the lowest likelihood,
//! so an accessor or a callback that reads shared state is not left with
//! no prediction. A lock held in the function is the guard; constructors
//! run before the object is shared.

use super::*;

const BASE: f32 = 0.015;

impl Scan<'_, '_, '_> {
    /// `self.x`, `this.x`, a Go method's `r.x`, or a Java field named as
    /// one (`mState`, `_state`), read where no lock is held.
    pub(super) fn shared_read(&mut self, node: Node, object: &str) {
        if self.domain.factor(RaceCondition) <= 1.0
            || self.takes_lock
            || self.in_constructor()
            || self.cx.language == Language::Rust
        {
            return;
        }
        let object = object.trim();
        let mut parts = object.split('.');
        let root = parts.next().unwrap_or_default();
        let field = match parts.next() {
            Some(field) if matches!(root, "self" | "this") => format!("{root}.{field}"),
            Some(field) if self.go_receiver() == Some(root) => {
                format!("{root}.{field}")
            }
            None if self.cx.language == Language::Java
                && super::absent::is_field_name(root)
                && self.field_like(root) =>
            {
                root.to_owned()
            }
            _ => return,
        };
        if !field
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '#'))
        {
            return;
        }
        // An assignment's target is a write; the write rules have it.
        if self.assigned_to(node) {
            return;
        }
        let key = format!("read:{field}");
        if self.raced.contains(&key) {
            return;
        }
        self.raced.push(key);
        self.add(
            node,
            RaceCondition,
            BASE,
            "another thread, goroutine or task writes the field while this code reads it, with no lock between them",
        );
    }
}
