//! Analysis of one file version: its function index, what changed since the
//! previous version, and the static scenarios of every function.
//!
//! Shared by the language server (one document at a time, incrementally) and
//! `failcast check` (many files at once). Hazards are re-computed only for
//! functions whose text changed; the others keep their hazards, moved to
//! their new place. The result is static only: model answers and production
//! history are merged afterwards by an enrichment step that takes this
//! analysis as its input.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use ropey::Rope;
use tree_sitter::Tree;
use xxhash_rust::xxh3::Xxh3;

use crate::config::{Config, Severity};
use crate::context::Context;
use crate::functions::{
    Function, FunctionChanges, FunctionIndex, IndexCache, changed_functions, index_functions_cached,
};
use crate::hazards::{self, Hazard};
use crate::language::Language;
use crate::module_code;
use crate::scenario::{Scenario, Span, likelier_first};
use crate::scenario_lists::{Part, Rendered, ScenarioLists};
use crate::telemetry::{self, Retrace};

/// How many scenarios of a function are its predictions (the hover's, the
/// benchmark's top three).
pub const PREDICTIONS: usize = 3;

/// How many predictions of a function (scenarios, then candidates) are kept
/// for the model to rank; the rest of the candidates are never rendered.
pub const RANKED: usize = 10;

/// What the hazard pass found in one function: its precise hazards and its
/// broad candidates.
type Found = Arc<(Vec<Hazard>, Vec<Hazard>)>;

/// The result of analysing one version of one file.
#[derive(Clone)]
pub struct FileAnalysis {
    /// Workspace-relative path, `/`-separated.
    pub path: String,
    pub language: Language,
    pub version: i32,
    /// The text analysed; every offset below refers to it.
    pub rope: Rope,
    pub functions: FunctionIndex,
    pub changes: FunctionChanges,
    /// Whether this analysis followed an earlier one of the same document
    /// (so `changes` are edits, not the first sight of the file).
    pub incremental: bool,
    /// Scenarios of each function, in `functions.functions` order, sorted
    /// most likely first. A function that an edit only moved shares them
    /// with the previous analysis and moves them when they are read.
    pub scenarios: ScenarioLists,
    /// The broad candidates that rank next in each function (with its
    /// scenarios, at most [`RANKED`]), most likely first: statically below
    /// every scenario, never a diagnostic, part of the function's top three
    /// when it has fewer scenarios than that or the model ranks them higher.
    pub candidates: ScenarioLists,
    /// Hazards and candidates per function, relative to the function's
    /// start, keyed by the exact text of the function so that unchanged
    /// functions reuse them.
    hazard_cache: Arc<HashMap<u64, Found>>,
    /// Each function's rendered scenarios and candidates, keyed by
    /// [`render_key`]: a function whose text, line ends and column are
    /// unchanged, in an unchanged configuration and call index, is not
    /// rendered again, wherever it moved (the synthetic traces and logs of
    /// every function are most of an edit's cost in a large file).
    render_cache: Arc<HashMap<u64, Arc<Rendered>>>,
    /// Chunks of the function index, for the next version's incremental index.
    index_cache: IndexCache,
    /// The file context the hazards were computed in (see `file_context_hash`).
    context_hash: u64,
    /// Whether each function is test code.
    in_test: Vec<bool>,
    /// Whether each function was examined (not skipped as test code or as
    /// part of a skipped file): only those are enriched.
    examined: Vec<bool>,
    /// Whether the file looks like tests or generated code, which is skipped.
    pub skipped: Option<&'static str>,
    /// The tree of the file with its macros' item bodies laid bare, if it
    /// has any, for the next version to reparse incrementally.
    shadow: Option<crate::macro_bodies::Shadow>,
}

impl FileAnalysis {
    /// All scenarios with the function each belongs to.
    pub fn all_scenarios(&self) -> impl Iterator<Item = (&Function, &Scenario)> {
        self.functions
            .functions
            .iter()
            .zip(&self.scenarios)
            .flat_map(|(f, s)| s.iter().map(move |s| (f, s)))
    }

    /// What becomes a diagnostic: each function's scenarios whose class is
    /// not switched off, most likely first, at most
    /// [`Config::max_per_function`] of them. Functions that an edit only
    /// moved are not moved for this: each item says where its scenario is.
    pub fn diagnosed<'a>(&'a self, config: &'a Config) -> impl Iterator<Item = Diagnosed<'a>> + 'a {
        let limit = config.diagnostics_limit();
        self.functions
            .functions
            .iter()
            .enumerate()
            .flat_map(move |(index, function)| {
                self.scenarios
                    .as_rendered(index)
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| config.severity(s.class, s.kind) != Severity::Off)
                    .take(limit)
                    .map(move |(at, scenario)| Diagnosed {
                        index,
                        function,
                        scenario,
                        origin: self.scenarios.origin(index, at),
                    })
            })
    }

    /// The predictions of the function at `index`: its scenarios and its
    /// candidates, most likely first, the first [`PREDICTIONS`] of them.
    /// Statically every candidate ranks below every scenario; the model's
    /// ranking may lift one above.
    pub fn predictions(&self, index: usize) -> impl Iterator<Item = &Scenario> {
        self.ranked(index).take(PREDICTIONS)
    }

    /// The scenarios and candidates of the function at `index`, most likely
    /// first (a scenario before a candidate of the same likelihood).
    pub fn ranked(&self, index: usize) -> impl Iterator<Item = &Scenario> {
        let mut scenarios = self.scenarios.get(index).into_iter().flatten().peekable();
        let mut candidates = self.candidates.get(index).into_iter().flatten().peekable();
        std::iter::from_fn(move || match (scenarios.peek(), candidates.peek()) {
            (Some(s), Some(c)) if c.likelihood > s.likelihood => candidates.next(),
            (Some(_), _) => scenarios.next(),
            (None, _) => candidates.next(),
        })
    }

    /// What a person is shown for the function at `index`: every scenario,
    /// and the candidates that reach its top three, most likely first.
    pub fn shown(&self, index: usize) -> Vec<&Scenario> {
        let top: Vec<&Scenario> = self.predictions(index).collect();
        self.ranked(index)
            .filter(|s| {
                let candidate = self
                    .candidates
                    .get(index)
                    .is_some_and(|c| c.iter().any(|c| std::ptr::eq(c, *s)));
                !candidate || top.iter().any(|t| std::ptr::eq(*t, *s))
            })
            .collect()
    }

    pub fn scenarios_of(&self, function_id: &str) -> &[Scenario] {
        self.functions
            .functions
            .iter()
            .position(|f| f.id == function_id)
            .map_or(&[], |i| &self.scenarios[i])
    }

    /// An analysis read back from the check cache: what the renderers need
    /// (text, functions, scenarios), without the per-function caches that
    /// only an editing session uses.
    pub fn restored(
        path: &str,
        language: Language,
        rope: Rope,
        functions: FunctionIndex,
        scenarios: Vec<Vec<Scenario>>,
        config: &Config,
    ) -> FileAnalysis {
        let scenarios = ScenarioLists::from(scenarios);
        let skipped = hazards::skip_reason(path, &rope, config);
        FileAnalysis {
            path: path.to_owned(),
            language,
            version: 0,
            rope,
            changes: FunctionChanges::default(),
            functions,
            incremental: false,
            scenarios,
            candidates: ScenarioLists::default(),
            hazard_cache: Arc::default(),
            render_cache: Arc::default(),
            index_cache: IndexCache::default(),
            // No context: an editing session never builds on a restored
            // analysis, and if one did, nothing would be reused from it.
            context_hash: 0,
            in_test: Vec::new(),
            examined: Vec::new(),
            skipped,
            shadow: None,
        }
    }

    /// Whether the function at `index` (in `functions.functions` order) was
    /// examined: a function in a skipped file, or test code when tests are
    /// excluded, has no scenarios and gets none from enrichment either.
    pub fn examined(&self, index: usize) -> bool {
        self.examined.get(index).copied().unwrap_or(false)
    }

    /// The tree the functions were found on, for a caller that reads the
    /// syntax again (code actions, the benchmark's candidate pool): the
    /// shadow an analysis keeps of a file with macro item bodies
    /// ([`crate::macro_bodies`]), else the text parsed again; `None` when
    /// the parser gives up.
    pub fn syntax_tree(&self) -> Option<Tree> {
        match &self.shadow {
            Some(shadow) => Some(shadow.tree().clone()),
            None => crate::syntax::parse_rope(self.language, &self.rope, None).map(|tree| {
                crate::macro_bodies::with_macro_bodies(self.language, tree, &self.rope)
            }),
        }
    }

    /// How many functions had their hazards recomputed (the rest were reused).
    pub fn recomputed(&self) -> usize {
        self.changes.added.len() + self.changes.changed.len()
    }
}

/// One scenario that becomes a diagnostic ([`FileAnalysis::diagnosed`]).
pub struct Diagnosed<'a> {
    /// The function's index in `functions.functions`.
    pub index: usize,
    pub function: &'a Function,
    /// The scenario as it was rendered: if an edit above has moved the
    /// function since, its origin, frame lines, trace and logs are where
    /// the function then was. What does not depend on the place (class,
    /// rule, messages, callers) is current.
    pub scenario: &'a Scenario,
    /// Where the scenario's failure is raised in this version.
    pub origin: Span,
}

/// Analyses a parsed file. `previous` is the analysis of an earlier version
/// of the same file, whose per-function hazards are reused where the
/// function's text is unchanged.
pub fn analyze(
    path: &str,
    language: Language,
    version: i32,
    rope: &Rope,
    tree: &Tree,
    previous: Option<&FileAnalysis>,
    ctx: &Context,
) -> FileAnalysis {
    // Functions inside `macro_rules!` bodies are analysed on a shadow tree
    // whose offsets are the real file's, reparsed from the previous one.
    let shadow = crate::macro_bodies::shadow(
        language,
        tree,
        rope,
        previous.and_then(|p| p.shadow.as_ref()),
    );
    let tree = shadow.as_ref().map_or(tree, |shadow| shadow.tree());
    let empty = IndexCache::default();
    let (functions, index_cache) = index_functions_cached(
        language,
        tree,
        rope,
        path,
        previous.map_or(&empty, |p| &p.index_cache),
    );
    let changes = match previous {
        Some(previous) => changed_functions(&previous.functions, &functions),
        None => FunctionChanges {
            added: functions.functions.iter().map(|f| f.id.clone()).collect(),
            ..FunctionChanges::default()
        },
    };
    let skipped = hazards::skip_reason(path, rope, ctx.config);
    // What the file compares with null or fills from a lookup, and what it
    // is about: every function's candidates depend on them, so they are part
    // of the key their hazards are cached under (a new `if user is None:`
    // elsewhere makes an unchanged `user.name` a candidate; a new `import
    // pytz` lifts its date arithmetic; a helper that starts parsing makes
    // its callers fail).
    let file_facts = hazards::candidates::FileFacts::of(language, tree, rope, &functions)
        .with_callers(ctx.calls, language, path, &functions);
    let context_hash = {
        let mut hasher = Xxh3::new();
        hasher.update(&hazards::file_context_hash(language, rope, &functions).to_le_bytes());
        file_facts.hash_into(&mut hasher);
        hasher.digest()
    };
    let old_cache = previous.map(|p| p.hazard_cache.clone()).unwrap_or_default();
    let mut cache: HashMap<u64, Found> = HashMap::with_capacity(functions.functions.len());
    let old_renders = previous.map(|p| p.render_cache.clone()).unwrap_or_default();
    let mut renders = HashMap::with_capacity(functions.functions.len());
    let settings = settings_hash(ctx);
    // Whether each function is test code. Test containers live outside
    // function bodies, so while the file context is unchanged an unchanged
    // function keeps its answer and only changed ones are queried.
    let reuse_tests = previous.filter(|p| p.context_hash == context_hash);
    let previous_tests: HashMap<&str, bool> = reuse_tests
        .map(|p| {
            p.functions
                .functions
                .iter()
                .zip(&p.in_test)
                .map(|(f, t)| (f.id.as_str(), *t))
                .collect()
        })
        .unwrap_or_default();
    let all_tests = reuse_tests
        .is_none()
        .then(|| hazards::test_ranges(language, tree, rope));
    let in_test: Vec<bool> = functions
        .functions
        .iter()
        .map(|function| {
            let unchanged =
                !changes.changed.contains(&function.id) && !changes.added.contains(&function.id);
            if unchanged && let Some(known) = previous_tests.get(function.id.as_str()) {
                return *known;
            }
            let inside =
                |t: &Range<usize>| t.start <= function.range.start && function.range.end <= t.end;
            match &all_tests {
                Some(tests) => tests.iter().any(inside),
                None => hazards::test_ranges_in(language, tree, rope, function.range.clone())
                    .iter()
                    .any(inside),
            }
        })
        .collect();

    let mut scenarios = ScenarioLists::with_capacity(functions.functions.len());
    let mut candidates = ScenarioLists::with_capacity(functions.functions.len());
    let mut examined = Vec::with_capacity(functions.functions.len());
    for (function, &in_test) in functions.functions.iter().zip(&in_test) {
        if skipped.is_some() || in_test && !ctx.config.include_tests {
            scenarios.push(Vec::new());
            candidates.push(Vec::new());
            examined.push(false);
            continue;
        }
        examined.push(true);
        // The module's stretches move whenever a function above them grows:
        // its hazards are cached by the stretches' text, offsets packed.
        let stretches = function
            .is_module()
            .then(|| functions.module_stretches(rope));
        let key = match &stretches {
            Some(stretches) => module_code::key(rope, stretches, context_hash),
            None => exact_key(rope, function, context_hash),
        };
        let found = match cache.get(&key).or_else(|| old_cache.get(&key)) {
            Some(found) => found.clone(),
            None => {
                // A rule that panics on one function costs that function's
                // predictions, not the file's.
                let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut precise = hazards::function_hazards(
                        language,
                        tree,
                        rope,
                        function,
                        &functions,
                        &file_facts,
                    );
                    let mut broad = hazards::candidates::function_candidates(
                        language,
                        tree,
                        rope,
                        function,
                        &functions,
                        &precise,
                        &file_facts,
                    );
                    hazards::candidates::merge_promoted(&mut precise, &mut broad, function, rope);
                    (precise, broad)
                }));
                match found {
                    Ok((precise, broad)) => match &stretches {
                        Some(stretches) => Arc::new((
                            module_code::packed(&precise, stretches),
                            module_code::packed(&broad, stretches),
                        )),
                        None => Arc::new((precise, broad)),
                    },
                    Err(_) => {
                        tracing::error!(
                            "analysis of {} in {path} panicked; it has no predictions",
                            function.id
                        );
                        Arc::new((Vec::new(), Vec::new()))
                    }
                }
            }
        };
        let placed = match &stretches {
            Some(stretches) => Arc::new((
                module_code::unpacked(&found.0, stretches),
                module_code::unpacked(&found.1, stretches),
            )),
            None => found.clone(),
        };
        let render = render_key(key, rope, function, settings);
        let render = match &stretches {
            Some(_) => {
                let hazards: Vec<&Hazard> = placed.0.iter().chain(&placed.1).collect();
                module_code::render_key(render, &hazards, rope)
            }
            None => render,
        };
        // A function rendered before (here, or elsewhere before an edit
        // moved it) keeps its rendering; the lists note how far it moved.
        let rendered = match old_renders.get(&render) {
            Some(rendered) if rendered.callers_current(ctx.calls) => rendered.clone(),
            _ => Arc::new(render_function(
                &placed, function, path, language, rope, tree, ctx,
            )),
        };
        let (start, line) = (function.range.start, function.start_line);
        scenarios.push_rendered(rendered.clone(), Part::Scenarios, start, line);
        candidates.push_rendered(rendered.clone(), Part::Candidates, start, line);
        renders.insert(render, rendered);
        cache.insert(key, found);
    }
    FileAnalysis {
        path: path.to_owned(),
        language,
        version,
        rope: rope.clone(),
        functions,
        changes,
        incremental: previous.is_some(),
        scenarios,
        candidates,
        hazard_cache: Arc::new(cache),
        render_cache: Arc::new(renders),
        index_cache,
        context_hash,
        in_test,
        examined,
        skipped,
        shadow,
    }
}

/// Parses and analyses a whole text with no earlier version, as `failcast
/// check` does for each file; `None` when the parser gives up.
pub fn analyze_text(
    path: &str,
    language: Language,
    text: &str,
    ctx: &Context,
) -> Option<FileAnalysis> {
    let rope = Rope::from_str(text);
    let tree = crate::syntax::parse_rope(language, &rope, None)?;
    Some(analyze(path, language, 0, &rope, &tree, None, ctx))
}

/// Renders a function's hazards as scenarios and its broad candidates
/// (those the model may rank), most likely first.
fn render_function(
    found: &Found,
    function: &Function,
    path: &str,
    language: Language,
    rope: &Rope,
    tree: &Tree,
    ctx: &Context,
) -> Rendered {
    let (hazards, broad) = &**found;
    // Event-schema scenarios depend on the configuration, not only on
    // the text, so they are never cached with the hazards; a schema-backed
    // scenario replaces a static one of the same class at the same place,
    // and a field the schema requires refutes a static missing-key one.
    // One function's traces share its runtime name and callers.
    let chain_cell = std::cell::OnceCell::new();
    let chain = || {
        chain_cell.get_or_init(|| {
            telemetry::caller_chain(
                function,
                path,
                language,
                ctx.calls,
                ctx.config.trace_depth,
                rope,
            )
        })
    };
    let render =
        |h: &Hazard| telemetry::scenario_retraced(h, function, path, language, rope, chain());
    let payload =
        crate::hazards::payload::handler_hazards(language, tree, rope, function, ctx.config);
    let mut rendered: Vec<(Scenario, Retrace)> = hazards
        .iter()
        .filter(|h| {
            !payload.refutes(h)
                && !payload
                    .hazards
                    .iter()
                    .any(|p| p.start == h.start && p.class == h.class)
        })
        .chain(&payload.hazards)
        .map(render)
        .collect();
    rendered.sort_by(|a, b| likelier_first(&a.0, &b.0));
    // Only the candidates the model may rank are rendered.
    let room = RANKED.saturating_sub(rendered.len());
    let shown: Vec<(Scenario, Retrace)> = broad
        .iter()
        .filter(|c| {
            !rendered.iter().any(|(s, _)| {
                s.class == c.class
                    && s.origin.start_line == Hazard::line_of(c.start, function, rope)
            })
        })
        .take(room)
        .map(render)
        .collect();
    Rendered::new(
        (function.range.start, function.start_line),
        language,
        path,
        rendered,
        shown,
        chain_cell.get().map(|chain| chain.looked_up().clone()),
    )
}

/// What rendering depends on besides the function and its callers (which
/// [`Rendered::callers_current`] checks): the configuration (trace depth,
/// service name, handler schemas).
fn settings_hash(ctx: &Context) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&serde_json::to_vec(ctx.config).unwrap_or_default());
    hasher.digest()
}

/// The key of a function's rendered scenarios: its hazards' key (its
/// text and the file context), its id, [`settings_hash`], and what of its
/// first and last lines lies outside it (a trace quotes whole lines and
/// counts columns from the line's start). Not its line: a function that
/// only moved keeps its rendering, moved ([`ScenarioLists`]).
fn render_key(hazards: u64, rope: &Rope, function: &Function, settings: u64) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&hazards.to_le_bytes());
    hasher.update(function.id.as_bytes());
    hasher.update(&settings.to_le_bytes());
    let len = rope.len_bytes();
    let (start, end) = (function.range.start.min(len), function.range.end.min(len));
    let line_start = rope.line_to_byte(rope.byte_to_line(start));
    let last_line = rope.byte_to_line(end);
    let line_end = rope.line_to_byte((last_line + 1).min(rope.len_lines()));
    for range in [line_start..start, end..line_end.max(end)] {
        hasher.update(&(range.len() as u64).to_le_bytes());
        for chunk in rope.byte_slice(range).chunks() {
            hasher.update(chunk.as_bytes());
        }
    }
    hasher.digest()
}

/// The key under which a function's hazards are cached: its exact bytes
/// (hazard offsets are relative to its start, so whitespace matters) and the
/// file-level context (imports, globals) that guards may depend on.
fn exact_key(rope: &Rope, function: &Function, context_hash: u64) -> u64 {
    let end = function.range.end.min(rope.len_bytes());
    let start = function.range.start.min(end);
    let mut hasher = Xxh3::new();
    for chunk in rope.byte_slice(start..end).chunks() {
        hasher.update(chunk.as_bytes());
    }
    hasher.update(&context_hash.to_le_bytes());
    hasher.digest()
}

#[cfg(test)]
mod tests {
    use ropey::Rope;

    use super::*;
    use crate::calls::CallIndex;
    use crate::config::Config;
    use crate::scenario::FailureClass;

    fn analysed(source: &str) -> FileAnalysis {
        let (config, calls) = (Config::default(), CallIndex::default());
        analyze_text(
            "app.py",
            Language::Python,
            source,
            &Context::new(&config, &calls),
        )
        .expect("parses")
    }

    /// num-integer's `is_multiple_of` is stamped out for every integer type
    /// by a `macro_rules!`: its division by a zero `other` is predicted on
    /// the real line, and the invocation's text is untouched.
    #[test]
    fn a_function_in_a_macro_body_is_analysed_in_place() {
        let source = "macro_rules! impl_integer {\n    ($T:ty) => {\n        impl Integer for $T {\n            fn is_multiple_of(&self, other: &Self) -> bool {\n                *self % *other == 0\n            }\n        }\n    };\n}\n\nimpl_integer!(u8);\n";
        let (config, calls) = (Config::default(), CallIndex::default());
        let analysis = analyze_text(
            "lib.rs",
            Language::Rust,
            source,
            &Context::new(&config, &calls),
        )
        .expect("parses");
        let at = analysis
            .functions
            .functions
            .iter()
            .position(|f| f.name == "is_multiple_of")
            .expect("the macro's function is indexed");
        let found: Vec<(FailureClass, usize)> = analysis
            .ranked(at)
            .map(|s| (s.class, s.origin.start_line + 1))
            .collect();
        assert!(
            found.contains(&(FailureClass::DivisionByZero, 5)),
            "{found:?}"
        );
        assert_eq!(analysis.rope.to_string(), source);
    }

    /// A finding the candidate scan makes as surely as a precise rule (an
    /// index its own check lets through) is a scenario, so a diagnostic,
    /// not one of the hover's candidates.
    #[test]
    fn a_precise_finding_of_the_candidate_scan_is_a_scenario() {
        let analysis = analysed("def pick(xs, i):\n    if i <= len(xs):\n        return xs[i]\n");
        let scenarios: Vec<&str> = analysis
            .all_scenarios()
            .map(|(_, s)| s.rule.as_str())
            .collect();
        assert_eq!(scenarios, ["index.fencepost"]);
        assert!(
            analysis.candidates[0]
                .iter()
                .all(|c| c.rule != "index.fencepost"),
            "{:?}",
            analysis.candidates
        );
    }

    /// What an edit reuses from the previous analysis (hazards, rendered
    /// scenarios moved with their function) equals what a fresh analysis of
    /// the new text computes: typing within a line, adding a line, editing
    /// the last function.
    #[test]
    fn reused_renders_equal_a_fresh_analysis() {
        let config = Config::default();
        let calls = CallIndex::default();
        let ctx = Context::new(&config, &calls);
        let run = |text: &str, previous: Option<&FileAnalysis>| {
            let rope = Rope::from_str(text);
            let tree = crate::syntax::parse_str(Language::Python, text).expect("parses");
            analyze("app.py", Language::Python, 1, &rope, &tree, previous, &ctx)
        };
        let original = "def first(d):\n    return d[\"a\"]\n\ndef second(x, n):\n    return x / n\n\ndef third(items):\n    return items[0][\"id\"]\n\ndef fourth(user):\n    return user.name\n";
        let edits = [
            // Another function's body now says `user` may be None:
            // `fourth`'s unchanged text gets a likelier candidate.
            original.replace(
                "def first(d):\n",
                "def first(d):\n    if user is None:\n        pass\n",
            ),
            original.replace("return d[", "return  d["),
            original.replace("def first(d):\n", "def first(d):\n    d = d or {}\n"),
            original.replace("items[0]", "items[1]"),
        ];
        let before = run(original, None);
        for edited in &edits {
            let reused = run(edited, Some(&before));
            let fresh = run(edited, None);
            assert_eq!(reused.scenarios, fresh.scenarios, "{edited}");
            assert_eq!(reused.candidates, fresh.candidates, "{edited}");
        }
    }

    /// Analyses of `original` and then of `edited`, reusing the first.
    fn before_and_after(original: &str, edited: &str) -> (FileAnalysis, FileAnalysis) {
        let config = Config::default();
        let calls = CallIndex::default();
        let ctx = Context::new(&config, &calls);
        let run = |text: &str, previous: Option<&FileAnalysis>| {
            let rope = Rope::from_str(text);
            let tree = crate::syntax::parse_str(Language::Python, text).expect("parses");
            analyze("app.py", Language::Python, 1, &rope, &tree, previous, &ctx)
        };
        let before = run(original, None);
        let after = run(edited, Some(&before));
        (before, after)
    }

    /// Whether function `index` kept the rendering it had `before`.
    fn kept_rendering(before: &FileAnalysis, after: &FileAnalysis, index: usize) -> bool {
        let (a, b) = (
            before.scenarios.rendering(index),
            after.scenarios.rendering(index),
        );
        a.zip(b).is_some_and(|(a, b)| Arc::ptr_eq(a, b))
    }

    const THREE: &str = "def first(d):\n    return d[\"a\"]\n\ndef second(x, n):\n    return x / n\n\ndef third(total, count):\n    return total / count\n";

    /// A line added in the first function moves the functions below it:
    /// they keep their rendering, and their diagnostics, read without
    /// moving the lists, are one line (and the line's bytes) lower.
    #[test]
    fn a_line_added_above_moves_renders_without_rendering_them_again() {
        let added = "    d = d or {}\n";
        let edited = THREE.replace("def first(d):\n", &format!("def first(d):\n{added}"));
        let (before, after) = before_and_after(THREE, &edited);
        assert!(
            !kept_rendering(&before, &after, 0),
            "the edited function is rendered again"
        );
        assert!(kept_rendering(&before, &after, 1) && kept_rendering(&before, &after, 2));
        let config = Config::default();
        let origins = |analysis: &FileAnalysis| -> Vec<(String, Span)> {
            analysis
                .diagnosed(&config)
                .filter(|d| d.function.name != "first")
                .map(|d| (d.function.name.clone(), d.origin))
                .collect()
        };
        let (was, now) = (origins(&before), origins(&after));
        assert_eq!(was.len(), 2, "{was:?}");
        for ((name, was), (_, now)) in was.iter().zip(&now) {
            assert_eq!(now.start_line, was.start_line + 1, "{name}");
            assert_eq!(now.end_line, was.end_line + 1, "{name}");
            assert_eq!(now.start, was.start + added.len(), "{name}");
            assert_eq!((now.start_col, now.end_col), (was.start_col, was.end_col));
        }
        // Read in full, the moved lists are what a fresh analysis renders:
        // origins, the failing frame's line, the trace and logs that print it.
        let fresh = analyze_text(
            "app.py",
            Language::Python,
            &edited,
            &Context::new(&config, &CallIndex::default()),
        )
        .expect("parses");
        assert_eq!(after.scenarios, fresh.scenarios);
        let moved = &after.scenarios[2][0];
        assert_eq!(moved.origin, now[1].1);
        assert_eq!(moved.frames[0].line, moved.origin.start_line + 1);
        assert!(
            moved
                .trace
                .contains(&format!("line {}", moved.origin.start_line + 1)),
            "{}",
            moved.trace
        );
        // Still shared: reading moved a copy, not the rendering.
        assert!(kept_rendering(&before, &after, 2));
    }

    /// Typing inside one function renders that function again and no other,
    /// above or below it.
    #[test]
    fn editing_inside_a_function_renders_only_that_function() {
        let edited = THREE.replace("return x / n", "return (x + 1) / n");
        let (before, after) = before_and_after(THREE, &edited);
        assert!(kept_rendering(&before, &after, 0));
        assert!(!kept_rendering(&before, &after, 1));
        assert!(kept_rendering(&before, &after, 2));
        assert_eq!(after.recomputed(), 1);
    }

    /// The module's code is cached apart from the functions around it: an
    /// edit inside a function above moves its predictions without making
    /// it a change, and what it shows equals a fresh analysis.
    #[test]
    fn the_modules_predictions_follow_an_edit_in_a_function_above() {
        let source =
            "import os\n\ndef first(d):\n    return d[\"a\"]\n\nPORT = int(os.environ[\"PORT\"])\n";
        let edited = source.replace("    return d", "    d = d or {}\n    return d");
        let (before, after) = before_and_after(source, &edited);
        assert_eq!(after.recomputed(), 1, "{:?}", after.changes);
        let lines = |analysis: &FileAnalysis| -> Vec<usize> {
            analysis.scenarios[0]
                .iter()
                .map(|s| s.origin.start_line)
                .collect()
        };
        assert_eq!(lines(&before), [5, 5]);
        assert_eq!(lines(&after), [6, 6]);
        let fresh = analysed(&edited);
        assert_eq!(after.scenarios, fresh.scenarios);
        assert_eq!(after.candidates, fresh.candidates);
    }

    /// What the module predicts of a pattern it compiles depends on whether
    /// a function runs it: an edit inside that function alone (the module's
    /// own text unchanged) changes it as a fresh analysis would.
    #[test]
    fn the_modules_pattern_follows_the_functions_that_run_it() {
        let source = "import re\n\nWIKI = re.compile(r\"\\[\\[ *(.+?) *\\| *(.+?) *\\]\\]\")\n\ndef links(text):\n    return WIKI.findall(text)\n";
        let edited = source.replace("WIKI.findall(text)", "[]");
        let module_lines = |analysis: &FileAnalysis| -> Vec<usize> {
            analysis.scenarios[0]
                .iter()
                .chain(analysis.candidates[0].iter())
                .map(|s| s.origin.start_line)
                .collect()
        };
        let (before, after) = before_and_after(source, &edited);
        assert!(
            !module_lines(&before).contains(&2),
            "{:?}",
            module_lines(&before)
        );
        assert!(
            module_lines(&after).contains(&2),
            "{:?}",
            module_lines(&after)
        );
        let fresh = analysed(&edited);
        assert_eq!(after.candidates, fresh.candidates);
    }

    /// Puts the calls of a Python `source` at `path` into `calls`.
    fn index_file(calls: &mut CallIndex, path: &str, source: &str) {
        let rope = Rope::from_str(source);
        let tree = crate::syntax::parse_str(Language::Python, source).expect("parses");
        let functions = crate::functions::index_functions(Language::Python, &tree, &rope, path);
        let found = crate::calls::file_calls(Language::Python, &tree, &rope, path, &functions);
        calls.set_file(path, found);
    }

    /// When the call index changes, only the functions whose callers it
    /// changed are rendered again, with the new caller in their traces.
    #[test]
    fn a_new_caller_renders_only_the_function_it_calls() {
        let config = Config::default();
        let mut calls = CallIndex::default();
        let run = |calls: &CallIndex, previous: Option<&FileAnalysis>| {
            let rope = Rope::from_str(THREE);
            let tree = crate::syntax::parse_str(Language::Python, THREE).expect("parses");
            let ctx = Context::new(&config, calls);
            analyze("app.py", Language::Python, 1, &rope, &tree, previous, &ctx)
        };
        let before = run(&calls, None);
        index_file(
            &mut calls,
            "jobs.py",
            "def nightly(rows):\n    return unrelated(rows)\n",
        );
        let unrelated = run(&calls, Some(&before));
        assert!((0..3).all(|i| kept_rendering(&before, &unrelated, i)));
        index_file(
            &mut calls,
            "report.py",
            "def totals(rows):\n    return second(rows, len(rows))\n",
        );
        let after = run(&calls, Some(&unrelated));
        assert!(kept_rendering(&unrelated, &after, 0) && kept_rendering(&unrelated, &after, 2));
        assert!(!kept_rendering(&unrelated, &after, 1));
        let trace = &after.scenarios[1][0].trace;
        assert!(
            trace.contains("report.py") && trace.contains("totals"),
            "{trace}"
        );
    }

    /// A caller in another file that passes `None` makes the callee's
    /// dereference of that parameter a prediction, saying why; a test that
    /// passes `None` to see the error does not, and a caller that stops
    /// passing it takes the prediction away again.
    #[test]
    fn a_caller_elsewhere_passing_none_raises_the_callees_dereference() {
        const WORDS: &str = "def first_word(header):\n    return header.split(' ')[0]\n";
        let config = Config::default();
        let mut calls = CallIndex::default();
        let run = |calls: &CallIndex, previous: Option<&FileAnalysis>| {
            let rope = Rope::from_str(WORDS);
            let tree = crate::syntax::parse_str(Language::Python, WORDS).expect("parses");
            let ctx = Context::new(&config, calls);
            analyze(
                "words.py",
                Language::Python,
                1,
                &rope,
                &tree,
                previous,
                &ctx,
            )
        };
        let null_reads = |analysis: &FileAnalysis| -> Vec<String> {
            analysis.scenarios[0]
                .iter()
                .chain(analysis.candidates[0].iter())
                .filter(|s| s.class == crate::scenario::FailureClass::NullOrNone)
                .map(|s| s.trigger.clone())
                .collect()
        };
        let alone = run(&calls, None);
        assert_eq!(null_reads(&alone), Vec::<String>::new());
        index_file(
            &mut calls,
            "tests/test_words.py",
            "def test_none():\n    with pytest.raises(AttributeError):\n        first_word(None)\n",
        );
        let tested = run(&calls, Some(&alone));
        assert_eq!(null_reads(&tested), Vec::<String>::new());
        index_file(
            &mut calls,
            "cli.py",
            "def main(argv):\n    return first_word(argv.get('header'), ) or first_word(None)\n",
        );
        let called = run(&calls, Some(&tested));
        assert_eq!(
            null_reads(&called),
            vec!["a caller passes None for `header`".to_owned()]
        );
        index_file(
            &mut calls,
            "cli.py",
            "def main(argv):\n    return first_word(argv.get('header', ''))\n",
        );
        let fixed = run(&calls, Some(&called));
        assert_eq!(null_reads(&fixed), Vec::<String>::new());
    }

    /// A moved list becomes the function's own when it is written to, and
    /// the write does not reach the previous analysis.
    #[test]
    fn writing_a_moved_list_copies_it() {
        let edited = THREE.replace("def first(d):\n", "def first(d):\n    d = d or {}\n");
        let (before, mut after) = before_and_after(THREE, &edited);
        after.scenarios[2][0].likelihood = 0.01;
        assert!(!kept_rendering(&before, &after, 2));
        assert_ne!(before.scenarios[2][0].likelihood, 0.01);
        assert_eq!(after.scenarios[2][0].likelihood, 0.01);
        assert_eq!(
            after.scenarios[2][0].origin.start_line,
            before.scenarios[2][0].origin.start_line + 1
        );
    }

    /// A hazard-dense function gets at most `severity.max_per_function`
    /// diagnostics, the most likely first; a class switched off gives its
    /// place to the next; 0 lifts the limit.
    #[test]
    fn diagnostics_per_function_are_capped_most_likely_first() {
        let analysis = analysed(
            "import json\n\ndef summary(raw, n):\n    data = json.loads(raw)\n    first = data[\"items\"][0]\n    share = data[\"total\"] / n\n    name = data[\"owner\"][\"name\"]\n    return first[\"id\"], share, name, int(data[\"count\"])\n",
        );
        let all = analysis.scenarios[0].len();
        assert!(
            all > 3,
            "needs a dense function: {:?}",
            analysis.scenarios[0]
        );
        let mut config = Config::default();
        let capped: Vec<&Scenario> = analysis.diagnosed(&config).map(|d| d.scenario).collect();
        assert_eq!(capped.len(), 3);
        assert!(
            capped
                .iter()
                .zip(&analysis.scenarios[0])
                .all(|(a, b)| std::ptr::eq(*a, b))
        );
        let first = analysis.scenarios[0][0].class;
        config.class_severity.insert(first, Severity::Off);
        let without: Vec<&Scenario> = analysis.diagnosed(&config).map(|d| d.scenario).collect();
        assert_eq!(
            without.len(),
            3.min(
                analysis.scenarios[0]
                    .iter()
                    .filter(|s| s.class != first)
                    .count()
            )
        );
        assert!(without.iter().all(|s| s.class != first));
        config.class_severity.clear();
        config.max_per_function = 0;
        assert_eq!(analysis.diagnosed(&config).count(), all);
    }

    /// Statically the scenarios come first; a candidate lifted above them
    /// (as the model's ranking does) leads the predictions and is shown.
    #[test]
    fn predictions_merge_scenarios_and_candidates_by_likelihood() {
        let mut analysis = analysed(
            "def total(order, rates):\n    items = order.get(\"items\")\n    rate = rates[order[\"currency\"]]\n    return sum(i[\"price\"] for i in items) / len(items) * rate\n",
        );
        let (scenarios, candidates) = (analysis.scenarios[0].len(), analysis.candidates[0].len());
        assert!(
            scenarios >= 1 && candidates >= 3,
            "{scenarios} {candidates}"
        );
        assert!(candidates + scenarios <= RANKED);
        let top: Vec<&Scenario> = analysis.predictions(0).collect();
        assert!(std::ptr::eq(top[0], &analysis.scenarios[0][0]));
        let shown = analysis.shown(0).len();
        assert_eq!(shown, scenarios.max(PREDICTIONS));

        let last = candidates - 1;
        analysis.candidates[0][last].likelihood = 0.99;
        let lifted = analysis.candidates[0][last].clone();
        analysis.candidates[0].sort_by(|a, b| b.likelihood.total_cmp(&a.likelihood));
        let top: Vec<&Scenario> = analysis.predictions(0).collect();
        assert_eq!(top.len(), PREDICTIONS);
        assert_eq!(*top[0], lifted);
        assert!(analysis.shown(0).iter().any(|s| **s == lifted));
        assert_eq!(analysis.ranked(0).count(), scenarios + candidates);
    }
}
