//! JavaScript's `var` belongs to the whole function, whatever block it is
//! written in: declared inside an `if` (or a `try`) and read after it, the
//! name exists but holds `undefined` whenever that block did not run.
//! superagent's `_appendQueryString` declared `var queryArr` inside `if
//! (~index)` and joined it after: a URL with no query string threw
//! `Cannot read properties of undefined (reading 'join')`. ESLint's
//! `block-scoped-var` names the habit; moving the read into the block,
//! or declaring the name before it with a value, is the fix.

use super::*;
use crate::hazards::tree::descendants;

const TRIGGER: &str =
    "the block that sets it did not run for this input, and `var` left the name undefined";

/// Node kinds that open a function of their own.
const FUNCTIONS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
];

impl Scan<'_, '_, '_> {
    pub(super) fn var_read_outside_its_block(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || node.kind() != "member_expression"
        {
            return;
        }
        let Some(object) = bare_object(node) else {
            return;
        };
        let name = self.text(object);
        if !self.body.contains(&format!("var {name}"))
            || self.parameters.contains(&name)
            || !self.in_own_scope(node)
        {
            return;
        }
        let mut sets = 0;
        for found in descendants(self.cx.node) {
            let declares = found.kind() == "variable_declarator"
                && found
                    .parent()
                    .is_some_and(|p| p.kind() == "variable_declaration")
                && found
                    .child_by_field_name("name")
                    .is_some_and(|n| self.text(n) == name);
            let assigns = found.kind() == "assignment_expression"
                && found
                    .child_by_field_name("left")
                    .is_some_and(|l| self.text(l) == name);
            if !(declares || assigns) || !self.in_own_scope(found) {
                continue;
            }
            // Set where the read is, or on a path that always reaches it:
            // the function's own level, both branches of an `if`, a `try`
            // whose handler leaves the function.
            match self.inner_block(found) {
                Some(block)
                    if !block.byte_range().contains(&node.start_byte()) && may_not_run(block) =>
                {
                    sets += 1
                }
                _ => return,
            }
        }
        if sets == 0 || guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[&name]) {
            return;
        }
        self.add(node, NullOrNone, 0.10, TRIGGER);
    }

    /// Whether `node` belongs to the function itself, not to a function
    /// nested in it (a callback whose parameter may share the name).
    fn in_own_scope(&self, node: Node) -> bool {
        let mut ancestor = node.parent();
        while let Some(parent) = ancestor {
            if parent.id() == self.cx.node.id() {
                return true;
            }
            if FUNCTIONS.contains(&parent.kind()) {
                return false;
            }
            ancestor = parent.parent();
        }
        false
    }

    /// The innermost block around `node` that is not the function's own
    /// body (an `if`'s, a `try`'s, a loop's), if any.
    fn inner_block<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let mut ancestor = node.parent();
        while let Some(parent) = ancestor {
            if parent.id() == self.cx.node.id() {
                return None;
            }
            if parent.kind() == "statement_block"
                && parent.parent().is_some_and(|p| p.id() != self.cx.node.id())
            {
                return Some(parent);
            }
            ancestor = parent.parent();
        }
        None
    }
}

/// Whether a block may be skipped on the way past it: the body of an
/// `if` with no `else`, of a loop (which may run no turn), or of a `try`
/// whose handler carries on after a throw. An `else` branch pairs with a
/// branch that sets the name too, and a handler that returns or throws
/// leaves no path past the `try` without it.
fn may_not_run(block: Node) -> bool {
    let Some(parent) = block.parent() else {
        return false;
    };
    match parent.kind() {
        "if_statement" => parent.child_by_field_name("alternative").is_none(),
        "for_statement" | "for_in_statement" | "while_statement" => true,
        "try_statement" => parent
            .child_by_field_name("handler")
            .and_then(|h| h.child_by_field_name("body"))
            .is_some_and(|body| {
                let mut cursor = body.walk();
                !body
                    .named_children(&mut cursor)
                    .filter(|c| !c.kind().contains("comment"))
                    .last()
                    .is_some_and(|last| {
                        matches!(last.kind(), "return_statement" | "throw_statement")
                    })
            }),
        _ => false,
    }
}
