//! A nesting counter raised with no limit: `self.flow_level += 1`,
//! `depth++`, `this.nesting = this.nesting + 1`. A parser or a walker
//! counts how deep the input nests because it recurses (or keeps a frame)
//! per level, and input nested ten thousand deep (`[[[[…`, `{a:{a:{…`)
//! overflows the stack or exhausts memory at that depth. Comparing the
//! counter with anything (`if depth > MAX_DEPTH`), a limit named in the
//! function, or a checked addition that fails is the guard.

use super::*;

/// The likelihood: a counter says the code nests, not that it has no
/// limit elsewhere.
const BASE: f32 = 0.05;

const TRIGGER: &str = "the input nests thousands of levels deep and nothing caps the depth";

/// Whether an identifier counts nesting: its last word is `depth`,
/// `nesting` or `recursion`, or `level` after a word that nests (`flow_level`,
/// `nestLevel`, `bracketLevel`; a log level or a power level does not).
fn counts_nesting(name: &str) -> bool {
    let words = identifier_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    match last.as_str() {
        "depth" | "nesting" | "recursion" => true,
        "level" => words[..words.len() - 1].iter().any(|w| {
            matches!(
                w.as_str(),
                "flow" | "nest" | "nesting" | "nested" | "bracket" | "brace" | "paren" | "block"
            )
        }),
        _ => false,
    }
}

/// The counter a line raises by one, if any: `x += 1`, `x++`, `++x`,
/// `x = x + 1` (`x` may be a field: `self.flow_level`).
fn raised(code: &str) -> Option<&str> {
    let code = code.trim().trim_end_matches(';').trim();
    let target = if let Some(t) = code.strip_suffix("+= 1") {
        t
    } else if let Some(t) = code.strip_suffix("++") {
        t
    } else if let Some(t) = code.strip_prefix("++") {
        t
    } else {
        let (left, right) = code.split_once('=')?;
        let right = right.trim();
        let left = left.trim();
        if right != format!("{left} + 1") {
            return None;
        }
        left
    };
    let target = target.trim();
    let plain = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '$');
    (!target.is_empty() && target.chars().all(plain)).then_some(target)
}

impl Scan<'_, '_, '_> {
    /// Reads the function's lines once: every nesting counter raised in a
    /// function that never compares it or names a limit.
    pub(super) fn nesting_unbounded(&mut self) {
        let lines = lines_at(&self.body);
        let base = self.cx.node.start_byte();
        let mut found = Vec::new();
        for (at, line) in &lines {
            let Some(counter) = raised(line) else {
                continue;
            };
            let field = counter.rsplit('.').next().unwrap_or(counter);
            if !counts_nesting(field) || self.counter_limited(field) {
                continue;
            }
            let column = line.len() - line.trim_start().len();
            let end = at + line.trim_end().len();
            found.push((base + at + column)..(base + end));
        }
        for range in found {
            self.push(range, ResourceExhaustion, BASE, TRIGGER);
        }
    }

    /// Whether the function compares the counter, names a limit, or adds
    /// with a check.
    fn counter_limited(&self, field: &str) -> bool {
        let limit = ["max", "MAX", "limit", "LIMIT", "Limit", "checked_add"]
            .iter()
            .any(|w| self.body.contains(w));
        limit
            || self.body.lines().any(|l| {
                let l = l.trim();
                l.contains(field)
                    && [" > ", " >= ", " < ", " <= ", " == "]
                        .iter()
                        .any(|op| l.contains(op))
            })
    }
}
