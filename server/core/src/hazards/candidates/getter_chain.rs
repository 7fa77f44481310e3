//! A getter's result dereferenced in the same expression:
//! `view.getParent().getWidth()`, `node.findChild(name).value`,
//! `conn.getMetaData().getURL()`. A method named for fetching something
//! (`get…`, `find…`, `lookup…`, `current…`, `parent…`, `peek…`) returns
//! null when there is nothing to fetch: no parent, no such child, a
//! closed connection. Java's and JavaScript's commonest crash is this
//! chain; there is no local to check, so nothing in the code can have
//! checked it. A handler of the null error is the guard, and so is
//! optional chaining (`a.getB()?.c`), which the rule never sees as a
//! plain dereference.

use super::*;

const BASE: f32 = 0.03;

/// Words that start the names of methods that may find nothing.
const FETCHES: &[&str] = &[
    "get", "find", "lookup", "current", "parent", "peek", "poll", "resolve", "query", "closest",
    "first", "last", "active", "selected", "focused",
];

/// Getters that never return null: sizes, names of the object itself,
/// collections' views, Java's boxed conversions.
const NEVER_NULL: &[&str] = &[
    "getclass",
    "getsimplename",
    "getname",
    "getmessage",
    "getbytes",
    "getinstance",
    "getlogger",
    "getkey",
    "getvalue",
    "getstring",
    "getid",
    "gettime",
    "getsize",
    "getlength",
    "getcount",
];

impl Scan<'_, '_, '_> {
    /// `object` is the receiver of a member access or a call: when it is a
    /// call of a getter, its result is dereferenced.
    pub(super) fn getter_chain(&mut self, node: Node, object: Node) {
        if !matches!(
            self.cx.language,
            Language::Java | Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || !self.facts.call.contains(&object.kind())
            || object.kind() == "new_expression"
            || object.kind() == "object_creation_expression"
        {
            return;
        }
        let Some(callee) = self.callee(object) else {
            return;
        };
        let last = callee.rsplit(['.', ':']).next().unwrap_or(&callee).trim();
        let lower = last.to_lowercase();
        if !FETCHES.iter().any(|f| lower.starts_with(f)) {
            return;
        }
        let words = identifier_words(last);
        let fetches = words.first().is_some_and(|w| FETCHES.contains(&w.as_str()));
        if !fetches || NEVER_NULL.contains(&lower.as_str()) || words.len() < 2 && lower != "get" {
            return;
        }
        // A check of the chain's root says the code thought about nulls
        // there (`deque != null ? deque.getAll().get(k) : null`).
        let root = callee
            .split(['.', '(', '['])
            .next()
            .unwrap_or_default()
            .trim();
        if self.caught_here(node, NullOrNone)
            || (root.len() > 1
                && !matches!(root, "this" | "self")
                && guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[root]))
        {
            return;
        }
        self.add(node, NullOrNone, BASE, trigger(NullOrNone));
    }
}
