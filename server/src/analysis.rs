//! Analysis of one file version: its function index, what changed since the
//! previous version, and the static scenarios of every function.
//!
//! Shared by the language server (one document at a time, incrementally) and
//! `failcast check` (many files at once). Hazards are re-computed only for
//! functions whose text changed; the others keep their hazards, moved to
//! their new place.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use ropey::Rope;
use tree_sitter::Tree;
use xxhash_rust::xxh3::Xxh3;

use crate::calls::CallIndex;
use crate::config::Config;
use crate::functions::{
    Function, FunctionChanges, FunctionIndex, IndexCache, changed_functions, index_functions_cached,
};
use crate::hazards::{self, Hazard};
use crate::language::Language;
use crate::predict::{ModelAnswers, merge};
use crate::scenario::Scenario;
use crate::telemetry;

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
    /// most likely first.
    pub scenarios: Vec<Vec<Scenario>>,
    /// Hazards per function, relative to the function's start, keyed by the
    /// exact text of the function so that unchanged functions reuse them.
    hazard_cache: Arc<HashMap<u64, Vec<Hazard>>>,
    /// Chunks of the function index, for the next version's incremental index.
    index_cache: IndexCache,
    /// The file context the hazards were computed in (see `file_context_hash`).
    context_hash: u64,
    /// Whether each function is test code.
    in_test: Vec<bool>,
    /// Whether the file looks like tests or generated code, which is skipped.
    pub skipped: Option<&'static str>,
}

/// What analysis needs besides the file: the configuration, the call index
/// and, when a model has answered, its answers for this file.
pub struct Context<'a> {
    pub config: &'a Config,
    pub calls: &'a CallIndex,
    pub model: Option<&'a ModelAnswers>,
    /// Past production failures of this file, from the corpus.
    pub history: Option<&'a crate::corpus::FileHistory>,
}

impl<'a> Context<'a> {
    pub fn new(config: &'a Config, calls: &'a CallIndex) -> Context<'a> {
        Context {
            config,
            calls,
            model: None,
            history: None,
        }
    }

    pub fn with_model(mut self, answers: &'a ModelAnswers) -> Context<'a> {
        self.model = Some(answers);
        self
    }

    pub fn with_history(mut self, history: &'a crate::corpus::FileHistory) -> Context<'a> {
        self.history = Some(history);
        self
    }
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
            hazard_cache: Arc::default(),
            index_cache: IndexCache::default(),
            // No context: an editing session never builds on a restored
            // analysis, and if one did, nothing would be reused from it.
            context_hash: 0,
            in_test: Vec::new(),
            skipped,
        }
    }

    /// How many functions had their hazards recomputed (the rest were reused).
    pub fn recomputed(&self) -> usize {
        self.changes.added.len() + self.changes.changed.len()
    }
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
    let context_hash = hazards::file_context_hash(language, rope, &functions);
    let old_cache = previous.map(|p| p.hazard_cache.clone()).unwrap_or_default();
    let mut cache: HashMap<u64, Vec<Hazard>> = HashMap::with_capacity(functions.functions.len());
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

    let mut scenarios = Vec::with_capacity(functions.functions.len());
    for (function, &in_test) in functions.functions.iter().zip(&in_test) {
        if skipped.is_some() || in_test && !ctx.config.include_tests {
            scenarios.push(Vec::new());
            continue;
        }
        let key = exact_key(rope, function, context_hash);
        let hazards = match cache.get(&key).or_else(|| old_cache.get(&key)) {
            Some(hazards) => hazards.clone(),
            None => hazards::function_hazards(language, tree, rope, function, &functions),
        };
        // Event-schema scenarios depend on the configuration, not only on
        // the text, so they are never cached with the hazards; a schema-backed
        // scenario replaces a static one of the same class at the same place,
        // and a field the schema requires refutes a static missing-key one.
        let payload = crate::handlers::handler_hazards(language, tree, rope, function, ctx.config);
        let mut rendered: Vec<Scenario> = hazards
            .iter()
            .filter(|h| {
                !payload.refutes(h)
                    && !payload
                        .hazards
                        .iter()
                        .any(|p| p.start == h.start && p.class == h.class)
            })
            .chain(&payload.hazards)
            .map(|h| telemetry::scenario(h, function, path, language, rope, ctx))
            .collect();
        // Answers for another version of the function are stale: never shown.
        if let Some((hash, answers)) = ctx.model.and_then(|m| m.get(&function.id))
            && *hash == function.content_hash
        {
            merge(&mut rendered, answers, function, path, language, rope, ctx);
        }
        if let Some(history) = ctx.history {
            let past = history.of_function(function, &functions);
            if !past.is_empty() {
                crate::corpus::retrieve::apply(
                    &mut rendered,
                    &past,
                    function,
                    path,
                    language,
                    rope,
                    ctx,
                );
            }
        }
        crate::scenario::sort_scenarios(&mut rendered);
        scenarios.push(rendered);
        cache.insert(key, hazards);
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
        hazard_cache: Arc::new(cache),
        index_cache,
        context_hash,
        in_test,
        skipped,
    }
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
