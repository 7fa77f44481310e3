//! `rs.unwrap`: `unwrap`/`expect` on results that depend on input.

use super::*;

/// Whether a call's outcome is fixed at compile time: a method on a literal
/// (`"42".parse::<u32>()`) or a pure constructor with literal arguments
/// (`Regex::new(r"\d+")`, `Url::parse("https://…")`).
pub(super) fn constant_call(cx: &FnCx, call: Node) -> bool {
    let Some(mut function) = call.child_by_field_name("function") else {
        return false;
    };
    if function.kind() == "generic_function"
        && let Some(inner) = function.child_by_field_name("function")
    {
        function = inner;
    }
    let args_constant = call.child_by_field_name("arguments").is_none_or(|a| {
        let mut cursor = a.walk();
        a.named_children(&mut cursor).all(is_literal)
    });
    match function.kind() {
        "field_expression" => {
            function
                .child_by_field_name("value")
                .is_some_and(is_literal)
                && args_constant
        }
        "scoped_identifier" => {
            let text = cx.text(function);
            let name = text.rsplit("::").next().unwrap_or_default();
            let has_args = call
                .child_by_field_name("arguments")
                .is_some_and(|a| a.named_child_count() > 0);
            matches!(
                name,
                "new" | "parse" | "from_str" | "try_from" | "compile" | "from_static"
            ) && has_args
                && args_constant
        }
        _ => false,
    }
}

/// The innermost method or function name of a call chain: `a.b().c()` → `c`.
pub(super) fn call_name(cx: &FnCx, node: Node) -> Option<String> {
    let mut node = node;
    while matches!(
        node.kind(),
        "try_expression" | "parenthesized_expression" | "await_expression"
    ) {
        node = node.named_child(0)?;
    }
    if node.kind() != "call_expression" {
        return None;
    }
    let function = node.child_by_field_name("function")?;
    let function = if function.kind() == "generic_function" {
        function.child_by_field_name("function")?
    } else {
        function
    };
    Some(match function.kind() {
        "field_expression" => cx.text(function.child_by_field_name("field")?),
        "scoped_identifier" => cx.text(function),
        _ => cx.text(function),
    })
}

/// Whether `call` (`tx_thread.send(x)`, `self.events_rx.recv()`) is on
/// one end of a channel: named for it (`tx`, `rx`, `sender`, `receiver`,
/// `chan`) in a file that makes channels.
fn channel_end(call: &str, cx: &FnCx) -> bool {
    let object = call
        .rsplit_once(".send(")
        .or_else(|| call.rsplit_once(".recv("))
        .map(|(object, _)| object)
        .unwrap_or_default();
    let last = object.rsplit(['.', ':']).next().unwrap_or_default();
    let named = crate::hazards::candidates::identifier_words(last)
        .iter()
        .any(|w| {
            matches!(
                w.as_str(),
                "tx" | "rx" | "sender" | "receiver" | "chan" | "channel"
            )
        });
    let text = cx.file_text();
    named
        && [
            "mpsc",
            "channel(",
            "crossbeam",
            "flume",
            "Sender<",
            "unbounded(",
        ]
        .iter()
        .any(|w| text.contains(w))
}

pub(super) fn unwrap(m: &Match, cx: &FnCx) -> Option<Finding> {
    let receiver = m.get("receiver")?;
    let method = cx.text(m.get("method")?);
    let receiver_text = cx.text(receiver);
    // `Some(x).unwrap()`, `"1".parse::<u8>().unwrap()`: nothing can vary.
    // Building a client only fails when the TLS backend cannot start.
    if receiver_text.starts_with("Some(")
        || receiver_text.starts_with("Ok(")
        || is_literal(receiver)
        || receiver_text.ends_with(".build()")
    {
        return None;
    }
    if receiver.kind() == "call_expression" && constant_call(cx, receiver) {
        return None;
    }
    // `child.stdout.take().unwrap()`: the stream is there when the command
    // was set to pipe it, and missing on every run when it was not; a
    // mistake the first run shows, not a failure of some inputs.
    if [".stdin.take()", ".stdout.take()", ".stderr.take()"]
        .iter()
        .any(|s| receiver_text.ends_with(s))
    {
        return None;
    }
    // `buf[0..4].try_into().unwrap()`: a slice of literal length into the
    // array of that length, the idiom for `u32::from_be_bytes`.
    if let Some(sliced) = receiver_text.strip_suffix(".try_into()")
        && super::constant_slice(sliced)
    {
        return None;
    }
    let call = call_name(cx, receiver).unwrap_or_default();
    let callee = call.rsplit("::").next().unwrap_or(&call).to_owned();
    let expect_message = (method == "expect").then(|| {
        m.hazard
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .map(|a| cx.text(a))
            .map(|t| string_contents(&t).unwrap_or(&t).to_owned())
            .unwrap_or_default()
    });
    let panic_text = |what: &str, option: bool| match (&expect_message, option) {
        (Some(message), true) => message.clone(),
        (Some(message), false) => format!("{message}: {what}"),
        (None, true) => "called `Option::unwrap()` on a `None` value".to_owned(),
        (None, false) => format!("called `Result::unwrap()` on an `Err` value: {what}"),
    };
    // Guards: `if x.is_some()`, `if let`, `is_ok()`, `is_empty()` on the receiver.
    let receiver_root = receiver_text
        .split(['.', '('])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if cx.guarded(m.hazard, &[&receiver_text])
        || (!receiver_root.is_empty()
            && receiver_root != "self"
            && cx.guarded(m.hazard, &[&receiver_root]))
    {
        return None;
    }
    let subject = one_line(&receiver_text, 40);
    let finding = match callee.as_str() {
        "from_str" | "from_slice" | "from_reader" | "from_value"
            if receiver_text.contains("serde_json")
                || receiver_text.contains("toml")
                || receiver_text.contains("serde_yaml") =>
        {
            Finding::new(
                FailureClass::ParseError,
                0.45,
                "panic",
                panic_text("Error(\"expected value\", line: 1, column: 1)", false),
                "the document is not what the code expects (an HTML error page, a truncated body, a renamed field)",
                format!("Predicted panic: {method}() on a document that does not deserialize"),
            )
        }
        "parse" | "from_str" | "from_str_radix" => {
            let ty = receiver_text
                .split("::<")
                .nth(1)
                .and_then(|t| t.split('>').next())
                .unwrap_or("u32");
            let (error, class) = if INTEGERS.contains(&ty) {
                (
                    "ParseIntError { kind: InvalidDigit }",
                    FailureClass::ParseError,
                )
            } else if ty == "f64" || ty == "f32" {
                (
                    "ParseFloatError { kind: Invalid }",
                    FailureClass::ParseError,
                )
            } else {
                ("ParseError", FailureClass::ParseError)
            };
            Finding::new(
                class,
                0.5,
                "panic",
                panic_text(error, false),
                format!(
                    "`{subject}` receives text that is not a valid {ty} (\"\", \"12a\", \" 7\", or a value past {ty}::MAX)"
                ),
                format!(
                    "Predicted panic: {method}() on a failed parse of {}",
                    one_line(&receiver_text, 30)
                ),
            )
        }
        "from_utf8" | "to_str" => Finding::new(
            FailureClass::Encoding,
            0.45,
            "panic",
            panic_text("Utf8Error { valid_up_to: 3, error_len: Some(1) }", false),
            "the bytes are not valid UTF-8 (Latin-1 text from an old client, or a multi-byte character cut at a buffer boundary)",
            format!("Predicted panic: {method}() on invalid UTF-8"),
        ),
        "lock" | "write" | "read"
            if receiver_text.ends_with("()") && !receiver_text.contains("io::") =>
        {
            Finding::new(
                FailureClass::RaceCondition,
                0.15,
                "panic",
                panic_text("PoisonError { .. }", false),
                "another thread panicked while holding this lock, so every later lock() returns a poisoned error",
                format!(
                    "Predicted panic: {method}() on a poisoned lock after another thread panics"
                ),
            )
        }
        "var" if call.contains("env::var") || receiver_text.contains("env::var") => Finding::new(
            FailureClass::KeyMissing,
            0.55,
            "panic",
            panic_text("NotPresent", false),
            "the environment variable is not set where this runs (a new deployment, a cron job, a test runner)",
            format!("Predicted panic: {method}() on a missing environment variable"),
        ),
        "duration_since" | "elapsed"
            if receiver_text.contains("SystemTime") || callee == "duration_since" =>
        {
            Finding::new(
                FailureClass::TimezoneDst,
                0.25,
                "panic",
                panic_text("SystemTimeError(1.5s)", false),
                "the wall clock steps backwards (an NTP correction or a VM resumed from a snapshot) between the two readings",
                format!("Predicted panic: {method}() when the system clock steps backwards"),
            )
        }
        // A collection's lookup, not a module's function (`reqwest::
        // blocking::get(url)`, whose failure is the network's).
        "get" | "get_mut" | "first" | "last" | "next" | "pop" | "nth" | "max" | "min" | "find"
        | "position" | "peek" | "iter().next"
            if !crate::hazards::guards::module_function(&call) =>
        {
            let key = receiver
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(0))
                .map(|a| cx.text(a));
            let class = match (&callee[..], &key) {
                ("get" | "get_mut", Some(k))
                    if string_contents(k).is_some()
                        || !k.chars().all(|c| c.is_ascii_digit())
                            && !k.contains("..")
                            && !k.starts_with('i') =>
                {
                    FailureClass::KeyMissing
                }
                ("find" | "position" | "max" | "min" | "next" | "peek" | "nth", _) => {
                    FailureClass::NullOrNone
                }
                _ => FailureClass::IndexOutOfRange,
            };
            Finding::new(
                class,
                0.4,
                "panic",
                panic_text("", true),
                match class {
                    FailureClass::KeyMissing => format!("`{subject}` finds no entry for the key"),
                    FailureClass::NullOrNone => {
                        format!("`{subject}` finds nothing (empty input, or no element matches)")
                    }
                    _ => format!("`{subject}` is empty or shorter than expected"),
                },
                format!("Predicted panic: {method}() on None from {callee}()"),
            )
        }
        // A channel's send fails only when every receiver is gone, its
        // recv only when every sender is: the other thread returned early
        // or panicked first (fd's walker threads after `fd -1` found its
        // one result and the receiver quit).
        "send" | "recv" if channel_end(&receiver_text, cx) => Finding::new(
            FailureClass::RaceCondition,
            0.35,
            "panic",
            panic_text(
                if callee == "send" {
                    "SendError { .. }"
                } else {
                    "RecvError"
                },
                false,
            ),
            if callee == "send" {
                "the receiving thread quit first (it returned early, stopped after enough results, or panicked) and dropped its end".to_owned()
            } else {
                "every sending thread finished or panicked and dropped its end before sending"
                    .to_owned()
            },
            format!("Predicted panic: {method}() on a closed channel from {callee}()"),
        ),
        // An answer to a peer (`send_response`, `send_request`, `reply`):
        // the peer disconnects while the request is handled, and the
        // answer comes back as the error (libp2p's rendezvous server).
        _ if callee.starts_with("send_") || matches!(callee.as_str(), "respond" | "reply") => {
            Finding::new(
                FailureClass::NetworkError,
                0.35,
                "panic",
                panic_text("the peer's connection is closed", false),
                "the peer disconnected while its request was handled, before the answer went out"
                    .to_owned(),
                format!("Predicted panic: {method}() when the peer is gone, from {callee}()"),
            )
        }
        "open" | "create" | "read_to_string" | "read" | "connect" | "bind" | "send" | "recv" => {
            Finding::new(
                if matches!(callee.as_str(), "connect" | "bind" | "send" | "recv") {
                    FailureClass::NetworkError
                } else {
                    FailureClass::Other
                },
                0.35,
                "panic",
                panic_text(
                    if matches!(callee.as_str(), "connect" | "send" | "recv" | "bind") {
                        "Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" }"
                    } else {
                        "Os { code: 2, kind: NotFound, message: \"No such file or directory\" }"
                    },
                    false,
                ),
                if matches!(callee.as_str(), "connect" | "send" | "recv" | "bind") {
                    "the peer is down or refuses the connection (a deploy in progress, a partial outage)".to_owned()
                } else {
                    "the file is missing or unreadable where this runs (another working directory, a read-only container)".to_owned()
                },
                format!("Predicted panic: {method}() on an I/O error from {callee}()"),
            )
        }
        _ => {
            // Unknown receiver: a plain Option or Result.
            let option_like = receiver_text.contains("as_ref()")
                || receiver_text.ends_with(".ok()")
                || !receiver_text.contains('(');
            Finding::new(
                FailureClass::NullOrNone,
                0.2,
                "panic",
                if option_like {
                    panic_text("", true)
                } else {
                    panic_text("..", false)
                },
                format!(
                    "`{subject}` is {} at run time",
                    if option_like { "None" } else { "an Err" }
                ),
                format!(
                    "Predicted panic: {method}() on {}",
                    if option_like { "None" } else { "an Err" }
                ),
            )
        }
    };
    Some(finding)
}
