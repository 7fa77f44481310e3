//! End-to-end: a client that sends garbage. More than ten thousand malformed
//! or hostile messages (broken headers, truncated bodies, wrong parameter
//! types, unknown methods, positions out of range, versions going backwards,
//! requests for documents never opened, a 50 MB `didOpen`, binary content,
//! deeply nested JSON) in batches, and after every batch an ordinary hover
//! must still give exactly the answer it gave before the first one.
//!
//! Every request in a batch must get exactly one reply; the process must
//! never exit, and no handler may panic.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use failcast_e2e::{Server, frame, uri};
use serde_json::{Value, json};

const SOURCE: &str = "import requests\n\n\ndef user_id(url):\n    body = requests.get(url, timeout=5).json()\n    return body[\"id\"]\n";

/// Request ids of the hostile batches start above this.
const FIRST_ID: i64 = 1_000_000;

/// A small deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// What one batch sent, and what it expects back.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    messages: usize,
    /// Requests that must each get exactly one reply: id → what was sent.
    ids: HashMap<i64, String>,
}

impl Batch {
    fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        self.messages += 1;
    }

    fn json(&mut self, message: &Value) {
        self.raw(&frame(&message.to_string()));
    }

    fn request(&mut self, id: i64, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let mut shown = message.to_string();
        shown.truncate(300);
        self.ids.insert(id, shown);
        self.json(&message);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.json(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }
}

struct Hostile {
    rng: Rng,
    next_id: i64,
    /// Documents the batch may open, edit and close; never the hover target.
    victims: Vec<String>,
    target: String,
}

impl Hostile {
    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn victim(&mut self) -> String {
        let i = self.rng.below(self.victims.len() as u64) as usize;
        self.victims[i].clone()
    }

    /// Any document: a victim, the target (only for read-only requests) or
    /// one that was never opened.
    fn any_uri(&mut self) -> String {
        match self.rng.below(3) {
            0 => self.victim(),
            1 => self.target.clone(),
            _ => format!("file:///never/opened/{}.py", self.rng.below(1000)),
        }
    }

    fn position(&mut self) -> Value {
        match self.rng.below(6) {
            0 => json!({"line": u32::MAX, "character": u32::MAX}),
            1 => json!({"line": self.rng.below(10), "character": 1_000_000}),
            2 => json!({"line": 1_000_000, "character": 0}),
            3 => json!({"line": -1, "character": 0}),
            4 => json!({"line": "three", "character": null}),
            _ => json!({"line": self.rng.below(8), "character": self.rng.below(40)}),
        }
    }

    /// One hostile message, chosen at random.
    fn message(&mut self, batch: &mut Batch) {
        let kind = self.rng.below(20);
        match kind {
            // Headers that are not headers.
            0 => {
                let junk: &[&[u8]] = &[
                    b"Content-Length: abc\r\n\r\n{}",
                    b"Content-Length: -5\r\n\r\n{}",
                    b"Content-Length: 99999999999999999999999\r\n\r\n{}",
                    b"Content-Length: 4294967296000\r\n\r\n",
                    b"Content-Type: application/json\r\n\r\n{}",
                    b"no colon here\r\n\r\n{}",
                    b"Content-Length 12\r\n\r\n{\"id\":1}",
                    b"\r\n\r\n\r\n\r\n",
                    b"Content-Length: \xff\xfe\r\n\r\n{}",
                ];
                let pick = junk[self.rng.below(junk.len() as u64) as usize];
                batch.raw(pick);
            }
            // A body cut short: the declared length swallows the start of
            // the next frame, which the server must find again.
            1 => {
                let id = self.id();
                let body = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                    "params": {"textDocument": {"uri": self.any_uri()}, "position": {"line": 0, "character": 0}}})
                .to_string();
                let cut = body.len() / 2;
                let declared = body.len() + 1 + self.rng.below(20) as usize;
                batch.raw(format!("Content-Length: {declared}\r\n\r\n").as_bytes());
                batch.bytes.extend_from_slice(&body.as_bytes()[..cut]);
            }
            // Not UTF-8, not JSON, or JSON that is no JSON-RPC message.
            2 => {
                let n = 1 + self.rng.below(200) as usize;
                let body = self.rng.bytes(n);
                let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
                out.extend_from_slice(&body);
                batch.raw(&out);
            }
            3 => {
                let bodies = [
                    "{nope".to_owned(),
                    "null".to_owned(),
                    "[]".to_owned(),
                    "[1,2,3]".to_owned(),
                    r#"{"jsonrpc":"1.0","id":1,"method":"initialize"}"#.to_owned(),
                    r#"{"jsonrpc":"2.0","method":7}"#.to_owned(),
                    r#"{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover"}"#.to_owned(),
                    r#""\ud800""#.to_owned(),
                    "[".repeat(5000),
                    format!("{}1{}", "[".repeat(120), "]".repeat(120)),
                ];
                let body = &bodies[self.rng.below(bodies.len() as u64) as usize];
                batch.raw(&frame(body));
            }
            // Stray bytes between frames.
            4 => {
                let n = 1 + self.rng.below(64) as usize;
                let mut noise = self.rng.bytes(n);
                // Keep the noise from spelling a header by accident.
                noise.retain(|b| !b.is_ascii_alphabetic());
                batch.raw(&noise);
            }
            // Unknown methods, as requests and as notifications.
            5 => {
                let id = self.id();
                let method = ["failcast/nope", "textDocument/teleport", "$/weird", ""]
                    [self.rng.below(4) as usize];
                batch.request(id, method, json!({"x": 1}));
            }
            6 => batch.notify("failcast/notAThing", json!([1, 2, 3])),
            // Wrong parameter types.
            7 => {
                let id = self.id();
                let params = [
                    json!({"textDocument": 5}),
                    json!("hover"),
                    json!(null),
                    json!({"textDocument": {"uri": 12}, "position": "here"}),
                    json!({"textDocument": {"uri": "not a uri"}, "position": {"line": 0, "character": 0}}),
                ];
                let method = [
                    "textDocument/hover",
                    "textDocument/documentSymbol",
                    "textDocument/codeLens",
                    "textDocument/codeAction",
                    "workspace/executeCommand",
                ][self.rng.below(5) as usize];
                batch.request(id, method, params[self.rng.below(5) as usize].clone());
            }
            8 => {
                let bad = [
                    json!({"textDocument": {"uri": self.victim(), "version": "one", "text": 5}}),
                    json!({"textDocument": {"uri": self.victim(), "version": 1}, "contentChanges": null}),
                    json!({"textDocument": null}),
                    json!(42),
                ];
                let method =
                    ["textDocument/didOpen", "textDocument/didChange"][self.rng.below(2) as usize];
                batch.notify(method, bad[self.rng.below(4) as usize].clone());
            }
            // Positions out of range, on any document.
            9 | 10 => {
                let id = self.id();
                let method =
                    ["textDocument/hover", "textDocument/codeAction"][self.rng.below(2) as usize];
                let uri = self.any_uri();
                let position = self.position();
                let params = if method == "textDocument/hover" {
                    json!({"textDocument": {"uri": uri}, "position": position})
                } else {
                    json!({"textDocument": {"uri": uri},
                        "range": {"start": position, "end": {"line": 0, "character": 0}},
                        "context": {"diagnostics": []}})
                };
                batch.request(id, method, params);
            }
            // Edits out of range, edits with versions going backwards,
            // edits and closes of documents never opened.
            11 | 12 => {
                let uri = if self.rng.below(4) == 0 {
                    format!("file:///never/opened/{}.py", self.rng.below(1000))
                } else {
                    self.victim()
                };
                let version = self.rng.below(200) as i64 - 50;
                let start = self.position();
                let end = self.position();
                batch.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                        "contentChanges": [{"range": {"start": start, "end": end}, "text": "x = [][0]\n"}]}),
                );
            }
            13 => {
                let uri = self.any_uri();
                // Closing the target would change the hover answer; close
                // only victims and documents that were never opened.
                if uri != self.target {
                    batch.notify(
                        "textDocument/didClose",
                        json!({"textDocument": {"uri": uri}}),
                    );
                }
            }
            // Binary content in a document: NULs, control characters,
            // replacement characters, text that is not any language.
            14 => {
                let n = 1 + self.rng.below(400) as usize;
                let text: String = self
                    .rng
                    .bytes(n)
                    .into_iter()
                    .map(|b| char::from_u32(u32::from(b) * 37 % 0x800).unwrap_or('\u{fffd}'))
                    .collect();
                let uri = self.victim();
                let language = ["python", "rust", "go", "java", "javascript", "binary"]
                    [self.rng.below(6) as usize];
                batch.notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": uri, "languageId": language, "version": self.rng.below(5), "text": text}}),
                );
            }
            // Requests about documents never opened, and commands with
            // arguments of the wrong shape.
            15 => {
                let id = self.id();
                let uri = format!("file:///never/opened/{}.rs", self.rng.below(1000));
                let method = [
                    "textDocument/documentSymbol",
                    "textDocument/codeLens",
                    "textDocument/hover",
                ][self.rng.below(3) as usize];
                batch.request(
                    id,
                    method,
                    json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
                );
            }
            16 => {
                let id = self.id();
                let arguments = [
                    json!([]),
                    json!([{"uri": self.any_uri(), "position": self.position()}]),
                    json!(["x", 1, null]),
                    json!({"not": "a list"}),
                ][self.rng.below(4) as usize]
                    .clone();
                let command = ["failcast.showTrace", "failcast.predict", "failcast.nope"]
                    [self.rng.below(3) as usize];
                batch.request(
                    id,
                    "workspace/executeCommand",
                    json!({"command": command, "arguments": arguments}),
                );
            }
            // Cancellation of requests that do not exist, responses to
            // requests the server never sent.
            17 => batch.notify("$/cancelRequest", json!({"id": self.rng.below(1_000_000)})),
            18 => {
                batch.json(&json!({"jsonrpc": "2.0", "id": 987_654, "result": {"surprise": true}}))
            }
            // A second `initialize`.
            _ => {
                let id = self.id();
                batch.request(id, "initialize", json!({"capabilities": {}}));
            }
        }
    }
}

fn send_hover(server: &mut Server, uri: &ls_types::Uri) -> i64 {
    server.send_request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri.as_str()}, "position": {"line": 3, "character": 6}}),
    )
}

fn hover_markdown(reply: &Value) -> String {
    reply["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("hover has no markdown: {reply}"))
        .to_owned()
}

/// Reads messages until every request in `ids` and the hover `hover_id`
/// have had exactly one reply. Everything the server wrote about the batch
/// before the hover reply is consumed with it: error replies to refused
/// frames are written as the frames are read, before the hover is read.
/// Returns the hover reply and how many messages arrived.
fn await_replies(
    server: &mut Server,
    ids: &mut HashMap<i64, String>,
    hover_id: i64,
) -> (Value, usize) {
    let mut received = 0;
    let mut answered = HashSet::new();
    let mut hover = None;
    while !ids.is_empty() || hover.is_none() {
        let what = format!(
            "replies to {} requests, e.g. {:#?}",
            ids.len(),
            ids.values().take(3).collect::<Vec<_>>()
        );
        let message = server.await_message(&what, |_| true);
        received += 1;
        if message.get("method").is_some() {
            continue;
        }
        let Some(id) = message.get("id").and_then(Value::as_i64) else {
            continue;
        };
        if id == hover_id {
            hover = Some(message);
        } else if id > FIRST_ID {
            // Ids below the batch's range belong to frames the server may
            // read its own way (a JSON-RPC 1.0 `initialize`); only ours count.
            assert!(answered.insert(id), "request {id} was answered twice");
            ids.remove(&id);
        }
    }
    (hover.expect("loop ends with the hover"), received)
}

#[test]
fn ten_thousand_hostile_messages_and_hover_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.py");
    std::fs::write(&path, SOURCE).unwrap();
    let (mut server, _) = Server::builder()
        .root(dir.path())
        .timeout(Duration::from_secs(60))
        .start();
    let target = uri(&path);
    server.open(&target, "python", 1, SOURCE);
    server.await_diagnostics(&target, Some(1));
    let hover_id = send_hover(&mut server, &target);
    let expected = hover_markdown(&server.await_response(hover_id));
    assert!(expected.contains("KeyError: 'id'"), "{expected}");

    let mut hostile = Hostile {
        rng: Rng(0x9e37_79b9_7f4a_7c15),
        next_id: FIRST_ID,
        victims: (0..8)
            .map(|i| {
                uri(&dir.path().join(format!("victim{i}.py")))
                    .as_str()
                    .to_owned()
            })
            .collect(),
        target: target.as_str().to_owned(),
    };
    let started = Instant::now();
    let mut sent = 0;
    let mut received = 0;
    for round in 0..11 {
        let mut batch = Batch::default();
        if round == 5 {
            // 50 MB of text in one message.
            let line = "x = compute(1, 2) / total  # padding padding padding\n";
            let text = line.repeat(50 * 1024 * 1024 / line.len());
            batch.notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": hostile.victims[0], "languageId": "python", "version": 1, "text": text}}),
            );
        }
        while batch.messages < 1000 {
            hostile.message(&mut batch);
        }
        // End on a complete, valid frame, so a truncated body at the very
        // end cannot hold the hover hostage; the server must find its header.
        batch.notify("failcast/endOfBatch", json!({}));
        sent += batch.messages;
        server.send_raw(&batch.bytes);
        let hover_id = send_hover(&mut server, &target);
        let (reply, count) = await_replies(&mut server, &mut batch.ids, hover_id);
        received += count;
        assert_eq!(
            hover_markdown(&reply),
            expected,
            "hover changed after batch {round}"
        );
        assert_eq!(server.try_exit_status(), None, "the server exited");
    }
    assert!(sent >= 10_000, "sent only {sent}");
    // Each panic with the lines after it (a backtrace under RUST_BACKTRACE=1).
    let log = server.stderr();
    let panics: Vec<String> = log
        .iter()
        .enumerate()
        .filter(|(_, line)| line.contains("panicked"))
        .map(|(i, _)| log[i..(i + 40).min(log.len())].join("\n"))
        .collect();
    assert!(panics.is_empty(), "handlers panicked: {panics:#?}");
    eprintln!(
        "hostile: {sent} messages sent, {received} received, 0 crashes, {:?}",
        started.elapsed()
    );
    // Diagnostics of the victims may still trail the last hover, so this
    // shuts down by hand instead of asserting that every message was read.
    let id = server.send_request_raw("shutdown", Value::Null);
    assert_eq!(server.await_response(id)["error"], Value::Null);
    server.notify::<ls_types::notification::Exit>(());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.try_exit_status() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status, Some(0));
}
