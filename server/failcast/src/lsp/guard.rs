//! Panic isolation for handlers: tower-lsp-server has no `catch_unwind` of
//! its own, and a panic in a handler future would unwind through the
//! transport and end the process. Every handler body runs inside one of
//! these, so a bug costs one request an error reply, never the server.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

/// Runs a request handler; a panic becomes an InternalError reply.
pub async fn request<T>(method: &'static str, body: impl Future<Output = Result<T>>) -> Result<T> {
    match AssertUnwindSafe(body).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            tracing::error!("{method} panicked: {message}");
            Err(Error {
                code: ErrorCode::InternalError,
                message: format!("failcast: internal error in {method}: {message}").into(),
                data: None,
            })
        }
    }
}

/// Runs a notification handler; a panic is logged and reported once through
/// `on_panic` (which shows the user a message).
pub async fn notification(
    method: &'static str,
    body: impl Future<Output = ()>,
    on_panic: impl FnOnce(String),
) {
    if let Err(payload) = AssertUnwindSafe(body).catch_unwind().await {
        let message = panic_message(payload.as_ref());
        tracing::error!("{method} panicked: {message}");
        on_panic(format!("failcast: internal error in {method}: {message}"));
    }
}

/// The reply for work that failed off the runtime (a panicked blocking task).
pub fn internal_error(message: &str) -> Error {
    tracing::error!("{message}");
    Error {
        code: ErrorCode::InternalError,
        message: format!("failcast: {message}").into(),
        data: None,
    }
}
