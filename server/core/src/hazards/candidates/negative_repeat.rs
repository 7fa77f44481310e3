//! A repeat count computed by a subtraction: `strings.Repeat(" ", width -
//! len(message))`, `' '.repeat(columns - label.length)`. When the text is
//! longer than the room it is padded to, the count is negative, and Go
//! panics (`strings: negative Repeat count`), JavaScript throws
//! `RangeError: Invalid count value: -3`, Java's `String.repeat` throws
//! IllegalArgumentException (gomega's diff message for a long message).
//! Rust's counts are unsigned, where the subtraction itself is the
//! candidate. A check of the count or its operands, or a clamp
//! (`Math.max(0, …)`, `max(…, 0)`), is the guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn negative_repeat(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        let count = match (self.cx.language, last) {
            (Language::Go, "Repeat")
                if callee.ends_with("strings.Repeat") || callee.ends_with("bytes.Repeat") =>
            {
                arguments(args).split_once(',').map(|(_, count)| count)
            }
            (
                Language::JavaScript | Language::TypeScript | Language::Tsx | Language::Java,
                "repeat",
            ) if callee.contains('.') => Some(arguments(args)),
            _ => None,
        };
        let Some(count) = count.map(str::trim) else {
            return;
        };
        let operands: Vec<&str> = count
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '$')))
            .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        // A subtraction in the count, or in what the function assigned an
        // operand of it (`pad := width - len(msg)`); not a clamp.
        let clamped = |text: &str| ["max(", "Max(", "clamp"].iter().any(|w| text.contains(w));
        let before = self.before(node);
        let subtracts = subtraction(count)
            || operands.iter().any(|operand| {
                absent::last_assigned(before, operand)
                    .is_some_and(|right| subtraction(right) && !clamped(right))
            });
        if !subtracts || clamped(count) {
            return;
        }
        if operands.iter().any(|o| {
            crate::hazards::guards::guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[o],
            )
        }) {
            return;
        }
        let error = match self.cx.language {
            Language::Go => "panic: strings: negative Repeat count".to_owned(),
            Language::Java => {
                "java.lang.IllegalArgumentException: count is negative: -3".to_owned()
            }
            _ => "RangeError: Invalid count value: -3".to_owned(),
        };
        if let Some(found) = self.added(
            node,
            IndexOutOfRange,
            0.12,
            "the text is longer than the room it is padded to, so the count comes out negative",
        ) {
            found.error = error;
        }
    }
}

/// Whether `text` subtracts (`a - b`), not only negates a literal.
fn subtraction(text: &str) -> bool {
    text.char_indices().any(|(i, c)| {
        c == '-'
            && i > 0
            && !text[i + 1..].starts_with(['=', '>', '-'])
            && !text[..i]
                .trim_end()
                .ends_with(['(', ',', '-', '+', '*', '/', '=', '['])
    })
}
