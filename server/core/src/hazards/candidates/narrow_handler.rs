//! Handlers that name some network errors and not the rest: a `try` that
//! catches `ReadTimeoutError` and `ProtocolError` around a read says the
//! call talks to the network, and lets a DNS failure, a reset, a TLS error
//! or a socket timeout escape as an exception nobody above expects.

use super::*;

/// Parts of an exception's name that say it is about the network.
const NETWORK_WORDS: &[&str] = &[
    "Timeout",
    "Protocol",
    "Connection",
    "Connect",
    "SSL",
    "Ssl",
    "Socket",
    "HTTP",
    "Http",
    "URL",
    "Url",
    "Network",
    "Chunked",
    "Remote",
    "Resolve",
    "Dns",
    "DNS",
    "MaxRetry",
];

/// Exceptions that catch every network error of their language.
const BROAD: &[&str] = &[
    "Exception",
    "BaseException",
    "OSError",
    "IOError",
    "EnvironmentError",
    "socket.error",
    "IOException",
    "Throwable",
    "RuntimeException",
];

impl Scan<'_, '_, '_> {
    pub(super) fn narrow_handler(&mut self, node: Node) {
        let (clause_kind, head_end) = match (self.cx.language, node.kind()) {
            (Language::Python, "try_statement") => ("except_clause", ':'),
            (Language::Java, "try_statement" | "try_with_resources_statement") => {
                ("catch_clause", '{')
            }
            _ => return,
        };
        let mut caught: Vec<String> = Vec::new();
        let mut cursor = node.walk();
        for clause in node.named_children(&mut cursor) {
            if clause.kind() != clause_kind {
                continue;
            }
            let text = self.text(clause);
            let head = text.split(head_end).next().unwrap_or_default();
            let head = head
                .trim_start_matches("except")
                .trim_start_matches("catch")
                .trim();
            if head.is_empty() {
                return; // A bare `except:` catches everything.
            }
            caught.extend(
                head.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .filter(|w| w.ends_with("Error") || w.ends_with("Exception") || *w == "timeout")
                    .map(str::to_owned),
            );
        }
        let network = caught
            .iter()
            .any(|c| NETWORK_WORDS.iter().any(|w| c.contains(w)) || c == "timeout");
        let broad = caught.iter().any(|c| {
            BROAD
                .iter()
                .any(|b| c == b || c.ends_with(&format!(".{b}")))
        });
        if !network || broad {
            return;
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        // The first call the body makes is the one the handlers were
        // written for.
        let mut stack = vec![body];
        let mut first: Option<Node> = None;
        while let Some(n) = stack.pop() {
            if self.facts.call.contains(&n.kind()) {
                if first.is_none_or(|f| n.start_byte() < f.start_byte()) {
                    first = Some(n);
                }
                continue;
            }
            let mut cursor = n.walk();
            stack.extend(n.named_children(&mut cursor));
        }
        if let Some(call) = first {
            self.add(
                call,
                NetworkError,
                0.11,
                "the call fails with a network error the handlers do not name (a DNS failure, a reset connection, a TLS error, a socket timeout), which escapes them",
            );
        }
    }
}
