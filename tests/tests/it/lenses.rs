//! End-to-end: code lenses follow the predictions. A client that announced
//! `workspace.codeLens.refreshSupport` is asked to refresh once per batch
//! of publications; one that did not is never asked.

use std::time::Duration;

use failcast_e2e::{Server, uri};
use ls_types::{Position, Range, TextDocumentContentChangeEvent};
use serde_json::Value;

/// Three functions, each with a predicted failure.
const THREE_FAILING: &str = "import requests\n\n\ndef user_id(url):\n    body = requests.get(url, timeout=5).json()\n    return body[\"id\"]\n\n\ndef user_name(url):\n    body = requests.get(url, timeout=5).json()\n    return body[\"name\"]\n\n\ndef per_item(total, items):\n    return total / len(items)\n";

/// Long enough for a refresh that is coming to arrive: it follows the
/// publication it belongs to within milliseconds.
const QUIET: Duration = Duration::from_millis(700);

fn is_refresh(message: &Value) -> bool {
    message["method"] == "workspace/codeLens/refresh" && message.get("id").is_some()
}

#[test]
fn a_client_that_supports_it_is_asked_to_refresh_once_per_publication() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri(&dir.path().join("users.py"));
    let (mut server, _) = Server::builder().code_lens_refresh(true).start();
    server.open(&uri, "python", 1, THREE_FAILING);
    let published = server.await_diagnostics(&uri, Some(1));
    assert_eq!(published.diagnostics.len(), 3, "{published:#?}");
    server.await_message("workspace/codeLens/refresh after didOpen", is_refresh);
    // As an editor does, it asks for the lenses.
    lenses(&mut server, &uri);
    // Three functions' predictions changed: still one refresh.
    server.assert_no_message(QUIET, "a second refresh for one publication", is_refresh);

    // Guarding one lookup changes the predictions again.
    server.change(
        &uri,
        2,
        vec![TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(5, 4), Position::new(5, 4))),
            range_length: None,
            text: "if \"id\" in body:\n        ".to_owned(),
        }],
    );
    let published = server.await_diagnostics(&uri, Some(2));
    assert_eq!(published.diagnostics.len(), 2, "{published:#?}");
    server.await_message("workspace/codeLens/refresh after didChange", is_refresh);
    lenses(&mut server, &uri);
    server.assert_no_message(QUIET, "a second refresh for one change", is_refresh);

    // Closing clears the diagnostics; there are no lenses left to refresh.
    server.notify::<ls_types::notification::DidCloseTextDocument>(
        ls_types::DidCloseTextDocumentParams {
            text_document: ls_types::TextDocumentIdentifier { uri: uri.clone() },
        },
    );
    let cleared = server.await_diagnostics(&uri, None);
    assert!(cleared.diagnostics.is_empty(), "{cleared:#?}");
    server.assert_no_message(QUIET, "a refresh after didClose", is_refresh);
    assert_eq!(server.shutdown().code(), Some(0));
}

fn lenses(server: &mut Server, uri: &ls_types::Uri) -> usize {
    server
        .request::<ls_types::request::CodeLensRequest>(ls_types::CodeLensParams {
            text_document: ls_types::TextDocumentIdentifier { uri: uri.clone() },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .map_or(0, |lenses| lenses.len())
}

/// VS Code cancels the lens request a refresh started when its editor
/// loses focus (the Problems panel opened at once), scheduled or already
/// sent, and drops the answer, so the refresh before that is spent: once
/// the publications pause, the refresh is sent once more, and only once.
/// `ask_between`: the client asks for the lenses between the two, which
/// does not spend the second (the server cannot tell a cancelled request
/// from an answer that was shown).
fn second_refresh(ask_between: bool) {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri(&dir.path().join("users.py"));
    let (mut server, _) = Server::builder().code_lens_refresh(true).start();
    server.open(&uri, "python", 1, THREE_FAILING);
    server.await_diagnostics(&uri, Some(1));
    server.await_message("workspace/codeLens/refresh after didOpen", is_refresh);
    if ask_between {
        assert_eq!(lenses(&mut server, &uri), 3);
    }
    server.await_message("the same refresh once more", is_refresh);
    server.assert_no_message(
        Duration::from_millis(2500),
        "a third refresh for one publication",
        is_refresh,
    );
    assert_eq!(lenses(&mut server, &uri), 3);
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn a_refresh_nobody_acted_on_is_sent_once_more() {
    second_refresh(false);
}

#[test]
fn a_refresh_is_sent_once_more_even_after_a_lens_request() {
    second_refresh(true);
}

#[test]
fn a_client_without_refresh_support_is_never_asked() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri(&dir.path().join("users.py"));
    let (mut server, _) = Server::builder().start();
    server.open(&uri, "python", 1, THREE_FAILING);
    let published = server.await_diagnostics(&uri, Some(1));
    assert_eq!(published.diagnostics.len(), 3, "{published:#?}");
    server.assert_no_message(QUIET, "workspace/codeLens/refresh", is_refresh);
    assert_eq!(server.shutdown().code(), Some(0));
}
