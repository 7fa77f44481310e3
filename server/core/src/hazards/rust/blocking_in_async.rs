//! `rs.blocking-in-async`: blocking calls inside an async function, which stall
//! the executor's thread.

use super::*;

pub(super) fn blocking_in_async(m: &Match, cx: &FnCx) -> Option<Finding> {
    if !cx.is_async() {
        return None;
    }
    let callee = cx.text(m.get("callee")?);
    // tokio::fs, tokio::time::sleep, async-std are fine.
    if ["tokio::", "async_std::", "smol::", "futures::"]
        .iter()
        .any(|p| callee.contains(p))
    {
        return None;
    }
    // `.await` right after the call means an async API.
    if m.hazard
        .parent()
        .is_some_and(|p| p.kind() == "await_expression")
    {
        return None;
    }
    // Inside spawn_blocking / block_in_place the blocking is intended.
    let mut parent = m.hazard.parent();
    while let Some(p) = parent {
        if p.kind() == "call_expression"
            && p.child_by_field_name("function").is_some_and(|f| {
                ["spawn_blocking", "block_in_place"]
                    .iter()
                    .any(|b| cx.text(f).ends_with(b))
            })
        {
            return None;
        }
        if p.id() == cx.node.id() {
            break;
        }
        parent = p.parent();
    }
    let body = cx.file_text();
    // `use tokio::fs;` makes `fs::read` the async one.
    if callee.starts_with("fs::")
        && (body.contains("use tokio::fs") || body.contains("use async_std::fs"))
    {
        return None;
    }
    if callee == "sleep"
        && !body.contains("std::thread::sleep")
        && !body.contains("use std::thread")
    {
        return None;
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.45,
        "stall",
        format!(
            "executor thread blocked in {callee}(): every task scheduled on this worker stalls"
        ),
        format!(
            "`{}` blocks inside `async fn {}`; under load the runtime's worker threads are all blocked and requests time out",
            one_line(&callee, 30),
            cx.function.name
        ),
        format!(
            "Predicted stalls: blocking {}() inside async fn",
            one_line(&callee, 30)
        ),
    ))
}
