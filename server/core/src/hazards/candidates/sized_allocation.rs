//! An allocation sized by a value the code does not bound: Java's `new
//! byte[length]`, Rust's `vec![0; n]`, Python's `bytearray(n)` and `[x] *
//! n`. When the size comes off the wire or out of a file header, one
//! crafted length asks for gigabytes (`OutOfMemoryError`, an aborted
//! process). The named-call rule scores Go's `make` and the capacity
//! constructors; these are the allocations that are not calls by name. A
//! check of the size (against a limit or the input's length) is the guard.

use super::*;
use crate::hazards::guards::mentioned_at;

/// A size written as a number or named by a constant (`4096`,
/// `MAX_FRAME`): the same on every run.
fn constant_size(word: &str) -> bool {
    word.parse::<i64>().is_ok()
        || word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
}

/// The comparison operators a sign check is written with.
const COMPARISONS: &[&str] = &["<", "<=", ">=", ">", "==", "===", "!=", "!=="];

/// Whether a character continues a number or a name (`0.5`, `0x10`, `n_0`).
fn continues_word(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '_'
}

/// Whether a condition's text bounds `size`: it names it other than in a
/// check of its sign or type (`len < 0`, `0 < len`,
/// `Number.isInteger(len)`), which lets any huge size through. devalue
/// checked a sparse array's declared length for both and then ran `new
/// Array(len)` on it.
pub(super) fn bounds(text: &str, size: &str) -> bool {
    mentioned_at(text, size).any(|at| {
        let before = text[..at].trim_end();
        let after = text[at + size.len()..].trim_start();
        let typed = [
            "isInteger(",
            "isSafeInteger(",
            "isNaN(",
            "isFinite(",
            "typeof",
        ]
        .iter()
        .any(|t| before.ends_with(t));
        let signed = COMPARISONS.iter().any(|op| {
            // `len < 0`: the operator whole (not `<` of `<=`), then a zero.
            let zero_after = after.strip_prefix(op).is_some_and(|rest| {
                !rest.starts_with(['=', '<', '>'])
                    && rest
                        .trim_start()
                        .strip_prefix('0')
                        .is_some_and(|r| !r.starts_with(continues_word))
            });
            // `0 < len`: the same check written the other way round.
            let zero_before = before.strip_suffix(op).is_some_and(|rest| {
                let rest = rest.trim_end();
                !rest.ends_with(['=', '<', '>', '!'])
                    && rest
                        .strip_suffix('0')
                        .is_some_and(|r| !r.ends_with(continues_word))
            });
            zero_after || zero_before
        });
        !(typed || signed)
    })
}

impl Scan<'_, '_, '_> {
    /// Whether a condition around the allocation at `node` bounds its
    /// `size` ([`bounds`]).
    pub(super) fn size_bounded(&self, node: Node, size: &str) -> bool {
        guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &|text| bounds(text, size),
        )
    }

    pub(super) fn sized_allocation(&mut self, node: Node) {
        let size = match (self.cx.language, node.kind()) {
            (Language::Java, "array_creation_expression") => {
                let text = self.text(node);
                if text.contains('{') {
                    return; // An initialiser: the size is its length.
                }
                text.split_once('[')
                    .and_then(|(_, rest)| rest.split_once(']'))
                    .map(|(size, _)| size.trim().to_owned())
            }
            (Language::Rust, "macro_invocation") => {
                let text = self.text(node);
                text.strip_prefix("vec!")
                    .and_then(|rest| rest.rsplit_once(';'))
                    .map(|(_, size)| size.trim().trim_end_matches([']', ')']).trim().to_owned())
            }
            (Language::Python, "call")
                if node
                    .child_by_field_name("function")
                    .is_some_and(|f| self.text(f) == "bytearray") =>
            {
                let text = self.text(node);
                text.strip_prefix("bytearray(")
                    .and_then(|rest| rest.strip_suffix(')'))
                    .map(|size| size.trim().to_owned())
            }
            (Language::Python, "binary_operator") => {
                let left = node.child_by_field_name("left").map(|l| l.kind());
                let op = node
                    .child_by_field_name("operator")
                    .map(|o| self.text(o))
                    .unwrap_or_default();
                (op.trim() == "*" && matches!(left, Some("list" | "string")))
                    .then(|| {
                        node.child_by_field_name("right")
                            .map(|r| self.text(r).trim().to_owned())
                    })
                    .flatten()
            }
            _ => None,
        };
        let Some(size) = size else {
            return;
        };
        self.size_product(node, &size);
        let word = size.trim();
        if word.is_empty()
            || constant_size(word)
            || word.contains("min(")
            || word.contains(".min(")
            || word.contains("Math.min")
            || self.size_bounded(node, word)
        {
            return;
        }
        self.add(node, ResourceExhaustion, 0.04, trigger(ResourceExhaustion));
    }

    /// A size that multiplies two values neither of them a constant
    /// (bstr's `vec![0; bs.len() * n]`, `new byte[width * height]`): the
    /// product wraps past the integer's range, a panic in a Rust debug
    /// build and in release (or in Java) a buffer far smaller than the
    /// data about to be written into it.
    fn size_product(&mut self, node: Node, size: &str) {
        if !matches!(self.cx.language, Language::Rust | Language::Java) {
            return;
        }
        let Some((left, right)) = size.split_once(" * ") else {
            return;
        };
        let constant = |side: &str| {
            let side = side.trim().trim_start_matches('(').trim_end_matches(')');
            constant_size(side) || side.ends_with("size_of::<u8>()")
        };
        if constant(left) || constant(right) {
            return;
        }
        self.add(
            node,
            Overflow,
            0.08,
            "the product of the two sizes passes the integer's range: a panic in a debug build, a buffer far smaller than the data in release",
        );
    }
}
