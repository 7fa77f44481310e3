//! Property tests of the document model: after any sequence of incremental
//! edits, in any position encoding, the rope equals a plain `String` that
//! received the same edits, and the incrementally reparsed tree equals a
//! fresh parse of that string.
//!
//! Positions are computed here from the `String` with an independent, naive
//! implementation of the three encodings, so the test checks the
//! conversion code rather than reusing it.

use failcast_core::document::{Document, TextChange};
use failcast_core::language::Language;
use failcast_core::position::{Position, PositionEncoding};
use proptest::prelude::*;

/// The naive reference: walk the string char by char.
fn position_of(text: &str, offset: usize, encoding: PositionEncoding) -> Position {
    let mut line = 0u32;
    let mut col = 0u32;
    let mut chars = text[..offset].chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\n' => {
                line += 1;
                col = 0;
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    // The `\n` of CRLF ends the line.
                    continue;
                }
                line += 1;
                col = 0;
            }
            _ => {
                col += match encoding {
                    PositionEncoding::Utf8 => ch.len_utf8() as u32,
                    PositionEncoding::Utf16 => ch.len_utf16() as u32,
                    PositionEncoding::Utf32 => 1,
                }
            }
        }
    }
    Position::new(line, col)
}

const PIECES: &[&str] = &[
    "x",
    "value",
    " = ",
    "1",
    "😀",
    "漢字",
    "é",
    "e\u{301}",
    "\n",
    "\r\n",
    "    ",
    "(",
    ")",
    ":",
    "\"s😀\"",
    "# note\n",
    "def f():\n    return 1\n",
    "[0]",
    "",
    "🧑‍🚀",
];

#[derive(Clone, Debug)]
struct Edit {
    /// Fractions of the current length; mapped to char boundaries at apply time.
    start: f64,
    len: f64,
    insert: String,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    (
        0.0..=1.0f64,
        0.0..0.2f64,
        prop::collection::vec(prop::sample::select(PIECES), 0..4),
    )
        .prop_map(|(start, len, pieces)| Edit {
            start,
            len,
            insert: pieces.concat(),
        })
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn check(initial: &str, edits: &[Edit], encoding: PositionEncoding, language: Language) {
    let mut expected = initial.to_owned();
    let mut document = Document::new(initial, 1, Some(language));
    document.parse();
    for (i, edit) in edits.iter().enumerate() {
        let start = floor_boundary(&expected, (edit.start * expected.len() as f64) as usize);
        let mut end = floor_boundary(
            &expected,
            start + (edit.len * expected.len() as f64) as usize,
        );
        // A range cannot end between the `\r` and `\n` of a CRLF: editors
        // never produce one, and no position denotes it.
        if end > 0 && expected[..end].ends_with('\r') && expected[end..].starts_with('\n') {
            end += 1;
        }
        let start = if start > 0
            && expected[..start].ends_with('\r')
            && expected[start..].starts_with('\n')
        {
            start - 1
        } else {
            start
        };
        let change = TextChange::replace(
            position_of(&expected, start, encoding),
            position_of(&expected, end, encoding),
            edit.insert.clone(),
        );
        expected.replace_range(start..end, &edit.insert);
        // Versions skip numbers, as Neovim's do.
        document.apply_changes(&[change], 2 + 3 * i as i32, encoding);
        assert_eq!(document.text(), expected, "after edit {i} in {encoding:?}");
        // Parse only now and then, so several edits pile up between parses.
        if i % 3 == 2 {
            document.parse();
        }
    }
    document.parse();
    let incremental = document.snapshot().tree.expect("tree after parse");
    let fresh = failcast_core::syntax::parse_str(language, &expected).expect("fresh parse");
    assert_eq!(
        incremental.root_node().to_sexp(),
        fresh.root_node().to_sexp(),
        "incremental tree differs from a fresh parse of {expected:?}"
    );
}

const INITIAL: &str = "# 漢字 😀\r\ndef greet(name):\n    return \"héllo \" + name\n\nclass A:\n    def m(self):\n        return [1, 2][0]\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn edits_in_utf8(edits in prop::collection::vec(edit_strategy(), 1..25)) {
        check(INITIAL, &edits, PositionEncoding::Utf8, Language::Python);
    }

    #[test]
    fn edits_in_utf16(edits in prop::collection::vec(edit_strategy(), 1..25)) {
        check(INITIAL, &edits, PositionEncoding::Utf16, Language::Python);
    }

    #[test]
    fn edits_in_utf32(edits in prop::collection::vec(edit_strategy(), 1..25)) {
        check(INITIAL, &edits, PositionEncoding::Utf32, Language::Python);
    }

    #[test]
    fn rust_edits(edits in prop::collection::vec(edit_strategy(), 1..25)) {
        check("fn main() {\n    let s = \"😀\"; // 漢字\n}\n", &edits, PositionEncoding::Utf16, Language::Rust);
    }
}
