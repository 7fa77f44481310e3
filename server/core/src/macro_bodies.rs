//! Rust functions written inside `macro_rules!` bodies, made visible.
//!
//! tree-sitter parses a macro's body as a token tree, so the functions a
//! numeric crate stamps out for every integer type (`impl Integer for $T {
//! fn lcm(…) }`) have no function nodes and got no predictions at all.
//! [`shadow`] reparses the file with each such macro replaced by its
//! bodies: everything else of the definition turns to spaces and each
//! metavariable's `$` to `_`, byte for byte, so every offset and line of
//! the shadow is the real file's and what is found there is placed on the
//! real text. Bodies that are not items (`($e:expr) => { $e + 1 }`) stay
//! as they are.

use std::sync::Arc;

use ropey::Rope;
use tree_sitter::{InputEdit, Node, Point, Tree};

use crate::language::Language;

/// The first words an item can start with: a body opening with one of
/// them is code that parses on its own once the macro is taken away.
const ITEM_STARTS: &[&str] = &[
    "impl", "fn", "pub", "#", "unsafe", "const", "struct", "enum", "trait", "mod", "static",
    "type", "use", "///", "//", "async", "extern",
];

/// A file's shadow: its text with the item bodies laid bare, and that
/// text's tree. An analysis keeps it so that the next version's shadow is
/// parsed incrementally, as the document's own tree is: a full parse of a
/// large file would cost an edit more than everything else together.
#[derive(Clone)]
pub struct Shadow {
    text: Arc<str>,
    tree: Tree,
}

impl Shadow {
    pub fn tree(&self) -> &Tree {
        &self.tree
    }
}

/// The file's tree with the item bodies of its `macro_rules!` definitions
/// parsed as items, or `None` when it has no such body (the common case:
/// the caller keeps the tree it has). With `previous`, the shadow of an
/// earlier version of the file, only what changed is parsed again.
pub fn shadow(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    previous: Option<&Shadow>,
) -> Option<Shadow> {
    if language != Language::Rust {
        return None;
    }
    let mut definitions = Vec::new();
    collect_definitions(tree.root_node(), &mut definitions);
    if definitions.is_empty() {
        return None;
    }
    let text: Arc<str> = shadow_text(&definitions, &rope.to_string())?.into();
    let shadow_rope = Rope::from_str(&text);
    let tree = match previous {
        Some(previous) if previous.text == text => previous.tree.clone(),
        Some(previous) => {
            let mut old = previous.tree.clone();
            old.edit(&text_edit(previous.text.as_bytes(), text.as_bytes()));
            crate::syntax::parse_rope(language, &shadow_rope, Some(&old))?
        }
        None => crate::syntax::parse_rope(language, &shadow_rope, None)?,
    };
    Some(Shadow { text, tree })
}

/// Bytes before a change that are read again with it: the parser is shown
/// `format_(` for `format!(` ([`crate::syntax`]), a function of the bytes
/// just before and after the `!`, so an edit there changes what the parser
/// sees a few bytes before the first byte that changed.
const LOOKBEHIND: usize = 16;

/// The one edit that turns `old` into `new`: their common prefix and
/// suffix stay, what lies between was replaced.
fn text_edit(old: &[u8], new: &[u8]) -> InputEdit {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let start = prefix.saturating_sub(LOOKBEHIND);
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position: point(old, start),
        old_end_position: point(old, old_end),
        new_end_position: point(new, new_end),
    }
}

/// The row and byte column of `offset` in `text`.
fn point(text: &[u8], offset: usize) -> Point {
    let before = &text[..offset];
    let row = memchr::memchr_iter(b'\n', before).count();
    let column = offset - memchr::memrchr(b'\n', before).map_or(0, |at| at + 1);
    Point { row, column }
}

/// The tree analysis reads: `tree` itself, or its shadow when a macro has
/// item bodies (for callers that parse a file again to look closer, as the
/// code actions and the benchmark's candidate pool do).
pub fn with_macro_bodies(language: Language, tree: Tree, rope: &Rope) -> Tree {
    shadow(language, &tree, rope, None).map_or(tree, |shadow| shadow.tree)
}

/// The shadow text itself (see the module doc), `None` when no macro has
/// an item body.
fn shadow_text(definitions: &[Node], text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let mut changed = false;
    for &definition in definitions {
        let bodies: Vec<Node> = rule_bodies(definition)
            .filter(|body| opens_an_item(&text[body.start_byte() + 1..body.end_byte() - 1]))
            .collect();
        if bodies.is_empty() {
            continue;
        }
        changed = true;
        for byte in &mut bytes[definition.byte_range()] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
        for body in bodies {
            // Inside the braces, `$T` becomes `_T` and `$crate` `_crate`.
            let inner = body.start_byte() + 1..body.end_byte() - 1;
            for (at, byte) in text.as_bytes()[inner.clone()].iter().enumerate() {
                bytes[inner.start + at] = if *byte == b'$' { b'_' } else { *byte };
            }
        }
    }
    // Only ASCII was written over whole spans and single ASCII bytes, so
    // the text stays UTF-8.
    changed.then(|| String::from_utf8(bytes).ok()).flatten()
}

/// The `macro_rules!` definitions among the file's items and its modules'
/// (those in a function body are rare and left alone): a walk over items,
/// not every node, since it runs on every edit of a Rust file.
fn collect_definitions<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        match child.kind() {
            "macro_definition" => out.push(child),
            "mod_item" => {
                if let Some(body) = child.child_by_field_name("body") {
                    collect_definitions(body, out);
                }
            }
            _ => {}
        }
    }
}

/// The right-hand token trees of a definition's rules (`{ … }` of `($T:ty)
/// => { … }`), with their delimiters.
fn rule_bodies<'t>(definition: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = definition.walk();
    let rules: Vec<Node<'t>> = definition
        .named_children(&mut cursor)
        .filter(|rule| rule.kind() == "macro_rule")
        .collect();
    rules
        .into_iter()
        .filter_map(|rule| rule.child_by_field_name("right"))
        .filter(|body| body.end_byte() >= body.start_byte() + 2)
}

/// Whether a body's text opens with an item (`impl`, `fn`, an attribute…).
fn opens_an_item(inner: &str) -> bool {
    let first = inner.trim_start();
    ITEM_STARTS.iter().any(|start| {
        first.starts_with(start)
            && (start.starts_with(['#', '/'])
                || !first[start.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMERIC: &str = "macro_rules! impl_integer {\n    ($T:ty) => {\n        impl Integer for $T {\n            fn is_multiple_of(&self, other: &Self) -> bool {\n                *self % *other == 0\n            }\n        }\n    };\n}\n\nmacro_rules! plus_one {\n    ($e:expr) => { $e + 1 };\n}\n\nimpl_integer!(u8);\n";

    #[test]
    fn item_bodies_are_laid_bare_in_place() {
        let tree = crate::syntax::parse_str(Language::Rust, NUMERIC).expect("parses");
        let mut definitions = Vec::new();
        collect_definitions(tree.root_node(), &mut definitions);
        assert_eq!(definitions.len(), 2);
        let shadow = shadow_text(&definitions, NUMERIC).expect("has an item body");
        assert_eq!(shadow.len(), NUMERIC.len());
        assert_eq!(shadow.lines().count(), NUMERIC.lines().count());
        let lines: Vec<&str> = shadow.lines().collect();
        assert_eq!(lines[0].trim(), "");
        assert_eq!(lines[2].trim(), "impl Integer for _T {");
        assert_eq!(lines[4].trim(), "*self % *other == 0");
        // An expression body is no item: that macro stays as written.
        assert_eq!(lines[11], "    ($e:expr) => { $e + 1 };");
        let tree = crate::syntax::parse_str(Language::Rust, &shadow).expect("parses");
        let mut functions = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.kind() == "function_item" {
                functions.push(node.start_position().row);
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        assert_eq!(functions, vec![3]);
    }

    #[test]
    fn a_file_without_item_macros_keeps_its_tree() {
        let text = "macro_rules! twice {\n    ($e:expr) => { $e * 2 };\n}\nfn f() {}\n";
        let tree = crate::syntax::parse_str(Language::Rust, text).expect("parses");
        let rope = Rope::from_str(text);
        assert!(shadow(Language::Rust, &tree, &rope, None).is_none());
        assert!(shadow(Language::Python, &tree, &rope, None).is_none());
    }

    /// Each version's shadow, reparsed from the one before, is the tree a
    /// fresh parse of its shadow text gives: edits inside a body, around
    /// it, one that turns a call into a formatting macro, one that takes
    /// the last item body away and one that brings it back.
    #[test]
    fn an_incremental_shadow_is_the_fresh_one() {
        let versions = [
            NUMERIC.to_owned(),
            NUMERIC.replace(
                "*self % *other == 0",
                "*self % *other == 0 || other.len() > 2",
            ),
            NUMERIC.replace(
                "impl_integer!(u8);",
                "impl_integer!(u8);\nfn f(v: &[u8]) -> u8 { v[0] }",
            ),
            NUMERIC.replace("*self % *other == 0", "write!(f, \"{}\", *self / *other)"),
            NUMERIC.replace("*self % *other == 0", "write(f, \"{}\", *self / *other)"),
            NUMERIC
                .replace("impl Integer for $T {", "let x = {")
                .replace("fn is_multiple_of", "let g = |"),
            NUMERIC.replace("é", "e") + "// é\n",
            NUMERIC.to_owned(),
        ];
        let mut previous: Option<Shadow> = None;
        for (n, text) in versions.iter().enumerate() {
            let rope = Rope::from_str(text);
            let tree = crate::syntax::parse_str(Language::Rust, text).expect("parses");
            let fresh = shadow(Language::Rust, &tree, &rope, None);
            let again = shadow(Language::Rust, &tree, &rope, previous.as_ref());
            assert_eq!(
                fresh.as_ref().map(|s| s.tree.root_node().to_sexp()),
                again.as_ref().map(|s| s.tree.root_node().to_sexp()),
                "version {n}"
            );
            previous = again.or(previous);
        }
    }
}
