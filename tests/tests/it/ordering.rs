//! Hundreds of `didChange` notifications sent back to back, each range
//! computed against the text the previous one left, with versions that skip
//! numbers: the server must apply them in order (tower-lsp-server polls
//! handlers concurrently, tower-lsp #284), so its outline afterwards must be
//! exactly the outline of a plain `String` that received the same edits.

use failcast_core::functions::index_functions;
use failcast_core::language::Language;
use failcast_e2e::{Server, uri};
use ls_types::request::DocumentSymbolRequest;
use ls_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Position, Range,
    TextDocumentContentChangeEvent, TextDocumentIdentifier,
};

/// A small deterministic generator; the seed makes failures reproducible.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// UTF-16 position of a byte offset, computed naively from the string.
fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count() as u32;
    Position::new(line, character)
}

fn flatten(symbols: &[DocumentSymbol], out: &mut Vec<(String, u32)>) {
    for symbol in symbols {
        out.push((symbol.name.clone(), symbol.selection_range.start.line));
        if let Some(children) = &symbol.children {
            flatten(children, out);
        }
    }
}

fn run(seed: u64, edits: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("storm.py");
    let mut text = String::from("# 😀 storm\ndef start():\n    return \"漢字\"\n");
    let (mut server, _) = Server::builder().root(dir.path()).start();
    let uri = uri(&path);
    server.open(&uri, "python", 1, &text);
    let mut rng = XorShift(seed);
    let mut version = 1;
    for n in 0..edits {
        let (start, end, insert) = match rng.below(4) {
            // Insert a function at the start of a random line.
            0 | 1 => {
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                    .filter(|&i| i == text.len() || !text[i..].starts_with(' '))
                    .collect();
                let at = starts[rng.below(starts.len())];
                (at, at, format!("def f{n}(x😀=\"é\"):\n    return {n}\n"))
            }
            // Rename a function.
            2 => match text
                .match_indices("def ")
                .nth(rng.below(text.matches("def ").count()))
            {
                Some((i, _)) => {
                    let name_start = i + 4;
                    let name_end = name_start + text[name_start..].find('(').unwrap();
                    (name_start, name_end, format!("g{n}"))
                }
                None => (0, 0, String::new()),
            },
            // Type a character into a comment.
            _ => {
                let at = text.find("storm").map_or(0, |i| i + 5);
                (at, at, ["x", "😀", "漢"][rng.below(3)].to_owned())
            }
        };
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(position(&text, start), position(&text, end))),
            range_length: None,
            text: insert.clone(),
        };
        text.replace_range(start..end, &insert);
        version += 1 + rng.below(3) as i32;
        server.change(&uri, version, vec![change]);
    }
    let response = server.request::<DocumentSymbolRequest>(DocumentSymbolParams {
        text_document: TextDocumentIdentifier { uri: uri.clone() },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    let Some(DocumentSymbolResponse::Nested(symbols)) = response else {
        panic!("no symbols; server log:\n{}", server.stderr().join("\n"));
    };
    let mut actual = Vec::new();
    flatten(&symbols, &mut actual);
    let rope = ropey::Rope::from_str(&text);
    let tree = failcast_core::syntax::parse_str(Language::Python, &text).unwrap();
    // The outline lists the functions the file defines, not its module's code.
    let expected: Vec<(String, u32)> = index_functions(Language::Python, &tree, &rope, "storm.py")
        .defined()
        .map(|f| (f.name.clone(), f.start_line as u32))
        .collect();
    assert_eq!(
        actual, expected,
        "seed {seed}: outline differs after {edits} edits"
    );
    assert!(
        expected.len() > 10,
        "the storm should have created functions"
    );
    // Publications of intermediate versions may or may not have happened
    // (bursts are coalesced; awaiting drops them); the last one must be for
    // the final version.
    server.await_diagnostics(&uri, Some(version));
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn back_to_back_changes_apply_in_order() {
    for seed in [1, 7, 42, 1234, 99_991] {
        run(seed, 400);
    }
}
