//! A Go panic (or `log.Fatal`) on an error: `if err := decodePeers(buf);
//! err != nil { panic(err) }` ends the process the first time the input is
//! malformed or the peer is gone, and the failure is the error's, not an
//! assertion's. The panic takes the class of the call the error came
//! from: decoding and parsing fail on malformed input, dialling and
//! requests on the network. Returning the error is the fix, and leaves no
//! panic to flag.

use super::*;

/// Words of a callee's name that say how its error arises.
const SOURCES: &[(&str, FailureClass)] = &[
    ("decode", ParseError),
    ("parse", ParseError),
    ("unmarshal", ParseError),
    ("deserialize", ParseError),
    ("unpack", ParseError),
    ("atoi", ParseError),
    ("dial", NetworkError),
    ("connect", NetworkError),
    ("listen", NetworkError),
    ("lookup", NetworkError),
    ("request", NetworkError),
];

/// Calls that end the process on what they are given.
const ENDS: &[&str] = &[
    "panic",
    "log.Fatal",
    "log.Fatalf",
    "log.Fatalln",
    "log.Panic",
    "log.Panicf",
];

impl Scan<'_, '_, '_> {
    pub(super) fn panic_on_error(&mut self, node: Node, callee: &str) {
        if self.cx.language != Language::Go || !ENDS.contains(&callee) {
            return;
        }
        let Some(test) = self.error_test(node) else {
            return;
        };
        let source = test
            .child_by_field_name("initializer")
            .or_else(|| test.prev_named_sibling())
            .map(|s| self.text(s))
            .unwrap_or_default();
        if !source.contains("err") {
            return;
        }
        let Some(class) = first_callee(&source).and_then(|name| {
            let words = identifier_words(name);
            SOURCES
                .iter()
                .find(|(w, _)| words.iter().any(|word| word == w))
                .map(|(_, class)| *class)
        }) else {
            return;
        };
        self.add(
            node,
            class,
            0.11,
            "the call before it fails (malformed input, a peer that is gone) and the error ends the process instead of going back to the caller",
        );
    }

    /// The `if err != nil` whose block holds `node` directly, if any.
    fn error_test<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let mut current = node;
        while let Some(parent) = current.parent() {
            if parent.id() == self.cx.node.id() {
                return None;
            }
            if parent.kind() == "if_statement" {
                let condition = parent.child_by_field_name("condition")?;
                let condition = self.text(condition);
                return (condition.contains("err") && condition.contains("!= nil"))
                    .then_some(parent);
            }
            if matches!(parent.kind(), "func_literal" | "for_statement") {
                return None;
            }
            current = parent;
        }
        None
    }
}

/// The last segment of the first call's callee in a statement's text
/// (`decodeMsgPack` in `err := decodeMsgPack(buf, &out)`).
fn first_callee(statement: &str) -> Option<&str> {
    let open = statement.find('(')?;
    let name = super::trailing(&statement[..open], |c| c.is_alphanumeric() || c == '_');
    (!name.is_empty()).then_some(name)
}
