//! The feedback loop: every prediction `check` reports or the editor shows
//! is recorded (function id, content hash, class, line, time); failures
//! that really happened are mapped to functions of the workspace, and each
//! (function, class) is then **validated** (predicted and happened),
//! **missed** (happened, never predicted) or unconfirmed (predicted, not
//! happened). Precision and recall follow, per class and per service.
//!
//! Scenarios that only exist because of history are not predictions: they
//! are recorded with source `history` and left out of the figures.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::error::Result;
use serde::Serialize;

use super::retrieve::FileHistory;
use super::store::{Corpus, PredictionRow};
use failcast_core::analysis::FileAnalysis;
use failcast_core::functions::FunctionIndex;
use failcast_core::scenario::{FailureClass, Source};

/// Records the scenarios of an analysis as predictions. Returns how many
/// were new.
pub fn record(corpus: &Corpus, analyses: &[&FileAnalysis]) -> Result<usize> {
    let now = super::time::now();
    let mut rows = Vec::new();
    for analysis in analyses {
        for (function, scenario) in analysis.all_scenarios() {
            // A history scenario backing a static one was still predicted.
            let source = match (scenario.source, scenario.rule.as_str()) {
                (_, "history") => "history",
                (_, "model") => "model",
                (Source::Model, _) => "model",
                _ => "static",
            };
            rows.push(PredictionRow {
                function_id: function.id.clone(),
                path: analysis.path.clone(),
                function: function.qualified_name.clone(),
                content_hash: format!("{:016x}", function.content_hash),
                class: scenario.class.as_str(),
                line: (scenario.origin.start_line + 1) as i64,
                source,
                time: now.clone(),
            });
        }
    }
    corpus.record_predictions(&rows)
}

/// One real failure mapped to a function, with its verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub function_id: String,
    pub class: FailureClass,
    pub error: String,
    pub service: Option<String>,
    pub count: u64,
    pub last_seen: Option<String>,
    pub document: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub name: String,
    /// (function, class) pairs predicted.
    pub predicted: u64,
    /// (function, class) pairs that failed in production.
    pub happened: u64,
    pub validated: u64,
    pub missed: u64,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

impl Figures {
    fn finish(&mut self) {
        self.precision =
            (self.predicted > 0).then(|| self.validated as f64 / self.predicted as f64);
        self.recall = (self.happened > 0).then(|| self.validated as f64 / self.happened as f64);
    }
}

/// What `failcast report` shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    pub version: u32,
    pub predictions: u64,
    /// Distinct failures in the corpus, and how many map to a function.
    pub failures: u64,
    pub mapped: u64,
    pub overall: Figures,
    pub classes: Vec<Figures>,
    pub services: Vec<Figures>,
    pub validated: Vec<Outcome>,
    pub misses: Vec<Outcome>,
}

/// Computes the report for the workspace at `root`.
pub fn report(corpus: &Corpus, root: &Path) -> Result<Report> {
    // Predicted (function, class) pairs, ignoring history-only scenarios.
    let mut predicted: BTreeSet<(String, FailureClass)> = BTreeSet::new();
    let mut predicted_paths: HashMap<String, String> = HashMap::new();
    let mut predictions = 0;
    for (id, path, class) in corpus.predictions()? {
        predictions += 1;
        if let Some(class) = FailureClass::parse(&class) {
            predicted_paths.insert(id.clone(), path);
            predicted.insert((id, class));
        }
    }
    let failures = corpus.all_failures()?;
    let mut indexes: HashMap<String, Option<FunctionIndex>> = HashMap::new();
    // (function, class) → outcome, merging occurrences of several failures.
    let mut happened: BTreeMap<(String, FailureClass), Outcome> = BTreeMap::new();
    let mut mapped = 0;
    for failure in &failures {
        let Some(path) = &failure.function_path else {
            continue;
        };
        let index = indexes
            .entry(path.clone())
            .or_insert_with(|| index_file(root, path));
        let Some(index) = index else { continue };
        let Some(function) = FileHistory::function_of(path, failure, index) else {
            continue;
        };
        mapped += 1;
        let error = if failure.message.is_empty() {
            failure.error_type.clone()
        } else {
            format!("{}: {}", failure.error_type, failure.message)
        };
        let entry = happened
            .entry((function.id.clone(), failure.class))
            .or_insert_with(|| Outcome {
                function_id: function.id.clone(),
                class: failure.class,
                error,
                service: failure.service.clone(),
                count: 0,
                last_seen: failure.last_seen.clone(),
                document: failure.document.clone(),
            });
        entry.count += failure.count;
        if failure.last_seen > entry.last_seen {
            entry.last_seen = failure.last_seen.clone();
        }
    }

    // A prediction belongs to the service whose failures its file has.
    let mut path_service: HashMap<String, String> = HashMap::new();
    for outcome in happened.values() {
        if let (Some(service), Some((path, _))) =
            (&outcome.service, outcome.function_id.split_once("::"))
        {
            path_service
                .entry(path.to_owned())
                .or_insert_with(|| service.clone());
        }
    }
    let service_of_prediction = |id: &str| -> String {
        predicted_paths
            .get(id)
            .and_then(|p| path_service.get(p))
            .cloned()
            .unwrap_or_else(|| "unknown".to_owned())
    };

    let mut overall = Figures {
        name: "all".to_owned(),
        ..Figures::default()
    };
    let mut classes: BTreeMap<FailureClass, Figures> = BTreeMap::new();
    let mut services: BTreeMap<String, Figures> = BTreeMap::new();
    for (id, class) in &predicted {
        let service = service_of_prediction(id);
        for figures in [
            &mut overall,
            classes.entry(*class).or_default(),
            services.entry(service).or_default(),
        ] {
            figures.predicted += 1;
        }
    }
    let mut report = Report {
        version: 1,
        predictions,
        failures: failures.len() as u64,
        mapped,
        ..Report::default()
    };
    for (key, outcome) in happened {
        let validated = predicted.contains(&key);
        let service = outcome
            .service
            .clone()
            .unwrap_or_else(|| "unknown".to_owned());
        for figures in [
            &mut overall,
            classes.entry(key.1).or_default(),
            services.entry(service).or_default(),
        ] {
            figures.happened += 1;
            if validated {
                figures.validated += 1;
            } else {
                figures.missed += 1;
            }
        }
        if validated {
            report.validated.push(outcome);
        } else {
            report.misses.push(outcome);
        }
    }
    overall.finish();
    report.overall = overall;
    report.classes = classes
        .into_iter()
        .map(|(class, mut f)| {
            f.name = class.as_str().to_owned();
            f.finish();
            f
        })
        .collect();
    report.services = services
        .into_iter()
        .map(|(name, mut f)| {
            f.name = name;
            f.finish();
            f
        })
        .collect();
    Ok(report)
}

fn index_file(root: &Path, path: &str) -> Option<FunctionIndex> {
    let language = failcast_core::language::Language::from_path(Path::new(path))?;
    let source = failcast_core::workspace::read_source(&root.join(path))?;
    let rope = ropey::Rope::from_str(&source.text);
    let tree = failcast_core::syntax::parse_rope(language, &rope, None)?;
    Some(failcast_core::functions::index_functions(
        language, &tree, &rope, path,
    ))
}

/// The report as text.
pub fn human(report: &Report) -> String {
    let pct = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{:.0}%", v * 100.0));
    let mut out = format!(
        "{} predictions recorded; {} distinct production failures, {} mapped to functions\n\n",
        report.predictions, report.failures, report.mapped
    );
    let table = |title: &str, rows: &[Figures], out: &mut String| {
        out.push_str(&format!(
            "{title:<22} {:>9} {:>8} {:>9} {:>6} {:>9} {:>6}\n",
            "predicted", "happened", "validated", "missed", "precision", "recall"
        ));
        for f in rows {
            out.push_str(&format!(
                "{:<22} {:>9} {:>8} {:>9} {:>6} {:>9} {:>6}\n",
                f.name,
                f.predicted,
                f.happened,
                f.validated,
                f.missed,
                pct(f.precision),
                pct(f.recall)
            ));
        }
        out.push('\n');
    };
    table("class", &report.classes, &mut out);
    table("service", &report.services, &mut out);
    table("overall", std::slice::from_ref(&report.overall), &mut out);
    if report.misses.is_empty() {
        out.push_str("No misses: every mapped production failure was predicted.\n");
    } else {
        out.push_str(&format!(
            "Missed ({}): happened in production, never predicted\n",
            report.misses.len()
        ));
        for miss in &report.misses {
            out.push_str(&format!(
                "  {} [{}] {} ×{}{}{}\n",
                miss.function_id,
                miss.class.as_str(),
                failcast_core::text::one_line(&miss.error, 80),
                miss.count,
                miss.last_seen
                    .as_deref()
                    .map(|d| format!(", last {}", super::time::date(d)))
                    .unwrap_or_default(),
                miss.service
                    .as_deref()
                    .map(|s| format!(", service {s}"))
                    .unwrap_or_default(),
            ));
        }
    }
    out
}
