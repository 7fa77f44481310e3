//! Tests that reproduce a predicted failure, and ignore comments.
//!
//! A generated test is a regression test: it drives the function with the
//! scenario's trigger and asserts that the predicted failure does not
//! happen, so it fails today with exactly the predicted error and passes
//! once the code handles the trigger. It never enshrines the bug. Where the
//! right behaviour is unknowable it asserts only that the predicted error is
//! not raised, and a one-line comment says what to assert instead.
//!
//! Each language writes where its projects keep tests (see the per-language
//! modules). Edits only append to existing files, so the user's code is
//! never overwritten or reordered. No LSP here: the result is a plain edit
//! the server turns into a `WorkspaceEdit` and the CLI could write to disk.

mod ecma;
mod go;
mod ignore;
mod java;
mod literal;
mod params;
mod python;
pub mod repro;
mod rust;
#[cfg(test)]
mod tests;
pub mod trigger;

use std::path::Path;

use ropey::Rope;
use tree_sitter::{Node, Tree};

use crate::functions::Function;
use crate::language::Language;
use crate::scenario::Scenario;
use crate::text::lowercase_first;

pub use ignore::{TextEdit, ignore_edit};
pub use params::Param;

/// Reads the project's files: open buffers first, then the disk.
pub struct Project<'a> {
    pub root: &'a Path,
    /// Text of a workspace-relative path, if the file exists.
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

impl Project<'_> {
    fn is_dir(&self, relative: &str) -> bool {
        self.root.join(relative).is_dir()
    }

    fn file_names(&self, relative_dir: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.root.join(relative_dir)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .collect();
        names.sort();
        names
    }
}

/// What a test request is about: one scenario of one function of a file.
pub struct Subject<'a> {
    pub language: Language,
    /// Workspace-relative, `/`-separated.
    pub path: &'a str,
    pub rope: &'a Rope,
    pub tree: &'a Tree,
    pub function: &'a Function,
    pub scenario: &'a Scenario,
}

impl Subject<'_> {
    /// The syntax node of the function definition.
    fn node(&self) -> Option<Node<'_>> {
        let range = &self.function.range;
        let mut node = self
            .tree
            .root_node()
            .descendant_for_byte_range(range.start, range.end)?;
        while node.byte_range() != *range {
            node = node.parent()?;
        }
        Some(node)
    }

    fn text(&self, node: Node) -> String {
        self.rope.byte_slice(node.byte_range()).to_string()
    }

    /// The value the scenario gives `param`, if it names it.
    fn input(&self, param: &str) -> Option<&str> {
        self.scenario
            .inputs
            .iter()
            .find(|(name, _)| name == param)
            .map(|(_, value)| value.as_str())
    }

    /// The scenario's error up to the first `:`, if it reads as a type name.
    fn error_type(&self) -> Option<&str> {
        let head = self.scenario.error.split(':').next()?.trim();
        let valid = !head.is_empty()
            && head
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            && head
                .rsplit('.')
                .next()
                .and_then(|last| last.chars().next())
                .is_some_and(char::is_uppercase);
        valid.then_some(head)
    }

    /// The scenario in one line, for the comment atop the test.
    fn predicted(&self) -> String {
        crate::text::one_line(
            &format!(
                "{} when {}",
                self.scenario.error,
                lowercase_first(&self.scenario.trigger)
            ),
            160,
        )
    }
}

/// An edit that adds a test: create `path` with `text`, or insert `text`
/// at byte `offset` of the existing file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestEdit {
    /// Workspace-relative, `/`-separated.
    pub path: String,
    /// `None` when the file does not exist yet.
    pub offset: Option<usize>,
    pub text: String,
    /// The new test's name.
    pub name: String,
    /// The framework the test is written for (`pytest`, `cargo test`, …).
    pub framework: &'static str,
}

/// Writes a test that reproduces `subject`'s scenario, or says why it cannot.
pub fn write_test(subject: &Subject, project: &Project) -> Result<TestEdit, String> {
    if subject.function.is_module() {
        return Err(
            "this code runs when the module is loaded; a test cannot call it with other inputs"
                .to_owned(),
        );
    }
    let node = subject
        .node()
        .ok_or_else(|| "the function is not in the syntax tree".to_owned())?;
    match subject.language {
        Language::Python => python::write(subject, node, project),
        Language::Rust => rust::write(subject, node, project),
        Language::Go => go::write(subject, node, project),
        Language::Java => java::write(subject, node, project),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            ecma::write(subject, node, project)
        }
    }
}

/// Whether `scenario` has an input that names one of `params`: without one
/// the test could not drive the function into the failure.
fn driven(subject: &Subject, params: &[Param]) -> Result<(), String> {
    if params.iter().any(|p| subject.input(&p.name).is_some()) {
        Ok(())
    } else {
        Err("no input of the function is known to trigger this failure".to_owned())
    }
}

/// A name for the new test that `existing` does not define yet.
fn unique_name(base: &str, existing: Option<&str>) -> String {
    let Some(existing) = existing else {
        return base.to_owned();
    };
    let taken = |name: &str| {
        existing.match_indices(name).any(|(at, _)| {
            let after = existing[at + name.len()..].chars().next();
            let before = existing[..at].chars().next_back();
            !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    };
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_owned())
}

/// `snake_case` words of a scenario's class, for test names.
fn class_words(subject: &Subject) -> &'static str {
    subject.scenario.class.as_str()
}

/// `CamelCase` from `snake_case` (Go and Java test names).
fn camel(text: &str) -> String {
    text.split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Where to append to an existing file: its end, after a newline.
fn append(existing: &str, block: &str) -> (usize, String) {
    let separator = if existing.is_empty() || existing.ends_with("\n\n") {
        ""
    } else if existing.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    (existing.len(), format!("{separator}{block}"))
}

/// Parent directory of a `/`-separated relative path (`""` at the root).
fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The file name without its extension.
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split_once('.').map_or(name, |(stem, _)| stem)
}
