//! Text built from a stream's chunks one chunk at a time: `body += chunk`
//! in a Node 'data' listener (each Buffer converted to a string on its
//! own), `text += data.toString()`, `s += buf.decode()` in a read loop. A
//! multi-byte character split between two chunks becomes two replacement
//! characters (or a `UnicodeDecodeError`), only for input large enough to
//! arrive in pieces, so tests with short bodies never see it. Collecting
//! the bytes and decoding once (`Buffer.concat`, `b"".join`), a stream
//! decoder (`setEncoding`, `StringDecoder`, `TextDecoder` with `stream:
//! true`, an incremental decoder) is the guard.

use super::*;

/// Words that say the code decodes across chunk boundaries correctly.
const WHOLE: &[&str] = &[
    "Buffer.concat",
    "setEncoding",
    "StringDecoder",
    "stream: true",
    "incrementaldecoder",
    "IncrementalDecoder",
    "b\"\".join",
    "b''.join",
    "bytearray",
];

impl Scan<'_, '_, '_> {
    pub(super) fn chunked_text(&mut self, node: Node) {
        let kind = node.kind();
        if !matches!(
            kind,
            "augmented_assignment_expression" | "augmented_assignment"
        ) {
            return;
        }
        let Some(operator) = node.child_by_field_name("operator") else {
            return;
        };
        if self.text(operator).trim() != "+=" {
            return;
        }
        let Some(right) = node.child_by_field_name("right") else {
            return;
        };
        let right = self.text(right);
        let right = right.trim();
        let chunky = |t: &str| {
            let t = t.to_lowercase();
            ["chunk", "data", "buf", "piece", "part", "block"]
                .iter()
                .any(|w| t.starts_with(w))
        };
        let converts = match self.cx.language {
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                // In a 'data' listener: the function is the callback, or
                // the listener is in it.
                let listener = self.body.contains("'data'")
                    || self.body.contains("\"data\"")
                    || self.cx.function.name.contains("data")
                    || self.cx.function.name.contains("Data");
                listener && (chunky(right) || right.contains(".toString("))
            }
            Language::Python => chunky(right) && right.contains(".decode("),
            _ => false,
        };
        if !converts || WHOLE.iter().any(|w| self.body.contains(w)) {
            return;
        }
        self.add(
            node,
            Encoding,
            0.08,
            "a multi-byte character arrives split between two chunks, and each half is decoded on its own",
        );
    }
}
