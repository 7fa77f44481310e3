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
