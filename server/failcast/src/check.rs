//! `failcast check`: the core run over files on disk, without an editor.
//!
//! Files are analysed in parallel after a first pass builds the call index
//! (so traces name callers across files). The report is plain data; the
//! CLI renders it as human text, JSON or SARIF.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use rayon::prelude::*;
use serde::Serialize;

use crate::diff::Baseline;
use failcast_core::analysis::{FileAnalysis, analyze_text};
use failcast_core::calls::CallIndex;
use failcast_core::config::Config;
use failcast_core::context::Context;
use failcast_core::functions::Function;
use failcast_core::language::Language;
use failcast_core::scenario::{Kind, Scenario};
use failcast_core::workspace::{
    ScanOptions, SourceFile, build_call_index, read_source, source_files,
};
use failcast_corpus::{Corpus, FileHistory};

/// One analysed file.
pub struct CheckedFile {
    pub file: SourceFile,
    pub analysis: FileAnalysis,
    /// The text was not valid UTF-8 and was decoded lossily.
    pub lossy: bool,
    /// With `--diff`: the ids of the functions that changed; only they are
    /// reported and sent to the model.
    pub only: Option<HashSet<String>>,
    /// The static scenarios from before production history was merged in,
    /// kept (only when there was history) so that a model pass merges its
    /// answers first and history last, as the editor does.
    static_scenarios: Option<failcast_core::scenario_lists::ScenarioLists>,
    /// How many scenarios per function are reported.
    limit: usize,
}

impl CheckedFile {
    /// The functions this check reports on, with their index in the analysis.
    pub fn reported_indices(&self) -> impl Iterator<Item = (usize, &Function)> {
        self.analysis
            .functions
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| self.only.as_ref().is_none_or(|only| only.contains(&f.id)))
    }

    /// The functions this check reports on, with the scenarios it reports:
    /// the most likely first, at most `limit` (the editor's
    /// `severity.max_per_function`, so that CI and the editor agree).
    pub fn reported(&self) -> impl Iterator<Item = (&Function, &[Scenario])> {
        self.reported_indices().map(|(i, f)| {
            let scenarios = self.analysis.scenarios[i].as_slice();
            (f, &scenarios[..scenarios.len().min(self.limit)])
        })
    }
}

#[derive(Default)]
pub struct CheckReport {
    pub files: Vec<CheckedFile>,
    /// Past production failures of the checked files (path → history).
    pub history: HashMap<String, FileHistory>,
    /// Past incidents for the model's prompt, by function id.
    pub incidents: HashMap<String, Vec<String>>,
    /// Files found but not analysed (unreadable, binary, unparsable), with why.
    pub skipped: Vec<(PathBuf, String)>,
    pub lines: usize,
}

pub struct CheckOptions {
    pub config: Config,
    /// Paths relative to this directory in ids and output.
    pub base: PathBuf,
    /// Files named outside any project (no `.git`, no `failcast.toml`):
    /// `base` is only the directory they sit in, and callers are read
    /// from the files beside them, not every tree below it.
    pub loose_files: bool,
    /// With `--diff`: the old text of changed files; other files are not
    /// checked, and in changed files only changed functions are reported.
    pub baseline: Option<Baseline>,
    /// Past production failures by workspace-relative path (`load_history`).
    pub history: HashMap<String, FileHistory>,
    /// The model's own time after which the model pass starts no question
    /// and stops the one under way; `None`: until every function is asked
    /// ([`model_pass`]).
    pub model_budget: Option<std::time::Duration>,
}

/// Which findings make `check` exit with status 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Any finding, latent or manifest.
    Latent,
    /// Only failures that happen whatever the input.
    Manifest,
    Never,
}

impl CheckReport {
    /// How many reported scenarios reach the `fail_on` threshold.
    pub fn failing(&self, fail_on: FailOn) -> usize {
        self.files
            .iter()
            .flat_map(|f| f.reported())
            .flat_map(|(_, s)| s)
            .filter(|s| match fail_on {
                FailOn::Latent => true,
                FailOn::Manifest => s.kind == Kind::Manifest,
                FailOn::Never => false,
            })
            .count()
    }
}

/// The scan options a configuration implies.
pub fn scan_options(config: &Config) -> ScanOptions {
    ScanOptions {
        languages: config.languages.clone(),
        ignore: config.ignore.clone(),
        ..ScanOptions::default()
    }
}

/// Lists the files under `paths`, with paths relative to `base`.
pub fn files_under(paths: &[PathBuf], base: &Path, config: &Config) -> Vec<SourceFile> {
    let options = scan_options(config);
    let mut files: Vec<SourceFile> = paths
        .iter()
        .flat_map(|path| source_files(path, &options))
        .map(|mut file| {
            let absolute = std::path::absolute(&file.path).unwrap_or(file.path.clone());
            file.relative = failcast_core::workspace::relative_path(base, &absolute);
            file
        })
        .collect();
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    files.dedup_by(|a, b| a.relative == b.relative);
    files
}

/// Builds the call index for `base` (the workspace), so callers outside
/// the checked paths still appear in traces.
pub fn call_index(base: &Path, config: &Config) -> CallIndex {
    let cancel = AtomicBool::new(false);
    build_call_index(base, &scan_options(config), &|_, _| {}, &cancel)
}

/// The call index `check` reads callers from. For loose files (one in
/// `/tmp` or a downloads folder) only the files beside them count:
/// indexing every tree below their directory took two minutes for a
/// four-line file in `/tmp`. A directory named to check is indexed whole.
fn workspace_call_index(options: &CheckOptions) -> CallIndex {
    let cancel = AtomicBool::new(false);
    build_call_index(&options.base, &workspace_scan(options), &|_, _| {}, &cancel)
}

/// The files of the workspace `check` reads callers from (and keys its
/// cache on): for loose files, those beside them.
fn workspace_scan(options: &CheckOptions) -> ScanOptions {
    let mut scan = scan_options(&options.config);
    if options.loose_files {
        scan.max_depth = Some(1);
    }
    scan
}

/// Analyses `files` in parallel. With `old_texts` (from `--diff`: the
/// old text of each file, absent for new files), only the functions that
/// changed against it are reported.
pub fn check_files(
    files: Vec<SourceFile>,
    calls: &CallIndex,
    options: &CheckOptions,
    old_texts: Option<&std::collections::HashMap<String, String>>,
    progress: &(dyn Fn(usize, usize, &'static str) + Sync),
) -> CheckReport {
    let total = files.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<CheckedFile, (PathBuf, String)>> = files
        .into_par_iter()
        .map(|file| {
            let ctx = Context::new(&options.config, calls);
            let history = options.history.get(&file.relative);
            let mut checked = analyse_file(file, &ctx)?;
            if history.is_some() {
                checked.static_scenarios = Some(checked.analysis.scenarios.clone());
                crate::enrich::enrich(&mut checked.analysis, None, history, &ctx);
            }
            if let Some(old_texts) = old_texts {
                checked.only = Some(crate::diff::changed_against(
                    checked.analysis.language,
                    &checked.analysis.path,
                    old_texts.get(&checked.analysis.path).map(String::as_str),
                    &checked.analysis.functions,
                ));
            }
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, total, "files");
            Ok(checked)
        })
        .collect();
    let mut report = CheckReport {
        history: options.history.clone(),
        ..CheckReport::default()
    };
    for result in results {
        match result {
            Ok(checked) => {
                report.lines += checked.analysis.rope.len_lines();
                report.files.push(checked);
            }
            Err(skipped) => report.skipped.push(skipped),
        }
    }
    report
}

fn analyse_file(file: SourceFile, ctx: &Context) -> Result<CheckedFile, (PathBuf, String)> {
    let Some(source) = read_source(&file.path) else {
        return Err((file.path, "unreadable or binary".to_owned()));
    };
    // A panic is one file's failure, reported with the files skipped; the
    // others are still checked.
    let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyze_text(&file.relative, file.language, &source.text, ctx)
    }));
    let analysis = match analysed {
        Ok(Some(analysis)) => analysis,
        Ok(None) => return Err((file.path, "the parser gave up".to_owned())),
        Err(_) => {
            return Err((
                file.path,
                "the analysis failed (a bug in failcast)".to_owned(),
            ));
        }
    };
    Ok(CheckedFile {
        file,
        analysis,
        lossy: source.lossy,
        only: None,
        static_scenarios: None,
        limit: ctx.config.diagnostics_limit(),
    })
}

/// The order a check hands its files out in: by path, each once it is
/// final (its model answers merged), so that a long model pass shows its
/// first file's predictions when that file is done, not after the last.
struct InOrder {
    /// Every file, by path: analysed in this run (its index in the
    /// report), or read back from the cache (its index among the hits).
    order: Vec<Slot>,
    next: usize,
    finished: Vec<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    Analysed(usize),
    Cached(usize),
}

impl InOrder {
    fn new<'a>(analysed: &[&'a str], cached: &[&'a str]) -> Self {
        let mut order: Vec<(&str, Slot)> = analysed
            .iter()
            .enumerate()
            .map(|(i, path)| (*path, Slot::Analysed(i)))
            .chain(
                cached
                    .iter()
                    .enumerate()
                    .map(|(i, path)| (*path, Slot::Cached(i))),
            )
            .collect();
        order.sort_by(|a, b| a.0.cmp(b.0));
        InOrder {
            order: order.into_iter().map(|(_, slot)| slot).collect(),
            next: 0,
            finished: vec![false; analysed.len()],
        }
    }

    /// The analysed file `i` is final (`None`: all are): what goes out
    /// now, it and the final files it held back.
    fn finish(&mut self, i: Option<usize>) -> Vec<Slot> {
        match i {
            Some(i) => self.finished[i] = true,
            None => self.finished.iter_mut().for_each(|done| *done = true),
        }
        let from = self.next;
        while let Some(&slot) = self.order.get(self.next) {
            if let Slot::Analysed(a) = slot
                && !self.finished[a]
            {
                break;
            }
            self.next += 1;
        }
        self.order[from..self.next].to_vec()
    }
}

/// Hands the files `slots` name to `ready`.
fn hand_out(
    slots: Vec<Slot>,
    analysed: &[CheckedFile],
    cached: &[CheckedFile],
    ready: &mut dyn FnMut(&CheckedFile),
) {
    for slot in slots {
        ready(match slot {
            Slot::Analysed(i) => &analysed[i],
            Slot::Cached(i) => &cached[i],
        });
    }
}

fn paths(files: &[CheckedFile]) -> Vec<&str> {
    files.iter().map(|f| f.file.relative.as_str()).collect()
}

/// A check and what its model pass did (`None`: the model was not asked).
pub struct CheckOutcome {
    pub report: CheckReport,
    pub model: Option<ModelRun>,
}

/// The whole headless run: files analysed in parallel (with `--diff`, only
/// changed files, reporting only changed functions), then the model asked
/// about functions with scenarios. With a cache, files whose key is known
/// are read back and neither parsed nor sent to the model; the call index
/// is built only if some file is not. `progress` sees (done, total, stage);
/// `ready` sees each file once it is final, in path order.
pub fn check(
    files: Vec<SourceFile>,
    options: &CheckOptions,
    corpus: Option<&Corpus>,
    cache: Option<&crate::check_cache::CheckCache>,
    use_model: bool,
    progress: &(dyn Fn(usize, usize, &'static str) + Sync),
    ready: &mut dyn FnMut(&CheckedFile),
) -> CheckOutcome {
    let config = &options.config;
    let files: Vec<SourceFile> = match &options.baseline {
        Some(baseline) => files
            .into_iter()
            .filter(|f| baseline.old.contains_key(&f.relative))
            .collect(),
        None => files,
    };
    let engine_config = if use_model {
        failcast_model::predict::engine_config(&config.model)
            .map_err(|reason| tracing::info!("model off: {reason}"))
            .ok()
    } else {
        None
    };
    // Threads not set: a check decodes on the cores that are idle when its
    // model pass starts, not the editor's half.
    let threads_set = config.model.threads > 0;
    let model_id = if engine_config.is_some() { "model" } else { "" };
    let mut hits: Vec<CheckedFile> = Vec::new();
    let mut misses: Vec<(SourceFile, Option<u64>)> = Vec::new();
    match cache {
        Some(cache) => {
            let workspace_files = source_files(&options.base, &workspace_scan(options));
            let workspace = crate::check_cache::workspace_fingerprint(&workspace_files);
            let looked_up: Vec<(SourceFile, Option<u64>, Option<CheckedFile>)> = files
                .into_par_iter()
                .map(|file| {
                    let Some(source) = read_source(&file.path) else {
                        return (file, None, None);
                    };
                    let old = options
                        .baseline
                        .as_ref()
                        .and_then(|b| b.old.get(&file.relative))
                        .map(|blob| blob.as_deref());
                    let key = cache.key(&file.relative, &source.text, old, workspace, model_id);
                    let hit = cache.load(key).map(|entry| CheckedFile {
                        analysis: FileAnalysis::restored(
                            &file.relative,
                            file.language,
                            ropey::Rope::from_str(&source.text),
                            entry.functions,
                            entry.scenarios,
                            config,
                        ),
                        file: file.clone(),
                        lossy: entry.lossy,
                        only: entry.only.map(|ids| ids.into_iter().collect()),
                        static_scenarios: None,
                        limit: config.diagnostics_limit(),
                    });
                    (file, Some(key), hit)
                })
                .collect();
            for (file, key, hit) in looked_up {
                match hit {
                    Some(hit) => hits.push(hit),
                    None => misses.push((file, key)),
                }
            }
        }
        None => misses = files.into_iter().map(|f| (f, None)).collect(),
    }
    if misses.is_empty() {
        let slots = InOrder::new(&[], &paths(&hits)).finish(None);
        hand_out(slots, &[], &hits, ready);
    }
    let mut run = None;
    let mut report = CheckReport {
        history: options.history.clone(),
        ..CheckReport::default()
    };
    if !misses.is_empty() {
        progress(0, 1, "callers");
        let calls = workspace_call_index(options);
        let (misses, keys): (Vec<SourceFile>, Vec<Option<u64>>) = misses.into_iter().unzip();
        let keys: std::collections::HashMap<String, u64> = misses
            .iter()
            .zip(keys)
            .filter_map(|(f, k)| k.map(|k| (f.relative.clone(), k)))
            .collect();
        let old_texts = options.baseline.as_ref().map(|baseline| {
            let relatives: Vec<&str> = misses.iter().map(|f| f.relative.as_str()).collect();
            baseline.old_texts(&relatives)
        });
        report = check_files(misses, &calls, options, old_texts.as_ref(), progress);
        if let Some(corpus) = corpus {
            attach_incidents(&mut report, corpus);
        }
        let mut order = InOrder::new(&paths(&report.files), &paths(&hits));
        if let Some(mut engine_config) = engine_config {
            if !threads_set {
                engine_config.n_threads = failcast_model::engine::batch_threads();
            }
            let model_run = model_pass(
                &mut report,
                &calls,
                config,
                engine_config,
                Questions {
                    ask: &ask_as_editors_do,
                    budget: options.model_budget,
                },
                &|done, total| progress(done, total, "model"),
                &mut |files, i| hand_out(order.finish(Some(i)), files, &hits, ready),
            );
            run = Some(model_run);
        }
        hand_out(order.finish(None), &report.files, &hits, ready);
        let model_failed = run.as_ref().is_some_and(|r| r.unavailable.is_some());
        let unasked = run.as_ref().map(|r| &r.unasked);
        if let Some(cache) = cache
            && !model_failed
        {
            for checked in &report.files {
                let Some(&key) = keys.get(&checked.file.relative) else {
                    continue;
                };
                // A file the budget left unasked is static only: stored
                // under the model's key it would never be asked again.
                if unasked.is_some_and(|u| u.contains(&checked.file.relative)) {
                    continue;
                }
                let mut only: Option<Vec<String>> =
                    checked.only.as_ref().map(|o| o.iter().cloned().collect());
                if let Some(only) = &mut only {
                    only.sort();
                }
                cache.store(
                    key,
                    &crate::check_cache::Entry {
                        functions: checked.analysis.functions.clone(),
                        scenarios: checked.analysis.scenarios.to_vecs(),
                        lossy: checked.lossy,
                        only,
                    },
                );
            }
        }
    }
    for hit in hits {
        report.lines += hit.analysis.rope.len_lines();
        report.files.push(hit);
    }
    report
        .files
        .sort_by(|a, b| a.file.relative.cmp(&b.file.relative));
    CheckOutcome { report, model: run }
}

/// The past failures of `files` in the corpus; a corpus that cannot be
/// read costs a warning, never the check.
pub fn load_history(corpus: &Corpus, files: &[SourceFile]) -> HashMap<String, FileHistory> {
    let mut out = HashMap::new();
    for file in files {
        match FileHistory::load(corpus, &file.relative) {
            Ok(history) if !history.is_empty() => {
                out.insert(file.relative.clone(), history);
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!("cannot read the corpus: {err:#}");
                break;
            }
        }
    }
    out
}

/// Fills `report.incidents`: for each function with scenarios, its own past
/// failures, then failures of similar code.
pub fn attach_incidents(report: &mut CheckReport, corpus: &Corpus) {
    const PER_FUNCTION: usize = 3;
    for checked in &report.files {
        let analysis = &checked.analysis;
        let history = report.history.get(&analysis.path);
        for (function, scenarios) in analysis.functions.functions.iter().zip(&analysis.scenarios) {
            if scenarios.is_empty() {
                continue;
            }
            let mut lines: Vec<String> = history
                .map(|h| h.of_function(function, &analysis.functions))
                .unwrap_or_default()
                .into_iter()
                .map(failcast_corpus::retrieve::incident_line)
                .collect();
            if lines.len() < PER_FUNCTION {
                let end = function.range.end.min(analysis.rope.len_bytes());
                let start = function.range.start.min(end);
                let source = analysis.rope.byte_slice(start..end).to_string();
                match failcast_corpus::retrieve::similar(corpus, &source, PER_FUNCTION) {
                    Ok(similar) => lines.extend(
                        similar
                            .iter()
                            .map(failcast_corpus::retrieve::incident_line)
                            .filter(|l| !lines.contains(l))
                            .collect::<Vec<_>>(),
                    ),
                    Err(err) => tracing::warn!("corpus search failed: {err:#}"),
                }
            }
            lines.truncate(PER_FUNCTION);
            if !lines.is_empty() {
                report.incidents.insert(function.id.clone(), lines);
            }
        }
    }
}

/// Records every reported scenario as a prediction, for `failcast report`.
pub fn record_predictions(report: &CheckReport, corpus: &Corpus) -> failcast_corpus::Result<usize> {
    let analyses: Vec<&FileAnalysis> = report.files.iter().map(|f| &f.analysis).collect();
    failcast_corpus::feedback::record(corpus, &analyses)
}

/// The JSON report, exactly as documented in the README.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
pub struct JsonFile<'a> {
    pub path: &'a str,
    pub language: Language,
    pub functions: Vec<JsonFunction<'a>>,
}

#[derive(Serialize)]
pub struct JsonFunction<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub start_line: usize,
    pub end_line: usize,
    pub scenarios: Vec<JsonScenario<'a>>,
}

#[derive(Serialize)]
pub struct JsonScenario<'a> {
    pub class: &'a str,
    pub line: usize,
    pub column: usize,
    pub trigger: &'a str,
    pub error: &'a str,
    pub likelihood: f32,
    pub kind: &'a str,
    pub source: &'a str,
    pub trace: &'a str,
    pub logs: &'a [String],
    /// Present when the failure really happened: count, last date, real trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<&'a failcast_core::scenario::HistoryEvidence>,
}

fn json_scenario(s: &Scenario) -> JsonScenario<'_> {
    JsonScenario {
        class: s.class.as_str(),
        line: s.origin.start_line + 1,
        column: s.origin.start_col + 1,
        trigger: &s.trigger,
        error: &s.error,
        likelihood: (s.likelihood * 100.0).round() / 100.0,
        kind: s.kind.as_str(),
        source: s.source.as_str(),
        trace: &s.trace,
        logs: &s.logs,
        history: s.history.as_ref(),
    }
}

/// Builds the JSON report; functions without scenarios are left out unless
/// `all_functions`.
pub fn json_report(report: &CheckReport, all_functions: bool) -> JsonReport<'_> {
    JsonReport {
        version: 1,
        files: report
            .files
            .iter()
            .map(|checked| JsonFile {
                path: &checked.analysis.path,
                language: checked.analysis.language,
                functions: checked
                    .reported()
                    .filter(|(_, s)| all_functions || !s.is_empty())
                    .map(|(f, s)| JsonFunction {
                        id: &f.id,
                        name: &f.name,
                        start_line: f.start_line + 1,
                        end_line: f.end_line + 1,
                        scenarios: s.iter().map(json_scenario).collect(),
                    })
                    .collect(),
            })
            .filter(|f| all_functions || !f.functions.is_empty())
            .collect(),
    }
}

/// The escape sequences of human output: bold, yellow, cyan, dim, reset.
fn palette(color: bool) -> [&'static str; 5] {
    if color {
        ["\x1b[1m", "\x1b[33m", "\x1b[36m", "\x1b[2m", "\x1b[0m"]
    } else {
        [""; 5]
    }
}

/// One file's part of the human output, like a compiler's: for each
/// prediction the location, the summary, the source line with the failing
/// expression marked, the trigger and the error. [`human_summary`] ends it.
pub fn human_file(checked: &CheckedFile, color: bool) -> String {
    let [bold, yellow, cyan, dim, reset] = palette(color);
    let mut out = String::new();
    let analysis = &checked.analysis;
    for scenario in checked.reported().flat_map(|(_, s)| s) {
        let line = scenario.origin.start_line;
        let text = analysis.rope.line(line).to_string();
        let text = text.trim_end_matches(['\n', '\r']);
        let width = (line + 1).to_string().len();
        let col_chars = text
            .get(..scenario.origin.start_col.min(text.len()))
            .map_or(0, |p| p.chars().count());
        let span_chars = if scenario.origin.end_line == line {
            text.get(
                scenario.origin.start_col.min(text.len())..scenario.origin.end_col.min(text.len()),
            )
            .map_or(1, |s| s.chars().count().max(1))
        } else {
            text.chars().count().saturating_sub(col_chars).max(1)
        };
        out.push_str(&format!(
            "{yellow}{bold}{}[{}]{reset}{bold}: {}{reset}\n",
            scenario.kind.as_str(),
            scenario.class.as_str(),
            scenario.summary
        ));
        out.push_str(&format!(
            "{cyan}{:width$}-->{reset} {}:{}:{}\n",
            "",
            analysis.path,
            line + 1,
            scenario.origin.start_col + 1
        ));
        out.push_str(&format!("{cyan}{:width$} |{reset}\n", ""));
        out.push_str(&format!("{cyan}{} |{reset} {text}\n", line + 1));
        out.push_str(&format!(
            "{cyan}{:width$} |{reset} {}{yellow}{}{reset}\n",
            "",
            " ".repeat(col_chars),
            "^".repeat(span_chars)
        ));
        out.push_str(&format!(
            "{cyan}{:width$} = {reset}{bold}trigger:{reset} {}\n",
            "", scenario.trigger
        ));
        out.push_str(&format!(
                "{cyan}{:width$} = {reset}{bold}error:{reset} {}{dim} (likelihood {:.0}%, {}){reset}\n\n",
                "",
                scenario.error,
                scenario.likelihood * 100.0,
                scenario.source.as_str()
            ));
        if let Some(history) = &scenario.history {
            out.pop();
            out.push_str(&format!(
                    "{cyan}{:width$} = {reset}{bold}seen in production:{reset} {} time{}, last on {} ({})\n\n",
                    "",
                    history.count,
                    if history.count == 1 { "" } else { "s" },
                    history.last_seen,
                    history.document
                ));
        }
    }
    out
}

/// The last line of the human output: what was found, in how much code.
pub fn human_summary(report: &CheckReport, color: bool) -> String {
    let [bold, _, _, _, reset] = palette(color);
    let count: usize = report
        .files
        .iter()
        .flat_map(|f| f.reported())
        .map(|(_, s)| s.len())
        .sum();
    let functions: usize = report.files.iter().map(|f| f.reported().count()).sum();
    let mut out = String::new();
    out.push_str(&format!(
        "{bold}{count} predicted failure{} in {} function{} across {} file{} ({} lines){reset}\n",
        if count == 1 { "" } else { "s" },
        functions,
        if functions == 1 { "" } else { "s" },
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
        report.lines,
    ));
    out
}

/// What the model pass of a check did.
#[derive(Clone, Debug, Default)]
pub struct ModelRun {
    pub submitted: usize,
    pub answered: usize,
    pub from_cache: usize,
    pub decode_steps: u64,
    /// Candidates the model ranked.
    pub ranked: usize,
    /// Seconds the model spent prefilling prompts and ranking candidates.
    pub prompt_seconds: f64,
    pub rank_seconds: f64,
    /// Why the model could not be used, if it could not.
    pub unavailable: Option<String>,
    /// Functions not asked because the budget ran out, and the files
    /// (workspace-relative) that have such functions: their predictions
    /// are static.
    pub skipped: usize,
    pub unasked: std::collections::BTreeSet<String>,
}

/// Which functions of a file (its path) the model pass asks about, and
/// for what work.
pub type Ask<'a> =
    dyn Fn(&str, &Function, &[Scenario], &[Scenario]) -> Option<failcast_model::Work> + 'a;

/// What a model pass asks, and for how long.
#[derive(Clone, Copy)]
pub struct Questions<'a> {
    pub ask: &'a Ask<'a>,
    /// The model's own time after which no question starts; `None`: no
    /// limit.
    pub budget: Option<std::time::Duration>,
}

/// What `failcast check` asks: what the editor asks
/// ([`failcast_model::predict::work_for`]) of every function with a
/// prediction. The module's code is not asked about: the model reads one
/// function's text, and the module's is the whole file between them.
pub fn ask_as_editors_do(
    _path: &str,
    function: &Function,
    scenarios: &[Scenario],
    candidates: &[Scenario],
) -> Option<failcast_model::Work> {
    let nothing = scenarios.is_empty() && candidates.is_empty();
    (!function.is_module() && !nothing).then(|| failcast_model::predict::work_for(scenarios))
}

/// Asks the model about the functions `questions` select, through
/// the engine's queue and its cache (so a re-run on an unchanged tree
/// decodes nothing), and re-analyses the files with its answers. Once the
/// model has worked for their `budget` (prefill, ranking and writing; cached
/// answers cost nothing) no question starts and those under way stop: the
/// functions left keep their static predictions, and each re-run of a
/// budgeted check gets further.
/// `progress` sees (answered, submitted); `finished` sees the files and
/// the index of one that is final, once for each, as soon as the last of
/// its functions is answered (files without a question first).
pub fn model_pass(
    report: &mut CheckReport,
    calls: &CallIndex,
    config: &Config,
    engine_config: failcast_model::EngineConfig,
    questions: Questions<'_>,
    progress: &dyn Fn(usize, usize),
    finished: &mut dyn FnMut(&[CheckedFile], usize),
) -> ModelRun {
    use failcast_model::predict::{ModelAnswers, prompt_input};
    use failcast_model::{Engine, EngineEvent, EngineState, Job};

    let Questions { ask, budget } = questions;
    let capacity = engine_config.queue_capacity.max(2);
    let engine = Engine::start(engine_config);
    let events = engine.events();
    let mut jobs: Vec<Job> = Vec::new();
    for (index, checked) in report.files.iter().enumerate() {
        let analysis = &checked.analysis;
        for (i, function) in checked.reported_indices() {
            let scenarios = &analysis.scenarios[i];
            let candidates = &analysis.candidates[i];
            let Some(work) = ask(&analysis.path, function, scenarios, candidates) else {
                continue;
            };
            let input = prompt_input(
                function,
                analysis.language,
                &analysis.path,
                &analysis.rope,
                scenarios,
                candidates,
                report
                    .incidents
                    .get(&function.id)
                    .cloned()
                    .unwrap_or_default(),
            );
            let key = job_key(index, &function.id);
            jobs.push(Job::new(key, function.content_hash, 0, input).with_work(work));
        }
    }
    let mut run = ModelRun {
        submitted: jobs.len(),
        ..ModelRun::default()
    };
    let total = jobs.len();
    let mut answers: Vec<ModelAnswers> = vec![ModelAnswers::new(); report.files.len()];
    let mut waiting = vec![0usize; report.files.len()];
    for job in &jobs {
        if let Some((index, _)) = job_key_parts(&job.key) {
            waiting[index] += 1;
        }
    }
    // Answers first, then history, on the static scenarios.
    let mut merge = |report: &mut CheckReport, index: usize, answers: &ModelAnswers| {
        let checked = &mut report.files[index];
        if !answers.is_empty() {
            if let Some(scenarios) = checked.static_scenarios.take() {
                checked.analysis.scenarios = scenarios;
            }
            let ctx = Context::new(config, calls);
            let history = report.history.get(&checked.analysis.path);
            crate::enrich::enrich(&mut checked.analysis, Some(answers), history, &ctx);
        }
        finished(&report.files, index);
    };
    for (index, _) in waiting.iter().enumerate().filter(|(_, n)| **n == 0) {
        merge(report, index, &answers[index]);
    }
    let mut queued = jobs.into_iter();
    // Keys submitted and not yet settled.
    let mut in_flight: HashSet<String> = HashSet::new();
    let mut settled = 0;
    let mut out_of_time = false;
    // The model's own time: loading it and answers from its cache cost
    // none, so a re-run spends its budget on functions not yet asked.
    let mut spent = std::time::Duration::ZERO;
    // Keep the queue half full: it is bounded and drops the overflow.
    let refill = |queued: &mut std::vec::IntoIter<Job>, in_flight: &mut HashSet<String>| {
        while in_flight.len() < capacity / 2 {
            match queued.next() {
                Some(job) => {
                    in_flight.insert(job.key.clone());
                    engine.submit(job);
                }
                None => break,
            }
        }
    };
    refill(&mut queued, &mut in_flight);
    progress(0, total);
    while settled < total {
        let Ok(event) = events.recv() else {
            break;
        };
        let settled_key = match event {
            EngineEvent::Done {
                key,
                content_hash,
                scenarios,
                stats,
            } => {
                run.answered += 1;
                if stats.from_cache {
                    run.from_cache += 1;
                }
                run.ranked += scenarios.iter().filter(|s| s.scored).count();
                run.prompt_seconds += stats.prompt_ms as f64 / 1000.0;
                run.rank_seconds += stats.rank_ms as f64 / 1000.0;
                spent += std::time::Duration::from_millis(
                    stats.prompt_ms + stats.rank_ms + stats.generate_ms,
                );
                if let Some((index, id)) = job_key_parts(&key) {
                    answers[index].insert(id.to_owned(), (content_hash, scenarios));
                }
                Some(key)
            }
            EngineEvent::State(EngineState::Failed { message, .. }) => {
                run.unavailable = Some(message);
                None
            }
            EngineEvent::State(_) | EngineEvent::Partial { .. } => None,
            EngineEvent::Notice(message) => {
                tracing::warn!("model: {message}");
                None
            }
            EngineEvent::Cancelled { key, .. } if out_of_time => {
                skip(&mut run, report, &key);
                Some(key)
            }
            EngineEvent::Failed { key, .. }
            | EngineEvent::Cancelled { key, .. }
            | EngineEvent::Dropped { key, .. } => Some(key),
        };
        let Some(key) = settled_key else {
            continue;
        };
        if !in_flight.remove(&key) {
            continue;
        }
        let mut settle = |key: &str, report: &mut CheckReport| {
            settled += 1;
            if let Some((index, _)) = job_key_parts(key)
                && let Some(left) = waiting.get_mut(index)
                && *left > 0
            {
                *left -= 1;
                if *left == 0 {
                    merge(report, index, &answers[index]);
                }
            }
        };
        settle(&key, report);
        if !out_of_time && budget.is_some_and(|budget| spent >= budget) {
            // Out of time: what waits is not asked, what runs stops at
            // its next decode step (its `Cancelled` settles it).
            out_of_time = true;
            for job in queued.by_ref() {
                skip(&mut run, report, &job.key);
                settle(&job.key, report);
            }
            for key in &in_flight {
                engine.cancel(key);
            }
        }
        progress(settled, total);
        refill(&mut queued, &mut in_flight);
    }
    run.decode_steps = engine.decode_steps();
    engine.shutdown();
    // A model that stopped answering leaves files unfinished: they go as
    // far as they got.
    for index in 0..waiting.len() {
        if std::mem::take(&mut waiting[index]) > 0 {
            merge(report, index, &answers[index]);
        }
    }
    run
}

/// Counts a function the budget left unasked, and its file as static.
fn skip(run: &mut ModelRun, report: &CheckReport, key: &str) {
    run.skipped += 1;
    if let Some((index, _)) = job_key_parts(key)
        && let Some(file) = report.files.get(index)
    {
        run.unasked.insert(file.file.relative.clone());
    }
}

/// A model job's key: the file's index in the report and the function's
/// id, apart by a character no id holds.
fn job_key(index: usize, function_id: &str) -> String {
    format!("{index}\u{1f}{function_id}")
}

/// The file index and function id a [`job_key`] names.
fn job_key_parts(key: &str) -> Option<(usize, &str)> {
    let (index, id) = key.split_once('\u{1f}')?;
    Some((index.parse().ok()?, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_go_out_by_path_as_soon_as_those_before_them_are_final() {
        // Analysed: b (0), d (1), a (2); cached: c (0).
        let mut order = InOrder::new(&["b", "d", "a"], &["c"]);
        assert_eq!(order.finish(Some(1)), vec![], "d waits for a and b");
        assert_eq!(order.finish(Some(2)), vec![Slot::Analysed(2)], "a is first");
        assert_eq!(
            order.finish(Some(0)),
            vec![Slot::Analysed(0), Slot::Cached(0), Slot::Analysed(1)],
            "b lets the cached c and the final d go"
        );
        assert_eq!(order.finish(None), vec![], "each file goes out once");
    }

    #[test]
    fn without_analysed_files_the_cached_ones_go_out_at_once() {
        let mut order = InOrder::new(&[], &["y", "x"]);
        assert_eq!(order.finish(None), vec![Slot::Cached(1), Slot::Cached(0)]);
    }
}
