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

use ropey::Rope;
use serde::Serialize;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, Tree};
use xxhash_rust::xxh3::Xxh3;

use crate::language::{Language, QueryKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Method,
    Closure,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerKind {
    Class,
    Impl,
    Trait,
    Module,
    Interface,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Container {
    pub name: String,
    pub kind: ContainerKind,
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    pub parent: Option<usize>,
}

/// The functions and containers of one file, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FunctionIndex {
    pub functions: Vec<Function>,
    pub containers: Vec<Container>,
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
    /// The innermost function containing `offset`.
    pub fn function_at(&self, offset: usize) -> Option<&Function> {
        self.functions
            .iter()
            .filter(|f| f.range.start <= offset && offset <= f.range.end)
            .min_by_key(|f| f.range.len())
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

/// Builds the index of a parsed file. `path` is the workspace-relative path
/// used in ids.
pub fn index_functions(language: Language, tree: &Tree, rope: &Rope, path: &str) -> FunctionIndex {
    let query = language.query(QueryKind::Functions);
    let names = query.capture_names();
    let capture = |name: &str| names.iter().position(|n| *n == name);
    let (c_function, c_function_name, c_receiver, c_container, c_container_name) = (
        capture("function"),
        capture("function.name"),
        capture("function.receiver"),
        capture("container"),
        capture("container.name"),
    );

    struct Found<'t> {
        node: Node<'t>,
        name: Node<'t>,
        receiver: Option<Node<'t>>,
    }
    let mut functions: Vec<Found> = Vec::new();
    let mut containers: Vec<Found> = Vec::new();
    let mut seen_functions = HashSet::new();
    let mut seen_containers = HashSet::new();

    let text = RopeText(rope);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text);
    while let Some(m) = matches.next() {
        let get = |index: Option<usize>| {
            index.and_then(|i| {
                m.captures()
                    .iter()
                    .find(|c| c.index as usize == i)
                    .map(|c| c.node)
            })
        };
        if let (Some(node), Some(name)) = (get(c_function), get(c_function_name)) {
            if seen_functions.insert(node.id()) {
                functions.push(Found {
                    node,
                    name,
                    receiver: get(c_receiver),
                });
            }
        } else if let (Some(node), Some(name)) = (get(c_container), get(c_container_name))
            && seen_containers.insert(node.id())
        {
            containers.push(Found {
                node,
                name,
                receiver: None,
            });
        }
    }
    functions.sort_by_key(|f| (f.node.start_byte(), std::cmp::Reverse(f.node.end_byte())));
    containers.sort_by_key(|c| (c.node.start_byte(), std::cmp::Reverse(c.node.end_byte())));

    let container_at: HashMap<usize, usize> = containers
        .iter()
        .enumerate()
        .map(|(i, c)| (c.node.id(), i))
        .collect();
    let function_at: HashMap<usize, usize> = functions
        .iter()
        .enumerate()
        .map(|(i, f)| (f.node.id(), i))
        .collect();

    // Walks a node's ancestors: the innermost enclosing container and
    // function, and the names of every enclosing container and function,
    // outermost first, for the qualified name.
    let enclosing = |node: Node| -> (Option<usize>, Option<usize>, Vec<String>) {
        let mut container = None;
        let mut function = None;
        let mut names = Vec::new();
        let mut current = node.parent();
        while let Some(ancestor) = current {
            if let Some(&i) = container_at.get(&ancestor.id()) {
                container.get_or_insert(i);
                names.push(container_name(language, containers[i].name, rope));
            } else if let Some(&i) = function_at.get(&ancestor.id()) {
                function.get_or_insert(i);
                names.push(node_text(functions[i].name, rope));
            }
            current = ancestor.parent();
        }
        names.reverse();
        (container, function, names)
    };

    let mut index = FunctionIndex::default();
    for found in &containers {
        let (parent, _, _) = enclosing(found.node);
        index.containers.push(Container {
            name: container_name(language, found.name, rope),
            kind: container_kind(found.node.kind()),
            range: found.node.byte_range(),
            name_range: found.name.byte_range(),
            parent,
        });
    }

    let separator = language.path_separator();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    for found in &functions {
        let name = node_text(found.name, rope);
        let receiver = found.receiver.map(|r| {
            // The receiver node is the bare type name; keep the pointer star
            // from its parent, which Go's runtime prints as `(*T).Method`.
            match r.parent() {
                Some(p) if p.kind() == "pointer_type" => format!("*{}", node_text(r, rope)),
                _ => node_text(r, rope),
            }
        });
        let (container, parent, mut scope) = enclosing(found.node);
        if scope.is_empty()
            && let Some(receiver) = &receiver
        {
            scope.push(receiver.trim_start_matches('*').to_owned());
        }
        let prefix = (!scope.is_empty()).then(|| scope.join(separator));
        let qualified_name = match prefix {
            Some(prefix) => format!("{prefix}{separator}{name}"),
            None => name.clone(),
        };
        let mut id = format!("{path}::{qualified_name}");
        let count = used_ids.entry(id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            id = format!("{id}#{count}");
        }
        let kind = if is_closure(found.node.kind()) {
            FunctionKind::Closure
        } else if container.is_some() || receiver.is_some() {
            FunctionKind::Method
        } else {
            FunctionKind::Function
        };
        let range = found.node.byte_range();
        index.functions.push(Function {
            id,
            name,
            qualified_name,
            kind,
            receiver,
            start_line: rope.byte_to_line(range.start.min(rope.len_bytes())),
            end_line: rope.byte_to_line(range.end.min(rope.len_bytes())),
            content_hash: content_hash(found.node, rope),
            range,
            name_range: found.name.byte_range(),
            container,
            parent,
        });
    }
    index
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

/// A Python docstring: a string alone as the first statement of a block.
fn is_docstring(node: Node) -> bool {
    node.kind() == "expression_statement"
        && node.named_child_count() == 1
        && node.named_child(0).is_some_and(|c| c.kind() == "string")
        && node
            .parent()
            .is_some_and(|p| p.kind() == "block" && p.named_child(0) == Some(node))
}

/// Hashes the node kinds and leaf texts of a subtree, skipping comments and
/// docstrings; whitespace never reaches a leaf, so it never counts.
pub fn content_hash(node: Node, rope: &Rope) -> u64 {
    let mut hasher = Xxh3::new();
    let mut cursor = node.walk();
    let mut descend = true;
    loop {
        let current = cursor.node();
        let skip = is_comment(current.kind()) || is_docstring(current);
        if descend && !skip {
            hasher.update(&current.kind_id().to_le_bytes());
            if current.child_count() == 0 {
                let range = current.byte_range();
                let end = range.end.min(rope.len_bytes());
                for chunk in rope.byte_slice(range.start.min(end)..end).chunks() {
                    hasher.update(chunk.as_bytes());
                }
                hasher.update(&[0xff]);
            } else if cursor.goto_first_child() {
                continue;
            }
        }
        if cursor.goto_next_sibling() {
            descend = true;
            continue;
        }
        // Climb until a sibling is found or we are back at the start node.
        loop {
            if !cursor.goto_parent() || cursor.node() == node {
                return hasher.digest();
            }
            if cursor.goto_next_sibling() {
                descend = true;
                break;
            }
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
"#), @r"
        Closure src/file::handler L2-2
        Function src/file::render L3-3
        Method src/file::A.#secret L4-4
        Method src/file::A.create L4-4
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
        Method src/file::Orders.Orders L4-4
        Method src/file::Orders.total L5-5
        Method src/file::Orders.Repo.touch L6-6
        Method src/file::Orders.State.next L7-7
        ");
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
        assert_eq!(ids, ["src/file::A.x", "src/file::A.x#2"]);
    }

    #[test]
    fn hash_ignores_whitespace_comments_and_docstrings() {
        let hash = |language, source: &str| index(language, source).functions[0].content_hash;
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
}
