//! The static hazard pass: operations that can fail at run time, found by
//! the queries in `grammars/<language>/hazards.scm` and confirmed by a small
//! Rust check per rule that understands guards (`if key in d`, `?`, length
//! checks, `try`/`catch`, optional chaining…).
//!
//! Each query pattern names its rule with `(#set! rule "<id>")` and captures
//! the failing operation as `@hazard`; its other captures are the rule's
//! operands. The language modules (`python`, `rust`, …) hold the checks.
//! Output is plain data, relative to the function, so an unchanged function
//! keeps its hazards when code above it moves.

pub mod candidates;
mod division;
pub(crate) mod ecma;
mod golang;
pub mod guards;
mod java;
mod origin;
pub mod payload;
mod python;
pub(crate) mod rust;
#[cfg(test)]
mod tests;
mod tree;

use std::collections::HashMap;
use std::ops::Range;

use ropey::Rope;
use serde::Serialize;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, Tree};
use xxhash_rust::xxh3::Xxh3;

use crate::config::Config;
use crate::functions::{Function, FunctionIndex, RopeText, node_text};
use crate::language::{Language, QueryKind};
use crate::scenario::{FailureClass, Kind};
use crate::text::one_line;
use candidates::FileFacts;

/// A way the code can fail, found without running it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hazard {
    pub class: FailureClass,
    pub kind: Kind,
    pub rule: &'static str,
    /// Byte range of the failing operation, relative to the function's start.
    pub start: usize,
    pub end: usize,
    /// The failing expression as written.
    pub subject: String,
    pub likelihood: f32,
    /// The input or environment condition, one sentence.
    pub trigger: String,
    /// The runtime's error type (`KeyError`, `panic`, `TypeError`, `NumberFormatException`).
    pub error_type: String,
    /// The exact error message the runtime prints.
    pub error: String,
    /// The one-line summary people read first.
    pub summary: String,
    /// Parameter values that trigger the failure, as literals of the
    /// language (for generated tests): `(parameter, value)`.
    pub inputs: Vec<(String, String)>,
}

impl Hazard {
    /// The 0-based line of `offset` (relative to the function's start, as
    /// `start` and `end` are) in the file.
    pub fn line_of(offset: usize, function: &Function, rope: &Rope) -> usize {
        rope.byte_to_line((function.range.start + offset).min(rope.len_bytes()))
    }
}

/// What a rule's check reports; the framework adds position and subject.
pub struct Finding {
    pub class: FailureClass,
    pub kind: Kind,
    pub likelihood: f32,
    pub trigger: String,
    pub error_type: String,
    pub error: String,
    pub summary: String,
    pub inputs: Vec<(String, String)>,
    /// Overrides the `@hazard` node as the reported range.
    pub range: Option<Range<usize>>,
}

impl Finding {
    pub fn new(
        class: FailureClass,
        likelihood: f32,
        error_type: impl Into<String>,
        error: impl Into<String>,
        trigger: impl Into<String>,
        summary: impl Into<String>,
    ) -> Finding {
        Finding {
            class,
            kind: Kind::Latent,
            likelihood,
            trigger: trigger.into(),
            error_type: error_type.into(),
            error: error.into(),
            summary: summary.into(),
            inputs: Vec::new(),
            range: None,
        }
    }

    pub fn manifest(mut self) -> Finding {
        self.kind = Kind::Manifest;
        self
    }

    pub fn input(mut self, parameter: impl Into<String>, value: impl Into<String>) -> Finding {
        self.inputs.push((parameter.into(), value.into()));
        self
    }

    pub fn at(mut self, range: Range<usize>) -> Finding {
        self.range = Some(range);
        self
    }
}

/// One query match handed to a rule's check.
pub struct Match<'t> {
    pub rule: &'static str,
    pub hazard: Node<'t>,
    captures: Vec<(&'static str, Node<'t>)>,
}

impl<'t> Match<'t> {
    pub fn get(&self, name: &str) -> Option<Node<'t>> {
        self.captures
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, node)| *node)
    }
}

/// The function under analysis, with helpers the checks share.
pub struct FnCx<'a, 't> {
    pub language: Language,
    pub rope: &'a Rope,
    pub tree: &'t Tree,
    pub function: &'a Function,
    pub node: Node<'t>,
    pub index: &'a FunctionIndex,
    /// What the file says that every function's rules read.
    pub(crate) file: &'a FileFacts,
    /// Whether the file runs this function on other threads, read from
    /// the whole file once, by the Python shared-mutation rule.
    pub(crate) thread_target: std::cell::OnceCell<bool>,
    /// The Python names bound to outside data, read once per function:
    /// every subscript and conversion rule asks.
    pub(crate) external_names: std::cell::OnceCell<HashMap<String, origin::Origin>>,
    /// The file's text in one piece, copied from the rope once per
    /// function for the rules that search the whole file.
    file_text: std::cell::OnceCell<String>,
    /// The function's own text ([`FnCx::own_text`]), copied once.
    own_text: std::cell::OnceCell<String>,
}

impl<'a, 't> FnCx<'a, 't> {
    /// The context of `function`, found in `tree` as the outermost node
    /// spanning exactly its bytes (a child may span the same bytes).
    pub(crate) fn new(
        language: Language,
        tree: &'t Tree,
        rope: &'a Rope,
        function: &'a Function,
        index: &'a FunctionIndex,
        file: &'a FileFacts,
    ) -> Option<FnCx<'a, 't>> {
        let node = function_node(tree, function)?;
        Some(FnCx {
            language,
            rope,
            tree,
            function,
            node,
            index,
            file,
            thread_target: std::cell::OnceCell::new(),
            external_names: std::cell::OnceCell::new(),
            file_text: std::cell::OnceCell::new(),
            own_text: std::cell::OnceCell::new(),
        })
    }
}

impl<'t> FnCx<'_, 't> {
    pub fn text(&self, node: Node) -> String {
        node_text(node, self.rope)
    }

    /// The parameter names of the function, in order.
    pub fn parameters(&self) -> Vec<String> {
        guards::parameters(self.language, self.node, self.rope)
    }

    /// The function's text before its body: name, parameters, modifiers.
    pub fn header(&self) -> String {
        if self.function.is_module() {
            return String::new();
        }
        let header_end = self
            .node
            .child_by_field_name("body")
            .map_or(self.node.end_byte(), |b| b.start_byte());
        let end = header_end.min(self.rope.len_bytes());
        let start = self.node.start_byte().min(end);
        self.rope.byte_slice(start..end).to_string()
    }

    /// Whether the function is `async`.
    pub fn is_async(&self) -> bool {
        self.header()
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == "async")
    }

    /// Whether this is the module's own code ([`Function::is_module`]).
    pub fn is_module(&self) -> bool {
        self.function.is_module()
    }

    /// The function's text, offsets counted from its node's start. The
    /// module's is the file with every function blanked out (newlines
    /// kept, every other byte a space), so that what a rule reads in it is
    /// the module's own code, at the offsets the tree gives.
    pub fn own_text(&self) -> &str {
        self.own_text.get_or_init(|| {
            if !self.function.is_module() {
                return self.text(self.node);
            }
            let start = self.node.start_byte().min(self.rope.len_bytes());
            let end = self.node.end_byte().min(self.rope.len_bytes()).max(start);
            let mut text = String::with_capacity(end - start);
            // One ASCII byte per byte blanked keeps every later offset.
            let blank = |range: Range<usize>, text: &mut String| {
                let slice = self.rope.byte_slice(range);
                text.extend(slice.bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }));
            };
            let mut from = start;
            for stretch in self.index.module_stretches(self.rope) {
                let stretch = stretch.start.clamp(from, end)..stretch.end.clamp(from, end);
                blank(from..stretch.start, &mut text);
                text.extend(self.rope.byte_slice(stretch.clone()).chunks());
                from = stretch.end;
            }
            blank(from..end, &mut text);
            text
        })
    }

    /// The whole file's text.
    pub fn file_text(&self) -> &str {
        self.file_text.get_or_init(|| self.rope.to_string())
    }

    /// Whether another function of the index starts at `node` (a closure,
    /// a nested definition): it is analysed on its own.
    pub(crate) fn starts_nested_function(&self, node: Node) -> bool {
        self.index
            .function_at(node.start_byte())
            .is_some_and(|f| f.id != self.function.id && f.range.start == node.start_byte())
    }
}

type Check = fn(&Match, &FnCx) -> Option<Finding>;

fn checks(language: Language) -> &'static [(&'static str, Check)] {
    match language {
        Language::Python => python::CHECKS,
        Language::Rust => rust::CHECKS,
        Language::Go => golang::CHECKS,
        Language::Java => java::CHECKS,
        Language::TypeScript | Language::Tsx | Language::JavaScript => ecma::CHECKS,
    }
}

/// Finds the hazards of one function (not of functions nested in it, which
/// are analysed on their own). `file` is read once per file
/// ([`FileFacts::of`]).
pub fn function_hazards(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    function: &Function,
    index: &FunctionIndex,
    file: &FileFacts,
) -> Vec<Hazard> {
    let Some(cx) = FnCx::new(language, tree, rope, function, index, file) else {
        return Vec::new();
    };
    let node = cx.node;
    let query = language.query(QueryKind::Hazards);
    let names = query.capture_names();
    let table = checks(language);
    let mut cursor = QueryCursor::new();
    let mut found: Vec<Hazard> = Vec::new();
    // The module's code lies between the file's functions: the query reads
    // only those stretches, not the functions, which are analysed on their own.
    let ranges = if function.is_module() {
        index.module_stretches(rope)
    } else {
        vec![function.range.clone()]
    };
    for range in ranges {
        cursor.set_byte_range(range);
        let mut matches = cursor.matches(query, node, RopeText(rope));
        while let Some(m) = matches.next() {
            let Some(rule) = query
                .property_settings(m.pattern_index)
                .iter()
                .find(|p| &*p.key == "rule")
                .and_then(|p| p.value.as_deref())
            else {
                continue;
            };
            let captures: Vec<(&'static str, Node)> = m
                .captures()
                .iter()
                .map(|c| (names[c.index as usize], c.node))
                .collect();
            let Some(hazard) = captures
                .iter()
                .find(|(n, _)| *n == "hazard")
                .map(|(_, node)| *node)
            else {
                continue;
            };
            // Hazards inside nested functions belong to those functions.
            if index
                .function_at(hazard.start_byte())
                .is_none_or(|f| f.id != function.id)
            {
                continue;
            }
            let Some((_, check)) = table.iter().find(|(id, _)| *id == rule) else {
                tracing::warn!("no check for hazard rule {rule}");
                continue;
            };
            // The rule id in the query lives as long as the query (static).
            let rule: &'static str = table
                .iter()
                .find(|(id, _)| *id == rule)
                .map(|(id, _)| *id)
                .unwrap_or("unknown");
            let m = Match {
                rule,
                hazard,
                captures,
            };
            let Some(finding) = check(&m, &cx) else {
                continue;
            };
            let range = finding.range.clone().unwrap_or(hazard.byte_range());
            if suppressed(rope, range.start, finding.class) {
                continue;
            }
            let subject = {
                let end = range.end.min(rope.len_bytes());
                let start = range.start.min(end);
                rope.byte_slice(start..end).to_string()
            };
            let hazard = Hazard {
                class: finding.class,
                kind: finding.kind,
                rule,
                start: range.start - function.range.start,
                end: range.end - function.range.start,
                subject: one_line(&subject, 80),
                likelihood: finding.likelihood.clamp(0.0, 1.0),
                trigger: finding.trigger,
                error_type: finding.error_type,
                error: finding.error,
                summary: finding.summary,
                inputs: finding.inputs,
            };
            // Two patterns may report the same operation, and two positions in
            // one collection on one line (`s[0] == s[1]`) are one thing to look
            // at (two keys are two failures): keep the likelier, so the second
            // takes no place another failure could have.
            let line = |h: &Hazard| Hazard::line_of(h.start, function, rope);
            match found.iter_mut().find(|h| {
                h.class == hazard.class
                    && (h.start == hazard.start
                        || hazard.class == FailureClass::IndexOutOfRange
                            && line(h) == line(&hazard)
                            && subject_root(h) == subject_root(&hazard))
            }) {
                Some(kept) if hazard.likelihood > kept.likelihood => *kept = hazard,
                Some(_) => {}
                None => found.push(hazard),
            }
        }
    }
    found.sort_by_key(|h| (h.start, h.class));
    found
}

/// The value a hazard's subject starts from: `s` of `s[1]`, `self` of
/// `self.items[0]`.
fn subject_root(hazard: &Hazard) -> &str {
    hazard
        .subject
        .split(['[', '.', '(', ' '])
        .next()
        .unwrap_or_default()
}

/// The outermost node spanning exactly the function's bytes.
pub(crate) fn function_node<'t>(tree: &'t Tree, function: &Function) -> Option<Node<'t>> {
    if function.is_module() {
        return Some(tree.root_node());
    }
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(function.range.start, function.range.end)?;
    // The outermost of the nodes spanning the bytes that defines something
    // (has a body or parameters): a Python class whose body is one method
    // has a block spanning exactly that method, and the block is no
    // function.
    let defines = |n: Node| {
        n.child_by_field_name("body").is_some()
            || n.child_by_field_name("parameters").is_some()
            || n.child_by_field_name("parameter").is_some()
    };
    let mut definition = defines(node).then_some(node);
    while let Some(parent) = node.parent() {
        if parent.byte_range() == function.range {
            node = parent;
            if defines(node) {
                definition = Some(node);
            }
        } else {
            break;
        }
    }
    Some(definition.unwrap_or(node))
}

/// Whether a `failcast: ignore` or `failcast: ignore[class, …]` comment on
/// the hazard's line or the line above suppresses it.
pub(crate) fn suppressed(rope: &Rope, offset: usize, class: FailureClass) -> bool {
    let line = rope.byte_to_line(offset.min(rope.len_bytes()));
    let lines = [line.checked_sub(1), Some(line)];
    lines.into_iter().flatten().any(|l| {
        let text = rope.line(l).to_string();
        let Some(at) = text.find("failcast: ignore") else {
            return false;
        };
        let rest = &text[at + "failcast: ignore".len()..];
        match rest.strip_prefix('[') {
            Some(list) => list
                .split(']')
                .next()
                .unwrap_or_default()
                .split(',')
                .any(|c| c.trim() == class.as_str()),
            None => true,
        }
    })
}

/// Why a whole file is skipped: test files and generated files, unless the
/// configuration includes tests.
pub fn skip_reason(path: &str, rope: &Rope, config: &Config) -> Option<&'static str> {
    let head: String = rope.chunks().take(2).collect::<String>();
    let head = &head[..head.len().min(2048)];
    let generated = [
        "@generated",
        "DO NOT EDIT",
        "Code generated by",
        "autogenerated",
    ];
    if generated.iter().any(|marker| head.contains(marker)) {
        return Some("generated file");
    }
    if !config.include_tests && is_test_path(path) {
        return Some("test file");
    }
    None
}

/// Test files by the conventions of each language's tooling.
pub fn is_test_path(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let in_test_dir = path
        .split('/')
        .rev()
        .skip(1)
        .any(|dir| matches!(dir, "tests" | "test" | "__tests__" | "testdata" | "spec"));
    in_test_dir
        || file.starts_with("test_")
        || file.ends_with("_test.py")
        || file.ends_with("_test.go")
        || file == "conftest.py"
        || [".test.", ".spec."].iter().any(|m| file.contains(m))
        || (file.ends_with("Test.java") || file.ends_with("Tests.java"))
}

/// Byte ranges of test functions and test modules in a file.
pub fn test_ranges(language: Language, tree: &Tree, rope: &Rope) -> Vec<Range<usize>> {
    test_ranges_in(language, tree, rope, 0..usize::MAX)
}

/// The test ranges that intersect `within` (an enclosing `mod tests` or
/// test class included): what one changed function needs, without a query
/// over the whole file.
pub fn test_ranges_in(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    within: Range<usize>,
) -> Vec<Range<usize>> {
    let query = language.query(QueryKind::Tests);
    let Some(test) = query.capture_index_for_name("test") else {
        return Vec::new();
    };
    let mut cursor = QueryCursor::new();
    cursor.set_byte_range(within);
    let mut matches = cursor.matches(query, tree.root_node(), RopeText(rope));
    let mut ranges = Vec::new();
    while let Some(m) = matches.next() {
        for capture in m.captures().iter().filter(|c| c.index == test) {
            ranges.push(capture.node.byte_range());
        }
    }
    ranges
}

/// Hashes what a function's hazards may depend on besides its own text:
/// everything outside function bodies (imports, globals, class fields, type
/// declarations), every function's first line (names, `async`, receivers),
/// and the lines that make one function run on several threads (`go f()`,
/// `Thread(target=f)`). Hazards cached per function are keyed by it, so an
/// edit elsewhere that changes a guard or a thread target re-analyses the
/// file, while typing inside one function does not. Whitespace is ignored
/// so a blank line between functions invalidates nothing.
pub fn file_context_hash(language: Language, rope: &Rope, index: &FunctionIndex) -> u64 {
    let mut hasher = Xxh3::new();
    let mut feed = |start: usize, end: usize| {
        let end = end.min(rope.len_bytes());
        let start = start.min(end);
        for chunk in rope.byte_slice(start..end).chunks() {
            for piece in chunk.as_bytes().split(|b| b.is_ascii_whitespace()) {
                hasher.update(piece);
            }
        }
    };
    // Gaps between top-level functions (index order is source order).
    let mut covered = 0;
    for function in index.defined() {
        if function.range.start < covered {
            continue;
        }
        feed(covered, function.range.start);
        // The header: up to the end of the function's first line.
        let first_line_end = rope.line_to_byte((function.start_line + 1).min(rope.len_lines()));
        feed(function.range.start, first_line_end.min(function.range.end));
        covered = function.range.end;
    }
    feed(covered, rope.len_bytes());
    let markers: &[&str] = match language {
        Language::Python => &[
            "target=",
            ".submit(",
            ".map(",
            "Thread(",
            "start_new_thread(",
        ],
        Language::Go => &["go "],
        Language::Java => &["new Thread(", ".submit(", ".execute(", "parallelStream("],
        Language::Rust => &["spawn("],
        _ => &[],
    };
    // Most files have none; looking costs one pass over the chunks.
    let has_marker = rope.chunks().any(|c| markers.iter().any(|m| c.contains(m)));
    if has_marker {
        for function in index.defined() {
            let end = function.range.end.min(rope.len_bytes());
            let text = rope.byte_slice(function.range.start.min(end)..end);
            for line in text.lines() {
                let line = line.to_string();
                if markers.iter().any(|m| line.contains(m)) {
                    hasher.update(line.trim().as_bytes());
                }
            }
        }
    }
    hasher.digest()
}

/// Groups hazards by rule, for reports.
pub fn count_by_rule(hazards: &[Hazard]) -> HashMap<&'static str, usize> {
    let mut counts = HashMap::new();
    for hazard in hazards {
        *counts.entry(hazard.rule).or_insert(0) += 1;
    }
    counts
}
