//! One open buffer: its text (a rope), version, language and syntax state.
//!
//! Text, version and syntax change together through `apply_changes`, so a
//! reader never sees a tree for one text and a version for another. Changes
//! in a batch are applied in order, each against the text the previous one
//! left, exactly as the LSP specification describes `didChange`.

use ropey::Rope;
use tree_sitter::{InputEdit, Tree};

use crate::language::Language;
use crate::position::{Position, PositionEncoding, to_offset};
use crate::syntax::{ParseJob, Syntax, point_at};

/// Files larger than this are tracked as text but not parsed or analysed:
/// a 50 MB generated file must not stall the editor.
pub const MAX_ANALYSED_BYTES: usize = 4 * 1024 * 1024;

/// One change of a `didChange`: replace `range` (or everything) with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextChange {
    pub range: Option<(Position, Position)>,
    pub text: String,
}

impl TextChange {
    pub fn full(text: impl Into<String>) -> TextChange {
        TextChange {
            range: None,
            text: text.into(),
        }
    }

    pub fn replace(start: Position, end: Position, text: impl Into<String>) -> TextChange {
        TextChange {
            range: Some((start, end)),
            text: text.into(),
        }
    }
}

/// A byte range replaced by an edit, in the coordinates of the text before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteEdit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

/// A cheap, consistent copy of a document for readers on other threads.
#[derive(Clone)]
pub struct Snapshot {
    pub rope: Rope,
    pub version: i32,
    pub language: Option<Language>,
    /// A tree for exactly `rope`, if the document is analysable.
    pub tree: Option<Tree>,
}

#[derive(Clone)]
pub struct Document {
    rope: Rope,
    version: i32,
    language: Option<Language>,
    syntax: Option<Syntax>,
}

impl Document {
    pub fn new(text: &str, version: i32, language: Option<Language>) -> Document {
        let mut document = Document {
            rope: Rope::from_str(text),
            version,
            language,
            syntax: None,
        };
        document.reset_syntax();
        document
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn language(&self) -> Option<Language> {
        self.language
    }

    /// Whether the document is small enough, and in a known language, to be analysed.
    pub fn is_analysable(&self) -> bool {
        self.syntax.is_some()
    }

    fn reset_syntax(&mut self) {
        let analysable = self.rope.len_bytes() <= MAX_ANALYSED_BYTES;
        match (self.language, analysable, self.syntax.as_mut()) {
            (Some(_), true, Some(syntax)) => syntax.invalidate(),
            (Some(language), true, None) => self.syntax = Some(Syntax::new(language)),
            _ => self.syntax = None,
        }
    }

    /// Applies a batch of changes in order and sets the new version.
    ///
    /// Ranges are converted with `encoding` against the text left by the
    /// previous change; out-of-range positions clamp, reversed ranges are
    /// normalised. Returns the byte edits, in order.
    pub fn apply_changes(
        &mut self,
        changes: &[TextChange],
        version: i32,
        encoding: PositionEncoding,
    ) -> Vec<ByteEdit> {
        let mut edits = Vec::with_capacity(changes.len());
        for change in changes {
            match change.range {
                None => {
                    self.rope = Rope::from_str(&change.text);
                    self.reset_syntax();
                }
                Some((start, end)) => {
                    let a = to_offset(&self.rope, start, encoding);
                    let b = to_offset(&self.rope, end, encoding);
                    edits.push(self.replace_bytes(a.min(b), a.max(b), &change.text));
                }
            }
        }
        self.version = version;
        edits
    }

    /// Replaces the bytes `start..end` (char boundaries) with `text`.
    pub fn replace_bytes(&mut self, start: usize, end: usize, text: &str) -> ByteEdit {
        let start_position = point_at(&self.rope, start);
        let old_end_position = point_at(&self.rope, end);
        let start_char = self.rope.byte_to_char(start);
        let end_char = self.rope.byte_to_char(end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, text);
        let new_end = start + text.len();
        let edit = InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: point_at(&self.rope, new_end),
        };
        let was_analysable = self.syntax.is_some();
        if self.rope.len_bytes() > MAX_ANALYSED_BYTES {
            self.syntax = None;
        } else if let Some(syntax) = self.syntax.as_mut() {
            syntax.edit(edit);
        } else if !was_analysable && self.language.is_some() {
            // The document shrank back under the limit.
            self.reset_syntax();
        }
        ByteEdit {
            start,
            old_end: end,
            new_end,
        }
    }

    /// A parse job if the tree is stale, or `None` if it is fresh or the
    /// document is not analysable.
    pub fn parse_job(&self) -> Option<ParseJob> {
        let syntax = self.syntax.as_ref()?;
        if syntax.fresh_tree().is_some() {
            return None;
        }
        Some(syntax.parse_job(&self.rope))
    }

    /// Stores the tree a job produced; see [`Syntax::store`].
    pub fn store_parse(&mut self, job: &ParseJob, tree: Tree) -> bool {
        match self.syntax.as_mut() {
            Some(syntax) if syntax.language() == job.language => syntax.store(job, tree),
            _ => false,
        }
    }

    /// Brings the tree up to date in place (for single-threaded users such as the CLI).
    pub fn parse(&mut self) {
        if let Some(job) = self.parse_job()
            && let Some(tree) = job.run()
        {
            self.store_parse(&job, tree);
        }
    }

    /// A consistent snapshot; its tree is present only if fresh.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            rope: self.rope.clone(),
            version: self.version,
            language: self.language,
            tree: self.syntax.as_ref().and_then(Syntax::fresh_tree).cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::position::PositionEncoding::Utf16;

    #[test]
    fn applies_changes_in_order() {
        let mut doc = Document::new("fn main() {}\n", 1, Some(Language::Rust));
        doc.apply_changes(
            &[
                TextChange::replace(Position::new(0, 3), Position::new(0, 7), "start"),
                // Relative to the text the first change left.
                TextChange::replace(Position::new(0, 3), Position::new(0, 8), "go"),
                TextChange::replace(Position::new(9, 0), Position::new(9, 0), "// end\n"),
            ],
            4,
            Utf16,
        );
        assert_eq!(doc.text(), "fn go() {}\n// end\n");
        assert_eq!(doc.version(), 4);
        doc.parse();
        let tree = doc.snapshot().tree.expect("fresh tree after parse");
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn large_documents_are_text_only() {
        let big = "x".repeat(MAX_ANALYSED_BYTES + 1);
        let mut doc = Document::new(&big, 1, Some(Language::Python));
        assert!(!doc.is_analysable());
        doc.apply_changes(&[TextChange::full("x = 1\n")], 2, Utf16);
        assert!(doc.is_analysable());
        doc.parse();
        assert!(doc.snapshot().tree.is_some());
    }
}
