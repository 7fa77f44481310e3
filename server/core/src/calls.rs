//! The call index: for each function name, where in the workspace it is called.
//!
//! Calls are matched by the callee's last name segment (`self.client.charge()`
//! counts as a call of `charge`), which is what a syntax tree alone can tell.
//! The index feeds the caller frames of synthetic traces and the callers in
//! model prompts; ranking prefers callers near the callee.

use std::collections::HashMap;
use std::sync::Arc;

use ropey::Rope;
use serde::Serialize;
use streaming_iterator::StreamingIterator;
use tree_sitter::{QueryCursor, Tree};

use crate::arguments::{self, Passed, Slot};
use crate::functions::{FunctionIndex, RopeText, node_text};
use crate::language::{Language, QueryKind};

/// One call of a function by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallSite {
    /// Workspace-relative path of the calling file.
    pub path: Arc<str>,
    pub language: Language,
    /// Zero-based line of the call.
    pub line: usize,
    /// Zero-based byte column of the callee's name.
    pub column: usize,
    /// Whether the call is awaited (JavaScript prints such frames `at async f`).
    pub awaited: bool,
    /// The package the calling file declares (Go, Java), for frame names.
    pub package: Option<Arc<str>>,
    /// The calling function's qualified name and id, if the call is inside one.
    pub caller: Option<String>,
    pub caller_id: Option<String>,
    /// The calling function's plain name, to look up its own callers.
    pub caller_name: Option<String>,
    /// Literal nothing or empty arguments (`f(None, "")`), by slot: what
    /// the callee's parameters may be handed.
    pub passed: Vec<(Slot, Passed)>,
}

/// The calls one file makes, grouped by callee name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCalls {
    pub by_name: HashMap<String, Vec<CallSite>>,
}

/// Extracts the calls of a parsed file.
pub fn file_calls(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    path: &str,
    functions: &FunctionIndex,
) -> FileCalls {
    let query = language.query(QueryKind::Calls);
    let Some(name_index) = query.capture_index_for_name("call.name") else {
        return FileCalls::default();
    };
    let path: Arc<str> = Arc::from(path);
    let package: Option<Arc<str>> =
        crate::language::declared_package(language, rope).map(Arc::from);
    let mut calls = FileCalls::default();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), RopeText(rope));
    while let Some(m) = matches.next() {
        let Some(name) = m.captures().iter().find(|c| c.index == name_index) else {
            continue;
        };
        let callee = node_text(name.node, rope);
        let offset = name.node.start_byte();
        let caller = functions.function_at(offset);
        let call = m
            .captures()
            .iter()
            .find(|c| query.capture_names()[c.index as usize] == "call")
            .map(|c| c.node);
        let awaited = call
            .and_then(|c| c.parent())
            .is_some_and(|p| matches!(p.kind(), "await_expression" | "await"));
        let passed = call
            .and_then(|c| c.child_by_field_name("arguments"))
            .filter(|a| a.byte_range().len() <= 4096)
            .map(|a| arguments::literals(language, &node_text(a, rope)))
            .unwrap_or_default();
        let (line, column) = crate::position::line_col(rope, offset);
        calls.by_name.entry(callee).or_default().push(CallSite {
            path: path.clone(),
            language,
            line,
            column,
            awaited,
            package: package.clone(),
            caller: caller.map(|f| f.qualified_name.clone()),
            caller_id: caller.map(|f| f.id.clone()),
            caller_name: caller.map(|f| f.name.clone()),
            passed,
        });
    }
    calls
}

/// The files that pass one callee literal arguments: per file, its
/// language and what its calls pass.
type PassedByFile = HashMap<Arc<str>, (Language, Vec<(Slot, Passed)>)>;

/// Calls across the workspace, replaced file by file as files change.
#[derive(Clone, Debug, Default)]
pub struct CallIndex {
    files: HashMap<Arc<str>, FileCalls>,
    /// Bumped by every change.
    generation: u64,
    /// The generation in which the call sites of each callee name last
    /// changed: a trace rendered from the callers of some names is stale
    /// only if one of them changed since, so re-indexing a file renders
    /// again only the functions whose callers it changed.
    changed: HashMap<String, u64>,
    /// Per callee name, the files that pass it literal nothing or empty
    /// arguments, with what they pass: kept as files are set so that a
    /// file's analysis reads its functions' entries, not every file.
    passed: HashMap<String, PassedByFile>,
}

impl CallIndex {
    pub fn set_file(&mut self, path: &str, calls: FileCalls) {
        self.generation += 1;
        let old = self.files.insert(Arc::from(path), calls);
        self.note_changes(old.as_ref(), path);
        self.note_passed(old.as_ref(), path);
    }

    pub fn remove_file(&mut self, path: &str) {
        self.generation += 1;
        let old = self.files.remove(path);
        self.note_changes(old.as_ref(), path);
        self.note_passed(old.as_ref(), path);
    }

    /// Adds every file of `other`, replacing files both have.
    pub fn merge(&mut self, other: CallIndex) {
        self.generation += 1;
        for (path, calls) in other.files {
            let old = self.files.insert(path.clone(), calls);
            self.note_changes(old.as_ref(), &path);
            self.note_passed(old.as_ref(), &path);
        }
    }

    /// Replaces what `path` passed (per `old`) with what it passes now.
    fn note_passed(&mut self, old: Option<&FileCalls>, path: &str) {
        if let Some(old) = old {
            for name in old.by_name.keys() {
                if let Some(files) = self.passed.get_mut(name) {
                    files.remove(path);
                    if files.is_empty() {
                        self.passed.remove(name);
                    }
                }
            }
        }
        let Some((key, calls)) = self.files.get_key_value(path) else {
            return;
        };
        for (name, sites) in &calls.by_name {
            let literals: Vec<(Slot, Passed)> = sites
                .iter()
                .flat_map(|site| site.passed.iter().cloned())
                .collect();
            if let Some(first) = sites.first().filter(|_| !literals.is_empty()) {
                self.passed
                    .entry(name.clone())
                    .or_default()
                    .insert(key.clone(), (first.language, literals));
            }
        }
    }

    /// Marks the names whose call sites differ between `old` and what is
    /// now indexed for `path`.
    fn note_changes(&mut self, old: Option<&FileCalls>, path: &str) {
        let empty = HashMap::new();
        let old = old.map_or(&empty, |calls| &calls.by_name);
        let new = self.files.get(path).map_or(&empty, |calls| &calls.by_name);
        for name in old.keys().chain(new.keys()) {
            if old.get(name) != new.get(name) {
                self.changed.insert(name.clone(), self.generation);
            }
        }
    }

    /// Changes with every file set, removed or merged.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the call sites of `name` changed after `generation`.
    pub fn changed_since(&self, name: &str, generation: u64) -> bool {
        self.changed.get(name).is_some_and(|&at| at > generation)
    }

    /// The literal nothing and empty arguments of every call of `name` in
    /// files of a compatible language, with the calling file's path.
    pub fn literals_passed(
        &self,
        name: &str,
        language: Language,
    ) -> impl Iterator<Item = (&str, &Slot, Passed)> {
        self.passed
            .get(name)
            .into_iter()
            .flatten()
            .filter(move |(_, (site_language, _))| compatible(*site_language, language))
            .flat_map(|(path, (_, literals))| {
                literals
                    .iter()
                    .map(move |(slot, passed)| (&**path, slot, *passed))
            })
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Call sites of `name` in files of a compatible language, nearest first:
    /// same file, then same directory, then the rest, each by path and line.
    pub fn callers(&self, name: &str, language: Language, from_path: &str) -> Vec<CallSite> {
        let dir = from_path.rsplit_once('/').map_or("", |(d, _)| d);
        let mut sites: Vec<CallSite> = self
            .files
            .values()
            .filter_map(|f| f.by_name.get(name))
            .flatten()
            .filter(|site| compatible(site.language, language))
            .cloned()
            .collect();
        sites.sort_by(|a, b| {
            let rank = |s: &CallSite| {
                if &*s.path == from_path {
                    0
                } else if s.path.rsplit_once('/').map_or("", |(d, _)| d) == dir {
                    1
                } else {
                    2
                }
            };
            rank(a)
                .cmp(&rank(b))
                .then_with(|| a.path.cmp(&b.path))
                .then(a.line.cmp(&b.line))
        });
        sites
    }
}

/// JavaScript and TypeScript call each other; other languages stay apart.
fn compatible(a: Language, b: Language) -> bool {
    let family = |l: Language| match l {
        Language::TypeScript | Language::Tsx | Language::JavaScript => 0,
        other => other as u8 + 1,
    };
    family(a) == family(b)
}
