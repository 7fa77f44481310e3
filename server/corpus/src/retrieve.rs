//! Past failures for a function: those whose innermost workspace frame is in
//! its file and names it (by name, so line drift does not matter; by line
//! when the name changed, so a rename within the file keeps its history),
//! and those that merely resemble it (FTS5 over error types, identifiers and
//! messages), which go into the model's prompt.
//!
//! `apply` turns a function's past failures into scenarios: a scenario of
//! the same class becomes `source: history` with the evidence, and a class
//! that happened but was never predicted (a miss) becomes a scenario of its
//! own on the line that failed.

use std::collections::BTreeMap;

use ropey::Rope;

use super::store::{Corpus, StoredFailure};
use failcast_core::context::Context;
use failcast_core::functions::{Function, FunctionIndex};
use failcast_core::language::Language;
use failcast_core::scenario::{FailureClass, HistoryEvidence, Kind, Scenario, Source};
use failcast_core::telemetry;

/// A past failure as retrieval hands it out.
pub type PastFailure = StoredFailure;

/// The past failures of one workspace file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileHistory {
    pub path: String,
    pub failures: Vec<PastFailure>,
}

/// Names as runtimes print them, made comparable: `main.(*Client).Charge`,
/// `shop::payments::charge`, `com.shop.Gateway.charge` all become dotted.
fn normalise(name: &str) -> String {
    name.replace("::", ".")
        .replace(['(', ')', '*', '&', '<', '>'], "")
        .replace("..", ".")
}

fn last_segment(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl FileHistory {
    /// The failures whose innermost workspace frame is in `path`.
    pub fn load(corpus: &Corpus, path: &str) -> crate::Result<FileHistory> {
        Ok(FileHistory {
            path: path.to_owned(),
            failures: corpus.failures_in(path)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }

    /// The function of `index` (the file at `path`) that one past failure
    /// happened in, matched as `of_function` matches.
    pub fn function_of<'i>(
        path: &str,
        failure: &PastFailure,
        index: &'i FunctionIndex,
    ) -> Option<&'i Function> {
        let history = FileHistory {
            path: path.to_owned(),
            failures: vec![failure.clone()],
        };
        index
            .functions
            .iter()
            .find(|f| !history.of_function(f, index).is_empty())
    }

    /// The past failures of `function` (one of `index`'s functions).
    pub fn of_function<'a>(
        &'a self,
        function: &Function,
        index: &FunctionIndex,
    ) -> Vec<&'a PastFailure> {
        self.failures
            .iter()
            .filter(|f| owner(f, index).is_some_and(|o| o.id == function.id))
            .collect()
    }
}

/// The function of `index` a failure happened in.
fn owner<'a>(failure: &PastFailure, index: &'a FunctionIndex) -> Option<&'a Function> {
    let line = failure.line.unwrap_or(0).saturating_sub(1);
    let contains = |f: &Function| f.start_line <= line && line <= f.end_line;
    let name = normalise(failure.function_name.as_deref().unwrap_or(""));
    if !name.is_empty() {
        let named: Vec<&Function> = index
            .functions
            .iter()
            .filter(|f| last_segment(&name) == f.name)
            .collect();
        let qualified = |f: &&&Function| {
            let q = normalise(&f.qualified_name);
            name == q || name.ends_with(&format!(".{q}"))
        };
        let best = match named.len() {
            0 => None,
            1 => Some(named[0]),
            _ => named
                .iter()
                .find(qualified)
                .or_else(|| named.iter().find(|f| contains(f)))
                .or_else(|| named.iter().min_by_key(|f| f.start_line.abs_diff(line)))
                .copied(),
        };
        if best.is_some() {
            return best;
        }
    }
    // Renamed (or a runtime that names no function): the innermost
    // function around the line.
    (failure.line.unwrap_or(0) > 0)
        .then(|| {
            index
                .functions
                .iter()
                .filter(|f| contains(f))
                .min_by_key(|f| f.end_line - f.start_line)
        })
        .flatten()
}

/// Failures resembling a function's code: its identifiers, the calls it
/// makes and the error types it names, ranked by FTS5's bm25.
pub fn similar(corpus: &Corpus, source: &str, limit: usize) -> crate::Result<Vec<PastFailure>> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for word in source.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if word.len() >= 4 && !word.chars().all(|c| c.is_ascii_digit()) && !KEYWORDS.contains(&word)
        {
            *counts.entry(word).or_default() += 1;
        }
    }
    let mut words: Vec<(&str, usize)> = counts.into_iter().collect();
    // Rare words say more about what the code does than frequent ones.
    words.sort_by_key(|(w, n)| (*n, std::cmp::Reverse(w.len())));
    let terms: Vec<String> = words
        .iter()
        .take(24)
        .map(|(w, _)| (*w).to_owned())
        .collect();
    corpus.similar(&terms, limit)
}

const KEYWORDS: &[&str] = &[
    "self", "return", "def", "async", "await", "function", "const", "this", "null", "None", "True",
    "False", "true", "false", "else", "elif", "while", "import", "from", "class", "public",
    "private", "static", "void", "final", "String", "func", "string", "impl", "struct", "match",
    "with", "pass", "raise", "throw", "throws", "new", "let", "mut",
];

/// One line describing a past failure for the model's prompt.
pub fn incident_line(failure: &PastFailure) -> String {
    let frame = match (&failure.function_path, &failure.function_name) {
        (Some(path), Some(name)) if !name.is_empty() => format!(" in {name} ({path})"),
        (Some(path), _) => format!(" in {path}"),
        _ => String::new(),
    };
    format!(
        "{} {}: {}{frame}, seen {} time{}{}",
        failure.class.as_str(),
        failure.error_type,
        failure.message,
        failure.count,
        if failure.count == 1 { "" } else { "s" },
        failure
            .last_seen
            .as_deref()
            .map(|d| format!(", last {}", super::time::date(d)))
            .unwrap_or_default()
    )
}

/// Backs `scenarios` of `function` with its past failures: the closest
/// scenario of the same class becomes a history scenario; a class with no
/// scenario (a miss) gets one on the line that failed.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    scenarios: &mut Vec<Scenario>,
    past: &[&PastFailure],
    function: &Function,
    path: &str,
    language: Language,
    rope: &Rope,
    ctx: &Context,
) {
    let mut by_class: BTreeMap<FailureClass, Vec<&PastFailure>> = BTreeMap::new();
    for failure in past {
        by_class.entry(failure.class).or_default().push(failure);
    }
    for (class, failures) in by_class {
        let count: u64 = failures.iter().map(|f| f.count).sum();
        let latest = failures
            .iter()
            .max_by(|a, b| a.last_seen.cmp(&b.last_seen))
            .copied()
            .unwrap_or(failures[0]);
        let evidence = HistoryEvidence {
            count,
            last_seen: latest.last_seen.as_deref().map_or_else(
                || "an unknown date".to_owned(),
                |d| super::time::date(d).to_owned(),
            ),
            trace: latest.trace.clone(),
            document: latest.document.clone(),
        };
        // Where it failed, if that line is still inside the function.
        let failed_line = latest
            .line
            .map(|l| l.saturating_sub(1))
            .filter(|l| (function.start_line..=function.end_line).contains(l));
        if let Some(existing) = scenarios
            .iter_mut()
            .filter(|s| s.class == class)
            .min_by_key(|s| failed_line.map_or(0, |l| s.origin.start_line.abs_diff(l)))
        {
            existing.source = Source::History;
            existing.likelihood = existing.likelihood.max(0.9);
            existing.history = Some(evidence);
            continue;
        }
        let line = failed_line.unwrap_or(function.start_line);
        if line >= rope.len_lines() {
            continue;
        }
        let text = rope.line(line).to_string();
        let text = text.trim_end_matches(['\n', '\r']);
        let origin = telemetry::line_span(rope, line);
        let frames = telemetry::frames(
            function,
            path,
            language,
            &origin,
            ctx.calls,
            ctx.config.trace_depth,
            rope,
        )
        .into_iter()
        .map(|f| f.frame)
        .collect();
        let error = if latest.message.is_empty() {
            latest.error_type.clone()
        } else {
            format!("{}: {}", latest.error_type, latest.message)
        };
        scenarios.push(Scenario {
            class,
            kind: Kind::Latent,
            source: Source::History,
            rule: "history".to_owned(),
            origin,
            subject: failcast_core::text::one_line(text.trim(), 80),
            trigger: format!(
                "the conditions of the production failure: {}",
                failcast_core::text::one_line(&error, 100)
            ),
            summary: format!(
                "Failed in production with {} ({} time{})",
                failcast_core::text::one_line(&error, 70),
                count,
                if count == 1 { "" } else { "s" }
            ),
            error,
            likelihood: 0.9,
            frames,
            trace: latest.trace.clone(),
            logs: Vec::new(),
            inputs: Vec::new(),
            history: Some(evidence),
        });
    }
}
