//! A lookup's result destructured where it may have found nothing: `let
//! [, major, minor] = ua.match(/OS (\d+)_(\d+)/)` throws "object null is not
//! iterable" when the text does not match (exifr crashed on `require` in a
//! web view whose user agent named an iPad but no OS version); `const { id }
//! = cache.get(key)` throws "Cannot destructure property 'id' of … as it is
//! undefined". TypeScript's strict null checks reject both; JavaScript finds
//! out in production.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn destructured_lookup(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return;
        }
        let (pattern, value) = match node.kind() {
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "assignment_expression" => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            _ => return,
        };
        let (Some(pattern), Some(mut value)) = (pattern, value) else {
            return;
        };
        let array = match pattern.kind() {
            "array_pattern" => true,
            "object_pattern" => false,
            _ => return,
        };
        while matches!(
            value.kind(),
            "await_expression" | "parenthesized_expression"
        ) {
            let Some(inner) = value.named_child(0) else {
                return;
            };
            value = inner;
        }
        let Some(callee) = value
            .child_by_field_name("function")
            .filter(|_| value.kind() == "call_expression")
            .map(|f| self.text(f))
        else {
            return;
        };
        // The call itself is the lookup (`s.match(re)`), not one whose
        // argument looks something up (`parse(m.get(k))`).
        let called = format!("{callee}(");
        if !lookups().any(|lookup| called.ends_with(lookup)) {
            return;
        }
        let subject = self.text(value);
        if !self.null_unguarded(value, &subject) {
            return;
        }
        let error = if array {
            "TypeError: object null is not iterable (cannot read property Symbol(Symbol.iterator))"
                .to_owned()
        } else {
            let first = pattern
                .named_child(0)
                .map(|p| self.text(p))
                .unwrap_or_default();
            let property = first.split([':', '=']).next().unwrap_or_default().trim();
            format!(
                "TypeError: Cannot destructure property '{property}' of '{}' as it is undefined.",
                one_line(&subject, 40)
            )
        };
        // The whole declaration is the subject: the value that fails is the
        // lookup's result, not the receiver it was called on.
        if let Some(hazard) = self.added(
            node,
            NullOrNone,
            0.12,
            "the lookup finds nothing (the text does not match, the key is absent), and its null is destructured",
        ) {
            hazard.error_type = "TypeError".to_owned();
            hazard.error = error;
        }
    }
}
