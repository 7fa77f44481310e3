//! The server's state: open documents (one owner, one lock), the latest
//! analysis of each, the workspace call index, the configuration and what
//! was negotiated with the client.
//!
//! Document changes are applied under `documents` synchronously in the
//! notification handler, before any `.await`, so they land in the order the
//! client sent them even though tower-lsp-server polls handlers
//! concurrently. Readers take snapshots (a rope clone is O(1)).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use tower_lsp_server::ls_types::Uri;

use failcast_core::analysis::FileAnalysis;
use failcast_core::calls::CallIndex;
use failcast_core::config::Config;
use failcast_core::document::Document;
use failcast_core::position::PositionEncoding;
use failcast_core::workspace::relative_path;

/// An open buffer and what we know about it.
pub struct OpenDocument {
    pub document: Document,
    /// Workspace-relative path used in function ids and traces.
    pub path: String,
    /// The latest analysis, possibly of an older version.
    pub analysis: Option<Arc<FileAnalysis>>,
    /// Version and hash of the diagnostics last published, to skip
    /// re-publishing the same thing (after a rescan, a config change that
    /// did not matter).
    pub published: Option<(i32, u64)>,
    /// The model's answers for this document's functions.
    pub model: failcast_model::predict::ModelAnswers,
    /// Functions changed since this file's calls were last put in the call
    /// index (which is updated after diagnostics, once typing pauses).
    pub calls_stale: bool,
    /// The serialised diagnostics of functions, kept between publications.
    pub diagnostics: super::convert::DiagnosticsCache,
}

/// What the client told us at `initialize`.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub work_done_progress: bool,
    pub document_changes: bool,
    pub resource_operations_create: bool,
    pub code_action_disabled: bool,
    pub code_lens_refresh: bool,
    pub name: String,
}

#[derive(Default)]
pub struct State {
    pub encoding: RwLock<PositionEncoding>,
    pub roots: RwLock<Vec<PathBuf>>,
    pub config: RwLock<Config>,
    /// Settings from `initializationOptions`.
    pub init_options: RwLock<Option<serde_json::Value>>,
    /// The latest `workspace/didChangeConfiguration` settings.
    pub settings: RwLock<Option<serde_json::Value>>,
    pub client: RwLock<ClientInfo>,
    pub documents: Mutex<HashMap<Uri, OpenDocument>>,
    pub calls: RwLock<CallIndex>,
    /// The production corpus, opened on first use.
    pub corpus: Mutex<super::history::CorpusSlot>,
    /// Files' history as the corpus thread last read it.
    pub history: super::history::History,
    /// How many `workspace/codeLens/refresh` requests went out, to see
    /// whether a later one superseded the nudge after a burst.
    pub lens_refreshes: std::sync::atomic::AtomicU64,
}

impl State {
    pub fn encoding(&self) -> PositionEncoding {
        *self.encoding.read()
    }

    /// The workspace-relative path of a document: relative to the root that
    /// contains it, else the file name; untitled buffers keep their URI path.
    pub fn relative_path(&self, uri: &Uri) -> String {
        if let Some(path) = uri.to_file_path() {
            let roots = self.roots.read();
            let best = roots
                .iter()
                .filter(|root| path.starts_with(root))
                .max_by_key(|root| root.as_os_str().len());
            return match best {
                Some(root) => relative_path(root, &path),
                None => path.file_name().map_or_else(
                    || path.to_string_lossy().into_owned(),
                    |n| n.to_string_lossy().into_owned(),
                ),
            };
        }
        uri.path().as_str().trim_start_matches('/').to_owned()
    }

    /// The URI of a workspace-relative path, for related locations.
    pub fn uri_of(&self, relative: &str) -> Option<Uri> {
        let roots = self.roots.read();
        let root = roots.first()?;
        Uri::from_file_path(root.join(Path::new(relative)))
    }
}
