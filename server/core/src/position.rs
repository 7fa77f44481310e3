//! Line/character positions in the three encodings an editor may count in,
//! and their exact conversion to byte offsets of a rope.
//!
//! Lines end at `\n`, `\r\n` or `\r`, as the LSP specification says (ropey is
//! built with `cr_lines` and without `unicode_lines` for exactly that).
//! Positions past the end of a line clamp to the line's end, positions past
//! the last line clamp to the end of the text, and a position inside a
//! multi-unit character rounds down to its start: conversions never panic.

use ropey::{Rope, RopeSlice};
use serde::{Deserialize, Serialize};

/// The unit in which `Position::character` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PositionEncoding {
    Utf8,
    /// The LSP default.
    #[default]
    Utf16,
    Utf32,
}

impl PositionEncoding {
    /// Picks the encoding from the ones a client offers: UTF-8 when offered
    /// (no conversion needed), then UTF-32, else the mandatory UTF-16.
    pub fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> PositionEncoding {
        let offered: Vec<&str> = offered.into_iter().collect();
        if offered.contains(&"utf-8") {
            PositionEncoding::Utf8
        } else if offered.contains(&"utf-32") {
            PositionEncoding::Utf32
        } else {
            PositionEncoding::Utf16
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf32 => "utf-32",
        }
    }
}

/// A zero-based line and a zero-based character offset in some encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Position {
        Position { line, character }
    }
}

/// Length of `line` without its line terminator, in chars.
fn line_len_chars(line: RopeSlice<'_>) -> usize {
    let mut len = line.len_chars();
    if len > 0 && line.char(len - 1) == '\n' {
        len -= 1;
    }
    if len > 0 && line.char(len - 1) == '\r' {
        len -= 1;
    }
    len
}

/// Converts a position to a byte offset into `rope`, clamping as described above.
pub fn to_offset(rope: &Rope, pos: Position, encoding: PositionEncoding) -> usize {
    let line_idx = pos.line as usize;
    if line_idx >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line = rope.line(line_idx);
    let line_start_char = rope.line_to_char(line_idx);
    let line_chars = line_len_chars(line);
    let character = pos.character as usize;
    let char_in_line = match encoding {
        PositionEncoding::Utf32 => character.min(line_chars),
        PositionEncoding::Utf8 => {
            let line_bytes = line.char_to_byte(line_chars);
            // byte_to_char rounds down to the start of the char containing the byte.
            line.byte_to_char(character.min(line_bytes))
        }
        PositionEncoding::Utf16 => {
            let line_units = line.char_to_utf16_cu(line_chars);
            line.utf16_cu_to_char(character.min(line_units))
        }
    };
    rope.char_to_byte(line_start_char + char_in_line)
}

/// Converts a byte offset to a position; offsets past the end clamp to the end,
/// offsets inside a character round down to its start.
pub fn to_position(rope: &Rope, offset: usize, encoding: PositionEncoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    let char_idx = rope.byte_to_char(offset);
    let line_idx = rope.char_to_line(char_idx);
    let line_start_char = rope.line_to_char(line_idx);
    let character = match encoding {
        PositionEncoding::Utf32 => char_idx - line_start_char,
        PositionEncoding::Utf8 => rope.char_to_byte(char_idx) - rope.line_to_byte(line_idx),
        PositionEncoding::Utf16 => {
            rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(line_start_char)
        }
    };
    Position::new(
        u32::try_from(line_idx).unwrap_or(u32::MAX),
        u32::try_from(character).unwrap_or(u32::MAX),
    )
}

/// Zero-based line of a byte offset (clamped).
pub fn line_of(rope: &Rope, offset: usize) -> usize {
    rope.byte_to_line(offset.min(rope.len_bytes()))
}

/// Zero-based line and byte column of a byte offset (clamped).
pub fn line_col(rope: &Rope, offset: usize) -> (usize, usize) {
    let offset = offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    (line, offset - rope.line_to_byte(line))
}

#[cfg(test)]
mod tests {
    use super::PositionEncoding::{Utf8, Utf16, Utf32};
    use super::*;

    /// Renders every char boundary of `text` as (offset → position per encoding → offset).
    fn table(text: &str) -> String {
        let rope = Rope::from_str(text);
        let mut out = String::new();
        for (offset, ch) in text.char_indices() {
            let p8 = to_position(&rope, offset, Utf8);
            let p16 = to_position(&rope, offset, Utf16);
            let p32 = to_position(&rope, offset, Utf32);
            // The `\n` of a `\r\n` has no position of its own: positions
            // past the line's content clamp to before its terminator.
            let inside_crlf = ch == '\n' && text[..offset].ends_with('\r');
            for (p, e) in [(p8, Utf8), (p16, Utf16), (p32, Utf32)] {
                let expected = if inside_crlf { offset - 1 } else { offset };
                assert_eq!(to_offset(&rope, p, e), expected, "{ch:?} {e:?}");
            }
            out.push_str(&format!(
                "{offset:>2} {ch:?}: utf8 {}:{} utf16 {}:{} utf32 {}:{}\n",
                p8.line, p8.character, p16.line, p16.character, p32.line, p32.character
            ));
        }
        out
    }

    #[test]
    fn multibyte_positions() {
        // Emoji (4 bytes, 2 UTF-16 units), CJK (3 bytes, 1 unit), a combining
        // mark (e + U+0301) and CRLF / lone CR line ends.
        insta::assert_snapshot!(table("a😀b\r\n漢字\re\u{301}x\n"));
    }

    #[test]
    fn clamps_out_of_range() {
        let rope = Rope::from_str("ab😀\ncd\n");
        // Past the end of a line: the end of that line, before the newline.
        assert_eq!(to_offset(&rope, Position::new(0, 99), Utf16), 6);
        assert_eq!(to_offset(&rope, Position::new(1, 99), Utf8), 9);
        // Past the last line: the end of the document.
        assert_eq!(to_offset(&rope, Position::new(7, 0), Utf32), 10);
        // Inside the surrogate pair of the emoji: rounds down to its start.
        assert_eq!(to_offset(&rope, Position::new(0, 3), Utf16), 2);
        // Inside the UTF-8 bytes of the emoji: rounds down too.
        assert_eq!(to_offset(&rope, Position::new(0, 4), Utf8), 2);
        assert_eq!(to_position(&rope, 1000, Utf16), Position::new(2, 0));
        assert_eq!(to_position(&rope, 3, Utf16), Position::new(0, 2));
        let empty = Rope::new();
        assert_eq!(to_offset(&empty, Position::new(3, 3), Utf16), 0);
        assert_eq!(to_position(&empty, 3, Utf8), Position::new(0, 0));
    }

    #[test]
    fn negotiates_encoding() {
        assert_eq!(PositionEncoding::negotiate(["utf-16", "utf-8"]), Utf8);
        assert_eq!(PositionEncoding::negotiate(["utf-32", "utf-16"]), Utf32);
        assert_eq!(PositionEncoding::negotiate([]), Utf16);
    }
}
