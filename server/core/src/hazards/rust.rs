//! Rust checks: `unwrap`/`expect` (classified by what they unwrap: a parse,
//! a UTF-8 decode, a poisoned lock, an env var, a clock), indexing and
//! slicing, length arithmetic that underflows, truncating casts, integer
//! division, blocking calls inside `async fn`, HTTP clients without a
//! timeout, and `panic!`/`todo!`.

use std::collections::HashMap;

use tree_sitter::Node;

use super::division::{self, Divisor};
use super::guards::{mentions, string_contents};
use super::{Check, Finding, FnCx, Match};
use crate::scenario::FailureClass;
use crate::text::one_line;

pub(super) const CHECKS: &[(&str, Check)] = &[
    ("rs.unwrap", unwrap),
    ("rs.index", index),
    ("rs.subtract", subtract),
    ("rs.truncating-cast", truncating_cast),
    ("rs.division", division),
    ("rs.blocking-in-async", blocking_in_async),
    ("rs.http-no-timeout", http_no_timeout),
    ("rs.panic", panic),
];

const INTEGERS: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
];

/// Parameter names and their types as written.
fn parameter_types(cx: &FnCx) -> HashMap<String, String> {
    let mut types = HashMap::new();
    let Some(params) = cx.node.child_by_field_name("parameters") else {
        return types;
    };
    let mut cursor = params.walk();
    for param in params.named_children(&mut cursor) {
        if let (Some(pattern), Some(ty)) = (
            param.child_by_field_name("pattern"),
            param.child_by_field_name("type"),
        ) {
            let name = cx.text(pattern).trim_start_matches("mut ").to_owned();
            types.insert(name, cx.text(ty));
        }
    }
    types
}

fn is_literal(node: Node) -> bool {
    matches!(
        node.kind(),
        "integer_literal"
            | "float_literal"
            | "string_literal"
            | "raw_string_literal"
            | "char_literal"
            | "boolean_literal"
    )
}

/// Whether a call's outcome is fixed at compile time: a method on a literal
/// (`"42".parse::<u32>()`) or a pure constructor with literal arguments
/// (`Regex::new(r"\d+")`, `Url::parse("https://…")`).
fn constant_call(cx: &FnCx, call: Node) -> bool {
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
fn call_name(cx: &FnCx, node: Node) -> Option<String> {
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

fn unwrap(m: &Match, cx: &FnCx) -> Option<Finding> {
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
        "get" | "get_mut" | "first" | "last" | "next" | "pop" | "nth" | "max" | "min" | "find"
        | "position" | "peek" | "iter().next" => {
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

fn index(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let index = m.get("index")?;
    let object_text = cx.text(object);
    let index_text = cx.text(index);
    // Arrays of known size indexed by a constant are checked by the compiler.
    if object.kind() == "array_expression" {
        return None;
    }
    let is_range = index.kind() == "range_expression";
    let key = string_contents(&index_text);
    // Guards: a condition, loop header or assertion that mentions the object
    // (`if i < v.len()`, `for i in 0..v.len()`, `assert!(!v.is_empty())`).
    if cx.guarded(m.hazard, &[&object_text]) {
        return None;
    }
    let index_root = index_text
        .trim_start_matches(['&', '*'])
        .split(['.', '[', ' '])
        .next()
        .unwrap_or_default()
        .to_owned();
    if !is_range && key.is_none() && index.kind() != "integer_literal" {
        // A bounded index variable: `while i < n` where n came from the object.
        if cx.guarded(m.hazard, &[&index_root, "len()"]) {
            return None;
        }
    }
    let subject = one_line(&object_text, 30);
    if let Some(key) = key {
        return Some(Finding::new(
            FailureClass::KeyMissing,
            0.45,
            "panic",
            format!("key not found: \"{key}\""),
            format!("`{subject}` has no entry \"{key}\""),
            format!("Predicted panic indexing {subject}[\"{key}\"]: the key may be missing"),
        ));
    }
    if is_range {
        // Slicing a string at a byte index that is not a char boundary.
        let stringy = [
            "str", "name", "text", "line", "s", "label", "title", "input", "message", "msg",
        ]
        .iter()
        .any(|w| {
            object_text == *w
                || object_text.ends_with(&format!(".{w}"))
                || object_text.ends_with(&format!("_{w}"))
        });
        if stringy {
            return Some(Finding::new(
                FailureClass::Encoding,
                0.35,
                "panic",
                format!(
                    "byte index 3 is not a char boundary; it is inside 'é' (bytes 2..4) of `{subject}`"
                ),
                format!(
                    "`{subject}` contains a multi-byte character (é, 😀, 漢) where the slice cuts it"
                ),
                format!(
                    "Predicted panic slicing {subject}[{}]: not a char boundary for non-ASCII text",
                    one_line(&index_text, 20)
                ),
            ));
        }
        return Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.35,
            "panic",
            "range end index 8 out of range for slice of length 3".to_owned(),
            format!(
                "`{subject}` is shorter than the range {}",
                one_line(&index_text, 20)
            ),
            format!(
                "Predicted panic slicing {subject}[{}] when it is too short",
                one_line(&index_text, 20)
            ),
        ));
    }
    let constant = index.kind() == "integer_literal";
    let position = if constant {
        index_text.clone()
    } else {
        "3".to_owned()
    };
    let mut finding = Finding::new(
        FailureClass::IndexOutOfRange,
        if constant { 0.4 } else { 0.3 },
        "panic",
        format!(
            "index out of bounds: the len is {} but the index is {position}",
            if constant {
                "0".to_owned()
            } else {
                position.clone()
            }
        ),
        if constant {
            format!(
                "`{subject}` is empty (or has fewer than {} elements)",
                index_text.parse::<usize>().map_or(1, |n| n + 1)
            )
        } else {
            format!(
                "`{}` is not less than `{subject}.len()`",
                one_line(&index_text, 20)
            )
        },
        format!(
            "Predicted panic: index {} out of bounds for {subject}",
            one_line(&index_text, 20)
        ),
    );
    if parameter_types(cx).contains_key(&object_text) {
        finding = finding.input(object_text, "vec![]");
    }
    Some(finding)
}

fn is_length(text: &str) -> bool {
    ["len()", "count()", "capacity()", "chars().count()"]
        .iter()
        .any(|m| text.ends_with(m))
}

fn subtract(m: &Match, cx: &FnCx) -> Option<Finding> {
    let left = cx.text(m.get("left")?);
    let right_node = m.get("right")?;
    let right = cx.text(right_node);
    // Only subtractions from a length: they underflow on empty input, and
    // lengths are unsigned.
    if !is_length(&left) {
        return None;
    }
    let object = left
        .rsplit_once('.')
        .map_or(left.as_str(), |(o, _)| o)
        .to_owned();
    if cx.guarded(m.hazard, &[&object]) || cx.guarded(m.hazard, &[&right]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::Overflow,
        0.35,
        "panic",
        "attempt to subtract with overflow",
        format!(
            "`{}` is empty, so `{left} - {right}` goes below zero (a panic in debug builds, a huge wrapped value in release)",
            one_line(&object, 30)
        ),
        format!(
            "Predicted underflow: {} - {} when {} is empty",
            one_line(&left, 30),
            one_line(&right, 10),
            one_line(&object, 20)
        ),
    ))
}

fn truncating_cast(m: &Match, cx: &FnCx) -> Option<Finding> {
    let value = m.get("value")?;
    let ty = cx.text(m.get("type")?);
    if is_literal(value) {
        return None;
    }
    let text = cx.text(value);
    let wide = is_length(&text)
        || [
            "as_millis()",
            "as_micros()",
            "as_nanos()",
            "as_secs()",
            "timestamp",
            "len",
        ]
        .iter()
        .any(|w| text.contains(w))
        || parameter_types(cx).get(&text).is_some_and(|t| {
            matches!(
                t.as_str(),
                "u64" | "i64" | "usize" | "u128" | "i128" | "isize"
            )
        });
    if !wide {
        return None;
    }
    if cx.guarded(m.hazard, &[&text]) {
        return None;
    }
    let max = match ty.as_str() {
        "u8" => "255",
        "i8" => "127",
        "u16" => "65535",
        "i16" => "32767",
        "u32" => "4294967295",
        _ => "2147483647",
    };
    Some(Finding::new(
        FailureClass::Overflow,
        0.3,
        "truncation",
        format!(
            "silent truncation: `{} as {ty}` wraps past {max}",
            one_line(&text, 30)
        ),
        format!(
            "`{}` exceeds {max} (a large upload, a long uptime in milliseconds)",
            one_line(&text, 30)
        ),
        format!(
            "Predicted silent truncation: {} as {ty} wraps past {max}",
            one_line(&text, 30)
        ),
    ))
}

fn division(m: &Match, cx: &FnCx) -> Option<Finding> {
    let right = m.get("right")?;
    let op = cx.text(m.get("op")?);
    let right_text = cx.text(right);
    if is_literal(right) {
        let zero = right_text.trim_end_matches(|c: char| c.is_alphabetic() || c == '_');
        if zero != "0" {
            return None;
        }
    }
    let types = parameter_types(cx);
    // `values.len() as u64` divides by a length; look through the cast.
    let uncast = right_text
        .split(" as ")
        .next()
        .unwrap_or(&right_text)
        .trim()
        .to_owned();
    let integer = is_length(&uncast)
        || INTEGERS
            .iter()
            .any(|t| right_text.ends_with(&format!("as {t}")))
        || types
            .get(&right_text)
            .is_some_and(|t| INTEGERS.contains(&t.as_str()));
    if !integer {
        return None;
    }
    let length = is_length(&uncast);
    let object = if length {
        uncast
            .rsplit_once('.')
            .map_or(uncast.clone(), |(o, _)| o.to_owned())
    } else {
        uncast.clone()
    };
    if cx.guarded(m.hazard, &[&object])
        || cx.guarded(m.hazard, &[&uncast])
        || right_text.contains(".max(")
    {
        return None;
    }
    let input = types
        .contains_key(&object)
        .then(|| (object.clone(), if length { "&[]" } else { "0" }.to_owned()));
    division::finding(
        cx,
        Divisor {
            op,
            text: uncast,
            collection: length.then_some(object),
            input,
        },
    )
}

fn blocking_in_async(m: &Match, cx: &FnCx) -> Option<Finding> {
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
    let body = cx.rope.to_string();
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

fn http_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let file = cx.rope.to_string();
    if callee.ends_with(".build") {
        // `reqwest::Client::builder()….build()` without `.timeout(`.
        let chain = cx.text(m.hazard);
        let is_http = chain.contains("Client::builder()")
            && (file.contains("reqwest") || file.contains("ureq"));
        if !is_http || chain.contains(".timeout(") || chain.contains("timeout_") {
            return None;
        }
    } else if callee == "Client::new" && !file.contains("reqwest") {
        return None;
    }
    let statement = super::guards::statement_of(cx.language, m.hazard);
    let statement_text = cx.text(statement);
    if statement_text.contains(".timeout(") || statement_text.contains("timeout_") {
        return None;
    }
    if mentions(&file, "timeout") && callee.starts_with("ureq") && file.contains("AgentBuilder") {
        return None;
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.5,
        "hang",
        "request never completes: reqwest has no timeout by default",
        "the server accepts the connection but never answers (a stalled upstream, a half-open TCP connection after a network partition)",
        if callee.ends_with(".build") {
            "Predicted hang: Client::builder()…build() sets no timeout".to_owned()
        } else {
            format!("Predicted hang: {}() has no timeout", one_line(&callee, 30))
        },
    ))
}

fn panic(m: &Match, cx: &FnCx) -> Option<Finding> {
    let name = cx.text(m.get("name")?);
    let text = cx.text(m.hazard);
    let message = text
        .split_once('(')
        .map(|(_, rest)| rest.trim_end_matches(')').trim().to_owned())
        .and_then(|args| {
            string_contents(args.split(',').next().unwrap_or_default()).map(str::to_owned)
        })
        .unwrap_or_default();
    match name.as_str() {
        "todo" | "unimplemented" => Some(
            Finding::new(
                FailureClass::Other,
                0.9,
                "panic",
                if name == "todo" {
                    format!(
                        "not yet implemented{}",
                        if message.is_empty() {
                            String::new()
                        } else {
                            format!(": {message}")
                        }
                    )
                } else {
                    format!(
                        "not implemented{}",
                        if message.is_empty() {
                            String::new()
                        } else {
                            format!(": {message}")
                        }
                    )
                },
                format!(
                    "any call that reaches `{}` in {}",
                    one_line(&text, 30),
                    cx.function.name
                ),
                format!("Predicted panic: {name}!() is reached in production"),
            )
            .manifest(),
        ),
        "unreachable" => Some(Finding::new(
            FailureClass::Assertion,
            0.15,
            "panic",
            format!(
                "internal error: entered unreachable code{}",
                if message.is_empty() {
                    String::new()
                } else {
                    format!(": {message}")
                }
            ),
            "an input the code assumed impossible arrives (a new enum variant from a newer client, a state the invariant missed)",
            "Predicted panic: unreachable!() is reached by an unexpected input",
        )),
        _ => Some(Finding::new(
            FailureClass::Assertion,
            0.3,
            "panic",
            if message.is_empty() {
                "explicit panic".to_owned()
            } else {
                message.clone()
            },
            "the condition that leads to this panic! occurs in production",
            format!(
                "Predicted panic: {}",
                if message.is_empty() {
                    "explicit panic!".to_owned()
                } else {
                    one_line(&message, 50)
                }
            ),
        )),
    }
}
