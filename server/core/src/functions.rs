//! The function index of one file: every function, method and named closure
//! with a stable id, its range and a content hash, plus the containers
//! (classes, impls, modules) that give the outline its nesting.
//!
//! A function's id is `<path>::<qualified name>` (e.g.
//! `payments/client.py::PaymentClient.charge`). Its content hash ignores
//! whitespace, comments and docstrings, so reformatting never looks like a
//! change; `changed_functions` compares two indexes by id and hash, which is
//! the unit of work for predictions.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use ropey::Rope;
use serde::{Deserialize, Serialize};
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, Tree};
use xxhash_rust::xxh3::Xxh3;

use crate::language::{Language, QueryKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Method,
    Closure,
    /// The file's own code outside every function: what runs when a Python
    /// or JavaScript module is imported, a Go package's variables are
    /// initialised or a Java class is loaded. At most one per file, first in
    /// the index, spanning the whole file; its content is only what no other
    /// function holds (see `module_function`).
    Module,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerKind {
    Class,
    Impl,
    Trait,
    Module,
    Interface,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    /// `<path>::<qualified name>`, unique within the file.
    pub id: String,
    pub name: String,
    /// Containers and enclosing functions joined by the language's separator.
    pub qualified_name: String,
    pub kind: FunctionKind,
    /// The Go receiver type as written (`*Client`), if any.
    pub receiver: Option<String>,
    /// Byte range of the whole definition.
    pub range: Range<usize>,
    /// Byte range of the name.
    pub name_range: Range<usize>,
    /// Zero-based first and last line.
    pub start_line: usize,
    pub end_line: usize,
    pub content_hash: u64,
    /// Index of the innermost enclosing container in `FunctionIndex::containers`.
    pub container: Option<usize>,
    /// Index of the enclosing function in `FunctionIndex::functions`.
    pub parent: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    pub name: String,
    pub kind: ContainerKind,
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    pub parent: Option<usize>,
}

/// The functions and containers of one file, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionIndex {
    pub functions: Vec<Function>,
    pub containers: Vec<Container>,
}

impl Function {
    /// Whether this is the module's own code ([`FunctionKind::Module`]).
    pub fn is_module(&self) -> bool {
        self.kind == FunctionKind::Module
    }
}

/// What changed between two indexes of the same file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FunctionChanges {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

impl FunctionChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

impl FunctionIndex {
    /// The innermost function containing `offset`: the module's code (when
    /// the file has it) for an offset no other function holds.
    pub fn function_at(&self, offset: usize) -> Option<&Function> {
        // Functions are sorted by start and properly nested, so the innermost
        // function containing `offset` is the last one starting before it or
        // one of that one's ancestors.
        let after = self.functions.partition_point(|f| f.range.start <= offset);
        let mut candidate = after.checked_sub(1)?;
        loop {
            let function = &self.functions[candidate];
            if offset <= function.range.end {
                return Some(function);
            }
            match function.parent {
                Some(parent) => candidate = parent,
                None => return self.module(),
            }
        }
    }

    /// The functions the file defines: every one but the module.
    pub fn defined(&self) -> impl Iterator<Item = &Function> {
        self.functions.iter().filter(|f| !f.is_module())
    }

    /// The stretches of the file that no function but the module holds:
    /// between the outermost functions, whitespace-only ones left out.
    pub fn module_stretches(&self, rope: &Rope) -> Vec<Range<usize>> {
        let len = rope.len_bytes();
        let blank = |range: &Range<usize>| {
            rope.byte_slice(range.clone())
                .chars()
                .all(char::is_whitespace)
        };
        let outermost = self
            .defined()
            .filter(|f| f.parent.is_none())
            .map(|f| f.range.clone())
            .chain(std::iter::once(len..len));
        let mut stretches = Vec::new();
        let mut from = 0;
        for range in outermost {
            let stretch = from..range.start.min(len);
            if stretch.start < stretch.end && !blank(&stretch) {
                stretches.push(stretch);
            }
            from = from.max(range.end);
        }
        stretches
    }

    /// The module's own code, if the file has a module function.
    pub fn module(&self) -> Option<&Function> {
        self.functions.first().filter(|f| f.is_module())
    }

    /// Whether some function spans exactly `range` (a callback the index
    /// holds as a function of its own).
    pub fn spans(&self, range: &std::ops::Range<usize>) -> bool {
        let first = self
            .functions
            .partition_point(|f| f.range.start < range.start);
        self.functions[first..]
            .iter()
            .take_while(|f| f.range.start == range.start)
            .any(|f| f.range == *range)
    }

    pub fn by_id(&self, id: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.id == id)
    }
}

/// Compares two indexes of one file by id and content hash.
pub fn changed_functions(old: &FunctionIndex, new: &FunctionIndex) -> FunctionChanges {
    let old_hashes: HashMap<&str, u64> = old
        .functions
        .iter()
        .map(|f| (f.id.as_str(), f.content_hash))
        .collect();
    let new_ids: HashSet<&str> = new.functions.iter().map(|f| f.id.as_str()).collect();
    let mut changes = FunctionChanges::default();
    for function in &new.functions {
        match old_hashes.get(function.id.as_str()) {
            None => changes.added.push(function.id.clone()),
            Some(&hash) if hash != function.content_hash => {
                changes.changed.push(function.id.clone())
            }
            Some(_) => {}
        }
    }
    for function in &old.functions {
        if !new_ids.contains(function.id.as_str()) {
            changes.removed.push(function.id.clone());
        }
    }
    changes
}

/// Builds the index of a parsed file from scratch. `path` is the
/// workspace-relative path used in ids.
pub fn index_functions(language: Language, tree: &Tree, rope: &Rope, path: &str) -> FunctionIndex {
    index_functions_cached(language, tree, rope, path, &IndexCache::default()).0
}

/// Subtrees up to this size are indexed as a unit and cached by content.
const CHUNK_BYTES: usize = 8 * 1024;

/// Per-file memory of earlier indexing: the items of each chunk of the
/// tree, keyed by the chunk's content. After an edit only the chunks whose
/// text changed are queried and hashed again; the rest are moved into place.
/// Keyed by content rather than by node identity, it needs no bookkeeping
/// of which tree or which edits it came from.
#[derive(Clone, Default)]
pub struct IndexCache {
    chunks: Arc<HashMap<u64, Arc<Vec<Item>>>>,
}

/// A function or container found in a chunk, with offsets relative to the
/// chunk's start so that it can be moved.
#[derive(Clone, Debug)]
struct Item {
    function: bool,
    closure: bool,
    container_kind: ContainerKind,
    name: String,
    receiver: Option<String>,
    range: Range<usize>,
    name_range: Range<usize>,
    start_line: usize,
    end_line: usize,
    content_hash: u64,
}

impl Item {
    fn moved(&self, bytes: usize, lines: usize) -> Item {
        let mut item = self.clone();
        item.range = item.range.start + bytes..item.range.end + bytes;
        item.name_range = item.name_range.start + bytes..item.name_range.end + bytes;
        item.start_line += lines;
        item.end_line += lines;
        item
    }
}

struct Captures {
    function: Option<u32>,
    function_name: Option<u32>,
    receiver: Option<u32>,
    container: Option<u32>,
    container_name: Option<u32>,
}

/// Runs the functions query on `root`; with `depth_zero`, only patterns
/// rooted at `root` itself. Offsets are made relative to `base`.
fn query_items(
    language: Language,
    root: Node,
    rope: &Rope,
    cursor: &mut QueryCursor,
    depth_zero: bool,
    base: (usize, usize),
) -> Vec<Item> {
    let query = language.query(QueryKind::Functions);
    let c = Captures {
        function: query.capture_index_for_name("function"),
        function_name: query.capture_index_for_name("function.name"),
        receiver: query.capture_index_for_name("function.receiver"),
        container: query.capture_index_for_name("container"),
        container_name: query.capture_index_for_name("container.name"),
    };
    cursor.set_max_start_depth(depth_zero.then_some(0));
    let mut items: Vec<Item> = Vec::new();
    let mut seen = HashSet::new();
    let (base_byte, base_line) = base;
    let mut matches = cursor.matches(query, root, RopeText(rope));
    while let Some(m) = matches.next() {
        let get = |index: Option<u32>| {
            index.and_then(|i| m.captures().iter().find(|c| c.index == i).map(|c| c.node))
        };
        let (node, name, function) = match (get(c.function), get(c.function_name)) {
            (Some(node), Some(name)) => (node, name, true),
            _ => match (get(c.container), get(c.container_name)) {
                (Some(node), Some(name)) => (node, name, false),
                _ => continue,
            },
        };
        if !seen.insert((node.id(), function)) {
            continue;
        }
        let receiver = get(c.receiver).map(|r| {
            // The receiver node is the bare type name; keep the pointer star
            // from its parent, which Go's runtime prints as `(*T).Method`.
            match r.parent() {
                Some(p) if p.kind() == "pointer_type" => format!("*{}", node_text(r, rope)),
                _ => node_text(r, rope),
            }
        });
        let range = node.byte_range();
        let start_line = rope.byte_to_line(range.start.min(rope.len_bytes()));
        let end_line = rope.byte_to_line(range.end.min(rope.len_bytes()));
        items.push(Item {
            function,
            closure: function && is_closure(node.kind()),
            container_kind: container_kind(node.kind()),
            name: if function {
                function_name(name, node, rope)
            } else {
                container_name(language, name, rope)
            },
            receiver,
            range: range.start - base_byte..range.end - base_byte,
            name_range: name.start_byte() - base_byte..name.end_byte() - base_byte,
            start_line: start_line - base_line,
            end_line: end_line - base_line,
            content_hash: if function {
                content_hash(node, rope)
            } else {
                0
            },
        });
    }
    items
}

/// The content key of a chunk: its kind, its parent's kind and its bytes.
fn chunk_key(node: Node, parent_kind: u16, rope: &Rope) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&node.kind_id().to_le_bytes());
    hasher.update(&parent_kind.to_le_bytes());
    let end = node.end_byte().min(rope.len_bytes());
    for chunk in rope.byte_slice(node.start_byte().min(end)..end).chunks() {
        hasher.update(chunk.as_bytes());
    }
    hasher.digest()
}

/// Builds the index, reusing the chunks of `cache` whose content did not
/// change; returns the index and the cache for the next call.
pub fn index_functions_cached(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    path: &str,
    cache: &IndexCache,
) -> (FunctionIndex, IndexCache) {
    let mut cursor = QueryCursor::new();
    let mut items: Vec<Item> = Vec::new();
    let mut next_cache: HashMap<u64, Arc<Vec<Item>>> = HashMap::new();
    // Split the tree into a spine of large nodes and chunks below them.
    let mut stack: Vec<(Node, u16)> = vec![(tree.root_node(), 0)];
    let mut walker = tree.walk();
    while let Some((node, parent_kind)) = stack.pop() {
        let spine = node.byte_range().len() > CHUNK_BYTES && node.child_count() > 0;
        if spine {
            // A spine node is small in number; patterns rooted at it (a big
            // class, a big function) are found on their own.
            let from = stack.len();
            stack.extend(node.children(&mut walker).map(|c| (c, node.kind_id())));
            stack[from..].reverse();
            if node.parent().is_none() {
                // The root is never a function or a container, and hashing
                // it would hash the whole file once more.
                items.extend(query_items(language, node, rope, &mut cursor, true, (0, 0)));
                continue;
            }
        }
        // A chunk's items, or a spine node's own (a big function's content
        // hash walks all of it), are cached by its content.
        let key = chunk_key(node, parent_kind, rope);
        let start = node.start_byte();
        let start_line = rope.byte_to_line(start.min(rope.len_bytes()));
        let local = match cache.chunks.get(&key).or_else(|| next_cache.get(&key)) {
            Some(local) => local.clone(),
            None => Arc::new(query_items(
                language,
                node,
                rope,
                &mut cursor,
                spine,
                (start, start_line),
            )),
        };
        items.extend(local.iter().map(|item| item.moved(start, start_line)));
        next_cache.insert(key, local);
    }
    let mut index = assemble(language, path, items);
    if let Some(module) = module_function(language, tree, rope, path, &index) {
        for function in &mut index.functions {
            function.parent = function.parent.map(|p| p + 1);
        }
        index.functions.insert(0, module);
    }
    (
        index,
        IndexCache {
            chunks: Arc::new(next_cache),
        },
    )
}

/// The most lines of its own a module's code may have to be analysed.
const MODULE_LINES: usize = 1_000;

/// The module's own code as a function of the index ([`FunctionKind::Module`])
/// for the languages that run code outside functions: Rust's items are
/// evaluated at compile time. Its content hash leaves out every function,
/// so an edit inside one does not change the module.
fn module_function(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    path: &str,
    index: &FunctionIndex,
) -> Option<Function> {
    let (name, qualified_name) = match language {
        Language::Rust => return None,
        Language::Python => ("<module>".to_owned(), "<module>".to_owned()),
        // Node's name for a CommonJS module's top level.
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            ("<anonymous>".to_owned(), "Object.<anonymous>".to_owned())
        }
        Language::Go => ("init".to_owned(), "init".to_owned()),
        // Field initialisers and static blocks run in the class's
        // initialiser, named for the class (the file's stem).
        Language::Java => {
            let file = path.rsplit('/').next().unwrap_or(path);
            let class = file.strip_suffix(".java").unwrap_or(file);
            ("<clinit>".to_owned(), format!("{class}.<clinit>"))
        }
    };
    let top_level: HashSet<(usize, usize)> = index
        .functions
        .iter()
        .filter(|f| f.parent.is_none())
        .map(|f| (f.range.start, f.range.end))
        .collect();
    let root = tree.root_node();
    // A file of imports and functions has no code of its own to predict.
    let mut cursor = root.walk();
    let own_code = root.named_children(&mut cursor).any(|node| {
        let kind = node.kind();
        !(is_comment(kind)
            || lone_string(node)
            || kind.starts_with("import")
            || kind.starts_with("package")
            || kind.contains("import_statement")
            || top_level.contains(&(node.start_byte(), node.end_byte())))
    });
    if !own_code {
        return None;
    }
    // A script of thousands of top-level lines is not analysed as one
    // function: the rules were written for functions, and some read what
    // comes before each operation, which grows with the square of the
    // length (a 10,000-line script took over a minute).
    let own_lines: usize = index
        .module_stretches(rope)
        .iter()
        .map(|s| rope.byte_to_line(s.end) - rope.byte_to_line(s.start) + 1)
        .sum();
    if own_lines > MODULE_LINES {
        tracing::debug!("{path}: {own_lines} lines outside functions, not analysed");
        return None;
    }
    let content_hash = content_hash_skipping(root, rope, |node| {
        top_level.contains(&(node.start_byte(), node.end_byte()))
    });
    let end = rope.len_bytes();
    Some(Function {
        id: format!("{path}::<module>"),
        name,
        qualified_name,
        kind: FunctionKind::Module,
        receiver: None,
        range: 0..end,
        name_range: 0..0,
        start_line: 0,
        end_line: rope.byte_to_line(end.saturating_sub(1)),
        content_hash,
        container: None,
        parent: None,
    })
}

/// Turns items in any order into the index: nesting, qualified names, ids.
fn assemble(language: Language, path: &str, mut items: Vec<Item>) -> FunctionIndex {
    items.sort_by_key(|i| (i.range.start, std::cmp::Reverse(i.range.end), !i.function));
    let separator = language.path_separator();
    let mut index = FunctionIndex::default();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    // Enclosing items: (end, is function, index in functions or containers, name).
    let mut open: Vec<(usize, bool, usize, String)> = Vec::new();
    for item in items {
        while open
            .last()
            .is_some_and(|(end, ..)| *end <= item.range.start)
        {
            open.pop();
        }
        // Nested strictly: an item ending past its would-be parent is not inside it.
        while open.last().is_some_and(|(end, ..)| *end < item.range.end) {
            open.pop();
        }
        let container = open.iter().rev().find(|o| !o.1).map(|o| o.2);
        let parent = open.iter().rev().find(|o| o.1).map(|o| o.2);
        let mut scope: Vec<String> = open.iter().map(|o| o.3.clone()).collect();
        if item.function {
            if scope.is_empty()
                && let Some(receiver) = &item.receiver
            {
                scope.push(receiver.trim_start_matches('*').to_owned());
            }
            let qualified_name = if scope.is_empty() {
                item.name.clone()
            } else {
                format!("{}{separator}{}", scope.join(separator), item.name)
            };
            let mut id = format!("{path}::{qualified_name}");
            let count = used_ids.entry(id.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                id = format!("{id}#{count}");
            }
            let kind = if item.closure {
                FunctionKind::Closure
            } else if container.is_some() || item.receiver.is_some() {
                FunctionKind::Method
            } else {
                FunctionKind::Function
            };
            open.push((
                item.range.end,
                true,
                index.functions.len(),
                item.name.clone(),
            ));
            index.functions.push(Function {
                id,
                name: item.name,
                qualified_name,
                kind,
                receiver: item.receiver,
                range: item.range,
                name_range: item.name_range,
                start_line: item.start_line,
                end_line: item.end_line,
                content_hash: item.content_hash,
                container,
                parent,
            });
        } else {
            open.push((
                item.range.end,
                false,
                index.containers.len(),
                item.name.clone(),
            ));
            index.containers.push(Container {
                name: item.name,
                kind: item.container_kind,
                range: item.range,
                name_range: item.name_range,
                parent: container,
            });
        }
    }
    index
}

/// A function's name as its `name` capture spells it, except for a
/// callback handed to a call (`it("parses", …)`, `DEFMETHOD("size", …)`,
/// `app.get("/users/:id", …)`): the capture is the callee, and the call's
/// first argument names the callback better when it is a string.
fn function_name(name: Node, function: Node, rope: &Rope) -> String {
    let callee = name.parent().is_some_and(|p| p.kind() == "call_expression");
    if callee
        && let Some(first) = function
            .parent()
            .filter(|a| a.kind() == "arguments")
            .and_then(|a| a.named_child(0))
        && first.kind() == "string"
    {
        let text = node_text(first, rope);
        let unquoted = text.trim_matches(['"', '\'']).trim();
        if !unquoted.is_empty() {
            return unquoted.to_owned();
        }
    }
    node_text(name, rope)
}

fn container_name(language: Language, name: Node, rope: &Rope) -> String {
    let text = node_text(name, rope);
    if language == Language::Rust {
        // `impl<T> Cache<T>` is named `Cache`, as backtraces print it.
        let base = text.split('<').next().unwrap_or(&text);
        return base.rsplit("::").next().unwrap_or(base).trim().to_owned();
    }
    text
}

fn container_kind(kind: &str) -> ContainerKind {
    match kind {
        "impl_item" => ContainerKind::Impl,
        "trait_item" => ContainerKind::Trait,
        "mod_item" => ContainerKind::Module,
        "interface_declaration" => ContainerKind::Interface,
        _ => ContainerKind::Class,
    }
}

fn is_closure(kind: &str) -> bool {
    matches!(
        kind,
        "closure_expression" | "lambda" | "arrow_function" | "function_expression" | "func_literal"
    )
}

pub fn node_text(node: Node, rope: &Rope) -> String {
    let range = node.byte_range();
    let end = range.end.min(rope.len_bytes());
    let start = range.start.min(end);
    rope.byte_slice(start..end).to_string()
}

fn is_comment(kind: &str) -> bool {
    kind.contains("comment")
}

/// A statement that is only a string: a docstring where it comes first.
fn lone_string(statement: Node) -> bool {
    statement.kind() == "expression_statement"
        && statement.named_child_count() == 1
        && statement
            .named_child(0)
            .is_some_and(|c| c.kind() == "string")
}

/// Hashes the node kinds and leaf texts of a subtree, skipping comments and
/// docstrings; whitespace never reaches a leaf, so it never counts.
pub fn content_hash(node: Node, rope: &Rope) -> u64 {
    content_hash_skipping(node, rope, |_| false)
}

/// [`content_hash`] of a subtree without the subtrees `skip` names.
fn content_hash_skipping(node: Node, rope: &Rope, skip: impl Fn(Node) -> bool) -> u64 {
    let mut hasher = Xxh3::new();
    let mut cursor = node.walk();
    // Per depth: whether the node's parent is a Python `block` whose first
    // statement has not been seen yet (that statement may be a docstring).
    let mut block_first: Vec<bool> = vec![false];
    loop {
        let current = cursor.node();
        let depth = block_first.len() - 1;
        let first_in_block = block_first[depth];
        let kind = current.kind();
        let comment = is_comment(kind);
        if !comment && current.is_named() {
            block_first[depth] = false;
        }
        let docstring = first_in_block && lone_string(current);
        let mut descended = false;
        if !comment && !docstring && !skip(current) {
            hasher.update(&current.kind_id().to_le_bytes());
            if current.child_count() == 0 {
                let range = current.byte_range();
                let end = range.end.min(rope.len_bytes());
                let start = range.start.min(end);
                let (chunk, chunk_start, _, _) = rope.chunk_at_byte(start);
                if end - chunk_start <= chunk.len() {
                    hasher.update(&chunk.as_bytes()[start - chunk_start..end - chunk_start]);
                } else {
                    for piece in rope.byte_slice(start..end).chunks() {
                        hasher.update(piece.as_bytes());
                    }
                }
                hasher.update(&[0xff]);
            } else if cursor.goto_first_child() {
                block_first.push(kind == "block");
                descended = true;
            }
        }
        if descended {
            continue;
        }
        // Next sibling, or climb until there is one; stop back at the start.
        loop {
            if block_first.len() > 1 && cursor.goto_next_sibling() {
                break;
            }
            if block_first.len() == 1 || !cursor.goto_parent() {
                return hasher.digest();
            }
            block_first.pop();
        }
    }
}

/// Feeds a rope to tree-sitter queries chunk by chunk, without copying it.
pub struct RopeText<'a>(pub &'a Rope);

impl<'a> tree_sitter::TextProvider<&'a [u8]> for RopeText<'a> {
    type I = RopeChunks<'a>;

    fn text(&mut self, node: Node) -> Self::I {
        let range = node.byte_range();
        let end = range.end.min(self.0.len_bytes());
        let start = range.start.min(end);
        RopeChunks(self.0.byte_slice(start..end).chunks())
    }
}

pub struct RopeChunks<'a>(ropey::iter::Chunks<'a>);

impl<'a> Iterator for RopeChunks<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(str::as_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_str;

    fn index(language: Language, source: &str) -> FunctionIndex {
        let rope = Rope::from_str(source);
        let tree = parse_str(language, source).expect("parses");
        index_functions(language, &tree, &rope, "src/file")
    }

    /// One line per function: kind, id, 1-based line span.
    fn check(language: Language, source: &str) -> String {
        index(language, source)
            .functions
            .iter()
            .map(|f| {
                format!(
                    "{:?} {} L{}-{}\n",
                    f.kind,
                    f.id,
                    f.start_line + 1,
                    f.end_line + 1
                )
            })
            .collect()
    }

    #[test]
    fn python_functions() {
        insta::assert_snapshot!(check(Language::Python, r#"
import json

def load(path):
    def inner():
        return 1
    return inner()

class PaymentClient:
    @retry
    def charge(self, amount):
        """Charges the card."""
        return self.post(amount)

    class Nested:
        def method(self): pass

key = lambda item: item["id"]
"#), @r"
        Module src/file::<module> L1-18
        Function src/file::load L4-7
        Function src/file::load.inner L5-6
        Method src/file::PaymentClient.charge L11-13
        Method src/file::PaymentClient.Nested.method L16-16
        Closure src/file::key L18-18
        ");
    }

    #[test]
    fn rust_functions() {
        insta::assert_snapshot!(check(Language::Rust, r#"
fn main() {
    let add = |a: i32, b: i32| a + b;
}
impl<T> Cache<T> {
    pub fn get(&self) -> Option<&T> { None }
}
impl Display for Money {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result { Ok(()) }
}
mod inner {
    pub fn helper() {}
}
trait Store { fn load(&self) -> u8 { 0 } fn save(&self); }
"#), @r"
        Function src/file::main L2-4
        Closure src/file::main::add L3-3
        Method src/file::Cache::get L6-6
        Method src/file::Money::fmt L9-9
        Method src/file::inner::helper L12-12
        Method src/file::Store::load L14-14
        ");
    }

    #[test]
    fn go_functions() {
        insta::assert_snapshot!(check(Language::Go, r#"
package main

func Handle(w http.ResponseWriter, r *http.Request) {
	parse := func(s string) int { return 0 }
	_ = parse
}

func (c *Client) Charge(amount int) error { return nil }
func (s Store) Get(key string) string { return "" }
"#), @r"
        Function src/file::Handle L4-7
        Closure src/file::Handle.parse L5-5
        Method src/file::Client.Charge L9-9
        Method src/file::Store.Get L10-10
        ");
    }

    #[test]
    fn typescript_functions() {
        let source = r#"
export async function fetchUser(id: string): Promise<User> { return api.get(id); }
const parse = (raw: string) => JSON.parse(raw);
class Service {
  constructor(private http: Http) {}
  async load(id: string) { return this.http.get(id); }
  abstract?: number;
}
abstract class Base { abstract run(): void; stop() {} }
const handlers = { onMessage: (m: Msg) => m.body };
function overload(a: string): void;
function overload(a: any) {}
"#;
        insta::assert_snapshot!(check(Language::TypeScript, source), @r"
        Module src/file::<module> L1-12
        Function src/file::fetchUser L2-2
        Closure src/file::parse L3-3
        Method src/file::Service.constructor L5-5
        Method src/file::Service.load L6-6
        Method src/file::Base.stop L9-9
        Closure src/file::onMessage L10-10
        Function src/file::overload L12-12
        ");
        assert_eq!(
            check(Language::Tsx, source),
            check(Language::TypeScript, source)
        );
    }

    #[test]
    fn javascript_and_java_functions() {
        insta::assert_snapshot!(check(Language::JavaScript, r#"
module.exports.handler = async function (event) { return event.body; };
function render() { return <div onClick={() => go()} />; }
class A { #secret() {} static create() {} }
function extendedparser(options) {
  return function queryparse(body) { return qs.parse(body); };
}
export const decodeText = dual((args) => isStream(args[0]), (self, encoding) =>
  suspend(() => { return map(self, (s) => decoder.decode(s)); }));
const doubled = xs.map((x) => x * 2);
"#), @r"
        Module src/file::<module> L1-10
        Closure src/file::handler L2-2
        Function src/file::render L3-3
        Method src/file::A.#secret L4-4
        Method src/file::A.create L4-4
        Function src/file::extendedparser L5-7
        Closure src/file::extendedparser.queryparse L6-6
        Closure src/file::decodeText L8-9
        ");
        insta::assert_snapshot!(check(Language::Java, r#"
package com.acme;
public class Orders {
    public Orders() {}
    public int total(List<Integer> xs) { return xs.get(0); }
    interface Repo { Order find(long id); default void touch() {} }
    enum State { A; void next() {} }
}
"#), @r"
        Module src/file::<module> L1-8
        Method src/file::Orders.Orders L4-4
        Method src/file::Orders.total L5-5
        Method src/file::Orders.Repo.touch L6-6
        Method src/file::Orders.State.next L7-7
        ");
    }

    #[test]
    fn callbacks_handed_to_calls_at_the_top_of_a_module() {
        let source = r#"
app.get('/users/:id', async (req, res) => {
  res.send(users[req.params.id].name);
});
AST_Node.DEFMETHOD("size", function () { return this.phase.length; });
process.nextTick(function () { start(); });
describe('parser', () => {
  it('parses', () => { parse(''); });
});
app.use((err) => log(err));
"#;
        insta::assert_snapshot!(check(Language::JavaScript, source), @r"
        Module src/file::<module> L1-10
        Closure src/file::/users/:id L2-4
        Closure src/file::size L5-5
        Closure src/file::process.nextTick L6-6
        Closure src/file::parser L7-9
        ");
        // In a file past the chunk size the module's top is the spine,
        // and the callbacks are still found once.
        let big = format!("{}{source}", "const pad = 1;\n".repeat(1200));
        let names: Vec<_> = index(Language::JavaScript, &big)
            .functions
            .into_iter()
            .map(|f| f.qualified_name)
            .collect();
        // (1,200 lines of its own: more than a module is analysed with.)
        assert_eq!(names, ["/users/:id", "size", "process.nextTick", "parser"]);
    }

    /// The chunk cache must never change the result: after edits, an index
    /// built with the previous version's cache equals one built from scratch.
    #[test]
    fn cached_index_equals_fresh_index() {
        let mut java = String::from("package com.acme;\npublic class Big {\n");
        let mut python = String::from("class Big:\n");
        for n in 0..400 {
            java.push_str(&format!(
                "    int m{n}(int[] xs) {{\n        int total = 0;\n        for (int x : xs) {{ total += x * {n}; }}\n        return total;\n    }}\n"
            ));
            python.push_str(&format!(
                "    def m{n}(self, xs):\n        total = 0\n        for x in xs:\n            total += x * {n}\n        return total\n\n"
            ));
        }
        java.push_str("}\n");
        let edits_java = |s: &str| {
            s.replacen("int m200(", "int renamed(", 1)
                .replacen("public class Big {\n", "public class Big {\n    // new\n", 1)
                .replacen("    int m7(int[] xs) {\n        int total = 0;\n        for (int x : xs) { total += x * 7; }\n        return total;\n    }\n", "", 1)
        };
        let edits_python = |s: &str| {
            s.replacen("def m200(", "def renamed(", 1)
                .replacen("class Big:\n", "class Big:\n    # new\n", 1)
                .replacen("    def m7(self, xs):\n        total = 0\n        for x in xs:\n            total += x * 7\n        return total\n\n", "", 1)
        };
        type Edit<'a> = &'a dyn Fn(&str) -> String;
        let cases: [(Language, &str, Edit); 2] = [
            (Language::Java, &java, &edits_java),
            (Language::Python, &python, &edits_python),
        ];
        for (language, source, edit) in cases {
            let rope = Rope::from_str(source);
            let tree = parse_str(language, source).unwrap();
            let (_, cache) =
                index_functions_cached(language, &tree, &rope, "f", &IndexCache::default());
            let edited = edit(source);
            let rope = Rope::from_str(&edited);
            let tree = parse_str(language, &edited).unwrap();
            let (cached, _) = index_functions_cached(language, &tree, &rope, "f", &cache);
            let fresh = index_functions(language, &tree, &rope, "f");
            assert_eq!(cached, fresh, "{language}");
            // 399 functions and the module.
            assert_eq!(fresh.functions.len(), 400, "{language}");
            assert!(
                fresh.functions.iter().any(|f| f.id == "f::Big.renamed"),
                "{language}"
            );
        }
    }

    #[test]
    fn duplicate_names_get_distinct_ids() {
        let ids: Vec<String> = index(
            Language::Python,
            "class A:\n    @property\n    def x(self): return 1\n    @x.setter\n    def x(self, v): pass\n",
        )
        .functions
        .into_iter()
        .map(|f| f.id)
        .collect();
        assert_eq!(
            ids,
            ["src/file::<module>", "src/file::A.x", "src/file::A.x#2"]
        );
    }

    #[test]
    fn hash_ignores_whitespace_comments_and_docstrings() {
        let hash = |language, source: &str| {
            let index = index(language, source);
            let first = index.functions.iter().find(|f| !f.is_module());
            first.expect("a function").content_hash
        };
        let py = hash(Language::Python, "def f(a):\n    return a[0]\n");
        assert_eq!(
            py,
            hash(
                Language::Python,
                "def f( a ):\n    \"\"\"Doc.\"\"\"\n    # why\n    return a[ 0 ]\n"
            )
        );
        assert_ne!(py, hash(Language::Python, "def f(a):\n    return a[1]\n"));
        assert_ne!(py, hash(Language::Python, "def f(a):\n    return 'a[0]'\n"));
        let rs = hash(Language::Rust, "fn f(a: &[u8]) -> u8 { a[0] }");
        assert_eq!(
            rs,
            hash(
                Language::Rust,
                "fn f(a: &[u8]) -> u8 {\n    // first\n    a[0] /* byte */\n}"
            )
        );
        assert_ne!(rs, hash(Language::Rust, "fn f(a: &[u8]) -> u8 { a[1] }"));
    }

    #[test]
    fn changes_between_indexes() {
        let old = index(
            Language::Python,
            "def a():\n    return 1\n\ndef b():\n    return 2\n\ndef c():\n    pass\n",
        );
        let new = index(
            Language::Python,
            "# moved\n\ndef a():\n    return  1\n\ndef b():\n    return 3\n\ndef d():\n    pass\n",
        );
        let changes = changed_functions(&old, &new);
        assert_eq!(changes.added, ["src/file::d"]);
        assert_eq!(changes.changed, ["src/file::b"]);
        assert_eq!(changes.removed, ["src/file::c"]);
    }

    /// The module's code is one function of its own: what no other function
    /// holds is its, its hash moves only when that code changes, and a Rust
    /// file (whose items are compile-time) has none.
    #[test]
    fn the_module_holds_what_no_function_does() {
        let source = "import os\n\nPORT = int(os.environ['PORT'])\n\ndef serve():\n    return PORT\n\nclass App:\n    name = 'x'\n\n    def run(self):\n        pass\n";
        let module = |source: &str| {
            index(Language::Python, source)
                .module()
                .unwrap()
                .content_hash
        };
        let index = index(Language::Python, source);
        let at = |needle: &str| {
            let offset = source.find(needle).unwrap();
            index.function_at(offset).map(|f| f.id.as_str())
        };
        assert_eq!(at("PORT ="), Some("src/file::<module>"));
        assert_eq!(at("return PORT"), Some("src/file::serve"));
        assert_eq!(at("name = 'x'"), Some("src/file::<module>"));
        assert_eq!(at("pass"), Some("src/file::App.run"));
        assert_eq!(index.defined().count(), 2);
        let hash = module(source);
        // An edit inside a function, or a comment, is no change of the module.
        assert_eq!(
            hash,
            module(&source.replace("return PORT", "return PORT + 1"))
        );
        assert_eq!(
            hash,
            module(&source.replace("import os\n", "import os  # env\n"))
        );
        assert_ne!(hash, module(&source.replace("['PORT']", "['HOST']")));
        assert_ne!(hash, module(&source.replace("name = 'x'", "name = 'y'")));
        let rust = super::tests::index(Language::Rust, "static N: u8 = 1;\nfn f() {}\n");
        assert!(rust.module().is_none());
        // Nor does a file of imports, a docstring and functions.
        let plain = super::tests::index(
            Language::Python,
            "\"\"\"Helpers.\"\"\"\nimport os\n\n# first\ndef f():\n    pass\n",
        );
        assert!(plain.module().is_none());
        // Nor a script longer than the rules were written for.
        let script: String = (0..=MODULE_LINES)
            .map(|n| format!("x_{n} = {n}\n"))
            .collect();
        assert!(
            super::tests::index(Language::Python, &script)
                .module()
                .is_none()
        );
        let short: String = (0..MODULE_LINES / 2)
            .map(|n| format!("x_{n} = {n}\n"))
            .collect();
        assert!(
            super::tests::index(Language::Python, &short)
                .module()
                .is_some()
        );
        assert_eq!(rust.functions.len(), 1);
    }
}
