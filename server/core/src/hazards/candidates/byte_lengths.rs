//! A length in characters used where bytes are counted: `'Content-Length':
//! body.length` in JavaScript (UTF-16 units), `str(len(text))` in Python
//! (code points), a header or a wire frame sized by a string's length.
//! Any character outside ASCII makes the declared length shorter than the
//! bytes sent: the peer truncates the body or waits for bytes that never
//! come. Measuring the encoded bytes (`Buffer.byteLength`, `len(body.
//! encode())`, a byte array's length) is the guard.

use super::*;

/// Words that name a byte count on the wire.
const BYTE_COUNTS: &[&str] = &[
    "content-length",
    "contentlength",
    "content_length",
    "bytelength",
];

impl Scan<'_, '_, '_> {
    /// `node` is a pair, an assignment or a call argument list naming a
    /// byte count; its text decides.
    pub(super) fn characters_as_bytes(&mut self, node: Node) {
        if !matches!(
            node.kind(),
            "pair" | "assignment_expression" | "assignment" | "arguments" | "argument_list"
        ) {
            return;
        }
        let text = self.text(node);
        if text.len() > 300 {
            return;
        }
        let lower = text.to_lowercase();
        if !BYTE_COUNTS.iter().any(|w| lower.contains(w)) || lower.contains("bytelength(") {
            return;
        }
        let characters = match self.cx.language {
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                text.contains(".length") && !text.contains("Buffer")
            }
            Language::Python => text.contains("len(") && !text.contains("encode("),
            Language::Java => text.contains(".length()"),
            _ => false,
        };
        if characters {
            self.add(
                node,
                Encoding,
                0.08,
                "the text holds characters outside ASCII, so its length in characters is less than its length in bytes",
            );
        }
    }
}
