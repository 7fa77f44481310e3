//! Fixture tests for the hazard pass, in the style of rust-analyzer's
//! `check_diagnostics`: each fixture under `server/core/tests/fixtures/hazards/`
//! is source code whose expected scenarios are written as comment lines
//! under the line they point at:
//!
//! ```text
//!     return data["id"]
//!     #      ^^^^^^^^^^ latent[key_missing]: Predicted KeyError 'id' when the input lacks it
//! ```
//!
//! The test strips those lines, analyses the code, writes them back from
//! the result and compares with the file. `UPDATE_EXPECT=1` rewrites the
//! fixtures instead of failing. A fixture with no annotation under a line
//! is a negative: a guard there must keep the pass silent.

use std::path::{Path, PathBuf};

use ropey::Rope;

use crate::analysis::analyze;
use crate::calls::CallIndex;
use crate::config::Config;
use crate::context::Context;
use crate::language::Language;

fn comment_token(language: Language) -> &'static str {
    match language {
        Language::Python => "#",
        _ => "//",
    }
}

fn is_annotation(line: &str, comment: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with(comment) && trimmed[comment.len()..].trim_start().starts_with('^')
}

/// Strips annotation lines.
pub fn strip_annotations(text: &str, language: Language) -> String {
    let comment = comment_token(language);
    text.split_inclusive('\n')
        .filter(|line| !is_annotation(line, comment))
        .collect()
}

/// Analyses `source` (as if at `path`) and writes one annotation line per
/// scenario under the line where it starts.
pub fn annotate(source: &str, language: Language, path: &str, config: &Config) -> String {
    let rope = Rope::from_str(source);
    let tree = crate::syntax::parse_str(language, source).expect("fixture parses");
    let calls = CallIndex::default();
    let ctx = Context::new(config, &calls);
    let analysis = analyze(path, language, 0, &rope, &tree, None, &ctx);
    let mut by_line: Vec<Vec<String>> = vec![Vec::new(); rope.len_lines()];
    let comment = comment_token(language);
    let mut scenarios: Vec<_> = analysis.all_scenarios().map(|(_, s)| s).collect();
    scenarios.sort_by_key(|s| (s.origin.start, s.class));
    for scenario in scenarios {
        let line_text = rope.line(scenario.origin.start_line).to_string();
        let line_text = line_text.trim_end_matches(['\n', '\r']);
        let col = line_text[..scenario.origin.start_col.min(line_text.len())]
            .chars()
            .count();
        let width = if scenario.origin.end_line == scenario.origin.start_line {
            line_text
                .get(scenario.origin.start_col..scenario.origin.end_col.min(line_text.len()))
                .map_or(1, |s| s.chars().count().max(1))
        } else {
            line_text.chars().count().saturating_sub(col).max(1)
        };
        let indent: String = line_text
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect();
        let indent_len = indent.chars().count();
        let prefix_len = indent_len + comment.len();
        let padding = if col > prefix_len {
            " ".repeat(col - prefix_len)
        } else {
            " ".to_owned()
        };
        let shift = if col > prefix_len {
            String::new()
        } else {
            format!(" (column {})", col + 1)
        };
        by_line[scenario.origin.start_line].push(format!(
            "{indent}{comment}{padding}{} {}[{}]: {}{shift}\n",
            "^".repeat(width),
            scenario.kind.as_str(),
            scenario.class.as_str(),
            scenario.summary
        ));
    }
    let mut out = String::with_capacity(source.len() * 2);
    for (i, line) in source.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push('\n');
        }
        if let Some(annotations) = by_line.get(i) {
            for annotation in annotations {
                out.push_str(annotation);
            }
        }
    }
    out
}

fn fixture_dir(language: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hazards")
        .join(language)
}

/// Checks every fixture of one language.
pub fn check_fixtures(dir_name: &str) {
    let dir = fixture_dir(dir_name);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| Language::from_path(p).is_some())
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no fixtures in {}", dir.display());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for path in entries {
        let language = Language::from_path(&path).expect("filtered above");
        let expected = std::fs::read_to_string(&path).expect("fixture is readable");
        let source = strip_annotations(&expected, language);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let actual = annotate(
            &source,
            language,
            &format!("app/{name}"),
            &Config::default(),
        );
        if actual != expected {
            if update {
                std::fs::write(&path, &actual).expect("fixture is writable");
            } else {
                failures.push(format!(
                    "{}:\n{}",
                    path.display(),
                    line_diff(&expected, &actual)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "hazard fixtures differ (run with UPDATE_EXPECT=1 to accept):\n{}",
        failures.join("\n")
    );
}

/// A minimal line diff: lines only in the expectation (`-`) or only in the result (`+`).
fn line_diff(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for line in &expected {
        if !actual.contains(line) {
            out.push_str(&format!("- {line}\n"));
        }
    }
    for line in &actual {
        if !expected.contains(line) {
            out.push_str(&format!("+ {line}\n"));
        }
    }
    out
}

#[test]
fn python_hazards() {
    check_fixtures("python");
}

#[test]
fn rust_hazards() {
    check_fixtures("rust");
}

#[test]
fn go_hazards() {
    check_fixtures("go");
}

#[test]
fn java_hazards() {
    check_fixtures("java");
}

#[test]
fn javascript_hazards() {
    check_fixtures("javascript");
}

#[test]
fn typescript_hazards() {
    check_fixtures("typescript");
}

/// Renders the traces and logs of a telemetry fixture: a source file under
/// `server/core/tests/fixtures/telemetry/` whose first line is a comment naming
/// the workspace path it pretends to live at.
fn telemetry(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/telemetry")
        .join(file);
    let language = Language::from_path(&path).expect("fixture has a known extension");
    let text = std::fs::read_to_string(&path).expect("telemetry fixture exists");
    let first = text.lines().next().unwrap_or_default();
    let workspace_path = first
        .split("path:")
        .nth(1)
        .expect("first line names `path: …`")
        .trim()
        .to_owned();
    let rope = Rope::from_str(&text);
    let tree = crate::syntax::parse_str(language, &text).unwrap();
    let functions = crate::functions::index_functions(language, &tree, &rope, &workspace_path);
    let mut calls = CallIndex::default();
    calls.set_file(
        &workspace_path,
        crate::calls::file_calls(language, &tree, &rope, &workspace_path, &functions),
    );
    let config = Config::default();
    let ctx = Context::new(&config, &calls);
    let analysis = analyze(&workspace_path, language, 0, &rope, &tree, None, &ctx);
    let mut out = String::new();
    for (function, scenario) in analysis.all_scenarios() {
        out.push_str(&format!(
            "== {} · {} · {} (line {})\n{}\n{}\n\n",
            function.id,
            scenario.class,
            scenario.rule,
            scenario.origin.start_line + 1,
            scenario.trace,
            scenario.logs.join("\n")
        ));
    }
    assert!(!out.is_empty(), "{file} produced no scenarios");
    out
}

#[test]
fn telemetry_python() {
    insta::assert_snapshot!(telemetry("python.py"));
}

#[test]
fn telemetry_rust() {
    insta::assert_snapshot!(telemetry("rust.rs"));
}

#[test]
fn telemetry_go() {
    insta::assert_snapshot!(telemetry("go.go"));
}

#[test]
fn telemetry_java() {
    insta::assert_snapshot!(telemetry("java.java"));
}

#[test]
fn telemetry_javascript() {
    insta::assert_snapshot!(telemetry("javascript.js"));
}

#[test]
fn telemetry_typescript() {
    insta::assert_snapshot!(telemetry("typescript.ts"));
}

/// The rule ids a query source names with `(#set! rule "<id>")`, comments
/// left out so a disabled pattern does not count.
fn query_rules(source: &str) -> Vec<String> {
    let mut code = String::new();
    for line in source.lines() {
        let mut in_string = false;
        for c in line.chars() {
            match c {
                '"' => in_string = !in_string,
                ';' if !in_string => break,
                _ => {}
            }
            code.push(c);
        }
        code.push('\n');
    }
    let mut rules = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("#set!") {
        rest = &rest[at + "#set!".len()..];
        let Some(value) = rest.trim_start().strip_prefix("rule") else {
            continue;
        };
        let Some(value) = value.trim_start().strip_prefix('"') else {
            continue;
        };
        if let Some((id, _)) = value.split_once('"') {
            rules.push(id.to_owned());
        }
    }
    rules
}

/// A rule a query names without a check is silently skipped at run time
/// (`no check for hazard rule`), and a check no query names never runs:
/// both are typos or leftovers that no fixture would catch.
#[test]
fn every_query_rule_has_a_check_and_every_check_a_rule() {
    use std::collections::BTreeSet;

    use crate::language::QueryKind;

    // JavaScript, TypeScript and TSX share one table; a check is used if
    // any of the languages that share its table names it.
    type Table = &'static [(&'static str, super::Check)];
    let mut named: Vec<(Table, BTreeSet<String>)> = Vec::new();
    let mut missing = Vec::new();
    for language in Language::ALL {
        let table = super::checks(language);
        let rules = query_rules(&language.query_source(QueryKind::Hazards));
        for rule in &rules {
            if !table.iter().any(|(id, _)| id == rule) {
                missing.push(format!("{}: {rule}", language.name()));
            }
        }
        match named.iter_mut().find(|(t, _)| std::ptr::eq(*t, table)) {
            Some((_, set)) => set.extend(rules),
            None => named.push((table, rules.into_iter().collect())),
        }
    }
    assert!(
        missing.is_empty(),
        "rules named by a hazards.scm query with no check in the language's CHECKS: {missing:?}"
    );
    let unused: Vec<&str> = named
        .iter()
        .flat_map(|(table, set)| {
            table
                .iter()
                .map(|(id, _)| *id)
                .filter(|id| !set.contains(*id))
        })
        .collect();
    assert!(
        unused.is_empty(),
        "CHECKS entries no hazards.scm query names: {unused:?}"
    );
    assert!(named.iter().all(|(_, set)| !set.is_empty()));
}
