//! A resource opened and not closed on every path: a file, a socket, a
//! pooled connection or an HTTP response body opened in a function that
//! neither closes it (`with`, try-with-resources, `defer f.Close()`, a
//! `finally`, `.close()`), nor hands it on (returns it). Each call leaks one
//! descriptor or one pooled connection; a server that runs it per request
//! stops with "too many open files" or waits for ever for a free
//! connection. Each language's table ([`Facts::opens`]) names the calls
//! that open.

use super::*;

const BASE: f32 = 0.03;

/// Words that say the function closes or hands on what it opened.
const CLOSES: &[&str] = &[
    ".close()",
    ".Close()",
    "close(",
    "Close(",
    "defer ",
    "with ",
    "finally",
    "try (",
    ".release(",
    ".end(",
    ".destroy(",
    "using ",
    "dispose",
    "Dispose",
    "shutdown",
];

impl Scan<'_, '_, '_> {
    /// Whether what the call opened is returned: directly (`return
    /// open(p)`) or through the name it was assigned to (`f = open(p)` …
    /// `return f`), so the caller owns it.
    fn handed_on(&self, node: Node) -> bool {
        let statement = crate::hazards::guards::statement_of(self.cx.language, node);
        let text = self.text(statement);
        let text = text.trim();
        if text.starts_with("return") {
            return true;
        }
        let Some((left, _)) = super::absent::assignment(text) else {
            return false;
        };
        let name = left
            .split(',')
            .next()
            .map(super::absent::assigned_name)
            .unwrap_or_default();
        !name.is_empty()
            && self.body.lines().any(|line| {
                let line = line.trim().trim_end_matches(';');
                line.strip_prefix("return")
                    .is_some_and(|rest| mentions(rest, name))
            })
    }

    pub(super) fn leaked(&mut self, node: Node, callee: &str, last: &str) {
        let opens = self.facts.opens.iter().any(|name| {
            if name.contains(['.', ':']) {
                callee == *name || callee.ends_with(&format!(".{name}"))
            } else {
                last == *name
            }
        });
        if !opens || CLOSES.iter().any(|w| self.body.contains(w)) || self.handed_on(node) {
            return;
        }
        self.add(
            node,
            ResourceExhaustion,
            BASE,
            "each call leaves what it opened open, and a process that calls it for every request runs out of descriptors or pooled connections",
        );
    }
}
