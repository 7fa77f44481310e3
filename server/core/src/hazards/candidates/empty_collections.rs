//! Calls that fail on an empty collection with no position or key in
//! sight: JavaScript's `reduce` with no initial value ("Reduce of empty
//! array with no initial value"), Python's `list.pop()` ("pop from empty
//! list"), Java's `Optional.get()` after a search and the first or last
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
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return;
        };
        let receiver = receiver.trim();
        let args = args.trim();
        let inner = args
            .strip_prefix('(')
            .and_then(|a| a.strip_suffix(')'))
            .unwrap_or(args)
            .trim();
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
        if guarded(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &[receiver],
        ) || (root.len() > 1
            && !matches!(root, "self" | "this")
            && guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[root]))
            || self.caught_here(node, class)
        {
            return;
        }
        self.add(node, class, likelihood, trigger);
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
