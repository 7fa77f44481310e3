//! End-to-end: code actions applied as an editor applies them, code lenses,
//! commands and configuration changes, on a copy of the Python test-writing
//! fixture (`server/core/tests/fixtures/testgen/python`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use failcast_e2e::{Server, uri};
use ls_types::notification::DidChangeConfiguration;
use ls_types::request::{CodeActionRequest, CodeLensRequest};
use ls_types::{
    CodeActionContext, CodeActionOrCommand, CodeActionParams, CodeLensParams, Diagnostic,
    DidChangeConfigurationParams, DocumentChangeOperation, DocumentChanges, Position, ResourceOp,
    TextDocumentContentChangeEvent, TextDocumentIdentifier, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::json;

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/core/tests/fixtures/testgen/python");
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "shop/__init__.py",
        "shop/pricing.py",
        "tests/test_existing.py",
    ] {
        let target = dir.path().join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(source.join(file), &target).unwrap();
    }
    let module = dir.path().join("shop/pricing.py");
    (dir, module)
}

/// Byte offset of an LSP position in ASCII text.
fn offset(text: &str, position: Position) -> usize {
    assert!(text.is_ascii());
    let line_start: usize = text
        .split_inclusive('\n')
        .take(position.line as usize)
        .map(str::len)
        .sum();
    line_start + position.character as usize
}

fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut text = text.to_owned();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
    for edit in edits {
        let start = offset(&text, edit.range.start);
        let end = offset(&text, edit.range.end);
        text.replace_range(start..end, &edit.new_text);
    }
    text
}

/// A document edit's text edits, annotated or not.
fn plain(edit: &ls_types::TextDocumentEdit) -> Vec<TextEdit> {
    edit.edits
        .iter()
        .map(|e| match e {
            ls_types::OneOf::Left(e) => e.clone(),
            ls_types::OneOf::Right(a) => a.text_edit.clone(),
        })
        .collect()
}

/// Applies a workspace edit to the files on disk, as an editor does: files
/// created by `CreateFile`, edits on the text (open buffers are on disk
/// here too). Returns the paths touched.
fn apply(edit: &WorkspaceEdit) -> Vec<PathBuf> {
    let mut touched = Vec::new();
    let mut edit_file = |uri: &Uri, edits: &[TextEdit]| {
        let path = uri.to_file_path().unwrap().into_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, apply_edits(&text, edits)).unwrap();
        touched.push(path);
    };
    if let Some(changes) = &edit.changes {
        for (uri, edits) in changes {
            edit_file(uri, edits);
        }
    }
    match &edit.document_changes {
        Some(DocumentChanges::Edits(edits)) => {
            for edit in edits {
                edit_file(&edit.text_document.uri, &plain(edit));
            }
        }
        Some(DocumentChanges::Operations(operations)) => {
            for operation in operations {
                match operation {
                    DocumentChangeOperation::Op(ResourceOp::Create(create)) => {
                        let path = create.uri.to_file_path().unwrap().into_owned();
                        assert!(!path.exists(), "create would overwrite {path:?}");
                        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                        std::fs::write(&path, "").unwrap();
                    }
                    DocumentChangeOperation::Edit(edit) => {
                        edit_file(&edit.text_document.uri, &plain(edit));
                    }
                    other => panic!("unexpected operation {other:?}"),
                }
            }
        }
        None => {}
    }
    touched
}

fn actions(server: &mut Server, uri: &Uri, diagnostic: &Diagnostic) -> Vec<ls_types::CodeAction> {
    let response = server.request::<CodeActionRequest>(CodeActionParams {
        text_document: TextDocumentIdentifier { uri: uri.clone() },
        range: diagnostic.range,
        context: CodeActionContext {
            diagnostics: vec![diagnostic.clone()],
            only: None,
            trigger_kind: None,
        },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    response
        .unwrap_or_default()
        .into_iter()
        .map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => a,
            CodeActionOrCommand::Command(c) => panic!("bare command {c:?}"),
        })
        .collect()
}

fn find<'a>(diagnostics: &'a [Diagnostic], class: &str) -> &'a Diagnostic {
    diagnostics
        .iter()
        .find(|d| d.code == Some(ls_types::NumberOrString::String(class.to_owned())))
        .unwrap_or_else(|| panic!("no {class} diagnostic in {diagnostics:#?}"))
}

fn classes(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut classes: Vec<String> = diagnostics
        .iter()
        .filter_map(|d| match &d.code {
            Some(ls_types::NumberOrString::String(code)) => Some(code.clone()),
            _ => None,
        })
        .collect();
    classes.sort();
    classes
}

#[test]
fn write_test_action_creates_a_failing_pytest_and_ignore_hides_the_prediction() {
    let (dir, module) = fixture();
    let (mut server, result) = Server::builder()
        .root(dir.path())
        .document_changes(true)
        .start();
    assert!(result.capabilities.code_action_provider.is_some());
    let uri = uri(&module);
    let text = std::fs::read_to_string(&module).unwrap();
    server.await_log("workspace indexed");
    server.open(&uri, "python", 1, &text);
    let diagnostics = server.await_diagnostics(&uri, Some(1)).diagnostics;
    let division = find(&diagnostics, "division_by_zero").clone();

    let offered = actions(&mut server, &uri, &division);
    let titles: Vec<&str> = offered.iter().map(|a| a.title.as_str()).collect();
    insta::assert_debug_snapshot!(titles, @r#"
    [
        "failcast: write a test for Predicted ZeroDivisionError when len(cart) is 0",
        "failcast: ignore this prediction",
    ]
    "#);
    let write = &offered[0];
    assert_eq!(write.diagnostics.as_deref(), Some(&[division.clone()][..]));
    let touched = apply(write.edit.as_ref().unwrap());
    let test_file = dir.path().join("tests/test_pricing.py");
    assert_eq!(touched, vec![test_file.clone()]);
    // The user's code is untouched; the new test fails with the predicted error.
    assert_eq!(std::fs::read_to_string(&module).unwrap(), text);
    let output = std::process::Command::new("python3")
        .args(["-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider"])
        .arg(&test_file)
        .current_dir(dir.path())
        .env("COLUMNS", "1000")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("pytest (scripts/setup.sh installs it)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(
        stdout.contains("test_per_item_division_by_zero - Failed: failcast predicted this failure: ZeroDivisionError('division by zero')"),
        "{stdout}"
    );

    // A second test for another scenario is appended to the same file.
    let key = find(&diagnostics, "key_missing").clone();
    let offered = actions(&mut server, &uri, &key);
    let edit = offered[0].edit.as_ref().unwrap();
    let Some(DocumentChanges::Edits(edits)) = &edit.document_changes else {
        panic!("an existing file gets a plain text edit: {edit:?}");
    };
    assert_eq!(edits[0].text_document.version, None);
    let before = std::fs::read_to_string(&test_file).unwrap();
    apply(edit);
    let after = std::fs::read_to_string(&test_file).unwrap();
    assert!(after.starts_with(&before), "edits only append");
    assert!(after.contains("def test_amount_key_missing():"));

    // Ignore: the comment lands above the line and the diagnostic goes away.
    let ignore = actions(&mut server, &uri, &division).remove(1);
    let Some(DocumentChanges::Edits(edits)) = &ignore.edit.as_ref().unwrap().document_changes
    else {
        panic!("{ignore:?}");
    };
    assert_eq!(edits[0].text_document.version, Some(1));
    let ls_types::OneOf::Left(comment) = &edits[0].edits[0] else {
        panic!()
    };
    let ignored = apply_edits(&text, std::slice::from_ref(comment));
    assert!(
        ignored.contains("    # failcast: ignore[division_by_zero]\n    return total / len(cart)")
    );
    server.change(
        &uri,
        2,
        vec![TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: ignored,
        }],
    );
    let after = server.await_diagnostics(&uri, Some(2)).diagnostics;
    assert_eq!(
        classes(&after),
        classes(&diagnostics)
            .into_iter()
            .filter(|c| c != "division_by_zero")
            .collect::<Vec<_>>()
    );
    server.discard("textDocument/publishDiagnostics");
    server.shutdown();
}

#[test]
fn without_document_changes_the_edit_is_a_plain_change() {
    let (dir, module) = fixture();
    let (mut server, _) = Server::builder().root(dir.path()).start();
    let uri = uri(&module);
    // Open after the scan, whose call index would republish the diagnostics.
    server.await_log("workspace indexed");
    server.open(
        &uri,
        "python",
        3,
        &std::fs::read_to_string(&module).unwrap(),
    );
    let diagnostics = server.await_diagnostics(&uri, Some(3)).diagnostics;
    let division = find(&diagnostics, "division_by_zero").clone();
    let offered = actions(&mut server, &uri, &division);
    let edit = offered[0].edit.as_ref().unwrap();
    assert!(edit.document_changes.is_none());
    let changes: &HashMap<Uri, Vec<TextEdit>> = edit.changes.as_ref().unwrap();
    let test_uri = failcast_e2e::uri(&dir.path().join("tests/test_pricing.py"));
    assert_eq!(changes.keys().collect::<Vec<_>>(), vec![&test_uri]);
    assert!(
        changes[&test_uri][0]
            .new_text
            .starts_with("def test_per_item_division_by_zero():")
    );
    server.discard("textDocument/publishDiagnostics");
    server.shutdown();
}

#[test]
fn lens_command_and_configuration_round_trip() {
    let (dir, module) = fixture();
    let (mut server, _) = Server::builder().root(dir.path()).start();
    let uri = uri(&module);
    // Open after the scan, whose call index would republish the diagnostics.
    server.await_log("workspace indexed");
    server.open(
        &uri,
        "python",
        1,
        &std::fs::read_to_string(&module).unwrap(),
    );
    let diagnostics = server.await_diagnostics(&uri, Some(1)).diagnostics;
    assert!(classes(&diagnostics).contains(&"division_by_zero".to_owned()));

    let lenses = server
        .request::<CodeLensRequest>(CodeLensParams {
            text_document: TextDocumentIdentifier { uri: uri.clone() },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lens = lenses
        .iter()
        .find(|l| l.range.start.line == 5)
        .expect("a lens on per_item");
    let command = lens.command.as_ref().unwrap();
    assert_eq!(
        command.title,
        "1 predicted failure · ZeroDivisionError: division by zero"
    );
    let shown = server.command(&command.command, command.arguments.clone().unwrap());
    let markdown = shown["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("ZeroDivisionError: division by zero")
            && markdown.contains("File \"shop/pricing.py\", line 8, in per_item"),
        "{markdown}"
    );

    // Turning a class off takes effect without a restart.
    server.notify::<DidChangeConfiguration>(DidChangeConfigurationParams {
        settings: json!({"failcast": {"severity": {"classes": {"division_by_zero": "off"}}}}),
    });
    let after = server.await_message("diagnostics without division_by_zero", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && !m["params"]["diagnostics"]
                .to_string()
                .contains("division_by_zero")
    });
    let after: Vec<Diagnostic> =
        serde_json::from_value(after["params"]["diagnostics"].clone()).unwrap();
    assert_eq!(after.len(), diagnostics.len() - 1);

    // An invalid value is named, and the previous value is kept.
    server.notify::<DidChangeConfiguration>(DidChangeConfigurationParams {
        settings: json!({"failcast": {"severity": {"classes": {"division_by_zero": "loud"}}}}),
    });
    let message = server.await_message("a message about the bad value", |m| {
        m["method"] == "window/showMessage"
    });
    let text = message["params"]["message"].as_str().unwrap();
    assert!(text.contains("severity.classes.division_by_zero"), "{text}");
    // The class stays off: nothing is republished for a kept value.
    server.assert_no_message(
        std::time::Duration::from_millis(500),
        "diagnostics after an invalid value",
        |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"]
                    .to_string()
                    .contains("division_by_zero")
        },
    );
    server.discard("textDocument/publishDiagnostics");
    server.shutdown();
}
