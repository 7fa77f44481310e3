//! Translation between the core's plain data and LSP types. Positions are
//! converted with the encoding negotiated at `initialize`, against the exact
//! text the result was computed from.

use ropey::Rope;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentSymbol, Location,
    NumberOrString, PositionEncodingKind, SymbolKind, Uri,
};

use failcast_core::analysis::FileAnalysis;
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
    let rope = &analysis.rope;
    analysis
        .diagnosed(config)
        .filter_map(|diagnosed| {
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
                            lsp::Range::new(
                                lsp::Position::new(line, 0),
                                lsp::Position::new(line, 0),
                            ),
                        ),
                        message: format!("called from {}", frame.function),
                    })
                })
                .collect();
            Some(lsp::Diagnostic {
                range: span_range(rope, &diagnosed.origin, encoding),
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
        })
        .collect()
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
