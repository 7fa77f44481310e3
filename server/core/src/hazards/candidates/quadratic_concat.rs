//! Text grown in place on an attribute or an element inside a loop:
//! `new_tokens[-1].content += child.content`, `self.buf += chunk`.
//! CPython appends to a string in place only when the string is a plain
//! local that nothing else refers to; through an attribute or a subscript
//! every `+=` copies the whole text, so a loop over n pieces copies n²
//! characters. Input of a few hundred thousand pieces (a markdown
//! document of escapes, a stream of small frames) then takes minutes of
//! CPU. Collecting the pieces in a list and joining them once is the fix,
//! and then there is no `+=` left to flag.

use super::*;

/// The likelihood: the copy is certain, its size depends on the input.
const BASE: f32 = 0.04;

const TRIGGER: &str =
    "the loop runs over hundreds of thousands of pieces and every `+=` copies all the text so far";

/// Words of a name that holds text (`content`, `self._buffer`, `out.html`).
const TEXT_WORDS: &[&str] = &[
    "content", "text", "data", "body", "buf", "buffer", "output", "out", "html", "value", "line",
    "message", "msg", "result", "payload", "source", "src", "markup", "raw", "chunk", "string",
];

/// Words of a name that holds a number (`self.count`, `stats[k].total`).
const NUMBER_WORDS: &[&str] = &[
    "count", "total", "size", "len", "length", "n", "num", "offset", "pos", "index", "idx", "sum",
    "bytes", "seconds", "time", "depth", "level", "width", "height", "x", "y", "i",
];

/// The last identifier of an expression's text (`content` of
/// `new_tokens[-1].content`).
fn last_name(text: &str) -> &str {
    text.trim()
        .trim_end_matches(']')
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find(|w| !w.is_empty())
        .unwrap_or_default()
}

/// Whether an expression's text reads as text, by its last name's words.
fn reads_as_text(text: &str) -> bool {
    let trimmed = text.trim();
    if trimmed.starts_with(['"', '\'']) || trimmed.starts_with("f\"") || trimmed.starts_with("f'") {
        return true;
    }
    let words = super::connections::identifier_words(last_name(text));
    !words.iter().any(|w| NUMBER_WORDS.contains(&w.as_str()))
        && words.iter().any(|w| TEXT_WORDS.contains(&w.as_str()))
}

impl Scan<'_, '_, '_> {
    /// A Python augmented assignment: `+=` of text onto an attribute or an
    /// element, inside a loop of the function.
    pub(super) fn quadratic_concat(&mut self, node: Node) {
        if self.cx.language != Language::Python
            || node.kind() != "augmented_assignment"
            || node
                .child_by_field_name("operator")
                .is_none_or(|o| self.text(o) != "+=")
        {
            return;
        }
        let Some((left, right)) = sides(node) else {
            return;
        };
        if !matches!(left.kind(), "attribute" | "subscript") {
            return;
        }
        let (target, piece) = (self.text(left), self.text(right));
        if !reads_as_text(&target) && !reads_as_text(&piece) {
            return;
        }
        // A number on either side adds, it does not concatenate.
        let number = |t: &str| {
            let words = super::connections::identifier_words(last_name(t));
            t.trim().parse::<f64>().is_ok()
                || words.iter().any(|w| NUMBER_WORDS.contains(&w.as_str()))
        };
        if number(&target) || number(&piece) || !self.in_loop(node) {
            return;
        }
        self.add(node, ResourceExhaustion, BASE, TRIGGER);
    }
}
