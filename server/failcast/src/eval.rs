//! `failcast eval`: how well predictions match real bugs.
//!
//! Reads the cases `scripts/realbugs.py fetch` laid out (each a directory
//! with `case.json`, `before/<file>` and `after/<file>`), analyses both
//! sides exactly as `failcast check` would, and scores, per case:
//! - the rank of the first scenario of the right class (or an accepted
//!   equivalent) within one line of the real failure, among the scenarios
//!   of the innermost function holding that line on `before`;
//! - whether the fixed version is silent there: no such scenario in the
//!   top `k` of the function holding the same spot on `after`.
//!
//! Recall@1, recall@k and paired accuracy (found on `before` and silent on
//! `after`) are reported per split, language and class, with the model off
//! or with any catalog model, plus seconds per function. The JSON form
//! holds every case, so two builds can be compared case by case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::check::{self, CheckOptions, CheckReport, CheckedFile};
use failcast_core::calls::CallIndex;
use failcast_core::config::{Config, Severity};
use failcast_core::functions::Function;
use failcast_core::hazards::Hazard;
use failcast_core::scenario::{FailureClass, Scenario};
use failcast_core::workspace::SourceFile;

/// How many of a function's scenarios count as its predictions.
pub const TOP_K: usize = failcast_core::analysis::PREDICTIONS;

/// One side of a case, as `case.json` describes it.
#[derive(Clone, Debug, Deserialize)]
struct Side {
    /// Relative to the case directory, e.g. `before/models.py`.
    path: String,
    /// 1-based line of the failure (before) or of the same spot (after).
    line: usize,
}

/// A case's metadata, as `scripts/realbugs.py` writes it.
#[derive(Clone, Debug, Deserialize)]
struct CaseMeta {
    id: String,
    language: String,
    repository: String,
    class: FailureClass,
    function: String,
    split: String,
    before: Side,
    after: Side,
}

/// What the benchmark found for one case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CaseResult {
    pub id: String,
    pub language: String,
    pub repository: String,
    pub split: String,
    pub class: FailureClass,
    /// The function the case names, and the one holding the line.
    pub function: String,
    pub found_function: Option<String>,
    /// 1-based rank of the first matching scenario, if any.
    pub rank: Option<usize>,
    /// Whether the matching scenario came from the model (or history).
    pub source: Option<String>,
    /// Scenarios the function had on `before`.
    pub candidates: usize,
    /// Rank of the first match among all the function's scenarios and
    /// broad candidates, not only the predictions: whether a miss is one of
    /// ranking or of coverage.
    #[serde(default)]
    pub coverage_rank: Option<usize>,
    /// When a right candidate ranks below the top: every candidate down to
    /// it, `class@line(rule)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ahead: Vec<String>,
    /// No matching scenario in the top `k` at the same spot on `after`.
    pub silent_after: bool,
    /// What the function's top scenarios were, `class@line`, for reading.
    pub top: Vec<String>,
    /// The same on `after`: what a fixed version is still flagged for.
    #[serde(default)]
    pub after_top: Vec<String>,
    /// With `--pool`: every scenario and candidate of the function on
    /// `before`, then on `after`, each marked whether it matches the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pool: Vec<Pooled>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pool_after: Vec<Pooled>,
}

/// One scenario or candidate of a case's function, as the ranking saw it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pooled {
    pub rule: String,
    pub class: FailureClass,
    /// 1-based lines.
    pub start: usize,
    pub end: usize,
    pub likelihood: f32,
    /// A precise hazard (a scenario) rather than a broad candidate.
    pub scenario: bool,
    /// Of the case's class (or an equivalent) within a line of its spot.
    pub hit: bool,
}

impl CaseResult {
    pub fn hit(&self, k: usize) -> bool {
        self.rank.is_some_and(|r| r <= k)
    }

    pub fn paired(&self) -> bool {
        self.hit(TOP_K) && self.silent_after
    }
}

/// The classes a real failure may be predicted as: its own, and the one
/// that names the same runtime error in languages where they coincide (a
/// missing key in JavaScript or Go reads as `undefined` / a zero value and
/// fails as a null dereference; a stalled call surfaces as either).
pub fn equivalent(expected: FailureClass, predicted: FailureClass) -> bool {
    use FailureClass::*;
    expected == predicted
        || matches!(
            (expected, predicted),
            (KeyMissing, NullOrNone)
                | (NullOrNone, KeyMissing)
                | (Timeout, NetworkError)
                | (NetworkError, Timeout)
        )
}

/// Whether `scenario` predicts a failure of `class` at 0-based `line`.
fn matches(scenario: &Scenario, class: FailureClass, line: usize) -> bool {
    equivalent(class, scenario.class)
        && within_a_line(scenario.origin.start_line, scenario.origin.end_line, line)
}

/// Whether 0-based `line` lies within one line of the 0-based span
/// `start..=end`.
fn within_a_line(start: usize, end: usize, line: usize) -> bool {
    let distance = if line < start {
        start - line
    } else {
        line.saturating_sub(end)
    };
    distance <= 1
}

/// The innermost function holding 0-based `line`, with its index: the
/// one that holds the line's first character of code. A callback opened
/// at the end of the line (`const req = http.request(options, res => {`)
/// holds the lines after it, not the statement that opens it. A function
/// that is all on the line (`const f = (x) => x.replace(…)`) starts after
/// that character and holds the line.
fn innermost(checked: &CheckedFile, line: usize) -> Option<(usize, &Function)> {
    innermost_in(
        &checked.analysis.functions.functions,
        &checked.analysis.rope,
        line,
    )
}

fn innermost_in<'f>(
    functions: &'f [Function],
    rope: &ropey::Rope,
    line: usize,
) -> Option<(usize, &'f Function)> {
    let spanning = || {
        functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.start_line <= line && line <= f.end_line)
    };
    if line >= rope.len_lines() {
        return spanning().min_by_key(|(_, f)| f.end_line - f.start_line);
    }
    let indent = rope
        .line(line)
        .chars()
        .take_while(|c| c.is_whitespace() && *c != '\n')
        .map(char::len_utf8)
        .sum::<usize>();
    let code = rope.line_to_byte(line) + indent;
    spanning()
        .filter(|(_, f)| f.range.start <= code || f.end_line == line)
        .min_by_key(|(_, f)| f.range.len())
}

/// Every scenario and broad candidate of the function at `index`:
/// scenarios first, as rendered, then the candidates as the rules made
/// them (the hazard pass run again on the function, since an analysis
/// keeps only the candidates it shows). `hit` is left false.
fn all_candidates(checked: &CheckedFile, index: usize, function: &Function) -> Vec<Pooled> {
    let analysis = &checked.analysis;
    let mut out: Vec<Pooled> = analysis.scenarios[index]
        .iter()
        .map(|s| Pooled {
            rule: s.rule.clone(),
            class: s.class,
            start: s.origin.start_line + 1,
            end: s.origin.end_line + 1,
            likelihood: s.likelihood,
            scenario: true,
            hit: false,
        })
        .collect();
    let rope = &analysis.rope;
    let Some(tree) = analysis.syntax_tree() else {
        return out;
    };
    let file = failcast_core::hazards::candidates::FileFacts::of(
        analysis.language,
        &tree,
        rope,
        &analysis.functions,
    );
    let precise = failcast_core::hazards::function_hazards(
        analysis.language,
        &tree,
        rope,
        function,
        &analysis.functions,
        &file,
    );
    let line = |offset: usize| Hazard::line_of(offset, function, rope) + 1;
    out.extend(
        failcast_core::hazards::candidates::function_candidates(
            analysis.language,
            &tree,
            rope,
            function,
            &analysis.functions,
            &precise,
            &file,
        )
        .iter()
        .map(|h| Pooled {
            rule: h.rule.to_owned(),
            class: h.class,
            start: line(h.start),
            end: line(h.end),
            likelihood: h.likelihood,
            scenario: false,
            hit: false,
        }),
    );
    out
}

/// Marks the pooled candidates of `class` within a line of 0-based `line`.
fn mark(pool: &mut [Pooled], class: FailureClass, line: usize) {
    for c in pool {
        c.hit = equivalent(class, c.class) && within_a_line(c.start - 1, c.end - 1, line);
    }
}

/// The options of one benchmark run.
pub struct EvalOptions {
    /// The directory `scripts/realbugs.py fetch` filled.
    pub dir: PathBuf,
    pub split: Option<String>,
    pub language: Option<String>,
    /// Ask the model (the configured one, or this catalog name or path).
    pub model: Option<String>,
    /// `model.rank_weight` instead of the default.
    pub rank_weight: Option<f32>,
    /// `model.threads` instead of the default.
    pub threads: Option<u32>,
    /// Keep every case's candidate pool ([`CaseResult::pool`]).
    pub pool: bool,
}

/// A finished run: every case, and what it cost.
#[derive(Serialize, Deserialize)]
pub struct EvalRun {
    pub model: String,
    pub cases: Vec<CaseResult>,
    /// Functions analysed on both sides, and the seconds it took.
    pub functions: usize,
    pub static_seconds: f64,
    pub model_seconds: f64,
    /// Model-sourced scenarios in a top three on `before`, and how many of
    /// them were the real failure.
    pub model_in_top: usize,
    pub model_right: usize,
    /// Why cases were left out (unreadable, unparsable).
    pub skipped: Vec<String>,
    /// With a model: every case as the static pass alone ranked it, in
    /// the same run (the figure the model must beat).
    #[serde(default)]
    pub baseline: Vec<CaseResult>,
    /// Candidates the model ranked, over all functions asked.
    #[serde(default)]
    pub ranked: usize,
    /// Functions the model was asked about, and the seconds it spent
    /// prefilling their prompts and ranking their candidates (0 for
    /// answers from the prediction cache).
    #[serde(default)]
    pub asked: usize,
    /// Of those, answered from the prediction cache.
    #[serde(default)]
    pub from_cache: usize,
    #[serde(default)]
    pub prompt_seconds: f64,
    #[serde(default)]
    pub rank_seconds: f64,
}

fn load_cases(options: &EvalOptions) -> Result<Vec<(PathBuf, CaseMeta)>, String> {
    // Absolute, so that files' paths relative to their case come out right.
    let root = std::path::absolute(&options.dir).unwrap_or_else(|_| options.dir.clone());
    let entries = std::fs::read_dir(&root).map_err(|err| {
        format!(
            "cannot read {}: {err}; run `scripts/realbugs.py fetch` first",
            options.dir.display()
        )
    })?;
    let mut cases = Vec::new();
    for entry in entries.flatten() {
        let dir = entry.path();
        let Ok(text) = std::fs::read_to_string(dir.join("case.json")) else {
            continue;
        };
        let meta: CaseMeta = serde_json::from_str(&text)
            .map_err(|err| format!("{}: {err}", dir.join("case.json").display()))?;
        if options.split.as_ref().is_some_and(|s| *s != meta.split)
            || options
                .language
                .as_ref()
                .is_some_and(|l| *l != meta.language)
        {
            continue;
        }
        cases.push((dir, meta));
    }
    cases.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    Ok(cases)
}

/// Runs the benchmark: every case's two sides through the same analysis
/// as `failcast check`, then (with a model) one model pass over all of them.
pub fn run(options: &EvalOptions) -> Result<EvalRun, String> {
    let cases = load_cases(options)?;
    if cases.is_empty() {
        return Err(format!(
            "no cases under {}; run `scripts/realbugs.py fetch`",
            options.dir.display()
        ));
    }
    let mut config = Config::default();
    if let Some(model) = &options.model {
        if Path::new(model).is_file() {
            config.model.path = Some(PathBuf::from(model));
        } else {
            config.model.name = model.clone();
        }
    }
    if let Some(weight) = options.rank_weight {
        config.model.rank_weight = Some(weight);
    }
    if let Some(threads) = options.threads {
        config.model.threads = threads;
    }
    let started = Instant::now();
    let mut report = CheckReport::default();
    let mut skipped = Vec::new();
    for (dir, meta) in &cases {
        // Each side is its own workspace: callers come from its own file
        // and from the release's files laid out beside it (`fetch
        // --callers`), the fixed file's from the fixed release.
        let sides: Vec<(Vec<SourceFile>, CallIndex)> = [&meta.before.path, &meta.after.path]
            .into_iter()
            .map(|path| {
                let file = dir.join(path);
                let side = file.parent().unwrap_or(dir).to_path_buf();
                let files = check::files_under(std::slice::from_ref(&file), dir, &config);
                (files, check::call_index(&side, &config))
            })
            .collect();
        let analysable = sides.iter().map(|(files, _)| files.len()).sum::<usize>();
        if analysable != 2 {
            skipped.push(format!("{}: {analysable} of 2 files analysable", meta.id));
            continue;
        }
        let options = CheckOptions {
            config: config.clone(),
            base: dir.clone(),
            loose_files: false,
            baseline: None,
            history: Default::default(),
            model_budget: None,
        };
        let mut checked = CheckReport::default();
        for (files, calls) in sides {
            let side = check::check_files(files, &calls, &options, None, &|_, _, _| {});
            checked.files.extend(side.files);
            checked.skipped.extend(side.skipped);
        }
        for (path, reason) in &checked.skipped {
            skipped.push(format!("{}: {}: {reason}", meta.id, path.display()));
        }
        for file in &mut checked.files {
            // Unique across cases, so one model pass can hold them all.
            file.analysis.path = format!("{}/{}", meta.id, file.analysis.path);
        }
        report.files.append(&mut checked.files);
    }
    let static_seconds = started.elapsed().as_secs_f64();
    let functions = report
        .files
        .iter()
        .map(|f| f.analysis.functions.functions.len())
        .sum();
    let (baseline, ..) = score(&report, &cases, options.pool);
    let mut model_seconds = 0.0;
    let mut model_name = "off".to_owned();
    let (mut ranked, mut asked, mut from_cache) = (0, 0, 0);
    let (mut prompt_seconds, mut rank_seconds) = (0.0, 0.0);
    if options.model.is_some() {
        let engine_config =
            failcast_model::predict::engine_config(&config.model).map_err(|e| e.to_string())?;
        model_name = config
            .model
            .path
            .as_ref()
            .map_or(config.model.name.clone(), |p| p.display().to_string());
        // Only the functions the cases name are asked about, and only for
        // their ranking: what the benchmark measures.
        let wanted = case_functions(&report, &cases);
        let ask =
            |path: &str, function: &Function, scenarios: &[Scenario], candidates: &[Scenario]| {
                let asked = wanted.contains(&(path.to_owned(), function.id.clone()));
                (asked && !(scenarios.is_empty() && candidates.is_empty()))
                    .then_some(failcast_model::Work::Rank)
            };
        let started = Instant::now();
        let run = check::model_pass(
            &mut report,
            &CallIndex::default(),
            &config,
            engine_config,
            check::Questions {
                ask: &ask,
                budget: None,
            },
            &|done, total| {
                if done % 10 == 0 || done == total {
                    eprintln!("failcast eval: model {done}/{total}");
                }
            },
            &mut |_, _| {},
        );
        if let Some(reason) = run.unavailable {
            return Err(format!("the model is unavailable: {reason}"));
        }
        ranked = run.ranked;
        asked = run.answered;
        from_cache = run.from_cache;
        prompt_seconds = run.prompt_seconds;
        rank_seconds = run.rank_seconds;
        model_seconds = started.elapsed().as_secs_f64();
    }
    let (cases, model_in_top, model_right) = if options.model.is_some() {
        score(&report, &cases, options.pool)
    } else {
        (baseline.clone(), 0, 0)
    };
    Ok(EvalRun {
        model: model_name,
        cases,
        functions,
        static_seconds,
        model_seconds,
        model_in_top,
        model_right,
        skipped,
        baseline: if options.model.is_some() {
            baseline
        } else {
            Vec::new()
        },
        ranked,
        asked,
        from_cache,
        prompt_seconds,
        rank_seconds,
    })
}

/// The functions holding each case's line, before and after, as (path in
/// the report, function id).
fn case_functions(
    report: &CheckReport,
    cases: &[(PathBuf, CaseMeta)],
) -> std::collections::HashSet<(String, String)> {
    let by_path: BTreeMap<&str, &CheckedFile> = report
        .files
        .iter()
        .map(|f| (f.analysis.path.as_str(), f))
        .collect();
    let mut wanted = std::collections::HashSet::new();
    for (_, meta) in cases {
        for side in [&meta.before, &meta.after] {
            let path = format!("{}/{}", meta.id, side.path);
            if let Some(checked) = by_path.get(path.as_str())
                && let Some((_, function)) = innermost(checked, side.line.saturating_sub(1))
            {
                wanted.insert((path, function.id.clone()));
            }
        }
    }
    wanted
}

/// Every case's outcome on the report as it stands, and the model-written
/// scenarios in a top three (and how many were right).
fn score(
    report: &CheckReport,
    cases: &[(PathBuf, CaseMeta)],
    pool: bool,
) -> (Vec<CaseResult>, usize, usize) {
    let by_path: BTreeMap<&str, &CheckedFile> = report
        .files
        .iter()
        .map(|f| (f.analysis.path.as_str(), f))
        .collect();
    let mut results = Vec::new();
    let (mut model_in_top, mut model_right) = (0, 0);
    for (_, meta) in cases {
        let before = by_path.get(format!("{}/{}", meta.id, meta.before.path).as_str());
        let after = by_path.get(format!("{}/{}", meta.id, meta.after.path).as_str());
        let (Some(before), Some(after)) = (before, after) else {
            continue;
        };
        let line = meta.before.line.saturating_sub(1);
        let held = innermost(before, line);
        // The function's predictions: its scenarios, then its candidates.
        let scenarios: Vec<&Scenario> = held
            .map(|(i, _)| before.analysis.predictions(i).collect())
            .unwrap_or_default();
        let rank = scenarios
            .iter()
            .position(|s| matches(s, meta.class, line))
            .map(|r| r + 1);
        let mut all = held
            .map(|(i, function)| all_candidates(before, i, function))
            .unwrap_or_default();
        mark(&mut all, meta.class, line);
        let coverage_rank = all.iter().position(|c| c.hit).map(|r| r + 1);
        // What outranks a right candidate below the top: what to read when
        // tuning the ranking.
        let ahead = match coverage_rank {
            Some(r) if r > TOP_K => all[..r]
                .iter()
                .map(|c| format!("{}@{}({})", c.class.as_str(), c.start, c.rule))
                .collect(),
            _ => Vec::new(),
        };
        for s in scenarios.iter().take(TOP_K) {
            if s.source.as_str() == "model" && s.rule == "model" {
                model_in_top += 1;
                if matches(s, meta.class, line) {
                    model_right += 1;
                }
            }
        }
        let after_line = meta.after.line.saturating_sub(1);
        let after_held = innermost(after, after_line);
        let silent_after = after_held.is_none_or(|(i, _)| {
            !after
                .analysis
                .predictions(i)
                .any(|s| matches(s, meta.class, after_line))
        });
        results.push(CaseResult {
            id: meta.id.clone(),
            language: meta.language.clone(),
            repository: meta.repository.clone(),
            split: meta.split.clone(),
            class: meta.class,
            function: meta.function.clone(),
            found_function: held.map(|(_, f)| f.name.clone()),
            rank,
            source: rank.map(|r| scenarios[r - 1].source.as_str().to_owned()),
            candidates: held.map_or(0, |(i, _)| {
                before.analysis.scenarios[i].len() + before.analysis.candidates[i].len()
            }),
            silent_after,
            coverage_rank,
            ahead,
            top: scenarios.iter().take(TOP_K).map(|s| short(s)).collect(),
            after_top: after_held
                .map(|(i, _)| after.analysis.predictions(i).map(short).collect())
                .unwrap_or_default(),
            pool: if pool { all } else { Vec::new() },
            pool_after: match after_held {
                Some((i, function)) if pool => {
                    let mut all = all_candidates(after, i, function);
                    mark(&mut all, meta.class, after_line);
                    all
                }
                _ => Vec::new(),
            },
        });
    }
    (results, model_in_top, model_right)
}

/// A prediction as `class@line`, for reading.
fn short(scenario: &Scenario) -> String {
    format!(
        "{}@{}",
        scenario.class.as_str(),
        scenario.origin.start_line + 1
    )
}

/// Counts for one row of the table.
#[derive(Default)]
struct Tally {
    cases: usize,
    at1: usize,
    at3: usize,
    paired: usize,
}

impl Tally {
    fn add(&mut self, case: &CaseResult) {
        self.cases += 1;
        self.at1 += usize::from(case.hit(1));
        self.at3 += usize::from(case.hit(TOP_K));
        self.paired += usize::from(case.paired());
    }

    fn row(&self, name: &str) -> String {
        let pct = |n: usize| {
            if self.cases == 0 {
                0.0
            } else {
                100.0 * n as f64 / self.cases as f64
            }
        };
        format!(
            "| {name} | {} | {} ({:.0} %) | {} ({:.0} %) | {} ({:.0} %) |",
            self.cases,
            self.at1,
            pct(self.at1),
            self.at3,
            pct(self.at3),
            self.paired,
            pct(self.paired)
        )
    }
}

/// The run as Markdown tables: overall and per split, then per language
/// and per class for each split.
pub fn render_table(run: &EvalRun) -> String {
    let mut out = String::new();
    let header = "| | cases | recall@1 | recall@3 | paired |\n|---|---|---|---|---|\n";
    out.push_str(&format!("model: {}\n\n", run.model));
    out.push_str(header);
    let mut all = Tally::default();
    let mut splits: BTreeMap<&str, Tally> = BTreeMap::new();
    for case in &run.cases {
        all.add(case);
        splits.entry(&case.split).or_default().add(case);
    }
    for (split, tally) in &splits {
        out.push_str(&tally.row(split));
        out.push('\n');
    }
    out.push_str(&all.row("all"));
    out.push('\n');
    for split in splits.keys() {
        let mut languages: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut classes: BTreeMap<&str, Tally> = BTreeMap::new();
        for case in run.cases.iter().filter(|c| c.split == *split) {
            languages.entry(&case.language).or_default().add(case);
            classes.entry(case.class.as_str()).or_default().add(case);
        }
        out.push_str(&format!("\n{split}, per language\n\n{header}"));
        for (language, tally) in &languages {
            out.push_str(&tally.row(language));
            out.push('\n');
        }
        out.push_str(&format!("\n{split}, per class\n\n{header}"));
        for (class, tally) in &classes {
            out.push_str(&tally.row(class));
            out.push('\n');
        }
    }
    let per_function = |seconds: f64| {
        if run.functions == 0 {
            0.0
        } else {
            seconds / run.functions as f64
        }
    };
    out.push_str(&format!(
        "\n{} functions; static {:.4} s per function\n",
        run.functions,
        per_function(run.static_seconds),
    ));
    if run.asked > run.from_cache {
        let fresh = run.asked - run.from_cache;
        let per_asked = |seconds: f64| seconds / fresh as f64;
        out.push_str(&format!(
            "model: {} functions asked, {} from the cache; the others {:.2} s each \
             (prefill {:.2} s, ranking {:.2} s: {:.2}× the prefill)\n",
            run.asked,
            run.from_cache,
            per_asked(run.model_seconds),
            per_asked(run.prompt_seconds),
            per_asked(run.rank_seconds),
            (run.prompt_seconds + run.rank_seconds) / run.prompt_seconds.max(1e-9),
        ));
    }
    if run.model != "off" {
        out.push_str(&format!(
            "model-proposed scenarios in a top three: {}, of which right: {}\n",
            run.model_in_top, run.model_right
        ));
        out.push_str(&format!("candidates ranked by the model: {}\n", run.ranked));
        out.push_str(&compare_table(run));
    }
    for skipped in &run.skipped {
        out.push_str(&format!("skipped: {skipped}\n"));
    }
    out
}

/// The model's figures beside the static pass's in the same run, per
/// split and per language: the model must beat these.
fn compare_table(run: &EvalRun) -> String {
    let mut rows: BTreeMap<(String, String), (Tally, Tally)> = BTreeMap::new();
    for (case, off) in run.cases.iter().zip(&run.baseline) {
        for group in [String::new(), case.language.clone()] {
            let row = rows.entry((case.split.clone(), group)).or_default();
            row.0.add(off);
            row.1.add(case);
        }
    }
    let mut out = String::from(
        "\nmodel off and model, same run\n\n\
         | split | language | cases | recall@3 off | recall@3 model | paired off | paired model |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for ((split, language), (off, on)) in &rows {
        let pct = |n: usize| 100.0 * n as f64 / off.cases.max(1) as f64;
        out.push_str(&format!(
            "| {split} | {} | {} | {:.0} % | {:.0} % | {:.0} % | {:.0} % |\n",
            if language.is_empty() { "all" } else { language },
            off.cases,
            pct(off.at3),
            pct(on.at3),
            pct(off.paired),
            pct(on.paired),
        ));
    }
    out
}

/// Each case's outcome, one line each, for reading why a case missed.
pub fn render_cases(run: &EvalRun) -> String {
    let mut out = String::new();
    for case in &run.cases {
        let verdict = match (case.rank, case.silent_after) {
            (Some(r), true) if r <= TOP_K => "paired".to_owned(),
            (Some(r), false) if r <= TOP_K => "found, still flagged after the fix".to_owned(),
            (Some(r), _) => format!("rank {r}"),
            (None, _) => match case.coverage_rank {
                Some(r) => format!(
                    "missed (rank {r} among all candidates: {})",
                    case.ahead.join(", ")
                ),
                None => "missed (no candidate)".to_owned(),
            },
        };
        out.push_str(&format!(
            "{} [{} {}] {}: {} (function {}, {} candidates; top {}; after {})\n",
            case.id,
            case.split,
            case.class.as_str(),
            case.function,
            verdict,
            case.found_function.as_deref().unwrap_or("none"),
            case.candidates,
            case.top.join(", "),
            case.after_top.join(", ")
        ));
    }
    out
}

/// What failcast reports on one corpus of clean code.
#[derive(Default, Serialize)]
pub struct NoiseRow {
    pub name: String,
    pub files: usize,
    pub lines: usize,
    pub errors: usize,
    pub warnings: usize,
    pub information: usize,
    pub hints: usize,
    /// Predictions in hovers (top three per function, candidates included).
    pub predictions: usize,
}

impl NoiseRow {
    fn per_100(&self, n: usize) -> f64 {
        if self.lines == 0 {
            0.0
        } else {
            100.0 * n as f64 / self.lines as f64
        }
    }
}

/// Counts diagnostics by severity, as the editor would publish them, on
/// each corpus under `dir` (one folder each, `scripts/realbugs.py noise`).
pub fn noise(dir: &Path) -> Result<Vec<NoiseRow>, String> {
    let root = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    let entries = std::fs::read_dir(&root).map_err(|err| {
        format!(
            "cannot read {}: {err}; run `scripts/realbugs.py noise` first",
            root.display()
        )
    })?;
    let mut corpora: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    corpora.sort();
    let config = Config::default();
    let mut rows = Vec::new();
    for corpus in corpora {
        let files = check::files_under(std::slice::from_ref(&corpus), &corpus, &config);
        let calls = check::call_index(&corpus, &config);
        let options = CheckOptions {
            config: config.clone(),
            base: corpus.clone(),
            loose_files: false,
            baseline: None,
            history: Default::default(),
            model_budget: None,
        };
        let report = check::check_files(files, &calls, &options, None, &|_, _, _| {});
        let mut row = NoiseRow {
            name: corpus
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            ..NoiseRow::default()
        };
        for checked in &report.files {
            let analysis = &checked.analysis;
            // Skipped files (tests, generated code) are not read by anyone.
            if analysis.skipped.is_some() {
                continue;
            }
            row.files += 1;
            row.lines += analysis.rope.len_lines();
            for (_, scenario) in analysis.all_scenarios() {
                match config.severity(scenario.class, scenario.kind) {
                    Severity::Error => row.errors += 1,
                    Severity::Warning => row.warnings += 1,
                    Severity::Information => row.information += 1,
                    Severity::Hint => row.hints += 1,
                    Severity::Off => {}
                }
            }
            row.predictions += (0..analysis.functions.functions.len())
                .map(|i| analysis.predictions(i).count())
                .sum::<usize>();
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The noise figures as a Markdown table, per 100 lines.
pub fn render_noise(rows: &[NoiseRow]) -> String {
    let mut out = String::from(
        "| corpus | files | lines | errors /100 | warnings /100 | information /100 | hints /100 | hover predictions /100 |\n|---|---|---|---|---|---|---|---|\n",
    );
    let mut total = NoiseRow {
        name: "all".to_owned(),
        ..NoiseRow::default()
    };
    for row in rows {
        total.files += row.files;
        total.lines += row.lines;
        total.errors += row.errors;
        total.warnings += row.warnings;
        total.information += row.information;
        total.hints += row.hints;
        total.predictions += row.predictions;
    }
    for row in rows.iter().chain(std::iter::once(&total)) {
        out.push_str(&format!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} |\n",
            row.name,
            row.files,
            row.lines,
            row.per_100(row.errors),
            row.per_100(row.warnings),
            row.per_100(row.information),
            row.per_100(row.hints),
            row.per_100(row.predictions)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use failcast_core::functions::index_functions;
    use failcast_core::language::Language;
    use failcast_core::syntax::parse_str;
    use ropey::Rope;

    use super::innermost_in;

    /// The function each 0-based line of `source` is scored against.
    fn holders(source: &str) -> Vec<String> {
        let rope = Rope::from_str(source);
        let tree = parse_str(Language::JavaScript, source).expect("parses");
        let index = index_functions(Language::JavaScript, &tree, &rope, "f.js");
        (0..rope.len_lines() - 1)
            .map(|line| {
                innermost_in(&index.functions, &rope, line)
                    .map_or("-".to_owned(), |(_, f)| f.name.clone())
            })
            .collect()
    }

    #[test]
    fn a_line_belongs_to_the_function_its_code_starts_in() {
        // The callback opened at the end of line 1 holds lines 2 and 3,
        // not the statement that opens it; a one-line function holds its
        // line.
        let source = "function request(options) {\n  const req = http.request(options, res => {\n    res.on('data', d => (data += d));\n  });\n  req.end();\n}\nconst trim = (s) => s.replace(/x+$/, '');\n";
        assert_eq!(
            holders(source),
            [
                "request", "request", "req", "req", "request", "request", "trim"
            ]
        );
    }
}
