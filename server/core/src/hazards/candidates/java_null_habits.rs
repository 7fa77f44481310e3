//! Two ways Java code dereferences null without writing a dot on it:
//! `status.equals("done")` on a value that may be null (the fix is the
//! habit `"done".equals(status)`), and a boxed value unboxed into a
//! primitive (`int count = counts.get(key);`), which throws when the map
//! has no such key. A check of the value, or the literal first, is the
//! guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn java_null_habits(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        if self.cx.language != Language::Java {
            return;
        }
        // `x.equals("literal")`: the receiver is not a literal.
        if matches!(last, "equals" | "equalsIgnoreCase" | "compareTo")
            && args.trim_start_matches('(').trim_start().starts_with('"')
            && let Some((receiver, _)) = callee.rsplit_once('.')
        {
            let receiver = receiver.trim();
            if !receiver.starts_with('"')
                && !matches!(receiver, "this" | "super")
                && self.null_unguarded(node, receiver)
            {
                self.add(node, NullOrNone, 0.05, trigger(NullOrNone));
            }
        }
        // `found.get()` on an empty `Optional` (a parameter or local
        // declared one, or a stream's `findFirst()`, `max(…)`): the
        // NoSuchElementException `orElse`, `isPresent` or `ifPresent` avoid.
        if matches!(last, "get" | "orElseThrow")
            && arguments(args).trim().is_empty()
            && let Some((receiver, _)) = callee.rsplit_once('.')
        {
            let receiver = receiver.trim();
            if self.optional_receiver(callee)
                && !self.body.contains(&format!("{receiver}.isPresent()"))
                && !self.body.contains(&format!("{receiver}.isEmpty()"))
                && !self.caught_here(node, NullOrNone)
            {
                self.add(node, NullOrNone, 0.10, trigger(NullOrNone));
            }
        }
        // `int n = map.get(k);`: unboxed on assignment.
        if last == "get" {
            let statement = crate::hazards::guards::statement_of(self.cx.language, node);
            let text = self.text(statement);
            let text = text.trim();
            let primitive = [
                "int ", "long ", "double ", "boolean ", "float ", "short ", "char ", "byte ",
            ]
            .iter()
            .any(|t| text.starts_with(t) || text.starts_with(&format!("final {t}")));
            if primitive
                && text.contains('=')
                && !text.contains("getOrDefault")
                && !text.contains(" ? ")
                && !self.caught_here(node, NullOrNone)
            {
                self.add(
                    node,
                    NullOrNone,
                    0.07,
                    "the map has no such key, so get returns null, and unboxing it into a primitive throws",
                );
            }
        }
    }
}

impl Scan<'_, '_, '_> {
    /// Java: whether the receiver of `callee` is an `Optional`: declared
    /// one, or a stream's `findFirst()`, `findAny()`, `max(…)`, `min(…)` or
    /// `reduce(…)`.
    pub(super) fn optional_receiver(&self, callee: &str) -> bool {
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return false;
        };
        let receiver = receiver.trim();
        self.cx.language == Language::Java
            && ([".findFirst()", ".findAny()", ".max(", ".min(", ".reduce("]
                .iter()
                .any(|w| receiver.contains(w))
                || self.declared_optional(receiver))
    }

    /// Whether `name` is declared an `Optional` in the function
    /// (`Optional<String> found`, a parameter or a local).
    fn declared_optional(&self, name: &str) -> bool {
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        self.body.match_indices("Optional<").any(|(at, _)| {
            let rest = &self.body[at..];
            // Past the type's closing `>`, nested ones included.
            let mut depth = 0;
            let Some(end) = rest.char_indices().find_map(|(i, c)| {
                match c {
                    '<' => depth += 1,
                    '>' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                None
            }) else {
                return false;
            };
            let declared = rest[end..].trim_start();
            declared.starts_with(name)
                && !declared[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        })
    }
}
