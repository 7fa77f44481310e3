//! The result of a function of the file that returns nothing on one of its
//! paths, unpacked where it is called: `(dist, ep) = _find_ep_in_dist(…)`
//! when `_find_ep_in_dist` ends in `return None` for a distribution with no
//! entry point (plaster): "TypeError: cannot unpack non-iterable NoneType
//! object". JavaScript's `const [a, b] = f()` and `const { a } = f()` fail
//! the same way on `undefined`. The unpacking is the dereference, on the
//! call's own line, so nothing between can check it; a handler of the
//! error is the guard.

use super::*;

/// As likely as the dereference of such a result ([`call_result`]).
const UNPACKED: f32 = 0.08;

impl Scan<'_, '_, '_> {
    pub(super) fn unpacked_nothing(&mut self, node: Node) {
        let (pattern, value) = match (self.cx.language, node.kind()) {
            (Language::Python, "assignment") => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            (
                Language::JavaScript | Language::TypeScript | Language::Tsx,
                "variable_declarator",
            ) => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            _ => return,
        };
        let (Some(pattern), Some(mut value)) = (pattern, value) else {
            return;
        };
        if !matches!(
            pattern.kind(),
            "pattern_list" | "tuple_pattern" | "list_pattern" | "array_pattern" | "object_pattern"
        ) {
            return;
        }
        if matches!(value.kind(), "await" | "await_expression")
            && let Some(inner) = value.named_child(0)
        {
            value = inner;
        }
        if !matches!(value.kind(), "call" | "call_expression") {
            return;
        }
        let Some(callee) = value.child_by_field_name("function") else {
            return;
        };
        let callee = self.text(callee);
        let last = callee.rsplit('.').next().unwrap_or(&callee);
        if !self.own_null_returner(&callee, last)
            || self.caught_here(node, NullOrNone)
            || self.caught_here(node, TypeError)
        {
            return;
        }
        let said = format!(
            "`{last}` returns nothing on one of its paths, and its result is unpacked as if it always returns a value"
        );
        self.add(value, NullOrNone, UNPACKED, &said);
    }
}
