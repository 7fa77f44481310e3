//! `java.http-client-no-timeout`, `java.http-request-no-timeout`:
//! `java.net.http` clients and requests built without a timeout.

use super::*;

/// The builder chain that starts at `start`: the method names called on it
/// and the outermost call.
pub(super) fn chain<'t>(cx: &FnCx, start: Node<'t>) -> (Vec<String>, Node<'t>) {
    let mut names = Vec::new();
    let mut current = start;
    while let Some(parent) = current.parent() {
        if parent.kind() != "method_invocation"
            || parent
                .child_by_field_name("object")
                .is_none_or(|o| o.id() != current.id())
        {
            break;
        }
        if let Some(name) = parent.child_by_field_name("name") {
            names.push(cx.text(name));
        }
        current = parent;
    }
    (names, current)
}

pub(super) fn http_client_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let method = cx.text(m.get("method")?);
    let (names, _) = chain(cx, m.hazard);
    if names.iter().any(|n| n == "connectTimeout") {
        return None;
    }
    // A builder kept in a variable and configured later.
    if method == "newBuilder" && !names.iter().any(|n| n == "build") {
        let body = cx.own_text().to_owned();
        if body.contains(".connectTimeout(") {
            return None;
        }
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.4,
        "java.net.ConnectException",
        "java.net.ConnectException: Connection timed out",
        "the host does not answer the TCP handshake (a firewall that drops packets, a dead node still in DNS); with no connectTimeout the call waits for the operating system to give up, about two minutes on Linux",
        format!(
            "Predicted two-minute stall, then ConnectException, from HttpClient.{method}(): no connectTimeout"
        ),
    ))
}

pub(super) fn http_request_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let (names, _) = chain(cx, m.hazard);
    if names.iter().any(|n| n == "timeout") {
        return None;
    }
    let body = cx.own_text().to_owned();
    if !names.iter().any(|n| n == "build") && body.contains(".timeout(") {
        return None;
    }
    // A future bounded where the request is sent.
    if body.contains(".orTimeout(") || body.contains(".completeOnTimeout(") {
        return None;
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.45,
        "java.lang.Thread.State",
        "java.lang.Thread.State: WAITING (parking)",
        "the server accepts the request but never answers (a stalled upstream, a half-open connection after a failover); with no request timeout HttpClient.send() never returns, and a thread dump shows the thread parked in HttpClientImpl.send",
        "Predicted hang in HttpClient.send() when the upstream stalls: the request has no timeout",
    ))
}
