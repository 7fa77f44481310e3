//! Python 3 text and bytes joined with `+`: `chr(1).encode() + chr(n) +
//! user`, `b"\r\n" + name`, `"prefix" + data.encode()`. Python 3 refuses
//! to mix them (`TypeError: can't concat str to bytes`), every time the
//! line runs; the line survives only where no test reaches it, which is
//! where code ported from Python 2 keeps it (httplib2's SOCKS5
//! username/password packet). Only operands whose type the text itself
//! says are read: a string literal, `chr`/`str`/`repr`/`.decode()` for
//! text, a `b"…"` literal, `bytes(…)`/`bytearray(…)`/`.encode()` for bytes.

use super::*;

const TRIGGER: &str = "this line runs (a path no test reaches): Python 3 never adds text and bytes";

/// What the text of an operand says it is.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Bytes,
}

impl Scan<'_, '_, '_> {
    /// A `+` chain of Python text and bytes, reported once at its
    /// outermost `+`.
    pub(super) fn bytes_str_mix(&mut self, node: Node) {
        if self.cx.language != Language::Python
            || node.kind() != "binary_operator"
            || !is_plus(node)
            || node
                .parent()
                .is_some_and(|p| p.kind() == "binary_operator" && is_plus(p))
        {
            return;
        }
        let mut operands = Vec::new();
        flatten(node, &mut operands);
        let kinds: Vec<Kind> = operands
            .iter()
            .filter_map(|o| kind_of(*o, self.cx.rope))
            .collect();
        if !(kinds.contains(&Kind::Text) && kinds.contains(&Kind::Bytes)) {
            return;
        }
        let first = kinds[0];
        let summary = format!(
            "Possible type error: `{}` adds text and bytes",
            one_line(&self.text(node), 50)
        );
        let error = match first {
            Kind::Bytes => "TypeError: can't concat str to bytes",
            Kind::Text => "TypeError: can only concatenate str (not \"bytes\") to str",
        };
        if let Some(found) = self.add_precise(
            node,
            TypeError,
            0.5,
            ("py.bytes-str-concat", summary),
            TRIGGER,
        ) {
            found.error_type = "TypeError".to_owned();
            found.error = error.to_owned();
        }
    }
}

fn is_plus(node: Node) -> bool {
    node.child_by_field_name("operator")
        .is_some_and(|o| o.kind() == "+")
}

/// The operands of a `+` chain, left to right.
fn flatten<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut node = node;
    while node.kind() == "parenthesized_expression" && node.named_child_count() == 1 {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    if node.kind() == "binary_operator" && is_plus(node) {
        if let Some(left) = node.child_by_field_name("left") {
            flatten(left, out);
        }
        if let Some(right) = node.child_by_field_name("right") {
            flatten(right, out);
        }
    } else {
        out.push(node);
    }
}

fn kind_of(node: Node, rope: &Rope) -> Option<Kind> {
    match node.kind() {
        "string" => {
            let text = node_text(node, rope);
            let prefix: String = text
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect::<String>()
                .to_ascii_lowercase();
            Some(if prefix.contains('b') {
                Kind::Bytes
            } else {
                Kind::Text
            })
        }
        "concatenated_string" => node.named_child(0).and_then(|s| kind_of(s, rope)),
        "call" => {
            let function = node.child_by_field_name("function")?;
            let callee = node_text(function, rope);
            match callee.as_str() {
                "chr" | "str" | "repr" | "hex" | "oct" => Some(Kind::Text),
                "bytes" | "bytearray" => Some(Kind::Bytes),
                _ if function.kind() == "attribute" => {
                    let method = function.child_by_field_name("attribute")?;
                    match node_text(method, rope).as_str() {
                        "encode" => Some(Kind::Bytes),
                        "decode" => Some(Kind::Text),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        _ => None,
    }
}
