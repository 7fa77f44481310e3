//! A Python exception indexed like a tuple: `except socket.error as err:
//! if err[0] not in (…)`. Python 2's exceptions were sequences; Python 3's
//! are not, so the handler itself raises "TypeError: 'OSError' object is
//! not subscriptable" and the error it meant to sort out is lost with it.
//! `err.errno` or `err.args[0]` is the fix.

use super::*;

const TRIGGER: &str = "the handler runs: a Python 3 exception is no sequence, so indexing it raises inside the handler";

impl Scan<'_, '_, '_> {
    /// A subscript of the name an enclosing `except … as name` binds, and
    /// whether it was one: such a subscript fails on its type, never on
    /// its position, so it is no index candidate.
    pub(super) fn exception_subscript(&mut self, node: Node) -> bool {
        if self.cx.language != Language::Python || node.kind() != "subscript" {
            return false;
        }
        let Some(value) = node.child_by_field_name("value") else {
            return false;
        };
        if value.kind() != "identifier" {
            return false;
        }
        let name = self.text(value);
        let mut ancestor = node.parent();
        while let Some(parent) = ancestor {
            if parent.id() == self.cx.node.id() {
                return false;
            }
            if parent.kind() == "except_clause" {
                // The clause's head, up to its colon: `except E as err:`.
                let head = self.text(parent);
                let head = head.split(':').next().unwrap_or_default();
                if head.trim_end().ends_with(&format!(" as {name}")) {
                    self.add(node, TypeError, 0.15, TRIGGER);
                    return true;
                }
                return false;
            }
            ancestor = parent.parent();
        }
        false
    }
}
