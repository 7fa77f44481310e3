//! `py.struct-size`: `struct.unpack("!H", data[2:10])`. `unpack` takes
//! exactly as many bytes as its format describes, so a literal format
//! unpacked from a slice of literal bounds of another length raises
//! `struct.error: unpack requires a buffer of 2 bytes` on every run that
//! reaches it: slack-sdk's Socket Mode client read a 64-bit WebSocket
//! length with a 16-bit format. Only standard sizes (a format that opens
//! with `<`, `>`, `!` or `=`) are computed; native ones depend on the
//! platform's alignment.

use super::*;

/// The byte size of a standard-size `struct` format, if every code in it
/// is known.
fn standard_size(format: &str) -> Option<usize> {
    let mut codes = format
        .strip_prefix(['<', '>', '!', '='])?
        .chars()
        .peekable();
    let mut size = 0;
    while let Some(c) = codes.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut count = String::new();
        let mut code = c;
        while code.is_ascii_digit() {
            count.push(code);
            code = codes.next()?;
        }
        let count: usize = if count.is_empty() {
            1
        } else {
            count.parse().ok()?
        };
        let each = match code {
            'x' | 'c' | 'b' | 'B' | '?' | 's' | 'p' => 1,
            'h' | 'H' | 'e' => 2,
            'i' | 'I' | 'l' | 'L' | 'f' => 4,
            'q' | 'Q' | 'd' => 8,
            _ => return None,
        };
        size += count * each;
    }
    Some(size)
}

/// The length of `data[a:b]` (or `bytes(data[a:b])`) with literal bounds.
fn slice_length(buffer: &str) -> Option<usize> {
    let buffer = buffer.trim();
    let inner = buffer
        .strip_prefix("bytes(")
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or(buffer);
    let (_, range) = inner.strip_suffix(']')?.rsplit_once('[')?;
    let (start, end) = range.split_once(':')?;
    let number = |t: &str| t.trim().parse::<usize>().ok();
    let start = if start.trim().is_empty() {
        0
    } else {
        number(start)?
    };
    number(end)?.checked_sub(start)
}

pub(super) fn struct_size(m: &Match, cx: &FnCx) -> Option<Finding> {
    let literal = cx.text(m.get("format")?);
    let format = string_contents(&literal)?;
    let buffer = cx.text(m.get("buffer")?);
    let needed = standard_size(format)?;
    let given = slice_length(&buffer)?;
    if needed == given || cx.caught(m.hazard, &["struct.error", "error"]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::ParseError,
        0.6,
        "struct.error",
        format!("struct.error: unpack requires a buffer of {needed} bytes"),
        format!(
            "the format \"{format}\" describes {needed} bytes, and the slice `{}` holds {given}",
            one_line(&buffer, 30)
        ),
        format!(
            "Predicted struct.error: \"{format}\" needs {needed} bytes, the slice gives {given}"
        ),
    ))
}
