//! Harness shared by the end-to-end tests: spawns the real `failcast lsp`
//! binary and speaks framed JSON-RPC with it over stdio, as an editor does.
//!
//! Every wait has a timeout and names what it was waiting for. Messages the
//! test did not consume fail the test when the server is dropped, except a
//! small set of chatter (progress, log messages, status) that a test may
//! still await explicitly. Server-to-client requests (progress tokens,
//! capability registration) are answered automatically.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ls_types::notification::Notification;
use ls_types::request::Request;
use ls_types::{
    ClientCapabilities, DidChangeTextDocumentParams, DidOpenTextDocumentParams,
    GeneralClientCapabilities, InitializeParams, InitializeResult, PositionEncodingKind,
    PublishDiagnosticsParams, TextDocumentContentChangeEvent, TextDocumentItem, Uri,
    VersionedTextDocumentIdentifier, WindowClientCapabilities, WorkspaceFolder,
};
use serde_json::{Value, json};

/// How long any single wait may take before the test fails.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Notifications a test does not have to consume.
const CHATTER: &[&str] = &[
    "$/progress",
    "window/logMessage",
    "failcast/status",
    "$/logTrace",
];

/// One model-running server at a time across the whole test binary, each
/// on one thread ([`MODEL_THREADS`]). llama.cpp's threads spin at a barrier
/// between decode steps: two servers with two threads each on a two-core CI
/// machine took 2 s per token instead of 40 ms, and the model tests timed out.
pub fn model_slot() -> std::sync::MutexGuard<'static, ()> {
    static SLOT: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SLOT.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Threads a model-running test server decodes on: one, so that the other
/// tests running beside it never leave a spinning llama.cpp thread without
/// a core.
pub const MODEL_THREADS: u64 = 1;

/// Runs the `failcast` CLI in `dir` with `args`, `stdin` written to it
/// (closed at once without), the model off and no team corpus from the
/// developer's shell; what it printed and how it exited.
pub fn run_cli(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("FAILCAST_MODEL_BACKEND", "off")
        .env_remove("FAILCAST_CORPUS_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn failcast");
    {
        let mut input = child.stdin.take().expect("piped stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    child.wait_with_output().expect("failcast exits")
}

/// The path of the `failcast` binary under test: `FAILCAST_BIN`, else the
/// one cargo built next to this test executable.
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("FAILCAST_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test> → target/<profile>/failcast
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in target/<profile>/deps");
    let binary = profile_dir.join(format!("failcast{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p failcast` first (or set FAILCAST_BIN)",
        binary.display()
    );
    binary
}

pub fn uri(path: &Path) -> Uri {
    Uri::from_file_path(path).expect("absolute path")
}

/// Frames one JSON-RPC message.
pub fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

pub struct ServerBuilder {
    encodings: Option<Vec<&'static str>>,
    initialization_options: Option<Value>,
    root: Option<PathBuf>,
    work_done_progress: bool,
    document_changes: bool,
    code_lens_refresh: bool,
    raw_initialize: Option<Value>,
    env: Vec<(String, String)>,
    timeout: Duration,
}

impl ServerBuilder {
    /// Position encodings the client offers (`None`: the field is absent).
    pub fn encodings(mut self, encodings: &[&'static str]) -> Self {
        self.encodings = Some(encodings.to_vec());
        self
    }

    pub fn initialization_options(mut self, options: Value) -> Self {
        self.initialization_options = Some(options);
        self
    }

    /// The workspace folder; without one the server runs rootless.
    pub fn root(mut self, root: &Path) -> Self {
        self.root = Some(root.to_path_buf());
        self
    }

    pub fn work_done_progress(mut self, supported: bool) -> Self {
        self.work_done_progress = supported;
        self
    }

    /// Whether the client takes `documentChanges` with create-file
    /// operations in workspace edits (VS Code does; pytest-lsp does not).
    pub fn document_changes(mut self, supported: bool) -> Self {
        self.document_changes = supported;
        self
    }

    /// Whether the client takes `workspace/codeLens/refresh` (VS Code and
    /// Neovim do; Helix has no code lenses).
    pub fn code_lens_refresh(mut self, supported: bool) -> Self {
        self.code_lens_refresh = supported;
        self
    }

    /// Sends these `initialize` params as they are, to replay what a real
    /// editor sends; the options above that shape the params are ignored.
    pub fn initialize_params(mut self, params: Value) -> Self {
        self.raw_initialize = Some(params);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Spawns the server and completes `initialize` / `initialized`.
    pub fn start(self) -> (Server, InitializeResult) {
        let mut command = Command::new(binary());
        command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("FAILCAST_LOG", "failcast=debug,warn");
        // Tests never touch the user's model cache unless they ask to, nor
        // a team corpus the developer's shell points at.
        command.env("FAILCAST_MODEL_BACKEND", "off");
        command.env_remove("FAILCAST_CORPUS_URL");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn failcast lsp");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = channel();
        let reader = std::thread::spawn(move || read_frames(stdout, tx));
        let stderr_lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stderr_sink = stderr_lines.clone();
        let stderr_thread = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                stderr_sink.lock().expect("stderr lock").push(line);
            }
        });
        let mut server = Server {
            child,
            stdin: Some(stdin),
            incoming: rx,
            queue: VecDeque::new(),
            next_id: 1,
            timeout: self.timeout,
            reader: Some(reader),
            stderr_thread: Some(stderr_thread),
            stderr: stderr_lines,
            exited: false,
        };
        let mut capabilities = ClientCapabilities {
            general: self.encodings.map(|e| GeneralClientCapabilities {
                position_encodings: Some(e.into_iter().map(PositionEncodingKind::new).collect()),
                ..Default::default()
            }),
            window: Some(WindowClientCapabilities {
                work_done_progress: Some(self.work_done_progress),
                ..Default::default()
            }),
            ..Default::default()
        };
        capabilities.text_document = Some(Default::default());
        if self.document_changes || self.code_lens_refresh {
            capabilities.workspace = Some(ls_types::WorkspaceClientCapabilities {
                workspace_edit: self.document_changes.then(|| {
                    ls_types::WorkspaceEditClientCapabilities {
                        document_changes: Some(true),
                        resource_operations: Some(vec![ls_types::ResourceOperationKind::Create]),
                        ..Default::default()
                    }
                }),
                code_lens: self.code_lens_refresh.then_some(
                    ls_types::CodeLensWorkspaceClientCapabilities {
                        refresh_support: Some(true),
                    },
                ),
                ..Default::default()
            });
        }
        let params = InitializeParams {
            capabilities,
            initialization_options: self.initialization_options,
            workspace_folders: self.root.as_ref().map(|root| {
                vec![WorkspaceFolder {
                    uri: uri(root),
                    name: "workspace".to_owned(),
                }]
            }),
            ..Default::default()
        };
        let params = self
            .raw_initialize
            .unwrap_or_else(|| serde_json::to_value(params).expect("params serialize"));
        let id = server.send_request_raw(ls_types::request::Initialize::METHOD, params);
        let response = server.await_response(id);
        if let Some(error) = response.get("error") {
            panic!("initialize failed: {error}");
        }
        let result = serde_json::from_value(response["result"].clone())
            .unwrap_or_else(|err| panic!("initialize result does not parse: {err}: {response}"));
        server.notify::<ls_types::notification::Initialized>(ls_types::InitializedParams {});
        (server, result)
    }
}

fn read_frames(stdout: impl Read, tx: std::sync::mpsc::Sender<Value>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse::<usize>().ok();
            }
        }
        let Some(length) = length else {
            panic!("server wrote a frame without Content-Length");
        };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let value: Value = serde_json::from_slice(&body).unwrap_or_else(|err| {
            panic!(
                "server wrote a body that is not JSON ({err}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        if tx.send(value).is_err() {
            return;
        }
    }
}

pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Received but not yet consumed.
    queue: VecDeque<Value>,
    next_id: i64,
    timeout: Duration,
    reader: Option<JoinHandle<()>>,
    stderr_thread: Option<JoinHandle<()>>,
    stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    exited: bool,
}

impl Server {
    pub fn builder() -> ServerBuilder {
        ServerBuilder {
            encodings: None,
            initialization_options: None,
            root: None,
            work_done_progress: false,
            document_changes: false,
            code_lens_refresh: false,
            raw_initialize: None,
            env: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// What the server logged to stderr so far.
    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().expect("stderr lock").clone()
    }

    /// Waits until the server has logged a line containing `text` (e.g.
    /// "workspace indexed", after which no republish of a scan is pending).
    pub fn await_log(&self, text: &str) {
        let deadline = Instant::now() + self.timeout;
        while !self.stderr().iter().any(|line| line.contains(text)) {
            assert!(
                Instant::now() < deadline,
                "the server never logged {text:?}: {:#?}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Writes raw bytes to the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("write to server");
        stdin.flush().expect("flush to server");
    }

    pub fn send_json(&mut self, message: &Value) {
        self.send_raw(&frame(&message.to_string()));
    }

    pub fn notify<N: Notification>(&mut self, params: N::Params) {
        self.send_json(&json!({"jsonrpc": "2.0", "method": N::METHOD, "params": params}));
    }

    /// Sends a request and returns its id, without waiting.
    pub fn send_request<R: Request>(&mut self, params: R::Params) -> i64 {
        self.send_request_raw(
            R::METHOD,
            serde_json::to_value(params).expect("params serialize"),
        )
    }

    pub fn send_request_raw(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send_json(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its successful result.
    pub fn request<R: Request>(&mut self, params: R::Params) -> R::Result {
        let id = self.send_request::<R>(params);
        let response = self.await_response(id);
        if let Some(error) = response.get("error") {
            panic!("{} failed: {error}", R::METHOD);
        }
        serde_json::from_value(response.get("result").cloned().unwrap_or(Value::Null))
            .unwrap_or_else(|err| panic!("{} result does not parse: {err}: {response}", R::METHOD))
    }

    /// The Markdown of the hover at a position.
    pub fn hover_markdown(&mut self, uri: &Uri, line: u32, character: u32) -> String {
        let hover = self
            .request::<ls_types::request::HoverRequest>(ls_types::HoverParams {
                text_document_position_params: ls_types::TextDocumentPositionParams {
                    text_document: ls_types::TextDocumentIdentifier { uri: uri.clone() },
                    position: ls_types::Position::new(line, character),
                },
                work_done_progress_params: Default::default(),
            })
            .expect("a hover");
        match hover.contents {
            ls_types::HoverContents::Markup(markup) => markup.value,
            other => panic!("expected markup, got {other:?}"),
        }
    }

    /// Waits for the response to request `id` (result or error).
    pub fn await_response(&mut self, id: i64) -> Value {
        self.await_message(&format!("the response to request {id}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        })
    }

    /// Waits for a notification with `method`.
    pub fn await_notification<N: Notification>(&mut self) -> N::Params {
        let message = self.await_message(N::METHOD, |m| {
            m.get("method").and_then(Value::as_str) == Some(N::METHOD) && m.get("id").is_none()
        });
        serde_json::from_value(message["params"].clone()).expect("notification params parse")
    }

    /// Waits for diagnostics of `uri`, skipping older publications for it.
    pub fn await_diagnostics(
        &mut self,
        uri: &Uri,
        version: Option<i32>,
    ) -> PublishDiagnosticsParams {
        let what = format!("diagnostics for {} (version {version:?})", uri.as_str());
        let wanted = uri.as_str().to_owned();
        let message = self.await_message(&what, |m| {
            m.get("method").and_then(Value::as_str) == Some("textDocument/publishDiagnostics")
                && m["params"]["uri"].as_str() == Some(&wanted)
                && (version.is_none() || m["params"]["version"].as_i64() == version.map(i64::from))
        });
        // Publications come in version order, so any for an older version
        // has arrived by now; it may have arrived after the test last
        // dropped stale ones (a publication can trail a request's reply),
        // and an editor would ignore it too.
        if let Some(version) = version {
            self.drop_stale_diagnostics(uri, version);
        }
        serde_json::from_value(message["params"].clone()).expect("diagnostics parse")
    }

    /// Discards every queued message with `method` (e.g. diagnostics
    /// republished after a model answer, which a test does not care about).
    pub fn discard(&mut self, method: &str) {
        self.drain_incoming();
        self.queue
            .retain(|m| m.get("method").and_then(Value::as_str) != Some(method));
    }

    /// Runs a command through `workspace/executeCommand` and returns its result.
    pub fn command(&mut self, command: &str, arguments: Vec<Value>) -> Value {
        let id = self.send_request_raw(
            "workspace/executeCommand",
            json!({"command": command, "arguments": arguments}),
        );
        let response = self.await_response(id);
        if let Some(error) = response.get("error") {
            panic!("{command} failed: {error}");
        }
        response["result"].clone()
    }

    /// Polls `failcast.status` until `done` holds or the wait times out.
    pub fn await_status(
        &mut self,
        what: &str,
        wait: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + wait;
        loop {
            let status = self.command("failcast.status", Vec::new());
            if done(&status) {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {wait:?} waiting for {what}; last status {status}\nstderr:\n{}",
                self.stderr().join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Discards every queued publication of diagnostics for `uri` older than `version`.
    fn drop_stale_diagnostics(&mut self, uri: &Uri, version: i32) {
        self.drain_incoming();
        self.queue.retain(|m| {
            !(m.get("method").and_then(Value::as_str) == Some("textDocument/publishDiagnostics")
                && m["params"]["uri"].as_str() == Some(uri.as_str())
                && m["params"]["version"]
                    .as_i64()
                    .is_some_and(|v| v < i64::from(version)))
        });
    }

    fn drain_incoming(&mut self) {
        while let Ok(message) = self.incoming.try_recv() {
            self.accept(message);
        }
    }

    /// Answers server-to-client requests; queues everything else.
    fn accept(&mut self, message: Value) {
        if let (Some(id), Some(method)) = (
            message.get("id"),
            message.get("method").and_then(Value::as_str),
        ) {
            let result = match method {
                "workspace/configuration" => json!([null]),
                _ => Value::Null,
            };
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
            self.send_json(&reply);
            // Keep a record so tests can assert on it.
            self.queue.push_back(message);
            return;
        }
        self.queue.push_back(message);
    }

    /// Waits for the first message matching `matches`, keeping the others queued.
    pub fn await_message(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + self.timeout;
        loop {
            self.drain_incoming();
            if let Some(at) = self.queue.iter().position(&matches) {
                return self.queue.remove(at).expect("position is valid");
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) => self.accept(message),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out after {:?} waiting for {what}; queued: {:#?}\nstderr:\n{}",
                    self.timeout,
                    self.queue,
                    self.stderr().join("\n")
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "server closed its output while we waited for {what}\nstderr:\n{}",
                    self.stderr().join("\n")
                ),
            }
        }
    }

    /// The next message in arrival order (including ones already queued),
    /// or `None` after `wait`, for tests that account for every message.
    pub fn next_message_within(&mut self, wait: Duration) -> Option<Value> {
        self.drain_incoming();
        if let Some(message) = self.queue.pop_front() {
            return Some(message);
        }
        if let Ok(message) = self.incoming.recv_timeout(wait) {
            self.accept(message);
        }
        self.queue.pop_front()
    }

    /// The server's process id, e.g. to read its memory use from /proc.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asserts that nothing matching arrives within `wait`.
    pub fn assert_no_message(
        &mut self,
        wait: Duration,
        what: &str,
        matches: impl Fn(&Value) -> bool,
    ) {
        let deadline = Instant::now() + wait;
        loop {
            self.drain_incoming();
            if let Some(message) = self.queue.iter().find(|m| matches(m)) {
                panic!("unexpected {what}: {message}");
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            if let Ok(message) = self
                .incoming
                .recv_timeout(left.min(Duration::from_millis(50)))
            {
                self.accept(message);
            }
        }
    }

    pub fn open(&mut self, uri: &Uri, language_id: &str, version: i32, text: &str) {
        self.notify::<ls_types::notification::DidOpenTextDocument>(DidOpenTextDocumentParams {
            text_document: TextDocumentItem {
                uri: uri.clone(),
                language_id: language_id.to_owned(),
                version,
                text: text.to_owned(),
            },
        });
    }

    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        self.notify::<ls_types::notification::DidChangeTextDocument>(DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version,
            },
            content_changes: changes,
        });
    }

    /// The exit code if the process has ended (`Some(None)`: killed by a signal).
    pub fn try_exit_status(&mut self) -> Option<Option<i32>> {
        match self.child.try_wait() {
            Ok(Some(status)) => {
                self.exited = true;
                Some(status.code())
            }
            _ => None,
        }
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let id = self.send_request::<ls_types::request::Shutdown>(());
        let response = self.await_response(id);
        assert!(
            response.get("error").is_none(),
            "shutdown failed: {response}"
        );
        self.notify::<ls_types::notification::Exit>(());
        let status = self.wait_exit();
        self.exited = true;
        self.assert_consumed();
        status
    }

    fn wait_exit(&mut self) -> ExitStatus {
        drop(self.stdin.take());
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll child") {
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                if let Some(thread) = self.stderr_thread.take() {
                    let _ = thread.join();
                }
                self.drain_incoming();
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit within {:?}",
                self.timeout
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Fails if messages other than chatter were left unread.
    fn assert_consumed(&mut self) {
        self.drain_incoming();
        let unread: Vec<&Value> = self
            .queue
            .iter()
            .filter(|m| {
                let method = m.get("method").and_then(Value::as_str).unwrap_or_default();
                let server_request = m.get("id").is_some() && !method.is_empty();
                !CHATTER.contains(&method) && !server_request
            })
            .collect();
        assert!(
            unread.is_empty(),
            "the test left unread messages: {unread:#?}"
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.exited {
            let _ = self.child.kill();
            let _ = self.child.wait();
            if !std::thread::panicking() {
                self.assert_consumed();
            }
        }
    }
}
