//! The `LanguageServer` implementation: each handler translates LSP to core
//! calls and back. Notifications that change documents apply their change
//! before any `.await`; requests read snapshots; every body runs inside a
//! panic guard.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::actions;
use super::commands;
use super::convert;
use super::dispatch::Dispatcher;
use super::guard;
use super::hover;
use super::predictions::{self, Predictor, pump_events};
use super::state::{ClientInfo, OpenDocument, State};
use super::worker::{AnalysisWorker, Outgoing};
use failcast_core::config::Config;
use failcast_core::document::{Document, TextChange};
use failcast_core::functions::FunctionKind;
use failcast_core::language::Language;
use failcast_core::position::PositionEncoding;
use failcast_core::workspace::{ScanOptions, build_call_index};

/// `failcast/status`: the engine's state, for status bars.
pub enum StatusNotification {}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusParams {
    /// `loading`, `ready`, `static` or `error`.
    pub state: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl Notification for StatusNotification {
    type Params = StatusParams;
    const METHOD: &'static str = "failcast/status";
}

pub struct Server {
    client: Client,
    state: Arc<State>,
    worker: AnalysisWorker,
    predictor: Arc<Predictor>,
    out: UnboundedSender<Outgoing>,
    shutdown: Arc<AtomicBool>,
}

impl Server {
    /// `frames` is the writer's queue, where diagnostics are published
    /// without going through `client` (see `dispatch`).
    pub fn new(
        client: Client,
        shutdown: Arc<AtomicBool>,
        frames: tokio::sync::mpsc::WeakUnboundedSender<Vec<u8>>,
    ) -> Server {
        let state = Arc::new(State::default());
        let (out, rx) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
        let worker = AnalysisWorker::start(state.clone(), out.clone());
        let predictor = Arc::new(Predictor::default());
        let dispatcher = Dispatcher {
            client: client.clone(),
            state: state.clone(),
            worker: worker.clone(),
            predictor: predictor.clone(),
            lens_refresh: Default::default(),
            frames,
        };
        tokio::spawn(dispatcher.run(rx));
        Server {
            client,
            state,
            worker,
            predictor,
            out,
            shutdown,
        }
    }

    /// Starts, restarts or stops the model engine to match the configuration.
    fn apply_model_config(&self) {
        let config = self.state.config.read().model.clone();
        match failcast_model::predict::engine_config(&config) {
            Ok(engine_config) => {
                match &engine_config.remote {
                    Some(remote) => tracing::info!("model engine: server at {}", remote.endpoint),
                    None => tracing::info!("model engine: {}", engine_config.model_path.display()),
                }
                if let Some(events) = self.predictor.start(engine_config) {
                    pump_events(events, self.out.clone());
                }
            }
            Err(reason) => {
                self.predictor.stop();
                tracing::info!("model engine off: {reason}");
                let client = self.client.clone();
                let message = format!("static predictions only ({reason})");
                tokio::spawn(async move {
                    client
                        .send_notification::<StatusNotification>(StatusParams {
                            state: "static".to_owned(),
                            message,
                            model: None,
                        })
                        .await;
                });
                if config.backend != failcast_core::config::Backend::Off {
                    self.warn(format!("failcast: {reason}; static predictions continue"));
                }
            }
        }
    }

    fn warn(&self, message: String) {
        let _ = self.out.send(Outgoing::Warning(message));
    }

    /// Rebuilds the configuration from its layers — defaults, `failcast.toml`,
    /// `initializationOptions`, the latest `didChangeConfiguration` — so a
    /// setting the user clears falls back to the layer below. A bad value
    /// keeps the value the layers below give it and is reported once.
    fn rebuild_config(&self) {
        let mut config = Config::default();
        let mut errors = Vec::new();
        if let Some(root) = self.state.roots.read().first() {
            errors.extend(config.merge_file(&root.join(failcast_core::config::CONFIG_FILE)));
        }
        if let Some(options) = self.state.init_options.read().as_ref() {
            errors.extend(config.merge_json(options, "initializationOptions"));
        }
        if let Some(settings) = self.state.settings.read().as_ref() {
            errors.extend(config.merge_json(settings, "workspace/didChangeConfiguration"));
        }
        errors.extend(config.apply_env());
        *self.state.config.write() = config;
        self.report_config_errors(errors);
    }

    /// Invalid values in the new settings are replaced by what the previous
    /// settings said, so a typo does not silently reset a key to its default.
    fn keep_previous_values(&self, previous: Option<serde_json::Value>) {
        let Some(mut settings) = self.state.settings.read().clone() else {
            return;
        };
        let mut probe = Config::default();
        let errors = probe.merge_json(&settings, "workspace/didChangeConfiguration");
        for error in errors.iter().filter(|e| !e.key.is_empty()) {
            failcast_core::config::restore_key(&mut settings, previous.as_ref(), &error.key);
        }
        if !errors.is_empty() {
            *self.state.settings.write() = Some(settings);
            self.report_config_errors(errors);
        }
    }

    fn report_config_errors(&self, errors: Vec<failcast_core::config::ConfigError>) {
        if errors.is_empty() {
            return;
        }
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        tracing::warn!("configuration: {}", text.join("; "));
        self.warn(format!("failcast configuration: {}", text.join("; ")));
    }

    /// Re-analyses every open document from scratch (after a configuration
    /// change: severities, hazards and traces depend on it).
    fn reanalyse_all(&self) {
        let uris: Vec<Uri> = self.state.documents.lock().keys().cloned().collect();
        for uri in uris {
            if let Some(open) = self.state.documents.lock().get_mut(&uri) {
                open.analysis = None;
            }
            self.worker.enqueue(uri);
        }
    }

    /// Re-analyses every open document after the call index changed: only
    /// traces depend on it, and the analysis renders again the functions
    /// whose callers changed.
    fn retrace_all(&self) {
        let uris: Vec<Uri> = self.state.documents.lock().keys().cloned().collect();
        for uri in uris {
            self.worker.enqueue(uri);
        }
    }

    /// The analysis of a document's current version: `None` if the document
    /// is not open, `Some(None)` if its analysis is missing or older.
    fn fresh_analysis(
        &self,
        uri: &Uri,
    ) -> Option<Option<Arc<failcast_core::analysis::FileAnalysis>>> {
        let documents = self.state.documents.lock();
        let open = documents.get(uri)?;
        Some(
            open.analysis
                .as_ref()
                .filter(|a| a.version == open.document.version())
                .cloned(),
        )
    }

    /// Brings a document's analysis up to date with its text, on a blocking
    /// thread, and returns it.
    async fn current_analysis(
        &self,
        uri: &Uri,
    ) -> Option<Arc<failcast_core::analysis::FileAnalysis>> {
        if let Some(fresh) = self.fresh_analysis(uri)? {
            return Some(fresh);
        }
        // The analysis worker may be parsing the same version at the same
        // moment; if its parse wins, ours stores nothing, so try again.
        for _ in 0..20 {
            let state = self.state.clone();
            let out = self.out.clone();
            let uri_owned = uri.clone();
            tokio::task::spawn_blocking(move || super::worker::process(&state, &uri_owned, &out))
                .await
                .ok()?;
            if let Some(current) = self.fresh_analysis(uri)? {
                return Some(current);
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let documents = self.state.documents.lock();
        documents.get(uri)?.analysis.clone()
    }

    async fn scan_workspace(&self) {
        let roots = self.state.roots.read().clone();
        if roots.is_empty() {
            return;
        }
        let config = self.state.config.read().clone();
        let options = ScanOptions {
            languages: config.languages.clone(),
            ignore: config.ignore.clone(),
            ..ScanOptions::default()
        };
        let progress_supported = self.state.client.read().work_done_progress;
        let token = NumberOrString::String("failcast/index".to_owned());
        let progress = if progress_supported
            && self
                .client
                .create_work_done_progress(token.clone())
                .await
                .is_ok()
        {
            Some(
                self.client
                    .progress(token, "failcast: indexing workspace")
                    .with_percentage(0)
                    .begin()
                    .await,
            )
        } else {
            None
        };
        let (tx, mut rx) = tokio::sync::watch::channel((0usize, 0usize));
        let scan = tokio::task::spawn_blocking(move || {
            let cancel = AtomicBool::new(false);
            let mut index = failcast_core::calls::CallIndex::default();
            for root in &roots {
                let report = |done: usize, total: usize| {
                    let _ = tx.send((done, total));
                };
                let part = build_call_index(root, &options, &report, &cancel);
                index.merge(part);
            }
            index
        });
        tokio::pin!(scan);
        let index = loop {
            tokio::select! {
                result = &mut scan => break result,
                changed = rx.changed() => {
                    if changed.is_err() {
                        continue;
                    }
                    let (done, total) = *rx.borrow_and_update();
                    if let Some(progress) = &progress
                        && total > 0
                    {
                        let percentage = (done * 100 / total) as u32;
                        progress
                            .report_with_message(format!("{done}/{total} files"), percentage)
                            .await;
                    }
                    // Let a burst of updates coalesce.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        };
        let files = match index {
            Ok(index) => {
                let files = index.file_count();
                // Open documents are newer than disk: keep their entries.
                let mut calls = self.state.calls.write();
                let mut index = index;
                index.merge(std::mem::take(&mut *calls));
                *calls = index;
                files
            }
            Err(err) => {
                tracing::error!("workspace scan failed: {err}");
                0
            }
        };
        if let Some(progress) = progress {
            progress
                .finish_with_message(format!("indexed {files} files"))
                .await;
        }
        tracing::info!("workspace indexed: {files} files");
        // Traces can now name callers from other files.
        self.retrace_all();
    }
}

fn client_info(params: &InitializeParams) -> ClientInfo {
    let caps = &params.capabilities;
    let workspace_edit = caps
        .workspace
        .as_ref()
        .and_then(|w| w.workspace_edit.as_ref());
    ClientInfo {
        work_done_progress: caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        document_changes: workspace_edit
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        resource_operations_create: workspace_edit
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
        code_action_disabled: caps
            .text_document
            .as_ref()
            .and_then(|t| t.code_action.as_ref())
            .and_then(|c| c.disabled_support)
            .unwrap_or(false),
        code_lens_refresh: caps
            .workspace
            .as_ref()
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false),
        name: params
            .client_info
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    }
}

fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    #[allow(deprecated)] // Older clients send only `rootUri`.
    if roots.is_empty()
        && let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path())
    {
        roots.push(root.into_owned());
    }
    roots
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        guard::request("initialize", async {
            let offered: Vec<String> = params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_ref())
                .map(|kinds| kinds.iter().map(|k| k.as_str().to_owned()).collect())
                .unwrap_or_default();
            let encoding = PositionEncoding::negotiate(offered.iter().map(String::as_str));
            *self.state.encoding.write() = encoding;
            *self.state.client.write() = client_info(&params);
            *self.state.roots.write() = workspace_roots(&params);
            *self.state.init_options.write() = params.initialization_options.clone();
            if let Some(pid) = params.process_id {
                super::parent::watch(pid);
            }
            self.rebuild_config();
            tracing::info!(
                "initialized for {} with {} positions",
                self.state.client.read().name,
                encoding.as_str()
            );
            Ok(InitializeResult {
                capabilities: ServerCapabilities {
                    position_encoding: Some(convert::encoding_kind(encoding)),
                    text_document_sync: Some(TextDocumentSyncCapability::Options(
                        TextDocumentSyncOptions {
                            open_close: Some(true),
                            change: Some(TextDocumentSyncKind::INCREMENTAL),
                            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                                include_text: Some(false),
                            })),
                            ..Default::default()
                        },
                    )),
                    document_symbol_provider: Some(OneOf::Left(true)),
                    hover_provider: Some(HoverProviderCapability::Simple(true)),
                    code_action_provider: Some(CodeActionProviderCapability::Options(
                        CodeActionOptions {
                            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                            ..Default::default()
                        },
                    )),
                    code_lens_provider: Some(CodeLensOptions {
                        resolve_provider: Some(false),
                    }),
                    execute_command_provider: Some(ExecuteCommandOptions {
                        commands: commands::ALL.iter().map(|c| (*c).to_owned()).collect(),
                        work_done_progress_options: Default::default(),
                    }),
                    ..Default::default()
                },
                server_info: Some(ServerInfo {
                    name: "failcast".to_owned(),
                    version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                }),
                offset_encoding: None,
            })
        })
        .await
    }

    async fn initialized(&self, _: InitializedParams) {
        guard::notification(
            "initialized",
            async {
                self.apply_model_config();
                self.scan_workspace().await;
            },
            |m| self.warn(m),
        )
        .await
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        self.worker.stop();
        self.state.history.stop();
        let predictor = self.predictor.clone();
        // Joining the model thread may wait for a decode step; not on the runtime.
        let _ = tokio::task::spawn_blocking(move || predictor.stop()).await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        guard::notification(
            "textDocument/didOpen",
            async {
                let doc = params.text_document;
                let path = self.state.relative_path(&doc.uri);
                let language = Language::from_language_id(&doc.language_id)
                    .or_else(|| Language::from_path(std::path::Path::new(&path)));
                let language = language.filter(|l| self.state.config.read().languages.contains(l));
                let document = Document::new(&doc.text, doc.version, language);
                if language.is_some() && !document.is_analysable() {
                    self.warn(format!(
                        "failcast: {path} is {} MB; files over {} MB are not analysed",
                        doc.text.len() / (1024 * 1024),
                        failcast_core::document::MAX_ANALYSED_BYTES / (1024 * 1024)
                    ));
                }
                self.state.documents.lock().insert(
                    doc.uri.clone(),
                    OpenDocument {
                        document,
                        path,
                        analysis: None,
                        published: None,
                        model: Default::default(),
                        calls_stale: false,
                        diagnostics: Default::default(),
                    },
                );
                self.worker.enqueue(doc.uri);
            },
            |m| self.warn(m),
        )
        .await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        guard::notification(
            "textDocument/didChange",
            async {
                let uri = params.text_document.uri;
                let version = params.text_document.version;
                let encoding = self.state.encoding();
                let changes: Vec<TextChange> = params
                    .content_changes
                    .into_iter()
                    .map(|c| TextChange {
                        range: c
                            .range
                            .map(|r| (convert::position(r.start), convert::position(r.end))),
                        text: c.text,
                    })
                    .collect();
                // Applied synchronously, before any await: see `state`.
                let applied = {
                    let mut documents = self.state.documents.lock();
                    match documents.get_mut(&uri) {
                        Some(open) => {
                            if version < open.document.version() {
                                tracing::warn!(
                                    "{}: version went back from {} to {version}; applying anyway",
                                    uri.as_str(),
                                    open.document.version()
                                );
                            }
                            open.document.apply_changes(&changes, version, encoding);
                            // The last change is where the user types: the
                            // function to prefill while the debounce runs.
                            if let Some((start, _)) = changes.last().and_then(|c| c.range) {
                                let offset = failcast_core::position::to_offset(
                                    open.document.rope(),
                                    start,
                                    encoding,
                                );
                                self.predictor.set_cursor(&uri, offset);
                            }
                            true
                        }
                        None => false,
                    }
                };
                if applied {
                    self.worker.enqueue(uri);
                } else {
                    tracing::warn!(
                        "didChange for a document that is not open: {}",
                        uri.as_str()
                    );
                }
            },
            |m| self.warn(m),
        )
        .await
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // The buffer is the truth while open; a save changes nothing we track,
        // but it is a good moment to refresh a stale analysis.
        tracing::debug!("saved {}", params.text_document.uri.as_str());
        self.worker.enqueue(params.text_document.uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        guard::notification(
            "textDocument/didClose",
            async {
                let uri = params.text_document.uri;
                self.predictor.forget(&uri);
                let mut documents = self.state.documents.lock();
                if documents.remove(&uri).is_some() {
                    // Under the lock, so no publish of the worker can follow it.
                    let _ = self.out.send(Outgoing::Diagnostics {
                        uri,
                        version: 0,
                        diagnostics: b"[]".to_vec(),
                    });
                }
            },
            |m| self.warn(m),
        )
        .await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        guard::notification(
            "workspace/didChangeConfiguration",
            async {
                // Some clients send `null` to say "ask me"; we keep the last layer then.
                if !params.settings.is_null() {
                    let previous = self.state.settings.write().replace(params.settings);
                    self.keep_previous_values(previous);
                }
                let model_before = self.state.config.read().model.clone();
                self.rebuild_config();
                if self.state.config.read().model != model_before {
                    self.predictor.forget_warnings();
                    self.apply_model_config();
                }
                self.reanalyse_all();
            },
            |m| self.warn(m),
        )
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        guard::request("textDocument/documentSymbol", async {
            let uri = params.text_document.uri;
            let Some(analysis) = self.current_analysis(&uri).await else {
                return Ok(None);
            };
            let symbols = convert::document_symbols(
                &analysis.functions,
                &analysis.rope,
                self.state.encoding(),
            );
            Ok(Some(DocumentSymbolResponse::Nested(symbols)))
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        guard::request("textDocument/hover", async {
            let position = params.text_document_position_params;
            let Some(analysis) = self.current_analysis(&position.text_document.uri).await else {
                return Ok(None);
            };
            let encoding = self.state.encoding();
            let offset = convert::offset(&analysis.rope, position.position, encoding);
            // Where the user looks is where predictions should come first.
            self.predictor
                .set_cursor(&position.text_document.uri, offset);
            Ok(hover::hover(&analysis, offset, encoding))
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        guard::request("textDocument/codeAction", async {
            let uri = params.text_document.uri;
            let Some(analysis) = self.current_analysis(&uri).await else {
                return Ok(None);
            };
            let state = self.state.clone();
            // Writing a test parses the file and reads the project's tests.
            let actions = tokio::task::spawn_blocking(move || {
                actions::code_actions(
                    &state,
                    &uri,
                    &analysis,
                    params.range,
                    &params.context.diagnostics,
                )
            })
            .await
            .map_err(|e| guard::internal_error(&format!("code actions failed: {e}")))?;
            Ok(Some(actions))
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        guard::request("textDocument/codeLens", async {
            let uri = params.text_document.uri;
            let Some(analysis) = self.current_analysis(&uri).await else {
                return Ok(None);
            };
            let encoding = self.state.encoding();
            // The count and the top error do not depend on where a function
            // is, so no list an edit only moved is moved for a lens.
            let lenses = analysis
                .functions
                .functions
                .iter()
                .enumerate()
                .map(|(index, function)| (function, analysis.scenarios.as_rendered(index)))
                .filter(|(_, scenarios)| !scenarios.is_empty())
                .map(|(function, scenarios)| {
                    let count = scenarios.len();
                    let top = &scenarios[0];
                    // The module's code has no name to stand over: its lens
                    // stands over its likeliest failure (never moved, its
                    // origin is current).
                    let over = match function.kind {
                        FunctionKind::Module => top.origin.start..top.origin.start,
                        _ => function.name_range.clone(),
                    };
                    CodeLens {
                        range: convert::range(&analysis.rope, over.start, over.end, encoding),
                        command: Some(Command {
                            title: format!(
                                "{count} predicted failure{} · {}",
                                if count == 1 { "" } else { "s" },
                                failcast_core::text::one_line(&top.error, 50)
                            ),
                            command: commands::SHOW_TRACE.to_owned(),
                            arguments: Some(commands::lens_arguments(&uri, &function.id)),
                        }),
                        data: None,
                    }
                })
                .collect();
            Ok(Some(lenses))
        })
        .await
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        guard::request("workspace/executeCommand", async {
            let invalid = |message: String| tower_lsp_server::jsonrpc::Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::InvalidParams,
                message: message.into(),
                data: None,
            };
            match params.command.as_str() {
                commands::STATUS => Ok(Some(serde_json::json!({
                    "state": self.predictor.state_name(),
                    "model": self.state.config.read().model.name,
                    "decodeSteps": self.predictor.decode_steps(),
                    "answered": self.predictor.answered.load(Ordering::Relaxed),
                    "pending": self.predictor.pending(),
                    "deferred": self.predictor.deferred(),
                }))),
                commands::RESTART_ENGINE => {
                    self.predictor.forget_warnings();
                    self.apply_model_config();
                    Ok(Some(
                        serde_json::json!({"state": self.predictor.state_name()}),
                    ))
                }
                commands::PREDICT | commands::SHOW_TRACE => {
                    let target = commands::target(&params.arguments).map_err(invalid)?;
                    let Some(analysis) = self.current_analysis(&target.uri).await else {
                        return Err(invalid(format!("{} is not open", target.uri.as_str())));
                    };
                    let encoding = self.state.encoding();
                    let offset = target
                        .position
                        .map(|p| convert::offset(&analysis.rope, p, encoding));
                    let function = match (&target.function_id, offset) {
                        (Some(id), _) => analysis.functions.by_id(id),
                        (None, Some(offset)) => analysis.functions.function_at(offset),
                        (None, None) => None,
                    };
                    if params.command == commands::PREDICT {
                        if let Some(offset) = offset {
                            self.predictor.set_cursor(&target.uri, offset);
                        }
                        let scope = match function {
                            Some(f) => predictions::Scope::Function(f.id.clone()),
                            None => predictions::Scope::Changed,
                        };
                        let predictor = self.predictor.clone();
                        let state = self.state.clone();
                        let uri = target.uri.clone();
                        let scheduled = tokio::task::spawn_blocking(move || {
                            predictor.schedule(&state, &uri, &scope)
                        })
                        .await
                        .unwrap_or(0);
                        return Ok(Some(serde_json::json!({
                            "scheduled": scheduled,
                            "engine": self.predictor.state_name(),
                        })));
                    }
                    let markdown = match function {
                        Some(function) => {
                            let scenarios: Vec<_> =
                                analysis.scenarios_of(&function.id).iter().collect();
                            if scenarios.is_empty() {
                                format!("No predicted failures for `{}`.", function.qualified_name)
                            } else {
                                hover::function_markdown(
                                    function,
                                    &scenarios,
                                    0,
                                    analysis.language.markdown_tag(),
                                )
                            }
                        }
                        None => "No function at this position.".to_owned(),
                    };
                    Ok(Some(serde_json::json!({"markdown": markdown})))
                }
                other => Err(invalid(format!("unknown command {other}"))),
            }
        })
        .await
    }
}
