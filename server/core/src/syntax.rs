//! Incremental tree-sitter parsing of a rope.
//!
//! Edits are recorded as `InputEdit`s as they are applied to the text; the
//! tree is brought up to date lazily by whoever needs it first, on a snapshot
//! taken under the document's lock and parsed outside it. Parsing never
//! fails: broken code yields a tree with error nodes, and a parser that gives
//! up leaves the previous tree in place.

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
        let mut read = |byte: usize, _: Point| -> &[u8] {
            if byte >= len {
                return &[];
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            &chunk.as_bytes()[byte - chunk_start..]
        };
        parser.parse_with_options(&mut read, old_tree, None)
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
