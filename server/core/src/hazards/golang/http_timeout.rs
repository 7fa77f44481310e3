//! `go.http-no-timeout`, `go.http-client-no-timeout`: requests through
//! `http.DefaultClient` or a client literal with no timeout hang on a server
//! that stops answering.

use super::*;

/// Whether the file bounds its requests another way: a context deadline or
/// a timeout set on the client after it is made.
pub(super) fn bounded_elsewhere(cx: &FnCx) -> bool {
    let file = cx.file_text();
    ["WithTimeout(", "WithDeadline(", ".Timeout =", ".Timeout="]
        .iter()
        .any(|marker| file.contains(marker))
}

pub(super) const HANG_TRIGGER: &str = "accepts the connection but never answers (a stalled upstream, a half-open connection after a failover); nothing bounds the wait, so the goroutine blocks until the process is killed and the caller hangs with it";

pub(super) fn http_default_client(m: &Match, cx: &FnCx) -> Option<Finding> {
    let method = cx.text(m.get("method")?);
    let args = children(m.get("args")?);
    let file = cx.file_text();
    if file.contains("DefaultClient.Timeout") {
        return None;
    }
    let call = one_line(&callee_text(cx, m.hazard), 40);
    let target = if method == "Do" {
        "the server".to_owned()
    } else {
        format!(
            "the server behind `{}`",
            one_line(&args.first().map(|a| cx.text(*a)).unwrap_or_default(), 40)
        )
    };
    Some(Finding::new(
        FailureClass::Timeout,
        0.45,
        "SIGQUIT",
        "SIGQUIT: quit",
        format!("{target} {HANG_TRIGGER} (a SIGQUIT goroutine dump shows it in net/http)"),
        format!(
            "Predicted hang in {call} when the upstream stalls: http.DefaultClient has no timeout"
        ),
    ))
}

pub(super) fn http_client_literal(m: &Match, cx: &FnCx) -> Option<Finding> {
    if let Some(body) = m.get("body") {
        let fields: Vec<String> = children(body)
            .into_iter()
            .filter(|e| e.kind() == "keyed_element")
            .filter_map(|e| e.named_child(0).map(|k| cx.text(k)))
            .collect();
        if fields.iter().any(|f| f == "Timeout") {
            return None;
        }
        // A transport that bounds the wait for response headers is enough.
        if cx.text(body).contains("ResponseHeaderTimeout") {
            return None;
        }
    }
    if bounded_elsewhere(cx) {
        return None;
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.4,
        "SIGQUIT",
        "SIGQUIT: quit",
        format!("the server this client calls {HANG_TRIGGER}"),
        "Predicted hang in requests made by this http.Client when the upstream stalls: it has no Timeout",
    ))
}
