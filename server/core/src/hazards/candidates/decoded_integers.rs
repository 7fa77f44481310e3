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

/// What a number read digit by digit keeps of its likelihood: a long
/// enough input overflows it, as surely as a fencepost overruns.
const ACCUMULATED: f32 = 0.4;

impl Scan<'_, '_, '_> {
    /// A number built digit by digit from the input in a loop (`n = n *
    /// 10 + d`, or `n *= RADIX` and then the digit added) with nothing
    /// that bounds it: no check of `n` or of the digits' count in the
    /// loop, no checked or wrapping method, no loop over a constant range.
    /// A long enough run of digits overflows it: a panic in a Rust debug
    /// build, a wrapped size everywhere else.
    pub(super) fn accumulated_digits(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::Rust | Language::Go | Language::Java
        ) {
            return;
        }
        let Some((target, right)) = sides(node) else {
            return;
        };
        let target = self.text(target);
        let target = target.trim();
        // A local, or a field of the object (`self.param`): a parser fed
        // one byte per call keeps its number there between calls.
        let field = target
            .strip_prefix("self.")
            .or_else(|| target.strip_prefix("this."));
        let name = field.unwrap_or(target);
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return;
        }
        let op = node
            .child_by_field_name("operator")
            .map(|o| self.text(o))
            .unwrap_or_else(|| "=".to_owned());
        let right = self.text(right);
        // `n = n * 64 + d`, or `n *= 16` (a later `n += d` adds the digit).
        let scales = |text: &str, by: &str| {
            text.split(by).nth(1).is_some_and(|k| {
                let k = k
                    .trim()
                    .split([' ', '+', ')', ';'])
                    .next()
                    .unwrap_or_default();
                k.parse::<u64>().is_ok_and(|k| k >= 2)
                    || (k.len() > 1 && k.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            })
        };
        let accumulates = match op.trim() {
            "=" => {
                right.trim_start().starts_with(&format!("{target} *"))
                    && scales(&right, "*")
                    && right.contains('+')
            }
            "*=" => scales(&format!("{target} * {right}"), "*"),
            _ => false,
        };
        if !accumulates {
            return;
        }
        // Inside a loop over the input, not over a constant count.
        let looped = match self.enclosing_loop(node) {
            Some(false) => return,
            Some(true) => true,
            None => false,
        };
        // Without a loop here, a field built from a digit (`byte -
        // b'0'`) grows by one digit per call, for as many as come.
        let fed = field.is_some()
            && ["b'0'", "'0'", "to_digit(", "digit"]
                .iter()
                .any(|d| self.body.contains(d));
        if !(looped || fed)
            || guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[target],
            )
            || self.body.contains(&format!("{target}.checked_"))
            || self.body.contains(&format!("{target}.wrapping_"))
            || self.body.contains(&format!("{target}.overflowing_"))
            || self.body.contains(&format!("{target}.saturating_"))
        {
            return;
        }
        let summary = format!(
            "Predicted overflow: `{target}` is built digit by digit from the input with no bound, so a long enough run of digits overflows it"
        );
        self.add_precise(
            node,
            Overflow,
            ACCUMULATED,
            ("number.accumulated-digits", summary),
            "the input holds more digits than the type can hold (a crafted or corrupt length, offset or size)",
        );
    }
}
