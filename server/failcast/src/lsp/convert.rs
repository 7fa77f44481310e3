//! Translation between the core's plain data and LSP types. Positions are
//! converted with the encoding negotiated at `initialize`, against the exact
//! text the result was computed from.

use std::collections::HashMap;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentSymbol, Location,
    NumberOrString, PositionEncodingKind, SymbolKind, Uri,
};

use failcast_core::analysis::{Diagnosed, FileAnalysis};
use failcast_core::config::{Config, Severity};
use failcast_core::functions::{ContainerKind, FunctionIndex, FunctionKind};
use failcast_core::position::{Position, PositionEncoding, to_offset, to_position};
use failcast_core::scenario::{Scenario, Span};

pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

pub fn position(p: lsp::Position) -> Position {
    Position::new(p.line, p.character)
}

pub fn lsp_position(rope: &Rope, offset: usize, encoding: PositionEncoding) -> lsp::Position {
    let p = to_position(rope, offset, encoding);
    lsp::Position::new(p.line, p.character)
}

pub fn range(rope: &Rope, start: usize, end: usize, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range::new(
        lsp_position(rope, start, encoding),
        lsp_position(rope, end, encoding),
    )
}

pub fn span_range(rope: &Rope, span: &Span, encoding: PositionEncoding) -> lsp::Range {
    range(rope, span.start, span.end, encoding)
}

pub fn offset(rope: &Rope, p: lsp::Position, encoding: PositionEncoding) -> usize {
    to_offset(rope, position(p), encoding)
}

fn severity(severity: Severity) -> Option<DiagnosticSeverity> {
    match severity {
        Severity::Error => Some(DiagnosticSeverity::ERROR),
        Severity::Warning => Some(DiagnosticSeverity::WARNING),
        Severity::Information => Some(DiagnosticSeverity::INFORMATION),
        Severity::Hint => Some(DiagnosticSeverity::HINT),
        Severity::Off => None,
    }
}

/// The data a diagnostic carries so code actions can find its scenario,
/// which starts at byte `start` of the analysed text.
pub fn diagnostic_data(function_id: &str, scenario: &Scenario, start: usize) -> serde_json::Value {
    serde_json::json!({
        "function": function_id,
        "rule": scenario.rule,
        "class": scenario.class.as_str(),
        "start": start,
    })
}

/// The diagnostics of a file: one per scenario that becomes one
/// ([`FileAnalysis::diagnosed`]: classes not set to `off`, at most
/// `severity.max_per_function` per function).
pub fn diagnostics(
    analysis: &FileAnalysis,
    config: &Config,
    encoding: PositionEncoding,
    root_uri: &dyn Fn(&str) -> Option<Uri>,
) -> Vec<lsp::Diagnostic> {
    analysis
        .diagnosed(config)
        .filter_map(|diagnosed| diagnostic(analysis, &diagnosed, config, encoding, root_uri))
        .collect()
}

/// The diagnostic of one diagnosed scenario.
fn diagnostic(
    analysis: &FileAnalysis,
    diagnosed: &Diagnosed,
    config: &Config,
    encoding: PositionEncoding,
    root_uri: &dyn Fn(&str) -> Option<Uri>,
) -> Option<lsp::Diagnostic> {
    let (function, scenario) = (diagnosed.function, diagnosed.scenario);
    let severity = severity(config.severity(scenario.class, scenario.kind))?;
    let related: Vec<DiagnosticRelatedInformation> = scenario
        .frames
        .iter()
        .skip(1)
        .filter_map(|frame| {
            let uri = root_uri(&frame.path)?;
            let line = frame.line.saturating_sub(1) as u32;
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    uri,
                    lsp::Range::new(lsp::Position::new(line, 0), lsp::Position::new(line, 0)),
                ),
                message: format!("called from {}", frame.function),
            })
        })
        .collect();
    Some(lsp::Diagnostic {
        range: span_range(&analysis.rope, &diagnosed.origin, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(scenario.class.as_str().to_owned())),
        source: Some("failcast".to_owned()),
        message: format!(
            "{}\nTrigger: {}\nError: {}",
            scenario.summary, scenario.trigger, scenario.error
        ),
        related_information: (!related.is_empty()).then_some(related),
        data: Some(diagnostic_data(
            &function.id,
            scenario,
            diagnosed.origin.start,
        )),
        ..Default::default()
    })
}

/// Functions' diagnostics as serialised JSON, kept from one publication
/// to the next: a function whose rendering the analysis shares with the
/// previous one (unchanged, perhaps moved by an edit above it) is
/// serialised once, and each publication only writes its lines and byte
/// offset where the function now is. An edit then serialises the
/// diagnostics of the functions it changed, not of the whole file.
#[derive(Default)]
pub struct DiagnosticsCache {
    /// The configuration and encoding the entries were serialised under.
    settings: u64,
    by_rendering: HashMap<u64, Arc<[Fragment]>>,
}

/// One diagnostic's JSON, with holes for what moves with its function.
struct Fragment {
    json: Vec<u8>,
    /// Where each hole's placeholder number is in `json`, its length, and
    /// what goes there, relative to the function's first line or byte.
    holes: Vec<(usize, usize, Hole)>,
    /// Whether the holes were found, so that the fragment can be written
    /// for the function elsewhere; if not, `json` is the diagnostic as it
    /// is now and is not kept.
    moves: bool,
}

#[derive(Clone, Copy)]
enum Hole {
    Line(i64),
    Byte(i64),
}

/// Placeholders serialised in place of the numbers that move; each is
/// found as a whole `"key":number` pair, which cannot occur inside a JSON
/// string (its quotes would be escaped).
const START_LINE: u32 = 4_000_000_001;
const END_LINE: u32 = 4_000_000_002;
const START_BYTE: usize = 4_000_000_003;

impl Fragment {
    /// `diagnostic`, the diagnostic of `diagnosed`, with holes for its
    /// lines and its start byte.
    fn new(diagnostic: lsp::Diagnostic, diagnosed: &Diagnosed) -> Fragment {
        let function = diagnosed.function;
        let relative = |value: usize, base: usize| value as i64 - base as i64;
        let line = function.start_line;
        let holes = [
            (
                format!("\"line\":{START_LINE}"),
                Hole::Line(relative(diagnosed.origin.start_line, line)),
            ),
            (
                format!("\"line\":{END_LINE}"),
                Hole::Line(relative(diagnosed.origin.end_line, line)),
            ),
            (
                format!("\"start\":{START_BYTE}"),
                Hole::Byte(relative(diagnosed.origin.start, function.range.start)),
            ),
        ];
        let mut placeheld = diagnostic.clone();
        placeheld.range.start.line = START_LINE;
        placeheld.range.end.line = END_LINE;
        if let Some(serde_json::Value::Object(data)) = placeheld.data.as_mut() {
            data.insert("start".to_owned(), START_BYTE.into());
        }
        let json = serde_json::to_vec(&placeheld).unwrap_or_default();
        let found: Option<Vec<(usize, usize, Hole)>> = holes
            .into_iter()
            .map(|(pair, hole)| {
                let at = memchr::memmem::find(&json, pair.as_bytes())?;
                let number = pair.len() - pair.find(':')? - 1;
                Some((at + pair.len() - number, number, hole))
            })
            .collect();
        match found {
            Some(mut holes) => {
                holes.sort_by_key(|(at, ..)| *at);
                Fragment {
                    json,
                    holes,
                    moves: true,
                }
            }
            None => Fragment {
                json: serde_json::to_vec(&diagnostic).unwrap_or_default(),
                holes: Vec::new(),
                moves: false,
            },
        }
    }

    /// Appends the diagnostic for its function now starting at `line`, `byte`.
    fn write(&self, out: &mut Vec<u8>, line: usize, byte: usize) {
        use std::io::Write;
        let mut from = 0;
        for &(at, len, hole) in &self.holes {
            out.extend_from_slice(&self.json[from..at]);
            let _ = match hole {
                Hole::Line(relative) => write!(out, "{}", line as i64 + relative),
                Hole::Byte(relative) => write!(out, "{}", byte as i64 + relative),
            };
            from = at + len;
        }
        out.extend_from_slice(&self.json[from..]);
    }
}

/// The diagnostics of a file, as [`diagnostics`] gives them, serialised as
/// the JSON array that is published, reusing what `cache` kept of the
/// functions whose rendering is unchanged.
pub fn diagnostics_json(
    analysis: &FileAnalysis,
    config: &Config,
    encoding: PositionEncoding,
    root_uri: &dyn Fn(&str) -> Option<Uri>,
    cache: &mut DiagnosticsCache,
) -> Vec<u8> {
    let settings = {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&serde_json::to_vec(config).unwrap_or_default());
        hasher.update(encoding.as_str().as_bytes());
        hasher.digest()
    };
    if cache.settings != settings {
        *cache = DiagnosticsCache {
            settings,
            ..DiagnosticsCache::default()
        };
    }
    let mut kept: HashMap<u64, Arc<[Fragment]>> = HashMap::with_capacity(cache.by_rendering.len());
    let mut out = Vec::with_capacity(64 * 1024);
    out.push(b'[');
    let separate = |out: &mut Vec<u8>| {
        if out.len() > 1 {
            out.push(b',');
        }
    };
    let mut diagnosed = analysis.diagnosed(config).peekable();
    while let Some(first) = diagnosed.next() {
        let index = first.index;
        let mut group = vec![first];
        while let Some(next) = diagnosed.next_if(|d| d.index == index) {
            group.push(next);
        }
        let function = group[0].function;
        let build = |group: &[Diagnosed]| -> Arc<[Fragment]> {
            group
                .iter()
                .filter_map(|d| {
                    let diagnostic = diagnostic(analysis, d, config, encoding, root_uri)?;
                    Some(Fragment::new(diagnostic, d))
                })
                .collect()
        };
        let fragments = match analysis.scenarios.rendering(index) {
            Some(rendering) => {
                let id = rendering.id();
                let fragments = match cache.by_rendering.get(&id).or_else(|| kept.get(&id)) {
                    Some(fragments) => fragments.clone(),
                    None => build(&group),
                };
                if fragments.iter().all(|f| f.moves) {
                    kept.insert(id, fragments.clone());
                }
                fragments
            }
            None => build(&group),
        };
        for fragment in fragments.iter() {
            separate(&mut out);
            fragment.write(&mut out, function.start_line, function.range.start);
        }
    }
    out.push(b']');
    cache.by_rendering = kept;
    out
}

/// The outline: functions nested in their containers and enclosing functions.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be filled in.
pub fn document_symbols(
    index: &FunctionIndex,
    rope: &Rope,
    encoding: PositionEncoding,
) -> Vec<DocumentSymbol> {
    // Every node of the outline, with its parent: containers first, then functions.
    enum Parent {
        Root,
        Container(usize),
        Function(usize),
    }
    let mut nodes: Vec<(Parent, DocumentSymbol)> = Vec::new();
    for container in &index.containers {
        let parent = container.parent.map_or(Parent::Root, Parent::Container);
        nodes.push((
            parent,
            DocumentSymbol {
                name: container.name.clone(),
                detail: None,
                kind: match container.kind {
                    ContainerKind::Class => SymbolKind::CLASS,
                    ContainerKind::Impl => SymbolKind::OBJECT,
                    ContainerKind::Trait | ContainerKind::Interface => SymbolKind::INTERFACE,
                    ContainerKind::Module => SymbolKind::MODULE,
                },
                tags: None,
                deprecated: None,
                range: range(rope, container.range.start, container.range.end, encoding),
                selection_range: range(
                    rope,
                    container.name_range.start,
                    container.name_range.end,
                    encoding,
                ),
                children: None,
            },
        ));
    }
    let containers = index.containers.len();
    for function in &index.functions {
        // The nearer of the enclosing function and container is the parent.
        let parent = match (function.parent, function.container) {
            (Some(f), Some(c))
                if index.functions[f].range.start > index.containers[c].range.start =>
            {
                Parent::Function(f)
            }
            (Some(f), None) => Parent::Function(f),
            (_, Some(c)) => Parent::Container(c),
            (None, None) => Parent::Root,
        };
        nodes.push((
            parent,
            DocumentSymbol {
                name: function.name.clone(),
                detail: Some(function.id.clone()),
                kind: match function.kind {
                    FunctionKind::Function | FunctionKind::Closure => SymbolKind::FUNCTION,
                    FunctionKind::Method
                        if function.name == "constructor" || function.name == "__init__" =>
                    {
                        SymbolKind::CONSTRUCTOR
                    }
                    FunctionKind::Method => SymbolKind::METHOD,
                    FunctionKind::Module => SymbolKind::MODULE,
                },
                tags: None,
                deprecated: None,
                range: range(rope, function.range.start, function.range.end, encoding),
                selection_range: range(
                    rope,
                    function.name_range.start,
                    function.name_range.end,
                    encoding,
                ),
                children: None,
            },
        ));
    }
    // Attach children to parents from the innermost out: a node's index is
    // always greater than its parent's within each group, so walking
    // backwards moves every subtree before its parent is moved.
    let mut slots: Vec<Option<DocumentSymbol>> = Vec::with_capacity(nodes.len());
    let mut parents = Vec::with_capacity(nodes.len());
    for (parent, symbol) in nodes {
        parents.push(match parent {
            Parent::Root => None,
            Parent::Container(c) => Some(c),
            Parent::Function(f) => Some(containers + f),
        });
        slots.push(Some(symbol));
    }
    // The module's code is the file itself, no entry of its outline; it
    // is first among the functions and no one's parent.
    if index.module().is_some() {
        slots[containers] = None;
    }
    let order: Vec<usize> = {
        // Deepest first, so a subtree is complete before it moves.
        let depth = |mut i: usize| {
            let mut d = 0;
            while let Some(p) = parents[i] {
                d += 1;
                i = p;
            }
            d
        };
        let mut order: Vec<usize> = (0..slots.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(depth(i)));
        order
    };
    for i in order {
        if let Some(p) = parents[i]
            && let Some(symbol) = slots[i].take()
            && let Some(parent) = slots[p].as_mut()
        {
            parent.children.get_or_insert_with(Vec::new).push(symbol);
        }
    }
    let mut roots: Vec<DocumentSymbol> = slots.into_iter().flatten().collect();
    sort_symbols(&mut roots);
    roots
}

fn sort_symbols(symbols: &mut [DocumentSymbol]) {
    symbols.sort_by_key(|s| (s.range.start.line, s.range.start.character));
    for symbol in symbols {
        if let Some(children) = symbol.children.as_mut() {
            sort_symbols(children);
        }
    }
}

#[cfg(test)]
mod tests {
    use failcast_core::analysis::analyze;
    use failcast_core::calls::CallIndex;
    use failcast_core::context::Context;
    use failcast_core::language::Language;

    use super::*;

    /// Diagnostics serialised with the cache read exactly as freshly
    /// converted ones, edit after edit, while the functions an edit only
    /// moved keep what was serialised for them.
    #[test]
    fn cached_diagnostics_equal_converted_ones() {
        let (config, calls) = (Config::default(), CallIndex::default());
        let ctx = Context::new(&config, &calls);
        let root_uri = |path: &str| Uri::from_file_path(format!("/work/{path}"));
        let original = "def first(d):\n    return d[\"a\"]\n\ndef second(x, n):\n    return x / n\n\ndef third(total, count):\n    return total / count\n";
        let edits = [
            // A line added above moves `second` and `third`.
            original.replace("def first(d):\n", "def first(d):\n    d = d or {}\n"),
            // A character UTF-16 counts twice, before a diagnostic's column.
            original.replace("return x / n", "return x / n  # 𝛼"),
            original.replace("return x / n", "return (𝛼 := x) / n"),
            // The last function edited; the lines above it are back.
            original.replace("total / count", "total / (count - 1)"),
        ];
        let mut caches = [DiagnosticsCache::default(), DiagnosticsCache::default()];
        let mut previous: Option<FileAnalysis> = None;
        for (step, text) in std::iter::once(original.to_owned())
            .chain(edits)
            .enumerate()
        {
            let rope = Rope::from_str(&text);
            let tree = failcast_core::syntax::parse_str(Language::Python, &text).expect("parses");
            let analysis = analyze(
                "app.py",
                Language::Python,
                step as i32,
                &rope,
                &tree,
                previous.as_ref(),
                &ctx,
            );
            let encodings = [PositionEncoding::Utf16, PositionEncoding::Utf8];
            for (encoding, cache) in encodings.into_iter().zip(&mut caches) {
                let kept_before: Vec<Arc<[Fragment]>> =
                    cache.by_rendering.values().cloned().collect();
                let json = diagnostics_json(&analysis, &config, encoding, &root_uri, cache);
                let converted = diagnostics(&analysis, &config, encoding, &root_uri);
                assert!(!converted.is_empty());
                assert_eq!(
                    String::from_utf8(json).unwrap(),
                    serde_json::to_string(&converted).unwrap(),
                    "step {step}, {encoding:?}"
                );
                if step == 1 && encoding == PositionEncoding::Utf16 {
                    // `second` and `third` moved: serialised before, written again.
                    let reused = cache
                        .by_rendering
                        .values()
                        .filter(|f| kept_before.iter().any(|k| Arc::ptr_eq(k, f)))
                        .count();
                    assert_eq!(reused, 2);
                }
            }
            previous = Some(analysis);
        }
    }
}
