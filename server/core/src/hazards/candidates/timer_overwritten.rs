//! A timer kept in a field and started again over the one already there:
//! `this._closeTimer = setTimeout(…)` in a `close()` that runs twice,
//! `self._handle = loop.call_later(…)`, `c.timer = time.AfterFunc(…)`.
//! The first timer is no longer referenced, so nothing can clear it: it
//! fires late (closing what reopened, ending what restarted) and, in
//! Node, keeps the process alive until it does; an interval runs for
//! ever. Clearing the field's timer first (`clearTimeout(this.t)`,
//! `self._handle.cancel()`, `c.timer.Stop()`), or testing the field and
//! leaving when it is set, is the guard.

use super::*;

/// The likelihood: a second call is a condition, not a certainty.
const BASE: f32 = 0.05;

const TRIGGER: &str = "the method runs again before the timer fires, and the first timer, no longer referenced, fires late or keeps the process alive";

/// Calls that start a timer, by callee tail, per language.
fn starts(language: Language) -> &'static [&'static str] {
    match language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            &["setTimeout", "setInterval"]
        }
        Language::Python => &["call_later", "call_at", "Timer"],
        Language::Go => &["AfterFunc", "NewTimer", "NewTicker"],
        _ => &[],
    }
}

/// Words that clear or stop a timer.
const CLEARS: &[&str] = &[
    "clearTimeout",
    "clearInterval",
    ".cancel()",
    ".Stop()",
    ".refresh()",
];

impl Scan<'_, '_, '_> {
    /// An assignment of a started timer to a field.
    pub(super) fn timer_overwritten(&mut self, node: Node) {
        let starts = starts(self.cx.language);
        if starts.is_empty() || self.in_constructor() {
            return;
        }
        let Some((left, right)) = sides(node) else {
            return;
        };
        let field = self.text(left);
        let field = field.trim();
        // A field of an object, not a local.
        if !field.contains('.') || field.contains(['(', '[']) {
            return;
        }
        let value = self.text(right);
        let callee = value.split('(').next().unwrap_or_default().trim();
        let callee = callee.trim_start_matches("new ").trim();
        let tail = callee.rsplit(['.', ':']).next().unwrap_or(callee);
        if !starts.contains(&tail) {
            return;
        }
        // Cleared, stopped or tested before being set again.
        let cleared = self.body.lines().any(|l| {
            l.contains(field)
                && (CLEARS.iter().any(|c| l.contains(c))
                    || l.trim_start().starts_with("if ")
                    || l.trim_start().starts_with("if(")
                    || l.contains("!= nil")
                    || l.contains("is not None"))
        });
        if cleared {
            return;
        }
        self.add(node, Timeout, BASE, TRIGGER);
    }
}
