//! End-to-end: the server as Helix drives it. The `initialize` params are
//! the ones Helix 25.07.1 sends (`helix-lsp/src/client.rs`, `initialize`),
//! byte for byte but for paths and the process id, and the configuration
//! flow is Helix's: `initializationOptions` from the `config` table of the
//! server's `[language-server.failcast]` entry, `initialized`, then the same
//! table again as `workspace/didChangeConfiguration` (only when `config` is
//! set; helix-term/src/application.rs, on `Initialized`), then `didOpen`
//! for the buffers already open. Helix offers UTF-8 positions first, so the
//! columns below are byte offsets.

use std::path::Path;
use std::time::Duration;

use failcast_e2e::{Server, uri};
use ls_types::{
    DiagnosticSeverity, NumberOrString, Position, PositionEncodingKind, Range,
    TextDocumentContentChangeEvent,
};
use serde_json::{Value, json};

/// A failing lookup after non-ASCII text, in a function with a non-ASCII
/// name: UTF-8, UTF-16 and UTF-32 columns all differ on lines 3 and 5.
const GREET: &str = "import requests\n\n\ndef grüße(url):\n    body = requests.get(url, timeout=5).json()\n    return (\"héllo wörld 🚀\", body[\"id\"])\n";

/// The `config` table of the Helix example in editors/helix/README.md, as
/// Helix turns TOML into JSON.
fn helix_config() -> Value {
    json!({"model": {"backend": "off"}, "severity": {"latent": "hint"}})
}

/// Helix 25.07.1's `InitializeParams` for a workspace at `root`, serialised
/// as helix-lsp-types does (absent options are left out; `rootUri` is
/// always there).
fn helix_initialize(root: &Path, config: Option<Value>) -> Value {
    let root_uri = uri(root);
    let name = root.file_name().unwrap().to_string_lossy();
    let mut params = json!({
        "processId": std::process::id(),
        "rootPath": root.to_str().unwrap(),
        "rootUri": root_uri.as_str(),
        "capabilities": {
            "workspace": {
                "applyEdit": true,
                "workspaceEdit": {
                    "documentChanges": true,
                    "resourceOperations": ["create", "rename", "delete"],
                    "failureHandling": "abort",
                    "normalizesLineEndings": false
                },
                "didChangeConfiguration": {"dynamicRegistration": false},
                "didChangeWatchedFiles": {
                    "dynamicRegistration": true,
                    "relativePatternSupport": false
                },
                "symbol": {"dynamicRegistration": false},
                "executeCommand": {"dynamicRegistration": false},
                "workspaceFolders": true,
                "configuration": true,
                "inlayHint": {"refreshSupport": false},
                "fileOperations": {"didRename": true, "willRename": true}
            },
            "textDocument": {
                "completion": {
                    "completionItem": {
                        "snippetSupport": true,
                        "deprecatedSupport": true,
                        "tagSupport": {"valueSet": [1]},
                        "insertReplaceSupport": true,
                        "resolveSupport": {
                            "properties": ["documentation", "detail", "additionalTextEdits"]
                        }
                    },
                    "completionItemKind": {}
                },
                "hover": {"contentFormat": ["markdown"]},
                "signatureHelp": {
                    "signatureInformation": {
                        "documentationFormat": ["markdown"],
                        "parameterInformation": {"labelOffsetSupport": true},
                        "activeParameterSupport": true
                    }
                },
                "formatting": {"dynamicRegistration": false},
                "codeAction": {
                    "codeActionLiteralSupport": {
                        "codeActionKind": {
                            "valueSet": [
                                "", "quickfix", "refactor", "refactor.extract",
                                "refactor.inline", "refactor.rewrite", "source",
                                "source.organizeImports"
                            ]
                        }
                    },
                    "isPreferredSupport": true,
                    "disabledSupport": true,
                    "dataSupport": true,
                    "resolveSupport": {"properties": ["edit", "command"]}
                },
                "rename": {
                    "dynamicRegistration": false,
                    "prepareSupport": true,
                    "honorsChangeAnnotations": false
                },
                "publishDiagnostics": {
                    "versionSupport": true,
                    "tagSupport": {"valueSet": [1, 2]}
                },
                "inlayHint": {"dynamicRegistration": false}
            },
            "window": {"workDoneProgress": true},
            "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]}
        },
        "workspaceFolders": [{"uri": root_uri.as_str(), "name": name}],
        "clientInfo": {"name": "helix", "version": "25.07.1 (a05c151b)"}
    });
    if let Some(config) = config {
        params["initializationOptions"] = config;
    }
    params
}

/// Server-to-client requests Helix 25.07.1 announced it takes: progress
/// (`window.workDoneProgress`), `workspace.configuration`,
/// `workspace.applyEdit`, `workspace.workspaceFolders`, dynamic
/// registration of file watching only, and `showMessageRequest`, which
/// needs no capability. Not a code-lens refresh (no code lenses at all),
/// an inlay-hint refresh (`refreshSupport: false`), a diagnostic or
/// semantic-token refresh or `window/showDocument`.
fn helix_takes(request: &Value) -> bool {
    match request["method"].as_str().unwrap_or_default() {
        "window/workDoneProgress/create"
        | "workspace/configuration"
        | "workspace/applyEdit"
        | "workspace/workspaceFolders"
        | "window/showMessageRequest" => true,
        "client/registerCapability" => {
            request["params"]["registrations"]
                .as_array()
                .is_some_and(|all| {
                    all.iter()
                        .all(|r| r["method"] == "workspace/didChangeWatchedFiles")
                })
        }
        _ => false,
    }
}

fn is_server_request(message: &Value) -> bool {
    message.get("id").is_some() && message.get("method").is_some()
}

/// Starts the server as Helix does, with `greet.py` open at version 0.
fn start_as_helix(root: &Path, config: Option<Value>) -> (Server, ls_types::Uri) {
    let path = root.join("greet.py");
    std::fs::write(&path, GREET).unwrap();
    let (mut server, result) = Server::builder()
        .initialize_params(helix_initialize(root, config.clone()))
        .start();
    assert_eq!(
        result.capabilities.position_encoding,
        Some(PositionEncodingKind::UTF8),
        "Helix offers utf-8 first"
    );
    if let Some(config) = config {
        server.send_json(&json!({
            "jsonrpc": "2.0",
            "method": "workspace/didChangeConfiguration",
            "params": {"settings": config}
        }));
    }
    let uri = uri(&path);
    server.open(&uri, "python", 0, GREET);
    (server, uri)
}

/// The text of `range` in `text`, reading columns as UTF-8 byte offsets.
fn utf8_slice(text: &str, range: Range) -> &str {
    assert_eq!(range.start.line, range.end.line, "{range:?}");
    let line = text.lines().nth(range.start.line as usize).unwrap();
    &line[range.start.character as usize..range.end.character as usize]
}

#[test]
fn helix_gets_utf8_columns_its_settings_and_only_requests_it_announced() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, uri) = start_as_helix(dir.path(), Some(helix_config()));

    let published = server.await_diagnostics(&uri, Some(0));
    assert_eq!(published.diagnostics.len(), 1, "{published:#?}");
    let diagnostic = &published.diagnostics[0];
    assert_eq!(
        diagnostic.code,
        Some(NumberOrString::String("key_missing".to_owned()))
    );
    // In UTF-16 the lookup starts at 30, in code points at 29.
    assert_eq!(
        diagnostic.range,
        Range::new(Position::new(5, 34), Position::new(5, 44))
    );
    assert_eq!(utf8_slice(GREET, diagnostic.range), "body[\"id\"]");
    // `severity.latent = "hint"` from Helix's `config` table took effect.
    assert_eq!(diagnostic.severity, Some(DiagnosticSeverity::HINT));

    // Hover on the name (byte 6 is the `ü`); its range is the name in bytes.
    let hover = server
        .request::<ls_types::request::HoverRequest>(ls_types::HoverParams {
            text_document_position_params: ls_types::TextDocumentPositionParams {
                text_document: ls_types::TextDocumentIdentifier { uri: uri.clone() },
                position: Position::new(3, 6),
            },
            work_done_progress_params: Default::default(),
        })
        .expect("a hover on grüße");
    let range = hover.range.expect("the hover names its function");
    assert_eq!(utf8_slice(GREET, range), "grüße");
    let ls_types::HoverContents::Markup(markup) = hover.contents else {
        panic!("Helix asked for Markdown: {hover:?}");
    };
    assert_eq!(markup.kind, ls_types::MarkupKind::Markdown);
    assert!(
        markup.value.contains("KeyError: 'id'")
            && markup.value.contains("File \"greet.py\", line 6, in grüße"),
        "{}",
        markup.value
    );

    // Helix's edits come in UTF-8 columns too: `body["id"]` → `body.get("id")`.
    server.change(
        &uri,
        1,
        vec![TextDocumentContentChangeEvent {
            range: Some(diagnostic.range),
            range_length: None,
            text: "body.get(\"id\")".to_owned(),
        }],
    );
    let published = server.await_diagnostics(&uri, Some(1));
    assert!(published.diagnostics.is_empty(), "{published:#?}");

    finish_as_helix(server);
}

/// The languages.toml as shipped, `config` commented out: no
/// `initializationOptions`, no `didChangeConfiguration`, defaults apply.
#[test]
fn helix_without_a_config_table_gets_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, uri) = start_as_helix(dir.path(), None);
    let published = server.await_diagnostics(&uri, Some(0));
    assert_eq!(published.diagnostics.len(), 1, "{published:#?}");
    assert_eq!(
        published.diagnostics[0].severity,
        Some(DiagnosticSeverity::INFORMATION)
    );
    assert_eq!(
        utf8_slice(GREET, published.diagnostics[0].range),
        "body[\"id\"]"
    );
    finish_as_helix(server);
}

/// Once the workspace is indexed, nothing Helix did not announce arrives;
/// then Helix's shutdown.
fn finish_as_helix(mut server: Server) {
    server.await_log("workspace indexed");
    server.assert_no_message(
        Duration::from_millis(500),
        "a request Helix did not announce support for",
        |m| is_server_request(m) && !helix_takes(m),
    );
    server.discard("textDocument/publishDiagnostics");
    assert_eq!(server.shutdown().code(), Some(0));
}
