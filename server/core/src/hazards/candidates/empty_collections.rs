//! Calls that fail on an empty collection with no position or key in
//! sight: JavaScript's `reduce` with no initial value ("Reduce of empty
//! array with no initial value"), Python's `functools.reduce` likewise
//! ("reduce() of empty iterable with no initial value"), Python's
//! `list.pop()` ("pop from empty list"), Java's `Optional.get()` after a search and the first or last
//! element of a queue or sorted map (`NoSuchElementException`). Searches
//! find nothing and lists come empty from filters and from other systems;
//! nothing in the call says so. A check of the collection in front of it
//! (`if (items.length)`, `if stack:`), an initial value, or a handler of
//! the error is the guard.

use super::*;

/// Java methods that throw `NoSuchElementException` on an empty receiver.
const JAVA_FIRST_OR_LAST: &[&str] = &[
    "getFirst",
    "getLast",
    "firstKey",
    "lastKey",
    "firstElement",
    "lastElement",
    "element",
    "orElseThrow",
];

impl Scan<'_, '_, '_> {
    pub(super) fn empty_collection(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        let args = args.trim();
        let inner = args
            .strip_prefix('(')
            .and_then(|a| a.strip_suffix(')'))
            .unwrap_or(args)
            .trim();
        if self.cx.language == Language::Python && matches!(callee, "reduce" | "functools.reduce") {
            self.python_reduce(node);
            return;
        }
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return;
        };
        let receiver = receiver.trim();
        let (class, likelihood, trigger): (FailureClass, f32, &str) = match self.cx.language {
            Language::JavaScript | Language::TypeScript | Language::Tsx
                if last == "reduce" && !inner.is_empty() && top_level_commas(inner) == 0 =>
            {
                (
                    TypeError,
                    0.06,
                    "the array is empty and reduce has no initial value, so it throws",
                )
            }
            Language::Python if last == "pop" && inner.is_empty() => {
                (IndexOutOfRange, 0.05, "the list is empty when it is popped")
            }
            Language::Java
                if JAVA_FIRST_OR_LAST.contains(&last)
                    || (last == "get"
                        && inner.is_empty()
                        && ["find", "first", "max", "min", "reduce", "Optional", "any"]
                            .iter()
                            .any(|w| receiver.contains(w))) =>
            {
                (
                    KeyMissing,
                    0.05,
                    "the search or the collection found nothing, and getting its element throws NoSuchElementException",
                )
            }
            _ => return,
        };
        let root = receiver
            .split(['.', '(', '['])
            .next()
            .unwrap_or_default()
            .trim();
        // A filter empties what a check of its source found full:
        // `if (devices.length < 1) return` says nothing of
        // `devices.filter(…)`.
        let filtered = receiver.contains(".filter(");
        if guarded(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &[receiver],
        ) || (root.len() > 1
            && !filtered
            && !matches!(root, "self" | "this")
            && guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[root]))
            || self.caught_here(node, class)
        {
            return;
        }
        let likelihood = if filtered {
            likelihood + 0.02
        } else {
            likelihood
        };
        // A chain spans lines; the stack trace names the line of the call
        // that throws (`.reduce(…)`), not the line the chain starts on.
        let at = node
            .child_by_field_name("function")
            .and_then(|f| f.child_by_field_name("property"))
            .unwrap_or(node);
        self.add(at, class, likelihood, trigger);
    }

    /// `reduce(f, items)` with no initial value: a TypeError when
    /// `items` is empty. A literal list or tuple of items is not.
    fn python_reduce(&mut self, node: Node) {
        // Parsed, not split at commas: a lambda's parameters have them.
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        let given: Vec<Node> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind() != "comment")
            .collect();
        let [_, items] = given[..] else {
            return;
        };
        if items.kind() == "keyword_argument" {
            return;
        }
        let items = self.text(items);
        let items = items.trim();
        let literal = (items.starts_with('[') || items.starts_with('('))
            && !items.contains(" for ")
            && items.len() > 2;
        // What a check would name: the collection a comprehension walks,
        // or the collection itself.
        let walked = items
            .rsplit_once(" in ")
            .map(|(_, source)| {
                source
                    .split(" if ")
                    .next()
                    .unwrap_or(source)
                    .trim()
                    .trim_end_matches([')', ']'])
                    .trim()
            })
            .unwrap_or(items);
        let filtered = items.contains(" for ") && items.contains(" if ");
        if literal
            || guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[items, walked],
            ) && !filtered
            || self.caught_here(node, TypeError)
        {
            return;
        }
        if let Some(found) = self.added(
            node,
            TypeError,
            0.06,
            "the sequence is empty (no children, a filter that kept nothing), and reduce has no initial value to return",
        ) {
            found.error_type = "TypeError".to_owned();
            found.error = "TypeError: reduce() of empty iterable with no initial value".to_owned();
        }
    }
}

/// Commas outside brackets and parentheses: the number of arguments less one.
fn top_level_commas(args: &str) -> usize {
    let mut depth = 0i32;
    let mut commas = 0;
    for c in args.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    commas
}
