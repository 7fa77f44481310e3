//! JavaScript's `in` asks an object for a key and throws on anything else:
//! `"key" in message` with `message` undefined, `"type" in items` with
//! `items` the JSON Schema boolean `true`, `"schema" in result` with a hook
//! that returned a string: "TypeError: Cannot use 'in' operator to search
//! for 'key' in true". TypeScript narrows unions with it and rejects a
//! primitive operand only where the types say so; data decoded from JSON
//! or handed over by a caller's hook says what it likes. A test that the
//! value is an object (`typeof`, `instanceof`, a helper asking the same)
//! or not null is the guard; a test of its truth lets a string or `true`
//! through, and so does the `else` of `Array.isArray` (a guard is read
//! without its branch, so that test counts for neither).

use super::*;

/// What tests that a value is an object, or at least not null.
const OBJECT_TESTS: &[&str] = &[
    "typeof",
    "instanceof",
    "isObject",
    "isPlainObject",
    "isRecord",
    "hasKey",
    "hasOwn",
    "!= null",
    "!== null",
    "== null",
    "=== null",
    "!== undefined",
    "=== undefined",
];

/// Right operands that are objects whatever the data.
const ALWAYS_OBJECTS: &[&str] = &[
    "this",
    "globalThis",
    "window",
    "self",
    "global",
    "process.env",
];

impl Scan<'_, '_, '_> {
    /// `"key" in value` where nothing says `value` is an object.
    pub(super) fn in_operator(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || node.kind() != "binary_expression"
            || node
                .child_by_field_name("operator")
                .is_none_or(|o| self.text(o) != "in")
        {
            return;
        }
        let (Some(key), Some(value)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let subject = self.text(value);
        let subject = subject.trim();
        let plain = subject
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'));
        if !plain
            || ALWAYS_OBJECTS.contains(&subject)
            || subject.starts_with("this.")
            || !matches!(key.kind(), "string" | "template_string")
        {
            return;
        }
        let (language, boundary, rope) = (self.cx.language, self.cx.node, self.cx.rope);
        let tests_object = |text: &str| {
            mentions(text, subject) && OBJECT_TESTS.iter().any(|test| text.contains(test))
        };
        if guarded_by(language, node, boundary, rope, &tests_object)
            || self.caught_here(node, TypeError)
        {
            return;
        }
        // A value tested for truth is no null; it may still be `true` or a
        // string.
        let truthy = guarded(language, node, boundary, rope, &[subject]);
        let key = self.text(key);
        let key = key.trim_matches(['"', '\'', '`']);
        let (class, shown, trigger) = if truthy {
            (
                TypeError,
                "true",
                "the value is a string, a number or `true` (a JSON Schema boolean, a hook's return), not an object",
            )
        } else {
            (
                NullOrNone,
                "undefined",
                "the value is undefined or null (a field the payload left out, a caller that passed nothing)",
            )
        };
        if let Some(found) = self.added(node, class, 0.07, trigger) {
            found.error_type = "TypeError".to_owned();
            found.error =
                format!("TypeError: Cannot use 'in' operator to search for '{key}' in {shown}");
        }
    }
}
