//! `ecma.fetch-no-timeout`, `ecma.axios-no-timeout`: requests with no timeout
//! or abort signal.

use super::*;

/// Whether an options object passes `key` (or may, through a spread or a
/// variable the function cannot see into).
pub(super) fn options_have(cx: &FnCx, options: Node, key: &str) -> bool {
    match options.kind() {
        "object" => {
            let mut cursor = options.walk();
            options.named_children(&mut cursor).any(|p| match p.kind() {
                "pair" => p
                    .child_by_field_name("key")
                    .is_some_and(|k| guard_key(&cx.text(k)) == key),
                "shorthand_property_identifier" => cx.text(p) == key,
                "spread_element" => true,
                _ => false,
            })
        }
        "identifier" => {
            // A local `const opts = { … }`: look inside; anything else is
            // configured where we cannot see.
            let name = cx.text(options);
            let mut stack = vec![cx.node];
            while let Some(node) = stack.pop() {
                if node.kind() == "variable_declarator"
                    && node
                        .child_by_field_name("name")
                        .is_some_and(|n| cx.text(n) == name)
                {
                    return match node.child_by_field_name("value") {
                        Some(value) if value.kind() == "object" => options_have(cx, value, key),
                        _ => true,
                    };
                }
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
            true
        }
        _ => true,
    }
}

pub(super) fn fetch_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let url = m.get("url")?;
    // `fetch(new Request(url, { signal }))` carries its own options;
    // `data:` and `blob:` URLs never touch the network.
    let url_literal = cx.text(url);
    if url.kind() == "new_expression"
        || ["data:", "blob:"]
            .iter()
            .any(|scheme| url_literal[1.min(url_literal.len())..].starts_with(scheme))
    {
        return None;
    }
    let args = m.hazard.child_by_field_name("arguments")?;
    if let Some(options) = args.named_child(1)
        && options_have(cx, options, "signal")
    {
        return None;
    }
    let url_text = one_line(&cx.text(url), 40);
    Some(Finding::new(
        FailureClass::Timeout,
        0.5,
        "TypeError",
        "TypeError: fetch failed",
        format!(
            "the server behind {url_text} accepts the connection but never answers (a stalled upstream, a half-open connection): with no signal the call hangs for 300 s, Node's headers timeout, then rejects (cause: HeadersTimeoutError, code 'UND_ERR_HEADERS_TIMEOUT'); a browser waits even longer"
        ),
        "Predicted hang in fetch() when the upstream stalls: no AbortSignal.timeout() is passed",
    ))
}

pub(super) fn axios_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let client = cx.text(m.get("client")?);
    let method = m.get("callee").map(|c| cx.text(c));
    let args = m.hazard.child_by_field_name("arguments")?;
    // The config is the last argument: `axios(config)`, `axios.get(url, config)`,
    // `axios.post(url, data, config)`.
    let config_at = match method.as_deref() {
        None | Some("request") => 0,
        Some("post" | "put" | "patch") => 2,
        Some(_) => 1,
    };
    if let Some(config) = args.named_child(config_at)
        && (options_have(cx, config, "timeout") || options_have(cx, config, "signal"))
    {
        return None;
    }
    if method.is_none() && args.named_child(0).is_some_and(|a| a.kind() != "object") {
        // `axios(url, config)`.
        if args
            .named_child(1)
            .is_some_and(|c| options_have(cx, c, "timeout") || options_have(cx, c, "signal"))
        {
            return None;
        }
    }
    // A default set anywhere in the file covers every call.
    let file = cx.file_text();
    if file.contains("defaults.timeout") {
        return None;
    }
    let url = args
        .named_child(0)
        .map(|u| one_line(&cx.text(u), 40))
        .unwrap_or_default();
    let call = match &method {
        Some(method) => format!("{client}.{method}"),
        None => client.clone(),
    };
    Some(Finding::new(
        FailureClass::Timeout,
        0.45,
        "AxiosError",
        "AxiosError: socket hang up",
        format!(
            "the server behind {url} accepts the connection but never answers; axios's default timeout is 0 (none), so the request waits until a proxy or the peer drops the socket"
        ),
        format!("Predicted hang in {call}() when the upstream stalls: no timeout is set"),
    ))
}
