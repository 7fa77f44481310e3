//! HTTP clients made with no timeout: Go's `http.Client{}` and its
//! `http.DefaultClient` wait for ever on a server that accepts the
//! connection and never answers (the standard library's documented
//! default is no timeout at all). Every request through one can hang its
//! goroutine, and a server that makes requests per request runs out of
//! them. A `Timeout` field, or a context with a deadline on the request,
//! is the guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn client_without_timeout(&mut self, node: Node) {
        if self.cx.language != Language::Go
            || !matches!(node.kind(), "composite_literal" | "selector_expression")
        {
            return;
        }
        let text = self.text(node);
        let unbounded = match node.kind() {
            "composite_literal" => {
                let head = text.split('{').next().unwrap_or_default().trim();
                head.ends_with("http.Client") && !text.contains("Timeout")
            }
            "selector_expression" => text.trim() == "http.DefaultClient",
            _ => false,
        };
        if !unbounded || self.bounds_its_waits() {
            return;
        }
        self.add(
            node,
            Timeout,
            0.08,
            "the server accepts the connection and never answers, and the client has no timeout, so the request waits for ever",
        );
    }
}
