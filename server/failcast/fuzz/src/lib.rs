//! The fuzz harnesses, shared by the `cargo fuzz` targets and by the
//! ordinary `cargo test` that replays the checked-in seed corpus
//! (`server/failcast/tests/it/fuzz_corpus.rs` includes this file). Each harness turns
//! bytes into input for one component and checks what must hold for any
//! input, not only that nothing panics.

mod ingest;

pub use ingest::ingest;

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use failcast::lsp::hover::escape_markdown;
use failcast::lsp::transport::FrameGuard;
use failcast_core::document::{Document, TextChange};
use failcast_core::language::Language;
use failcast_core::position::{self, Position, PositionEncoding};
use failcast_model::output::{self, JsonStream};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

const LANGUAGES: [Language; 6] = [
    Language::Python,
    Language::Rust,
    Language::Go,
    Language::Java,
    Language::JavaScript,
    Language::TypeScript,
];

/// Starting texts with multi-byte characters, CRLF and lone CR line ends.
const TEXTS: [&str; 4] = [
    "def f(xs):\n    return xs[0]\n",
    "fn main() {\r\n    let v = vec![1];\r\n    v[3];\r\n}\r\n",
    "// 😀 漢字\rfunc f() int {\n\treturn 1 / n\n}\n",
    "",
];

/// Where a position lands in `text`, computed without ropey: the oracle
/// for `position::to_offset`. Lines end at `\n`, `\r\n` or a lone `\r`; a
/// character past the end of its line clamps to the line's end, one inside
/// a character rounds down to its start.
fn reference_offset(text: &str, pos: Position, encoding: PositionEncoding) -> usize {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    let Some(&start) = starts.get(pos.line as usize) else {
        return text.len();
    };
    let mut end = starts
        .get(pos.line as usize + 1)
        .copied()
        .unwrap_or(text.len());
    if end > start && bytes[end - 1] == b'\n' {
        end -= 1;
    }
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    let mut units = 0;
    for (at, ch) in text[start..end].char_indices() {
        let width = match encoding {
            PositionEncoding::Utf8 => ch.len_utf8(),
            PositionEncoding::Utf16 => ch.len_utf16(),
            PositionEncoding::Utf32 => 1,
        };
        if units + width > pos.character as usize {
            return start + at;
        }
        units += width;
    }
    end
}

/// The document model under a random sequence of edits: the rope matches a
/// plain `String` edited by the reference conversion, positions round-trip,
/// and the incrementally reparsed tree equals a fresh parse of the text.
pub fn document(data: &[u8]) {
    let Some((&head, mut rest)) = data.split_first() else {
        return;
    };
    let encoding = ENCODINGS[head as usize % 3];
    let language = LANGUAGES[(head as usize / 3) % LANGUAGES.len()];
    let mut expected = TEXTS[(head as usize / 18) % TEXTS.len()].to_owned();
    let mut document = Document::new(&expected, 0, Some(language));
    let mut version = 0;
    while rest.len() >= 5 {
        let (op, tail) = rest.split_at(5);
        let len = (op[4] as usize % 16).min(tail.len());
        let (text, tail) = tail.split_at(len);
        rest = tail;
        let text = String::from_utf8_lossy(text);
        let a = Position::new(u32::from(op[0] % 16), u32::from(op[1]));
        let b = Position::new(u32::from(op[2] % 16), u32::from(op[3]));
        let (start, end) = {
            let x = reference_offset(&expected, a, encoding);
            let y = reference_offset(&expected, b, encoding);
            (x.min(y), x.max(y))
        };
        version += 1;
        document.apply_changes(
            &[TextChange::replace(a, b, text.as_ref())],
            version,
            encoding,
        );
        expected.replace_range(start..end, &text);
        assert_eq!(document.text(), expected, "after edit {version}");
        if op[4] & 0x80 != 0 {
            // Parse now and then, so later edits go through the incremental path.
            document.parse();
        }
    }
    let rope = document.rope();
    for (offset, _) in expected.char_indices() {
        let inside_crlf =
            expected[..offset].ends_with('\r') && expected[offset..].starts_with('\n');
        if !inside_crlf {
            let pos = position::to_position(rope, offset, encoding);
            assert_eq!(position::to_offset(rope, pos, encoding), offset, "{pos:?}");
        }
    }
    document.parse();
    if let Some(tree) = document.snapshot().tree {
        let fresh = failcast_core::syntax::parse_str(language, &expected).expect("a fresh parse");
        assert_eq!(
            tree.root_node().to_sexp(),
            fresh.root_node().to_sexp(),
            "incremental and fresh parses differ"
        );
    }
}

/// Hands out its bytes in chunks of a fixed size, as a pipe might.
struct Chunked<'a> {
    bytes: &'a [u8],
    chunk: usize,
}

impl AsyncRead for Chunked<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = self.chunk.min(self.bytes.len()).min(buf.remaining());
        buf.put_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Poll::Ready(Ok(()))
    }
}

/// Splits `Content-Length` frames; panics on anything else.
fn frames(mut bytes: &[u8]) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let text = std::str::from_utf8(&bytes[..bytes.len().min(64)]).unwrap_or("");
        let header_end = text.find("\r\n\r\n").expect("a frame header");
        let length: usize = text[..header_end]
            .strip_prefix("Content-Length: ")
            .expect("a Content-Length header")
            .parse()
            .expect("a length");
        let body = &bytes[header_end + 4..header_end + 4 + length];
        out.push(serde_json::from_slice(body).expect("a JSON body"));
        bytes = &bytes[header_end + 4 + length..];
    }
    out
}

/// JSON-RPC framing: whatever the bytes and however they are split, the
/// guard passes only whole frames of JSON-RPC messages and answers the rest
/// with JSON-RPC errors.
pub fn framing(data: &[u8]) {
    let Some((&head, input)) = data.split_first() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let reader = Chunked {
            bytes: input,
            chunk: 1 + head as usize % 97,
        };
        let mut guard = FrameGuard::new(reader, tx);
        let mut passed = Vec::new();
        guard
            .read_to_end(&mut passed)
            .await
            .expect("reading never fails");
        let stats = guard.stats();
        drop(guard);
        let messages = frames(&passed);
        assert_eq!(messages.len() as u64, stats.passed);
        for message in messages {
            assert_eq!(message["jsonrpc"], "2.0", "{message}");
        }
        let mut replies = 0;
        while let Some(reply) = rx.recv().await {
            for reply in frames(&reply) {
                let code = reply["error"]["code"].as_i64().expect("an error reply");
                assert!([-32700, -32600, -32601].contains(&code), "{reply}");
                replies += 1;
            }
        }
        assert_eq!(replies, stats.rejected);
    });
}

/// The model-output parser on arbitrary text: every scenario it keeps is
/// inside the function's lines with a likelihood in 0..=1, the streaming
/// scanner never panics, and the hover never renders model text as HTML,
/// a link or a command.
pub fn model_output(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let first = 1 + data.len() % 7;
    let lines = first..first + 30;
    let parsed = output::parse(&text, lines.clone());
    for scenario in &parsed.scenarios {
        assert!(lines.contains(&scenario.line), "{scenario:?}");
        assert!((0.0..=1.0).contains(&scenario.likelihood), "{scenario:?}");
        for field in [&scenario.trigger, &scenario.error, &scenario.log] {
            check_escaped(field);
        }
    }
    check_escaped(&text);
    let mut stream = JsonStream::default();
    for chunk in data.chunks(1 + data.len() % 13) {
        if stream.push(chunk) {
            break;
        }
    }
    output::ends_in_loop(data);
}

fn check_escaped(text: &str) {
    let escaped = escape_markdown(text);
    let lower = escaped.to_lowercase();
    assert!(!escaped.contains('<'), "{escaped}");
    assert!(!lower.contains("command:"), "{escaped}");
    assert!(!lower.contains("file:"), "{escaped}");
    let mut previous = ' ';
    for ch in escaped.chars() {
        if matches!(ch, '[' | ']' | '(' | ')') {
            assert_eq!(previous, '\\', "unescaped {ch} in {escaped}");
        }
        previous = ch;
    }
}
