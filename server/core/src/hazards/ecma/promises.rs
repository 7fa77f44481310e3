//! `ecma.floating-promise`, `ecma.promise-all`: promises nobody awaits or
//! catches (an unhandled rejection ends Node), and `Promise.all` failing
//! everything for one rejection.

use super::*;

pub(super) fn floating_promise(m: &Match, cx: &FnCx) -> Option<Finding> {
    let call = m.get("call")?;
    let function = call.child_by_field_name("function")?;
    let facts = facts(cx);
    let (callee, why) = match function.kind() {
        "identifier" => {
            let name = cx.text(function);
            if !facts.async_function(&name)? {
                return None;
            }
            (format!("{name}()"), format!("`{name}` is async"))
        }
        "member_expression" => {
            let object = function.child_by_field_name("object")?;
            let method = cx.text(function.child_by_field_name("property")?);
            match method.as_str() {
                "then" | "finally" => {
                    // A stored promise (`this.ready.then(…)`) is often one that
                    // never rejects; a chain on a fresh call is the risky case.
                    if chain_handles_rejection(cx, call)
                        || inner_chain_handles(cx, object)
                        || !chain_starts_with_call(object)
                    {
                        return None;
                    }
                    (
                        format!("the {} chain", chain_root(cx, object)),
                        "it has no .catch()".to_owned(),
                    )
                }
                _ if object.kind() == "this" && facts.async_function(&method) == Some(true) => {
                    (format!("this.{method}()"), format!("`{method}` is async"))
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(
        Finding::new(
            FailureClass::Other,
            0.4,
            "UnhandledPromiseRejection",
            "UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason \"#<Object>\".",
            format!(
                "{callee} rejects (its I/O fails) while nothing awaits or catches the promise ({why}); since Node 15 an unhandled rejection exits the process"
            ),
            format!("Predicted crash on unhandled rejection from {callee}: not awaited or caught"),
        )
        .at(call.byte_range()),
    )
}

/// Whether a promise chain starts from a call: `load().then(…)`, not
/// `this.ready.then(…)`.
pub(super) fn chain_starts_with_call(object: Node) -> bool {
    let mut current = object;
    loop {
        match current.kind() {
            "call_expression" => {
                let Some(function) = current.child_by_field_name("function") else {
                    return true;
                };
                match function.kind() {
                    "member_expression" => match function.child_by_field_name("object") {
                        Some(inner) if inner.kind() == "call_expression" => current = inner,
                        _ => return true,
                    },
                    _ => return true,
                }
            }
            "parenthesized_expression" | "await_expression" => match current.named_child(0) {
                Some(inner) => current = inner,
                None => return false,
            },
            _ => return false,
        }
    }
}

/// The call a promise chain starts from: `fetch(url)` in
/// `fetch(url).then(a).then(b)`.
pub(super) fn chain_root(cx: &FnCx, object: Node) -> String {
    let mut current = object;
    while current.kind() == "call_expression"
        && let Some(function) = current.child_by_field_name("function")
        && function.kind() == "member_expression"
        && let Some(inner) = function.child_by_field_name("object")
        && inner.kind() == "call_expression"
    {
        current = inner;
    }
    one_line(&cx.text(current), 30)
}

/// Whether a `.catch` sits earlier in a chain: `p.catch(f).then(g)`.
pub(super) fn inner_chain_handles(cx: &FnCx, object: Node) -> bool {
    let mut current = object;
    while current.kind() == "call_expression" {
        let Some(function) = current.child_by_field_name("function") else {
            return false;
        };
        if function.kind() != "member_expression" {
            return false;
        }
        let method = function
            .child_by_field_name("property")
            .map(|p| cx.text(p))
            .unwrap_or_default();
        let args = current
            .child_by_field_name("arguments")
            .map_or(0, |a| a.named_child_count());
        if method == "catch" || method == "then" && args >= 2 {
            return true;
        }
        let Some(next) = function.child_by_field_name("object") else {
            return false;
        };
        current = next;
    }
    false
}

/// Whether calls in `text` look like network or storage I/O by their names.
pub(super) fn does_io(text: &str) -> bool {
    const VERBS: &[&str] = &[
        "fetch", "axios", "request", "query", "save", "insert", "update", "delete", "remove",
        "send", "post", "put", "patch", "upload", "download", "publish", "notify", "load",
        "invoke", "call", "get", "find", "create", "sync", "write", "read",
    ];
    let mut rest = text;
    while let Some(at) = rest.find('(') {
        let head = &rest[..at];
        let name: String = head
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let lower = name.to_lowercase();
        if VERBS.iter().any(|v| lower.starts_with(v)) {
            return true;
        }
        rest = &rest[at + 1..];
    }
    false
}

pub(super) fn promise_all(m: &Match, cx: &FnCx) -> Option<Finding> {
    let arg = m.get("arg")?;
    let arg_text = cx.text(arg);
    let mapped = arg.kind() == "call_expression"
        && arg
            .child_by_field_name("function")
            .and_then(|f| f.child_by_field_name("property"))
            .is_some_and(|p| cx.text(p) == "map");
    let count = match arg.kind() {
        "array" => arg.named_child_count(),
        _ if mapped => 0,
        _ => return None,
    };
    // Fewer than two promises cannot fail partially.
    if arg.kind() == "array" && count < 2 {
        return None;
    }
    // Only I/O fails this way: plain values and local computations do not.
    if !does_io(&arg_text) {
        return None;
    }
    if handled(cx, m.hazard) || chain_handles_rejection(cx, m.hazard) {
        return None;
    }
    let (error_type, error) = if arg_text.contains("fetch(") {
        ("TypeError", "TypeError: fetch failed")
    } else if arg_text.contains("axios") {
        (
            "AxiosError",
            "AxiosError: Request failed with status code 503",
        )
    } else {
        ("Error", "Error: read ECONNRESET")
    };
    let what = if count > 0 {
        format!("one of the {count} calls")
    } else {
        format!("one call of `{}`", one_line(&arg_text, 40))
    };
    Some(Finding::new(
        FailureClass::NetworkError,
        0.35,
        error_type,
        error,
        format!(
            "{what} fails (a 503, a reset connection, a timeout): Promise.all rejects at once with that error, the other results are lost and their own failures go unobserved"
        ),
        "Predicted partial failure: one rejection fails all of Promise.all() (Promise.allSettled keeps the rest)",
    ))
}
