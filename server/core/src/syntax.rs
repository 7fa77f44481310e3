//! Incremental tree-sitter parsing of a rope.
//!
//! Edits are recorded as `InputEdit`s as they are applied to the text; the
//! tree is brought up to date lazily by whoever needs it first, on a snapshot
//! taken under the document's lock and parsed outside it. Parsing never
//! fails: broken code yields a tree with error nodes, and a parser that gives
//! up leaves the previous tree in place.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use ropey::Rope;
use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::language::Language;

/// The syntax state of one document.
#[derive(Clone)]
pub struct Syntax {
    language: Language,
    /// The last tree parsed, matching the text before `pending` edits.
    tree: Option<Tree>,
    /// Edits applied to the text since `tree` was parsed, in order.
    pending: Vec<InputEdit>,
    /// Bumped whenever the text is replaced wholesale, which makes every
    /// parse started before it useless.
    epoch: u64,
    /// How many edits (since the epoch began) `tree` reflects.
    tree_edits: u64,
}

/// So many edits without a parse means nobody needs the tree; a full parse
/// later is cheaper than keeping the log.
const MAX_PENDING_EDITS: usize = 10_000;

/// Everything a parse needs, detached from the document so the parse can run
/// without holding its lock.
pub struct ParseJob {
    pub language: Language,
    pub rope: Rope,
    /// The previous tree with every pending edit applied; `None` for a full parse.
    pub old_tree: Option<Tree>,
    /// How many edits since the epoch began this job's text reflects.
    edits: u64,
    epoch: u64,
}

/// Epochs are unique across all `Syntax` values: a document whose text is
/// replaced gets a new `Syntax`, and a parse job started on the old one must
/// never match it (both used to start at epoch 0, so a late job for the old
/// text could be stored as the new text's tree).
fn next_epoch() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Syntax {
    pub fn new(language: Language) -> Syntax {
        Syntax {
            language,
            tree: None,
            pending: Vec::new(),
            epoch: next_epoch(),
            tree_edits: 0,
        }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The tree, if it matches the current text.
    pub fn fresh_tree(&self) -> Option<&Tree> {
        if self.pending.is_empty() {
            self.tree.as_ref()
        } else {
            None
        }
    }

    /// Records an edit that was applied to the text.
    pub fn edit(&mut self, edit: InputEdit) {
        if self.pending.len() >= MAX_PENDING_EDITS {
            self.invalidate();
        }
        self.pending.push(edit);
    }

    /// Forgets the tree: the next parse is a full one.
    pub fn invalidate(&mut self) {
        self.tree = None;
        self.pending.clear();
        self.epoch = next_epoch();
        self.tree_edits = 0;
    }

    /// Prepares a parse of `rope`, the text after all pending edits.
    pub fn parse_job(&self, rope: &Rope) -> ParseJob {
        let old_tree = self.tree.as_ref().map(|tree| {
            let mut tree = tree.clone();
            for edit in &self.pending {
                tree.edit(edit);
            }
            tree
        });
        ParseJob {
            language: self.language,
            rope: rope.clone(),
            old_tree,
            edits: self.tree_edits + self.pending.len() as u64,
            epoch: self.epoch,
        }
    }

    /// Stores the result of a job. Edits that arrived while it ran stay pending,
    /// relative to the new tree, so the next parse is still incremental.
    /// Several parses may race (the analysis worker and a request handler);
    /// only one newer than the stored tree is kept. Returns whether it was.
    pub fn store(&mut self, job: &ParseJob, tree: Tree) -> bool {
        let newest = self.tree_edits + self.pending.len() as u64;
        let newer = job.edits > self.tree_edits || self.tree.is_none();
        if job.epoch != self.epoch || !newer || job.edits > newest {
            return false;
        }
        self.pending.drain(..(job.edits - self.tree_edits) as usize);
        self.tree_edits = job.edits;
        self.tree = Some(tree);
        true
    }
}

impl ParseJob {
    /// Parses the rope, reusing the old tree. Returns `None` only if the parser
    /// gave up, which leaves the document on its previous tree.
    pub fn run(&self) -> Option<Tree> {
        parse_rope(self.language, &self.rope, self.old_tree.as_ref())
    }
}

thread_local! {
    /// Parsers are reusable but not `Sync`; one per language per thread.
    static PARSERS: RefCell<HashMap<Language, Parser>> = RefCell::new(HashMap::new());
}

/// Parses a rope through tree-sitter's chunk callback, without copying it.
pub fn parse_rope(language: Language, rope: &Rope, old_tree: Option<&Tree>) -> Option<Tree> {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = parsers.entry(language).or_insert_with(|| {
            let mut parser = Parser::new();
            // Grammar and library versions are pinned together in Cargo.lock
            // and checked by the tests, so this cannot fail at run time.
            parser
                .set_language(&language.grammar())
                .expect("grammar ABI matches tree-sitter");
            parser
        });
        let len = rope.len_bytes();
        let rust = language == Language::Rust;
        let mut read = |byte: usize, _: Point| -> Cow<'_, [u8]> {
            if byte >= len {
                return Cow::Borrowed(&[]);
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            let bytes = &chunk.as_bytes()[byte - chunk_start..];
            if !rust || memchr::memchr(b'!', bytes).is_none() {
                return Cow::Borrowed(bytes);
            }
            let mut shown = bytes.to_vec();
            for at in memchr::memchr_iter(b'!', bytes) {
                if formatting_macro(rope, byte + at) {
                    shown[at] = b'_';
                }
            }
            Cow::Owned(shown)
        };
        parser.parse_with_options(&mut read, old_tree, None)
    })
}

/// Rust's macros whose arguments are expressions, as a call's are. To
/// tree-sitter every macro's arguments are a token tree, so a failure in
/// `format!("{}", items[0])` or `write!(f, "{}", a / b)` would be no node a
/// rule could read; the parser is shown `format_(…)` instead, the `!` made
/// an identifier's last byte. One byte changes and no offset moves, so the
/// tree fits the text, which still reads `format!` wherever a rule looks.
/// Macros that rules read as macros (`panic!`, `assert!`, `vec!`) and those
/// with syntax of their own (`tracing`'s `field = %value`) stay token trees.
const FORMATTING_MACROS: &[&[u8]] = &[
    b"format",
    b"format_args",
    b"print",
    b"println",
    b"eprint",
    b"eprintln",
    b"write",
    b"writeln",
];

/// Whether the `!` at `at` ends one of [`FORMATTING_MACROS`]' names (as a
/// whole word, or a path's last segment) and opens its arguments with `(`.
/// A function of the text at `at` alone, so an incremental parse shows the
/// parser what a fresh one would.
fn formatting_macro(rope: &Rope, at: usize) -> bool {
    if at + 1 >= rope.len_bytes() || rope.byte(at + 1) != b'(' {
        return false;
    }
    let identifier = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    FORMATTING_MACROS.iter().any(|name| {
        let Some(start) = at.checked_sub(name.len()) else {
            return false;
        };
        (start..at)
            .zip(name.iter())
            .all(|(i, b)| rope.byte(i) == *b)
            && (start == 0 || !identifier(rope.byte(start - 1)))
    })
}

/// Parses a string from scratch (tests, benchmarks and one-shot CLI runs).
pub fn parse_str(language: Language, text: &str) -> Option<Tree> {
    parse_rope(language, &Rope::from_str(text), None)
}

/// The tree-sitter point of a byte offset: row and byte column.
pub fn point_at(rope: &Rope, offset: usize) -> Point {
    let (row, column) = crate::position::line_col(rope, offset);
    Point { row, column }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::document::{Document, TextChange};
    use crate::position::{Position, PositionEncoding};

    /// A module with one class of `methods` small methods, then a function.
    fn class_with_methods(methods: usize) -> String {
        let mut source =
            String::from("import os\n\n\nclass Handlers:\n    \"\"\"Many methods.\"\"\"\n\n");
        for n in 0..methods {
            source.push_str(&format!(
                "    def method_{n}(self, items):\n        total = 0\n        for item in items:\n            total += item * {n}\n        return total\n\n"
            ));
        }
        source.push_str("\ndef tail(x):\n    return x\n");
        source
    }

    /// The 0-based line of `method`'s first body line.
    fn body_line(source: &str, method: usize) -> u32 {
        let header = format!("    def method_{method}(self, items):\n");
        let at = source.find(&header).expect("the method exists") + header.len();
        source[..at].matches('\n').count() as u32
    }

    /// The edits that used to re-lex everything after them: a line added
    /// or removed at the top of a body, a character typed where its first
    /// statement starts.
    fn body_top_edits(source: &str, method: usize) -> Vec<TextChange> {
        let line = body_line(source, method);
        vec![
            TextChange::replace(
                Position::new(line, 0),
                Position::new(line, 0),
                "        ratio = 1 / items\n",
            ),
            TextChange::replace(Position::new(line, 0), Position::new(line + 1, 0), ""),
            TextChange::replace(Position::new(line, 8), Position::new(line, 8), "x"),
        ]
    }

    /// How many tokens a parse of `rope` lexes, reusing `old_tree`.
    fn lexed_tokens(rope: &Rope, old_tree: Option<&Tree>) -> (usize, Tree) {
        let mut parser = Parser::new();
        parser
            .set_language(&Language::Python.grammar())
            .expect("grammar ABI matches tree-sitter");
        let lexed = Arc::new(AtomicUsize::new(0));
        let count = lexed.clone();
        parser.set_logger(Some(Box::new(move |_, message: &str| {
            if message.starts_with("lexed_lookahead") {
                count.fetch_add(1, Ordering::Relaxed);
            }
        })));
        let text = rope.to_string();
        let tree = parser.parse(&text, old_tree).expect("parses");
        (lexed.load(Ordering::Relaxed), tree)
    }

    /// Top-level functions whose bodies start with an assignment.
    fn functions(count: usize) -> String {
        (0..count)
            .map(|n| {
                format!(
                    "def handler_{n}(event, items):\n    body = event[\"body\"]\n    first = items[0]\n    return body, first\n\n\n"
                )
            })
            .collect()
    }

    /// The 0-based line after the first line of `def handler_{n}(`.
    fn handler_body(source: &str, n: usize) -> u32 {
        let header = format!("def handler_{n}(event, items):\n");
        let at = source.find(&header).expect("the function exists") + header.len();
        source[..at].matches('\n').count() as u32
    }

    /// An edit near the start of a long file re-lexes the edited statement
    /// and one keyword per function after it, not the rest of the file
    /// (with the patched tree-sitter in vendor/: 0.27.1 as released
    /// re-lexed about 95 % of a class after such an edit, and the first
    /// token of every statement of the file after any edit, since no
    /// statement list was ever reused).
    #[test]
    fn edits_reparse_locally() {
        let class = class_with_methods(200);
        let handlers = functions(300);
        let line = handler_body(&handlers, 10);
        let cases = body_top_edits(&class, 10)
            .into_iter()
            .map(|edit| (&class, edit))
            .chain([
                (
                    &handlers,
                    TextChange::replace(
                        Position::new(line, 0),
                        Position::new(line, 0),
                        "    ratio = 1 / event\n",
                    ),
                ),
                (
                    &handlers,
                    TextChange::replace(Position::new(line, 4), Position::new(line, 4), "x"),
                ),
            ]);
        for (source, edit) in cases {
            let (full, _) = lexed_tokens(&Rope::from_str(source), None);
            let mut document = Document::new(source, 1, Some(Language::Python));
            document.parse();
            document.apply_changes(std::slice::from_ref(&edit), 2, PositionEncoding::Utf16);
            let job = document.parse_job().expect("the edit made the tree stale");
            let (lexed, _) = lexed_tokens(&job.rope, job.old_tree.as_ref());
            assert!(
                lexed * 20 < full,
                "{edit:?} lexed {lexed} tokens of the file's {full}"
            );
        }
    }

    /// Trees parsed incrementally after edits equal a fresh parse of the
    /// same text, edit after edit.
    #[test]
    fn incremental_trees_equal_fresh_parses() {
        let source = class_with_methods(40);
        let mut document = Document::new(&source, 1, Some(Language::Python));
        document.parse();
        let mut version = 1;
        for method in [3, 20, 39, 0] {
            for edit in body_top_edits(&document.text(), method) {
                version += 1;
                document.apply_changes(&[edit], version, PositionEncoding::Utf16);
                document.parse();
                let snapshot = document.snapshot();
                let incremental = snapshot.tree.expect("parsed");
                let fresh = parse_str(Language::Python, &document.text()).expect("parses");
                assert_eq!(
                    incremental.root_node().to_sexp(),
                    fresh.root_node().to_sexp(),
                    "after edit {version}"
                );
            }
        }
    }

    /// A formatting macro's arguments parse as a call's, and an edit
    /// anywhere around its name or its `(` leaves the incremental tree equal
    /// to a fresh parse: the parser is shown `format_(` only while the text
    /// reads `format!(` as a whole word.
    #[test]
    fn formatting_macros_parse_as_calls_edit_after_edit() {
        let source = "fn show(f: &mut Formatter, items: &[u8]) -> fmt::Result {\n    let s = format!(\"{}\", items[0]);\n    writeln!(f, \"{}\", s.len() / items.len())?;\n    std::println!(\"{}\", s);\n    vec![0; 3].len();\n    myformat!(x)\n}\n";
        let tree = parse_str(Language::Rust, source).expect("parses");
        let sexp = tree.root_node().to_sexp();
        assert_eq!(sexp.matches("(macro_invocation").count(), 2, "{sexp}");
        assert!(sexp.contains("(index_expression"), "{sexp}");
        assert!(sexp.contains("(binary_expression"), "{sexp}");
        // Insert and then delete a character at every position near a
        // macro's name, its `!` and its `(`.
        let mut document = Document::new(source, 1, Some(Language::Rust));
        document.parse();
        let mut version = 1;
        for line in 1..=5u32 {
            for column in 3..16u32 {
                for (text, end) in [("x", column), ("", column + 1)] {
                    version += 1;
                    let edit = TextChange::replace(
                        Position::new(line, column),
                        Position::new(line, end),
                        text,
                    );
                    document.apply_changes(&[edit], version, PositionEncoding::Utf16);
                    document.parse();
                    let incremental = document.snapshot().tree.expect("parsed");
                    let fresh = parse_str(Language::Rust, &document.text()).expect("parses");
                    assert_eq!(
                        incremental.root_node().to_sexp(),
                        fresh.root_node().to_sexp(),
                        "line {line}, column {column}, {text:?}:\n{}",
                        document.text()
                    );
                }
            }
        }
    }
}
