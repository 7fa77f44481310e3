//! End-to-end: the real binary over stdio, driven as an editor drives it.

use std::time::Duration;

use failcast_e2e::{Server, frame, uri};
use ls_types::request::{DocumentSymbolRequest, HoverRequest};
use ls_types::{
    DocumentSymbolParams, DocumentSymbolResponse, HoverContents, HoverParams, Position,
    PositionEncodingKind, Range, TextDocumentContentChangeEvent, TextDocumentIdentifier,
    TextDocumentPositionParams,
};
use serde_json::{Value, json};

fn symbols(server: &mut Server, uri: &ls_types::Uri) -> Vec<String> {
    let response = server.request::<DocumentSymbolRequest>(DocumentSymbolParams {
        text_document: TextDocumentIdentifier { uri: uri.clone() },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    let Some(DocumentSymbolResponse::Nested(symbols)) = response else {
        panic!("expected nested symbols, got {response:?}");
    };
    fn walk(symbols: &[ls_types::DocumentSymbol], depth: usize, out: &mut Vec<String>) {
        for symbol in symbols {
            out.push(format!(
                "{}{} {:?} {}:{}-{}:{}",
                "  ".repeat(depth),
                symbol.name,
                symbol.kind,
                symbol.selection_range.start.line,
                symbol.selection_range.start.character,
                symbol.selection_range.end.line,
                symbol.selection_range.end.character,
            ));
            if let Some(children) = &symbol.children {
                walk(children, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&symbols, 0, &mut out);
    out
}

fn change(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: Some(Range::new(
            Position::new(start.0, start.1),
            Position::new(end.0, end.1),
        )),
        range_length: None,
        text: text.to_owned(),
    }
}

#[test]
fn negotiates_position_encoding() {
    let (server, result) = Server::builder().encodings(&["utf-16", "utf-8"]).start();
    assert_eq!(
        result.capabilities.position_encoding,
        Some(PositionEncodingKind::UTF8)
    );
    assert_eq!(server.shutdown().code(), Some(0));

    let (server, result) = Server::builder().start();
    assert_eq!(
        result.capabilities.position_encoding,
        Some(PositionEncodingKind::UTF16)
    );
    assert_eq!(server.shutdown().code(), Some(0));

    let (server, result) = Server::builder().encodings(&["utf-32"]).start();
    assert_eq!(
        result.capabilities.position_encoding,
        Some(PositionEncodingKind::UTF32)
    );
    assert_eq!(server.shutdown().code(), Some(0));
}

/// Incremental edits with multi-byte text land where the client meant, in
/// both UTF-16 and UTF-8 clients, and the outline follows them.
#[test]
fn incremental_sync_and_document_symbols() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.py");
    let text = "# 😀 漢字\nclass Cart:\n    def total(self):\n        return 0\n";
    for (encoding, emoji_width) in [("utf-16", 2u32), ("utf-8", 4u32)] {
        let (mut server, _) = Server::builder()
            .root(dir.path())
            .encodings(&[encoding])
            .start();
        let uri = uri(&path);
        server.open(&uri, "python", 1, text);
        server.await_diagnostics(&uri, Some(1));
        // Rename `total` to `subtotal` on line 2, then insert a function after
        // the emoji on line 0: the column depends on the encoding.
        server.change(&uri, 4, vec![change((2, 8), (2, 13), "subtotal")]);
        server.change(
            &uri,
            9,
            vec![change(
                (0, 2 + emoji_width),
                (0, 2 + emoji_width),
                "\ndef pay(x):\n    return x\n#",
            )],
        );
        // One snapshot for both encodings: the outline must not depend on them.
        insta::assert_snapshot!("symbols", symbols(&mut server, &uri).join("\n"));
        server.await_diagnostics(&uri, Some(9));
        assert_eq!(server.shutdown().code(), Some(0));
    }
}

#[test]
fn malformed_frames_do_not_end_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.rs");
    let (mut server, _) = Server::builder().root(dir.path()).start();
    let uri = uri(&path);
    server.open(&uri, "rust", 1, "fn alpha() {}\nfn beta() {}\n");
    server.await_diagnostics(&uri, Some(1));

    server.send_raw(&frame("{nope"));
    let error = server.await_message("a parse error reply", |m| {
        m["error"]["code"] == json!(-32700)
    });
    assert_eq!(error["id"], Value::Null);
    server.send_raw(b"Content-Length: 3\r\n\r\n\xff\xfe\xfd");
    server.await_message("a parse error for invalid UTF-8", |m| {
        m["error"]["code"] == json!(-32700)
    });
    server.send_raw(&frame(r#"{"jsonrpc":"2.0","id":41,"method":7}"#));
    let invalid = server.await_message("an invalid request reply", |m| {
        m["error"]["code"] == json!(-32600)
    });
    assert_eq!(invalid["id"], json!(41));
    // Unknown methods and wrong parameter types are answered, not fatal.
    let id = server.send_request_raw("failcast/unknown", json!({}));
    let reply = server.await_response(id);
    assert_eq!(reply["error"]["code"], json!(-32601));
    let id = server.send_request_raw("textDocument/hover", json!({"textDocument": 5}));
    let reply = server.await_response(id);
    assert_eq!(reply["error"]["code"], json!(-32602));

    assert_eq!(
        symbols(&mut server, &uri),
        ["alpha Function 0:3-0:8", "beta Function 1:3-1:7"]
    );
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_one() {
    let (mut server, _) = Server::builder().start();
    server.notify::<ls_types::notification::Exit>(());
    // The harness's Drop would kill it; wait for a natural exit instead.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server_status(&mut server) {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status, Some(1));
}

fn server_status(server: &mut Server) -> Option<Option<i32>> {
    server.try_exit_status()
}

/// A hazard appears as a diagnostic after `didOpen`, and disappears once an
/// edit guards it; hover shows the function's scenarios.
#[test]
fn diagnostics_follow_edits_and_hover_shows_traces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.py");
    let text = "import requests\n\n\ndef user_id(url):\n    body = requests.get(url, timeout=5).json()\n    return body[\"id\"]\n";
    let (mut server, _) = Server::builder().root(dir.path()).start();
    let uri = uri(&path);
    server.open(&uri, "python", 1, text);
    let published = server.await_diagnostics(&uri, Some(1));
    assert_eq!(published.diagnostics.len(), 1, "{published:#?}");
    let diagnostic = &published.diagnostics[0];
    assert_eq!(diagnostic.source.as_deref(), Some("failcast"));
    assert_eq!(
        diagnostic.code,
        Some(ls_types::NumberOrString::String("key_missing".to_owned()))
    );
    assert_eq!(diagnostic.range.start, Position::new(5, 11));
    assert_eq!(
        diagnostic.message.lines().next(),
        Some("Predicted KeyError 'id' when the upstream response has no such field")
    );

    let hover = server
        .request::<HoverRequest>(HoverParams {
            text_document_position_params: TextDocumentPositionParams {
                text_document: TextDocumentIdentifier { uri: uri.clone() },
                position: Position::new(3, 6),
            },
            work_done_progress_params: Default::default(),
        })
        .expect("hover on a function with a hazard");
    let HoverContents::Markup(markup) = hover.contents else {
        panic!("expected markup");
    };
    assert!(
        markup
            .value
            .contains("File \"users.py\", line 6, in user_id"),
        "{}",
        markup.value
    );
    assert!(markup.value.contains("KeyError: 'id'"), "{}", markup.value);

    // Guard it: wrap the return in `if "id" in body:`.
    server.change(
        &uri,
        2,
        vec![change((5, 4), (5, 4), "if \"id\" in body:\n        ")],
    );
    let published = server.await_diagnostics(&uri, Some(2));
    assert!(published.diagnostics.is_empty(), "{published:#?}");
    assert_eq!(server.shutdown().code(), Some(0));
}
