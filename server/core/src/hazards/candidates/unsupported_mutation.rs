//! A Java list that cannot change, changed: `Arrays.asList(…)`,
//! `List.of(…)`, `Collections.emptyList()` and the `unmodifiable…` views
//! throw `UnsupportedOperationException` on `add`, `remove` or `clear`
//! (`Arrays.asList` has a fixed size: `set` works, `add` does not). The
//! list usually travels before it is changed: built in one method, grown
//! in another that was handed a mutable one until then. Copying it into
//! an `ArrayList` is the fix and the guard.

use super::*;

/// Factories of lists and collections that cannot grow.
const FIXED: &[&str] = &[
    "Arrays.asList(",
    "List.of(",
    "Set.of(",
    "Map.of(",
    "Collections.emptyList(",
    "Collections.emptySet(",
    "Collections.emptyMap(",
    "Collections.singletonList(",
    "Collections.singleton(",
    "Collections.unmodifiable",
    ".toList()",
];

impl Scan<'_, '_, '_> {
    pub(super) fn unsupported_mutation(&mut self, node: Node, callee: &str, last: &str) {
        if self.cx.language != Language::Java
            || !matches!(
                last,
                "add" | "addAll" | "remove" | "removeIf" | "clear" | "put" | "putAll" | "sort"
            )
        {
            return;
        }
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return;
        };
        let receiver = receiver.trim();
        let fixed_here = FIXED.iter().any(|f| receiver.contains(f));
        let assigned_fixed = !receiver.contains(['(', '.'])
            && self.body.lines().any(|line| {
                super::absent::assignment(line.trim()).is_some_and(|(left, right)| {
                    // `new ArrayList<>(Arrays.asList(…))` is a mutable copy.
                    super::absent::assigned_name(left) == receiver
                        && !right.trim().starts_with("new ")
                        && FIXED.iter().any(|f| right.contains(f))
                })
            });
        if !fixed_here && !assigned_fixed {
            return;
        }
        self.add(
            node,
            TypeError,
            0.08,
            "the list was made by a factory that returns a fixed-size or unmodifiable list, so changing it throws UnsupportedOperationException",
        );
    }

    /// JavaScript's `Object.keys(x)` and kin on a value that may be null or
    /// undefined: "Cannot convert undefined or null to object".
    pub(super) fn object_of_nothing(&mut self, node: Node, callee: &str, args: &str) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || !matches!(
            callee,
            "Object.keys" | "Object.values" | "Object.entries" | "Object.assign"
        ) {
            return;
        }
        let first = first_argument(args);
        if first.is_empty()
            || first.starts_with(['{', '['])
            || first.contains("||")
            || first.contains("??")
            || !self.outside(first)
            || guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[first])
            || self.caught_here(node, NullOrNone)
        {
            return;
        }
        self.add(node, NullOrNone, 0.04, trigger(NullOrNone));
    }
}
