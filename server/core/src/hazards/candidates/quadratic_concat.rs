//! Text grown in place on an attribute or an element inside a loop:
//! `new_tokens[-1].content += child.content`, `self.buf += chunk`.
//! CPython appends to a string in place only when the string is a plain
//! local that nothing else refers to; through an attribute or a subscript
//! every `+=` copies the whole text, so a loop over n pieces copies n²
//! characters. Input of a few hundred thousand pieces (a markdown
//! document of escapes, a stream of small frames) then takes minutes of
//! CPU. Collecting the pieces in a list and joining them once is the fix,
//! and then there is no `+=` left to flag. The same growth spelled as a
//! plain assignment (`self.buf = self.buf + chunk`, or asgiref's `value =
//! environ[name] + "," + value` stored back with `environ[name] = value`
//! later in the loop) copies the same way.

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

/// What an expression's text holds, as far as its spelling says.
#[derive(PartialEq)]
enum Reads {
    Number,
    Text,
    Unknown,
}

/// A number literal or a name with a number's word (`count`, `.total`)
/// adds; a string literal or a name with a text's word concatenates.
fn reads(text: &str) -> Reads {
    let trimmed = text.trim();
    let words = identifier_words(last_name(text));
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if trimmed.parse::<f64>().is_ok() || has(NUMBER_WORDS) {
        Reads::Number
    } else if trimmed.starts_with(['"', '\''])
        || trimmed.starts_with("f\"")
        || trimmed.starts_with("f'")
        || has(TEXT_WORDS)
    {
        Reads::Text
    } else {
        Reads::Unknown
    }
}

impl Scan<'_, '_, '_> {
    /// A Python augmented assignment: `+=` of text onto an attribute or an
    /// element, inside a loop of the function.
    pub(super) fn quadratic_concat(&mut self, node: Node) {
        if self.cx.language != Language::Python {
            return;
        }
        let Some((left, right)) = sides(node) else {
            return;
        };
        let grown = match node.kind() {
            "augmented_assignment" => {
                node.child_by_field_name("operator")
                    .is_some_and(|o| self.text(o) == "+=")
                    && matches!(left.kind(), "attribute" | "subscript")
            }
            "assignment" => self.grown_by_assignment(node, left, right),
            _ => false,
        };
        if !grown {
            return;
        }
        // A number on either side adds, it does not concatenate.
        let spelled = [reads(&self.text(left)), reads(&self.text(right))];
        if spelled.contains(&Reads::Number)
            || !spelled.contains(&Reads::Text)
            || !self.in_loop(node)
        {
            return;
        }
        self.add(node, ResourceExhaustion, BASE, TRIGGER);
    }

    /// `E = E + …` for an attribute or element `E`, or `v = E + …` with
    /// `E = v` written further on in the same loop: the text of `E` is
    /// copied into a longer one on every turn.
    fn grown_by_assignment(&self, node: Node, left: Node, right: Node) -> bool {
        if right.kind() != "binary_operator"
            || right
                .child_by_field_name("operator")
                .is_none_or(|o| self.text(o) != "+")
        {
            return false;
        }
        // The leftmost operand of `E + "," + value`.
        let mut first = right;
        while first.kind() == "binary_operator" {
            let Some(left) = first.child_by_field_name("left") else {
                return false;
            };
            first = left;
        }
        if !matches!(first.kind(), "attribute" | "subscript") {
            return false;
        }
        let grown = self.text(first);
        let target = self.text(left);
        if target == grown {
            return true;
        }
        if left.kind() != "identifier" {
            return false;
        }
        let Some(body) = self
            .loop_around(node)
            .and_then(|l| l.child_by_field_name("body"))
        else {
            return false;
        };
        let after = &self.cx.file_text()[node.end_byte()..body.end_byte()];
        after.lines().any(|line| {
            line.trim().replace(' ', "") == format!("{grown}={target}").replace(' ', "")
        })
    }
}
