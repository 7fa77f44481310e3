//! Arithmetic on an integer the input decides: a length, count or offset
//! read from the bytes (`u32::from_be_bytes`, `binary.BigEndian.Uint32`,
//! `in.readInt()`) or parsed from text (`tok.parse::<i32>()`,
//! `strconv.Atoi`), then added to, multiplied, shifted or, in Rust,
//! subtracted from. A crafted or corrupt input holds any value the type
//! can: `u32::MAX + 1` panics in a Rust debug build ("attempt to add with
//! overflow") and wraps in release, as Go and Java always wrap, so a size
//! comes out small and the slice or allocation after it fails. A check of
//! the value before the operation, a widening cast of it (`as u64`,
//! `int64(x)`, `(long) x`) or a checked method (`checked_add`) is the
//! guard.

use super::*;

/// Calls that read an integer from bytes or text, per language.
fn sources(language: Language) -> &'static [&'static str] {
    match language {
        Language::Rust => &[
            "from_be_bytes",
            "from_le_bytes",
            "from_ne_bytes",
            "read_u8",
            "read_u16",
            "read_u32",
            "read_u64",
            "read_i8",
            "read_i16",
            "read_i32",
            "read_i64",
            "read_bits",
            "get_u8",
            "get_u16",
            "get_u32",
            "get_u64",
            "get_i16",
            "get_i32",
            "get_i64",
            ".parse::<",
        ],
        Language::Go => &[
            "binary.BigEndian.",
            "binary.LittleEndian.",
            "binary.Uvarint(",
            "binary.Varint(",
            "strconv.Atoi(",
            "strconv.ParseInt(",
            "strconv.ParseUint(",
        ],
        Language::Java => &[
            ".readInt()",
            ".readLong()",
            ".readShort()",
            ".readUnsignedShort()",
            ".readUnsignedByte()",
            ".getInt(",
            ".getLong(",
            ".getShort(",
            "Integer.parseInt(",
            "Long.parseLong(",
        ],
        _ => &[],
    }
}

/// Casts that widen an operand before the arithmetic: the result has room
/// for any value the narrower input held.
const WIDENED: &[&str] = &[
    " as u64",
    " as i64",
    " as u128",
    " as i128",
    " as usize",
    "u64::from(",
    "i64::from(",
    "u128::from(",
    "i128::from(",
    "usize::from(",
    "int64(",
    "uint64(",
    "(long)",
];

/// The names an assignment's left side binds: `x` of `let x: u32`, `mut
/// x`, `x :` (Go's `:=`), `int x`; each name of a tuple `(a, b)`.
fn bound_names(left: &str) -> Vec<&str> {
    let left = left.trim();
    let left = left.strip_prefix("let ").unwrap_or(left).trim();
    let left = left.strip_prefix("mut ").unwrap_or(left);
    // `x: u32` names `x`; a Java declaration `int x` its last word.
    let left = match left.split_once(':') {
        Some((name, _)) if !left.starts_with('(') => name,
        _ => left,
    };
    left.trim_matches(['(', ')', ' '])
        .split(',')
        .filter_map(|part| {
            let name = part.trim().trim_start_matches("mut ").trim();
            let name = name.rsplit(' ').next()?;
            (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
                .then_some(name)
        })
        .collect()
}

/// The locals of `body` that hold an integer the input decided, each
/// with the decoded locals it was computed from: assigned from a
/// [`sources`] call, or by arithmetic from such a local (`let tz_hours =
/// tz / 100` comes from `tz`). A length taken of something (`.len()`) or
/// a clamp (`min(`) is no longer the input's value.
pub(super) fn decoded_locals(language: Language, body: &str) -> Vec<(String, Vec<String>)> {
    let sources = sources(language);
    if sources.is_empty() {
        return Vec::new();
    }
    let assignments: Vec<(Vec<&str>, &str)> = body
        .lines()
        .filter_map(|line| {
            let (left, right) = absent::assignment(line.trim())?;
            Some((bound_names(left), right))
        })
        .collect();
    let mut decoded: Vec<(String, Vec<String>)> = Vec::new();
    loop {
        let before = decoded.len();
        for (names, right) in &assignments {
            let clamped = ["min(", ".len()", "len(", "cmp::min", "Math.min"]
                .iter()
                .any(|w| right.contains(w));
            let parents: Vec<String> = decoded
                .iter()
                .filter(|(d, _)| mentions(right, d))
                .map(|(d, _)| d.clone())
                .collect();
            let from_input = sources.iter().any(|s| right.contains(s)) || !parents.is_empty();
            if clamped || !from_input {
                continue;
            }
            for name in names {
                if !decoded.iter().any(|(d, _)| d == name) {
                    decoded.push(((*name).to_owned(), parents.clone()));
                }
            }
        }
        if decoded.len() == before {
            return decoded;
        }
    }
}

/// `name` and the decoded locals it was computed from, transitively: a
/// check of any of them bounds it.
fn lineage<'d>(decoded: &'d [(String, Vec<String>)], name: &'d str) -> Vec<&'d str> {
    let mut found = vec![name];
    let mut at = 0;
    while at < found.len() {
        if let Some((_, parents)) = decoded.iter().find(|(d, _)| d == found[at]) {
            for parent in parents {
                if !found.contains(&parent.as_str()) {
                    found.push(parent);
                }
            }
        }
        at += 1;
    }
    found
}

impl Scan<'_, '_, '_> {
    /// `node`, a binary operation of `op`, on an integer the input decided
    /// with no check of it first.
    pub(super) fn decoded_arithmetic(&mut self, node: Node, op: &str, left: &str, right: &str) {
        let grows = matches!(op, "+" | "*" | "<<" | "+=" | "*=" | "<<=");
        // Unsigned subtraction below zero is Rust's panic; Go and Java
        // subtract into a negative number the next check sees.
        let shrinks = self.cx.language == Language::Rust && matches!(op, "-" | "-=");
        if !(grows || shrinks) || self.decoded.is_empty() {
            return;
        }
        // The decoded value is the one that moves: the left of a
        // subtraction, either side of a sum or product.
        let operands: &[&str] = if shrinks { &[left] } else { &[left, right] };
        let Some(name) = self
            .decoded
            .iter()
            .find(|(d, _)| operands.iter().any(|o| mentions(o, d)))
            .map(|(d, _)| d.as_str())
        else {
            return;
        };
        if operands
            .iter()
            .any(|o| WIDENED.iter().any(|w| o.contains(w)))
            || lineage(&self.decoded, name)
                .iter()
                .any(|n| guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[n]))
        {
            return;
        }
        self.add(
            node,
            Overflow,
            0.07,
            "the input holds a value near its type's limit (a corrupt or crafted length, count or offset)",
        );
    }
}
