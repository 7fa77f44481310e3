//! A constructor called with a dict the function filled piece by piece:
//! `params = {}; … params.update({attr: value}); datetime(**params)`. The
//! dict holds what the input happened to provide, and a constructor with
//! required arguments raises "TypeError: missing required argument 'day'"
//! (or "unexpected keyword argument") for the rest. A dict complete by
//! construction, or a handler of TypeError, is the guard.

use super::*;

const TRIGGER: &str = "the input leaves out a field, so the dict lacks a required argument (or holds one the constructor does not take)";

impl Scan<'_, '_, '_> {
    /// `Callee(**local)` where `local` starts empty in this function and
    /// the callee is a class or a date constructor.
    pub(super) fn keyword_built(&mut self, node: Node, callee: &str, args: &str) {
        if self.cx.language != Language::Python {
            return;
        }
        let tail = callee.rsplit('.').next().unwrap_or(callee).trim();
        let constructor = matches!(tail, "datetime" | "date" | "time" | "timedelta")
            || tail.starts_with(|c: char| c.is_ascii_uppercase());
        if !constructor {
            return;
        }
        let Some(spread) = arguments(args)
            .split(',')
            .map(str::trim)
            .find_map(|a| a.strip_prefix("**"))
        else {
            return;
        };
        if !spread.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return;
        }
        let started_empty = self.body.lines().any(|l| {
            let l = l.trim();
            l == format!("{spread} = {{}}") || l == format!("{spread} = dict()")
        });
        if !started_empty || self.caught_here(node, TypeError) {
            return;
        }
        self.add(node, TypeError, 0.06, TRIGGER);
    }
}
