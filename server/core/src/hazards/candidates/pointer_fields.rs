//! Go: a field of pointer type read through an explicit dereference,
//! `*flags.WebSystemdSocket`, `*deploy.Spec.Replicas`. Optional fields of
//! configuration and API structs are pointers precisely so that "not set"
//! can be told from a zero value (Kubernetes' `*int32` replicas, a flag
//! library's `*bool`, proto2's optionals): a struct built by hand, or
//! decoded from input that omits the field, leaves it nil, and the
//! dereference panics with `invalid memory address or nil pointer
//! dereference` (prometheus/exporter-toolkit's `ListenAndServe` for every
//! exporter that filled its flags itself). A nil check of the field, or
//! an assignment to it earlier in the function, is the guard.

use super::*;

const TRIGGER: &str = "the optional field was left nil: the struct was built by hand or decoded from input that omits it";

impl Scan<'_, '_, '_> {
    pub(super) fn pointer_field_dereferenced(&mut self, node: Node) {
        if self.cx.language != Language::Go
            || node.kind() != "unary_expression"
            || node
                .child_by_field_name("operator")
                .is_none_or(|o| self.text(o) != "*")
        {
            return;
        }
        let Some(operand) = node.child_by_field_name("operand") else {
            return;
        };
        let operand = if operand.kind() == "parenthesized_expression" {
            match operand.named_child(0) {
                Some(inner) => inner,
                None => return,
            }
        } else {
            operand
        };
        if operand.kind() != "selector_expression" {
            return;
        }
        let field = self.text(operand);
        let field = field.trim();
        let root = field.split('.').next().unwrap_or_default().trim();
        // `*pkg.Default` reads a package's variable, set once at start.
        if root.is_empty() || self.imported(root) {
            return;
        }
        if guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[field])
            || self.set_earlier(node, field)
        {
            return;
        }
        // A field of what the caller handed in is the caller's to fill.
        let likelihood = if self.parameters.iter().any(|p| p == root) || self.is_own(root) {
            0.10
        } else {
            0.06
        };
        self.add(node, NullOrNone, likelihood, TRIGGER);
    }

    /// Whether the function assigns `field` before `node` (`cfg.Timeout =
    /// &d`), so that it is not nil here.
    fn set_earlier(&self, node: Node, field: &str) -> bool {
        self.before(node)
            .lines()
            .any(|line| absent::assignment(line).is_some_and(|(left, _)| left.trim() == field))
    }

    /// Whether `name` is a package the file imports (`time`, `http`).
    fn imported(&self, name: &str) -> bool {
        let text = self.cx.file_text();
        text.contains(&format!("\"{name}\"")) || text.contains(&format!("/{name}\""))
    }
}
