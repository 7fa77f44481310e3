//! `py.asyncio-loop-argument`: `asyncio.sleep(delay, loop=loop)`. Python
//! 3.10 removed the `loop` parameter from asyncio's high-level API after
//! deprecating it in 3.8, so the call raises TypeError on every run of a
//! current interpreter: aiohttp-sse's ping task died this way on 3.10.
//! The connection and subprocess helpers pass unknown keywords on to the
//! event loop's methods, which reject `loop` the same way. The calls that
//! still take it (`ensure_future`, `wrap_future`, `Future`, `Task`,
//! `run_coroutine_threadsafe`) are not flagged.

use super::*;

/// Functions that raise `TypeError` for `loop=` on Python 3.10 and later.
const REMOVED: &[&str] = &[
    "sleep",
    "gather",
    "wait_for",
    "wait",
    "shield",
    "as_completed",
    "open_connection",
    "start_server",
    "open_unix_connection",
    "start_unix_server",
    "create_subprocess_exec",
    "create_subprocess_shell",
];

/// Classes whose constructors raise it.
const REMOVED_CLASSES: &[&str] = &[
    "Queue",
    "LifoQueue",
    "PriorityQueue",
    "Lock",
    "Event",
    "Condition",
    "Semaphore",
    "BoundedSemaphore",
];

pub(super) fn asyncio_loop_argument(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let error = if REMOVED.contains(&callee.as_str()) {
        format!("TypeError: {callee}() got an unexpected keyword argument 'loop'")
    } else if REMOVED_CLASSES.contains(&callee.as_str()) {
        format!("TypeError: {callee}.__init__() got an unexpected keyword argument 'loop'")
    } else {
        return None;
    };
    if cx.caught(m.hazard, &["TypeError"]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::TypeError,
        0.6,
        "TypeError",
        error,
        "the code runs on Python 3.10 or later, where asyncio no longer takes a `loop` argument",
        format!(
            "Predicted TypeError: asyncio.{callee}() no longer accepts `loop=` (removed in Python 3.10)"
        ),
    ))
}
