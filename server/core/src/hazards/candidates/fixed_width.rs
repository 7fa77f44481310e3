//! Arithmetic on fixed-width integers: in Rust, Go and Java every `+`, `-`,
//! `*` and `<<` of two values the code does not know wraps (Go, Java) or
//! panics (Rust in debug builds, and `usize` subtraction below zero
//! everywhere it is checked) once the operands are large or, for `-`, in
//! the wrong order. The arithmetic rule in [`arithmetic`](super::arithmetic)
//! scores sizes and lengths; this one names every other such operation at
//! the lowest likelihood, so a short function's overflow is among its
//! predictions. A check of both operands is a guard, and so are the
//! checked, saturating and wrapping forms, which are calls and not
//! operators.

use super::*;

const BASE: f32 = 0.02;

impl Scan<'_, '_, '_> {
    pub(super) fn fixed_width(&mut self, node: Node) {
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            self.int32_truncation(node);
            return;
        }
        if !matches!(
            self.cx.language,
            Language::Rust | Language::Go | Language::Java
        ) {
            return;
        }
        let Some(operator) = node.child_by_field_name("operator") else {
            return;
        };
        let op = self.text(operator);
        let op = op.trim();
        if !matches!(op, "+" | "-" | "*" | "<<" | "+=" | "-=" | "*=" | "<<=") {
            return;
        }
        // The outermost operation of a sum: `a + b + c` is one candidate.
        if node
            .parent()
            .is_some_and(|p| self.facts.binary.contains(&p.kind()))
        {
            return;
        }
        let Some((left, right)) = sides(node) else {
            return;
        };
        let (left, right) = (self.text(left), self.text(right));
        let literal = |t: &str| {
            let t = t
                .trim()
                .trim_end_matches(|c: char| c.is_alphabetic() || c == '_');
            t.parse::<f64>().is_ok()
        };
        let text = self.text(node);
        // Text, not numbers: `"id=" + id`, `prefix + name`; floats.
        let texty = |t: &str| {
            t.contains(['"', '\''])
                || self.stringy(t)
                || t.contains("f64")
                || t.contains("f32")
                || t.contains("float")
                || t.contains("double")
        };
        if (literal(&left) && literal(&right)) || texty(&text) {
            return;
        }
        // `x + 1` on a counter is the commonest operation there is; only
        // a multiplication or shift by a constant scales.
        if literal(&right) && matches!(op, "+" | "+=" | "-" | "-=") {
            return;
        }
        if guarded(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &[left.trim(), right.trim()],
        ) || self.fixed_length(node, &right)
            && self.checked_or_cast_from_checked(node, left.trim())
        {
            return;
        }
        self.add(node, Overflow, BASE, trigger(Overflow));
    }

    /// JavaScript's integer idiom `x | 0` keeps the low 32 bits of a
    /// number: a size, a timestamp in milliseconds or an id above 2^31
    /// comes out negative or wrapped.
    fn int32_truncation(&mut self, node: Node) {
        let Some(operator) = node.child_by_field_name("operator") else {
            return;
        };
        if self.text(operator).trim() != "|" {
            return;
        }
        let Some((left, right)) = sides(node) else {
            return;
        };
        let (left, right) = (self.text(left), self.text(right));
        let value = match (left.trim(), right.trim()) {
            (value, "0") | ("0", value) => value,
            _ => return,
        };
        if value.parse::<f64>().is_ok() {
            return;
        }
        self.add(
            node,
            Overflow,
            0.04,
            "the number is 2^31 or more (a byte count, a time in milliseconds), and `| 0` keeps its low 32 bits",
        );
    }
}
