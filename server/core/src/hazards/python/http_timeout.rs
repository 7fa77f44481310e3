//! `py.http-no-timeout`: `requests` calls without a timeout, which wait forever
//! on a server that stops answering.

use super::*;

pub(super) fn http_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let method = cx.text(m.get("method")?);
    let args = m.get("args")?;
    let client = m.get("client").map(|c| cx.text(c)).unwrap_or_default();
    let known_client = matches!(
        client.as_str(),
        "requests" | "httpx" | "urllib.request" | "urllib3" | "http" | "aiohttp"
    ) || client.to_lowercase().ends_with("session")
        || client.ends_with(".http")
        || client == "http_client"
        || client == "self.http";
    let is_urlopen = method == "urlopen";
    if !known_client && !is_urlopen {
        return None;
    }
    // `httpx.get(url)` has a default timeout of 5 s; only unbounded clients fail this way.
    if client == "httpx" {
        return None;
    }
    if has_keyword(cx, args, "timeout") || args.named_child_count() == 0 {
        return None;
    }
    if is_urlopen && args.named_child_count() >= 3 {
        return None;
    }
    // A session created in this function with a timeout adapter is rare;
    // a `timeout=` anywhere on the session's line counts as configured.
    let url = args.named_child(0).map(|a| cx.text(a)).unwrap_or_default();
    let call = format!(
        "{}.{}",
        if is_urlopen && client.is_empty() {
            "urllib.request"
        } else {
            &client
        },
        method
    );
    Some(Finding::new(
        FailureClass::Timeout,
        0.55,
        "requests.exceptions.ReadTimeout",
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.internal', port=443): Read timed out.",
        format!(
            "the server behind {} accepts the connection but never answers (a stalled upstream or a half-open connection); with no timeout the worker hangs until the load balancer gives up",
            one_line(&url, 40)
        ),
        format!("Predicted hang in {call}() when the upstream stalls: no timeout is set"),
    ))
}
