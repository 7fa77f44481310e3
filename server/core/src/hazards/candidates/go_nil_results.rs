//! Go calls the standard library documents to answer nil for input they
//! cannot use, and that return no error to say so: `pem.Decode` ("If no
//! PEM data is found, p is nil"), `clearsign.Decode` ("If no message is
//! found, b is nil"), `flag.Lookup`, a `list.List`'s `Front()` and
//! `Back()` when it is empty, `runtime.FuncForPC`. The result is then read
//! (`block.Bytes`) or handed on (`x509.IsEncryptedPEMBlock(block)`) and the
//! program panics with a nil pointer dereference: git-lfs on a client key
//! that was not PEM, pault.ag/go/debian on a signature with bad armour. A
//! check of the result against nil is the guard.

use super::*;

/// Calls answering nil, by the text they are written with.
const NIL_ON_BAD_INPUT: &[&str] = &[
    "pem.Decode(",
    "clearsign.Decode(",
    "flag.Lookup(",
    "runtime.FuncForPC(",
    ".Front()",
    ".Back()",
];

impl Scan<'_, '_, '_> {
    /// A read of a field of `x`, or `x` passed to a call, where `x` last
    /// took the result of a [`NIL_ON_BAD_INPUT`] call and nothing checked it.
    pub(super) fn go_nil_result_used<'t>(&mut self, node: Node<'t>) {
        if self.cx.language != Language::Go {
            return;
        }
        let nil_local = |s: Node<'t>| {
            (s.kind() == "identifier")
                .then(|| self.nil_result(&s))
                .flatten()
                .map(|call| (s, call))
        };
        let found = match node.kind() {
            "selector_expression" => node.child_by_field_name("operand").and_then(nil_local),
            "argument_list" => (0..node.named_child_count() as u32)
                .filter_map(|i| node.named_child(i))
                .find_map(nil_local),
            _ => None,
        };
        let Some((subject, call)) = found else {
            return;
        };
        let name = self.text(subject);
        if guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[&name]) {
            return;
        }
        let anchor = if node.kind() == "argument_list" {
            node.parent().unwrap_or(node)
        } else {
            node
        };
        let trigger = format!(
            "the input is not what `{}` expects, and it answers nil without an error",
            call.trim_end_matches('(')
        );
        self.add(anchor, NullOrNone, 0.12, &trigger);
    }

    /// The [`NIL_ON_BAD_INPUT`] call the local `subject` last took its
    /// value from before its use (`block, _ := pem.Decode(key)`).
    fn nil_result(&self, subject: &Node) -> Option<&'static str> {
        let right = absent::last_assigned(self.before(*subject), &self.text(*subject))?;
        NIL_ON_BAD_INPUT
            .iter()
            .copied()
            .find(|call| right.contains(call))
    }
}
