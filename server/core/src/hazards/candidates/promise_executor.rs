//! A promise settled only from inside callbacks: `new Promise((resolve) =>
//! { stream.on('end', resolve) })`. When the event it waits for never
//! comes (the stream errors, the peer goes away, a callback is never
//! called) and nothing rejects it or times it out, every `await` on it
//! waits for ever. An executor that can reject (`reject`, an 'error'
//! listener) or a timeout is the guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn promise_never_settled(&mut self, node: Node, callee: &str, args: &str) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || node.kind() != "new_expression"
            || callee.trim() != "Promise"
        {
            return;
        }
        // Settled synchronously or bounded.
        let callbacks = args.contains(".on(")
            || args.contains(".once(")
            || args.contains("=> {")
            || args.contains("function");
        let settles_on_failure = ["reject", "'error'", "\"error\"", "timeout", "Timeout"]
            .iter()
            .any(|w| args.contains(w));
        // The executor's own parameters: `(resolve) =>` names one.
        let head = args.split("=>").next().unwrap_or_default();
        if !callbacks || settles_on_failure || head.contains(',') {
            return;
        }
        self.add(
            node,
            Timeout,
            0.05,
            "the event the promise waits for never comes (an error, a peer that went away), and nothing rejects it or times it out",
        );
    }
}
