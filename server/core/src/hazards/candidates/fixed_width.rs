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
        // a multiplication or shift by a constant scales, or a counter of
        // a narrow type stepped once per element of the input.
        if literal(&right) && matches!(op, "+" | "+=" | "-" | "-=") {
            if matches!(op, "+=" | "-=") && self.narrow_counter(node, left.trim()) {
                self.add(
                    node,
                    Overflow,
                    0.08,
                    "the input repeats more often than the counter's narrow type can count (32,767 for an i16, 255 for a u8)",
                );
            }
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

    /// Whether `name` is a local the function declares with a narrow
    /// integer type ([`narrow_locals`]) and steps here, in a compound
    /// assignment, inside a loop that is not over a constant range, with
    /// no check of it.
    fn narrow_counter(&self, node: Node, name: &str) -> bool {
        if !self.narrow.iter().any(|n| n == name) {
            return false;
        }
        self.enclosing_loop(node) == Some(true)
            && !guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[name])
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

/// The locals a Rust function body declares with a narrow integer type
/// (`let mut e = 0i16`, `let n: u8 = 0`) and never with another: read
/// once per function, as a counter of 255 or 32,767 steps.
pub(super) fn narrow_locals(body: &str) -> Vec<String> {
    const NARROW: &[&str] = &["i8", "u8", "i16", "u16"];
    let mut narrow: Vec<String> = Vec::new();
    let mut wide: Vec<String> = Vec::new();
    for line in body.lines() {
        let Some(rest) = line.trim().strip_prefix("let ") else {
            continue;
        };
        let rest = rest.trim_start().trim_start_matches("mut ").trim_start();
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, tail) = rest.split_at(end);
        if name.is_empty() || !tail.trim_start().starts_with([':', '=']) {
            continue;
        }
        let is_narrow = tail
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| {
                NARROW.contains(&w)
                    || NARROW.iter().any(|t| {
                        w.strip_suffix(t)
                            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                    })
            });
        let list = if is_narrow { &mut narrow } else { &mut wide };
        if !list.iter().any(|n| n == name) {
            list.push(name.to_owned());
        }
    }
    narrow.retain(|n| !wide.contains(n));
    narrow
}
