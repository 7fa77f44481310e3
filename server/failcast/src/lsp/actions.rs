//! Code actions: "write a test for …" and "ignore this prediction" for the
//! scenarios under the cursor or named by the diagnostics the client sends.
//! The core writes the test (`failcast_core::testgen`); this module only turns it
//! into a `WorkspaceEdit` the client can apply: `documentChanges` with a
//! create-file operation where the client supports it, plain `changes`
//! otherwise.

use std::collections::HashMap;

use ropey::Rope;
use tower_lsp_server::ls_types::*;

use super::convert;
use super::state::State;
use failcast_core::analysis::FileAnalysis;
use failcast_core::position::PositionEncoding;
use failcast_core::scenario::Scenario;
use failcast_core::testgen::{self, Project, Subject, TestEdit};

pub fn code_actions(
    state: &State,
    uri: &Uri,
    analysis: &FileAnalysis,
    range: Range,
    diagnostics: &[Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let encoding = state.encoding();
    let rope = &analysis.rope;
    let start = convert::offset(rope, range.start, encoding);
    let end = convert::offset(rope, range.end, encoding).max(start);
    let selected = selected(analysis, start, end, diagnostics);
    if selected.is_empty() {
        return Vec::new();
    }
    let Some(tree) = analysis.syntax_tree() else {
        return Vec::new();
    };
    let client = state.client.read().clone();
    let root = state.roots.read().first().cloned();
    let read = |relative: &str| -> Option<String> {
        let open = state
            .documents
            .lock()
            .values()
            .find(|d| d.path == relative)
            .map(|d| d.document.text());
        open.or_else(|| {
            let path = root.as_ref()?.join(relative);
            std::fs::read(path)
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        })
    };
    let fallback_root = std::path::PathBuf::new();
    let project = Project {
        root: root.as_deref().unwrap_or(&fallback_root),
        read: &read,
    };
    let mut actions = Vec::new();
    let several = selected.len() > 1;
    for (function_index, scenario_index) in selected {
        let function = &analysis.functions.functions[function_index];
        let scenario = &analysis.scenarios[function_index][scenario_index];
        let matching: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| names(d, &function.id, scenario, scenario.origin.start))
            .cloned()
            .collect();
        let subject = Subject {
            language: analysis.language,
            path: &analysis.path,
            rope,
            tree: &tree,
            function,
            scenario,
        };
        let title = format!(
            "failcast: write a test for {}",
            failcast_core::text::one_line(&scenario.summary, 90)
        );
        match testgen::write_test(&subject, &project) {
            Ok(test) => {
                if let Some(edit) = workspace_edit(state, uri, analysis, &test, encoding, &read) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: (!matching.is_empty()).then(|| matching.clone()),
                        edit: Some(edit),
                        ..Default::default()
                    }));
                }
            }
            Err(reason) if client.code_action_disabled => {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    disabled: Some(CodeActionDisabled { reason }),
                    ..Default::default()
                }));
            }
            Err(reason) => tracing::debug!("no test for {}: {reason}", scenario.summary),
        }
        let ignore = testgen::ignore_edit(analysis.language, rope, scenario);
        let edit = TextEdit {
            range: convert::range(rope, ignore.start, ignore.end, encoding),
            new_text: ignore.text,
        };
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: if several {
                format!(
                    "failcast: ignore this prediction ({})",
                    scenario.class.as_str()
                )
            } else {
                "failcast: ignore this prediction".to_owned()
            },
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: (!matching.is_empty()).then_some(matching),
            edit: Some(edit_of(
                &client,
                uri.clone(),
                Some(analysis.version),
                vec![edit],
            )),
            ..Default::default()
        }));
    }
    actions
}

/// (function, scenario) indexes the request is about: scenarios named by
/// the client's diagnostics, those under the range, or, on a function's
/// name, all of that function's.
fn selected(
    analysis: &FileAnalysis,
    start: usize,
    end: usize,
    diagnostics: &[Diagnostic],
) -> Vec<(usize, usize)> {
    // Scenarios as rendered, with where each is now: matching them moves
    // no function's list that an edit only moved.
    let all = || {
        (0..analysis.functions.functions.len()).flat_map(|f| {
            let function = &analysis.functions.functions[f];
            analysis
                .scenarios
                .as_rendered(f)
                .iter()
                .enumerate()
                .map(move |(s, scenario)| {
                    (f, s, function, scenario, analysis.scenarios.origin(f, s))
                })
        })
    };
    // The diagnostics the client names are what the user is looking at.
    let named: Vec<(usize, usize)> = all()
        .filter(|(_, _, function, scenario, origin)| {
            diagnostics
                .iter()
                .any(|d| names(d, &function.id, scenario, origin.start))
        })
        .map(|(f, s, ..)| (f, s))
        .collect();
    if !named.is_empty() {
        return named;
    }
    all()
        .filter(|(_, _, function, _, origin)| {
            let under = origin.start <= end && start <= origin.end;
            let on_name = function.name_range.start <= end && start <= function.name_range.end;
            under || on_name
        })
        .map(|(f, s, ..)| (f, s))
        .collect()
}

/// Whether a diagnostic we published stands for this scenario, which
/// starts at byte `start`.
fn names(diagnostic: &Diagnostic, function_id: &str, scenario: &Scenario, start: usize) -> bool {
    diagnostic.source.as_deref() == Some("failcast")
        && diagnostic
            .data
            .as_ref()
            .is_some_and(|data| *data == convert::diagnostic_data(function_id, scenario, start))
}

/// The edit for a generated test, in the file's own positions.
fn workspace_edit(
    state: &State,
    uri: &Uri,
    analysis: &FileAnalysis,
    test: &TestEdit,
    encoding: PositionEncoding,
    read: &dyn Fn(&str) -> Option<String>,
) -> Option<WorkspaceEdit> {
    let client = state.client.read().clone();
    let target = if test.path == analysis.path {
        uri.clone()
    } else {
        state.uri_of(&test.path)?
    };
    match test.offset {
        Some(offset) => {
            let (rope, version) = if test.path == analysis.path {
                (analysis.rope.clone(), Some(analysis.version))
            } else {
                let open = state
                    .documents
                    .lock()
                    .get(&target)
                    .map(|d| (d.document.rope().clone(), Some(d.document.version())));
                open.or_else(|| read(&test.path).map(|text| (Rope::from_str(&text), None)))?
            };
            let at = convert::lsp_position(&rope, offset, encoding);
            let edit = TextEdit {
                range: Range::new(at, at),
                new_text: test.text.clone(),
            };
            Some(edit_of(&client, target, version, vec![edit]))
        }
        None => {
            let edit = TextEdit {
                range: Range::default(),
                new_text: test.text.clone(),
            };
            if client.document_changes && client.resource_operations_create {
                Some(WorkspaceEdit {
                    document_changes: Some(DocumentChanges::Operations(vec![
                        DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                            uri: target.clone(),
                            options: Some(CreateFileOptions {
                                overwrite: Some(false),
                                ignore_if_exists: Some(true),
                            }),
                            annotation_id: None,
                        })),
                        DocumentChangeOperation::Edit(TextDocumentEdit {
                            text_document: OptionalVersionedTextDocumentIdentifier {
                                uri: target,
                                version: None,
                            },
                            edits: vec![OneOf::Left(edit)],
                        }),
                    ])),
                    ..Default::default()
                })
            } else {
                // Editors open an edit to a missing file as a new buffer.
                Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(target, vec![edit])])),
                    ..Default::default()
                })
            }
        }
    }
}

fn edit_of(
    client: &super::state::ClientInfo,
    uri: Uri,
    version: Option<i32>,
    edits: Vec<TextEdit>,
) -> WorkspaceEdit {
    if client.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..Default::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri, edits)])),
            ..Default::default()
        }
    }
}
