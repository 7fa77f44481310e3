//! The language server: stdio transport, the `LanguageServer` handlers and
//! the analysis worker. Everything here translates between LSP and the core;
//! no analysis happens in this module.

mod actions;
pub mod commands;
pub mod convert;
mod dispatch;
mod guard;
mod history;
pub mod hover;
mod parent;
mod predictions;
mod server;
mod state;
pub mod transport;
mod worker;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tower_lsp_server::{LspService, Server};

pub use server::{StatusNotification, StatusParams};

/// Serves LSP on stdin/stdout until `exit`. Returns the process exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise, as the specification asks.
pub async fn serve_stdio() -> i32 {
    let (frames_tx, frames_rx) = tokio::sync::mpsc::unbounded_channel();
    let writer = tokio::spawn(transport::write_frames(frames_rx, tokio::io::stdout()));
    let stdin = transport::FrameGuard::new(tokio::io::stdin(), frames_tx.clone());
    // The server publishes diagnostics straight to the writer, through a
    // weak sender: the writer still stops once the transport and the
    // service are gone.
    let publish = frames_tx.downgrade();
    let stdout = transport::FrameSink::new(frames_tx);
    let shutdown = Arc::new(AtomicBool::new(false));
    let (service, socket) = {
        let shutdown = shutdown.clone();
        LspService::new(move |client| server::Server::new(client, shutdown, publish))
    };
    Server::new(stdin, stdout, socket).serve(service).await;
    // The transport and the service own the frame senders; once they are
    // gone the writer drains what is queued and stops.
    let _ = writer.await;
    if shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}
