//! Calls that take a position: `list.get(i)`, `s.charAt(n - 1)`,
//! `items.remove(0)`, `v.swap(i, j)`, `stack.pop(0)`. Each throws (or
//! panics) when the position is past the end, and real collections are
//! shorter than the code assumes: empty results, a line with fewer
//! fields, a list changed since its length was read. A method of the same
//! name that takes a key (`map.get(key)`) is told apart by its argument:
//! a number, an index-like name or arithmetic on a length. A check of the
//! position or of the collection in front of it is a guard, and so is a
//! handler of the index error.

use super::*;

/// Methods that take a position, per language.
fn positional(language: Language) -> &'static [&'static str] {
    match language {
        Language::Java => &[
            "get",
            "remove",
            "set",
            "add",
            "charAt",
            "codePointAt",
            "subList",
            "substring",
            "elementAt",
            "listIterator",
            "deleteCharAt",
            "insert",
            "setCharAt",
        ],
        Language::Python => &["pop", "insert"],
        Language::Rust => &[
            "remove",
            "swap",
            "swap_remove",
            "insert",
            "split_at",
            "split_off",
            "truncate",
            "drain",
            "copy_from_slice",
            "clone_from_slice",
            "rotate_left",
            "rotate_right",
        ],
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            &["splice", "charAt", "at", "item"]
        }
        Language::Go => &[],
    }
}

/// Methods that take the position of an element, which must be below the
/// length (`substring(i)`, `insert(i, x)`, `split_at(i)` take the length
/// itself).
const ELEMENT: &[&str] = &[
    "get",
    "remove",
    "set",
    "charAt",
    "codePointAt",
    "elementAt",
    "deleteCharAt",
    "setCharAt",
    "at",
    "item",
    "pop",
    "swap",
    "swap_remove",
];

/// Names that hold a position.
const POSITIONS: &[&str] = &[
    "i", "j", "k", "n", "idx", "index", "pos", "position", "offset", "start", "end", "at", "last",
    "first", "mid", "cursor", "ix", "len", "length", "size", "count",
];

impl Scan<'_, '_, '_> {
    pub(super) fn positional_call(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        if self.cx.language == Language::Rust && last == "nth" {
            self.nth_past_a_fencepost(node, callee, args);
            return;
        }
        if !positional(self.cx.language).contains(&last) || !callee.contains('.') {
            return;
        }
        let inner = arguments(args);
        let first = first_argument(args);
        if first.is_empty() {
            return;
        }
        let numeric = first.parse::<i64>().is_ok();
        let words: Vec<String> = first
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .flat_map(identifier_words)
            .collect();
        let position = numeric
            || words.iter().any(|w| POSITIONS.contains(&w.as_str()))
            || first.contains(" - ")
            || first.contains(" + ");
        // `add(x)`, `set(k, v)`, `insert(k, v)` with one argument or a key.
        let one_argument = !inner.contains(',');
        if !position || (matches!(last, "add" | "set" | "insert") && one_argument) {
            return;
        }
        // A zero position on a collection checked non-empty, or a
        // computed one checked against a bound.
        let receiver = callee.rsplit_once('.').map_or("", |(r, _)| r).trim();
        let word = if numeric { receiver } else { first };
        // A computed position tested only for equality with a sentinel
        // (`i == INDEX_UNSET ? null : list.get(i)`) is still unbounded.
        let fencepost = |condition: &str| {
            !numeric
                && ELEMENT.contains(&last)
                && crate::hazards::guards::fencepost(condition, first, receiver)
        };
        let bounds = |condition: &str| {
            crate::hazards::guards::mentions_all(condition, &[word])
                && (numeric || !only_equality(condition))
                && !fencepost(condition)
        };
        if guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &bounds)
            || (!numeric
                && guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &|c| {
                    crate::hazards::guards::mentions(c, receiver) && !fencepost(c)
                }))
            || self.caught_here(node, IndexOutOfRange)
        {
            return;
        }
        if guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &fencepost,
        ) {
            self.add_fencepost(node, first, receiver);
            return;
        }
        self.add(node, IndexOutOfRange, 0.04, trigger(IndexOutOfRange));
    }
}

impl Scan<'_, '_, '_> {
    /// Rust's `s.chars().nth(n).unwrap()` behind a check that lets `n`
    /// equal the length of `s` ([`fencepost`](crate::hazards::guards::fencepost)):
    /// the element one past the end is None, and the unwrap panics. An
    /// `nth` whose None is handled is a lookup, not a failure.
    fn nth_past_a_fencepost(&mut self, node: Node, callee: &str, args: &str) {
        let position = first_argument(args);
        if position.is_empty() || !self.unwrapped_after(node, 12) {
            return;
        }
        // The sequence the iterator walks: `s` of `s.char_indices().nth(n)`.
        let receiver = callee.rsplit_once('.').map_or("", |(r, _)| r).trim();
        let sequence = ITERATORS
            .iter()
            .find_map(|i| receiver.strip_suffix(i))
            .unwrap_or(receiver);
        let fenced =
            |condition: &str| crate::hazards::guards::fencepost(condition, position, sequence);
        if guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &fenced) {
            self.add_fencepost(node, position, sequence);
        }
    }
}

/// Rust's iterators over a sequence's elements, as written after it.
const ITERATORS: &[&str] = &[
    ".chars()",
    ".char_indices()",
    ".bytes()",
    ".iter()",
    ".into_iter()",
    ".iter_mut()",
];

/// Whether a condition compares only for (in)equality: no order (`<`,
/// `>=`), no length or size, no emptiness or membership test, so it pins
/// a value to a sentinel and bounds nothing.
fn only_equality(condition: &str) -> bool {
    let lower = condition.to_lowercase();
    let ordered = condition
        .replace("=>", "")
        .replace("->", "")
        .contains(['<', '>']);
    let sized = [
        "size", "length", "len(", "count", "empty", "contains", " in ",
    ]
    .iter()
    .any(|w| lower.contains(w));
    (condition.contains("==") || condition.contains("!=")) && !ordered && !sized
}
