//! End-to-end: code outside every function (what runs when a module is
//! imported) gets diagnostics, a hover on the failing line and a lens over
//! it, and stays out of the outline; typing inside a function above it
//! moves its diagnostics without losing them.

use failcast_e2e::{Server, uri};
use ls_types::request::{CodeLensRequest, DocumentSymbolRequest, HoverRequest};
use ls_types::{
    CodeLensParams, DocumentSymbolParams, DocumentSymbolResponse, HoverParams, Position, Range,
    TextDocumentContentChangeEvent, TextDocumentIdentifier, TextDocumentPositionParams,
};

const SETTINGS: &str =
    "import os\n\n\ndef port():\n    return PORT\n\n\nPORT = int(os.environ[\"PORT\"])\n";

#[test]
fn import_time_failures_reach_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri(&dir.path().join("settings.py"));
    let (mut server, _) = Server::builder().start();
    server.open(&uri, "python", 1, SETTINGS);
    let published = server.await_diagnostics(&uri, Some(1));
    let lines: Vec<u32> = published
        .diagnostics
        .iter()
        .map(|d| d.range.start.line)
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| *l == 7),
        "{published:#?}"
    );
    assert!(
        published
            .diagnostics
            .iter()
            .any(|d| d.message.contains("KeyError")),
        "{published:#?}"
    );

    // The hover names the failure on the hovered line, with the runtime's
    // own frame for module code; an import line has nothing to show.
    let markdown = server.hover_markdown(&uri, 7, 12);
    assert!(
        markdown.contains("KeyError") && markdown.contains("in <module>"),
        "{markdown}"
    );
    let hover_at = |server: &mut Server, line: u32| {
        server.request::<HoverRequest>(HoverParams {
            text_document_position_params: TextDocumentPositionParams {
                text_document: TextDocumentIdentifier { uri: uri.clone() },
                position: Position::new(line, 2),
            },
            work_done_progress_params: Default::default(),
        })
    };
    assert!(hover_at(&mut server, 0).is_none());

    // One lens, over the failing line; the outline lists the function only.
    let lenses = server
        .request::<CodeLensRequest>(CodeLensParams {
            text_document: TextDocumentIdentifier { uri: uri.clone() },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap_or_default();
    assert_eq!(
        lenses
            .iter()
            .map(|l| l.range.start.line)
            .collect::<Vec<_>>(),
        [7],
        "{lenses:#?}"
    );
    let symbols = server.request::<DocumentSymbolRequest>(DocumentSymbolParams {
        text_document: TextDocumentIdentifier { uri: uri.clone() },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    let Some(DocumentSymbolResponse::Nested(symbols)) = symbols else {
        panic!("expected nested symbols, got {symbols:?}");
    };
    assert_eq!(
        symbols.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["port"]
    );

    // A line typed inside the function above moves the failure down one.
    server.change(
        &uri,
        2,
        vec![TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(4, 4), Position::new(4, 4))),
            range_length: None,
            text: "print(PORT)\n    ".to_owned(),
        }],
    );
    let published = server.await_diagnostics(&uri, Some(2));
    let moved: Vec<u32> = published
        .diagnostics
        .iter()
        .map(|d| d.range.start.line)
        .collect();
    assert_eq!(moved, vec![8; lines.len()], "{published:#?}");
    assert_eq!(server.shutdown().code(), Some(0));
}
