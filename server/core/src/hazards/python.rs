//! Python checks: external data read without a guard, conversions and
//! parsers that raise, division, network calls without a timeout, text
//! files without an encoding, naive datetimes, `re.match(..).group`, `next()`
//! without a default, unbounded reads, thread-shared mutation and asserts on
//! input.

use std::collections::HashMap;

use tree_sitter::Node;

use super::division::{self, Divisor};
use super::guards::{guard_word, mentions, string_contents};
use super::{Check, Finding, FnCx, Match};
use crate::scenario::FailureClass;
use crate::text::one_line;

pub(super) const CHECKS: &[(&str, Check)] = &[
    ("py.subscript", subscript),
    ("py.conversion", conversion),
    ("py.decode", decode),
    ("py.datetime-parse", datetime_parse),
    ("py.division", division),
    ("py.http-no-timeout", http_no_timeout),
    ("py.open-no-encoding", open_no_encoding),
    ("py.naive-datetime", naive_datetime),
    ("py.match-group", match_group),
    ("py.match-var-group", match_var_group),
    ("py.next-no-default", next_no_default),
    ("py.unbounded-read", unbounded_read),
    ("py.shared-mutation", shared_mutation),
    ("py.assert-input", assert_input),
];

use super::origin::Origin;

/// Parameter names that, by near-universal convention, carry data from
/// outside the program.
const EXTERNAL_PARAMETERS: &[&str] = &[
    "event",
    "payload",
    "body",
    "data",
    "message",
    "msg",
    "record",
    "row",
    "params",
    "headers",
    "query",
    "response",
    "resp",
    "request",
    "req",
    "json_data",
    "raw",
    "document",
    "doc",
    "webhook",
    "claims",
    "context_data",
    "form",
    "args_dict",
    "metadata",
];

const DECODERS: &[&str] = &[
    "json.loads",
    "json.load",
    "yaml.safe_load",
    "yaml.load",
    "tomllib.loads",
    "tomllib.load",
    "toml.loads",
    "toml.load",
    "ujson.loads",
    "orjson.loads",
    "simplejson.loads",
    "msgpack.unpackb",
    "pickle.loads",
];

/// The origin of an expression, if it reads outside data directly.
fn source_origin(cx: &FnCx, node: Node) -> Option<Origin> {
    let text = cx.text(node);
    let text = text.trim();
    match node.kind() {
        "await" => node.named_child(0).and_then(|n| source_origin(cx, n)),
        "call" => {
            let callee = node.child_by_field_name("function").map(|f| cx.text(f))?;
            if DECODERS.contains(&callee.as_str()) {
                Some(Origin::Document)
            } else if callee.ends_with(".get_json") || callee.ends_with("request.json") {
                Some(Origin::Request)
            } else if callee.ends_with(".json") {
                Some(Origin::Http)
            } else {
                None
            }
        }
        "attribute" => {
            let request_attrs = [
                "json",
                "form",
                "args",
                "values",
                "headers",
                "cookies",
                "GET",
                "POST",
                "data",
                "files",
                "query_params",
                "path_params",
                "match_info",
            ];
            if text == "os.environ" {
                Some(Origin::Environment)
            } else if text == "sys.argv" {
                Some(Origin::Argv)
            } else if let Some((object, attr)) = text.rsplit_once('.')
                && (object == "request" || object.ends_with(".request") || object == "req")
                && request_attrs.contains(&attr)
            {
                Some(Origin::Request)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Names bound to outside data in the function, in order of binding:
/// parameters by convention, and locals assigned from a source or from
/// another external name (`user = data["user"]`, `for item in data["items"]`).
fn external_names(cx: &FnCx) -> HashMap<String, Origin> {
    let mut names: HashMap<String, Origin> = HashMap::new();
    for parameter in cx.parameters() {
        if EXTERNAL_PARAMETERS.contains(&parameter.as_str()) {
            names.insert(parameter.clone(), Origin::Parameter(parameter));
        }
    }
    let Some(body) = cx.node.child_by_field_name("body") else {
        return names;
    };
    let mut stack = vec![body];
    let mut bindings: Vec<(usize, String, Node)> = Vec::new();
    while let Some(node) = stack.pop() {
        match node.kind() {
            // Nested functions are analysed on their own.
            "function_definition" | "lambda" | "class_definition" => continue,
            "assignment" => {
                if let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) && left.kind() == "identifier"
                {
                    bindings.push((node.start_byte(), cx.text(left), right));
                }
            }
            "for_statement" | "for_in_clause" => {
                if let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) && left.kind() == "identifier"
                {
                    bindings.push((node.start_byte(), cx.text(left), right));
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    bindings.sort_by_key(|(at, _, _)| *at);
    for (_, name, value) in bindings {
        if let Some(origin) = expression_origin(cx, value, &names) {
            names.insert(name, origin);
        } else {
            // Rebinding to something local ends the taint.
            names.remove(&name);
        }
    }
    names
}

/// The origin of an expression that is a source, or reads (by subscript,
/// attribute, `.get()`, `await`) from an external name.
fn expression_origin(cx: &FnCx, node: Node, names: &HashMap<String, Origin>) -> Option<Origin> {
    if let Some(origin) = source_origin(cx, node) {
        return Some(origin);
    }
    match node.kind() {
        "identifier" => names.get(&cx.text(node)).cloned(),
        "subscript" => expression_origin(cx, node.child_by_field_name("value")?, names),
        "attribute" => expression_origin(cx, node.child_by_field_name("object")?, names),
        "await" | "parenthesized_expression" => expression_origin(cx, node.named_child(0)?, names),
        "call" => {
            // `data.get("items", [])`, `payload.get("user")`
            let function = node.child_by_field_name("function")?;
            if function.kind() == "attribute"
                && function.child_by_field_name("attribute").is_some_and(|a| {
                    matches!(cx.text(a).as_str(), "get" | "pop" | "values" | "items")
                })
            {
                expression_origin(cx, function.child_by_field_name("object")?, names)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn origin_trigger(origin: &Origin, key: &str, what: &str) -> String {
    match origin {
        Origin::Http => format!(
            "the upstream API answers with an error body that has no {what} (e.g. HTTP 502 with an HTML page, or {{\"error\": \"rate limited\"}})"
        ),
        Origin::Document => format!("the decoded document has no {what}"),
        Origin::Request => format!("a client sends a request without {what}"),
        Origin::Environment => format!("the environment variable {key} is not set where this runs"),
        Origin::Argv => "the program is started without enough command-line arguments".to_owned(),
        Origin::Parameter(name) => format!("the caller passes `{name}` without {what}"),
        // Origins only the ECMAScript interpreter finds.
        _ => format!("the input has no {what}"),
    }
}

fn origin_phrase(origin: &Origin) -> &'static str {
    match origin {
        Origin::Http => "when the upstream response has no such field",
        Origin::Document => "when the document lacks it",
        Origin::Request => "when a request omits it",
        Origin::Environment => "when the variable is unset",
        Origin::Argv => "when the argument is missing",
        // Parameters, and origins only the ECMAScript interpreter finds.
        _ => "when the input lacks it",
    }
}

fn subscript(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let key = m.get("key")?;
    if key.kind() == "slice" {
        return None;
    }
    // Type subscripts (`list[int]`, `Dict[str, Any]`) are not lookups.
    if m.hazard
        .parent()
        .is_some_and(|p| p.kind() == "type" || p.kind() == "generic_type")
    {
        return None;
    }
    let names = external_names(cx);
    let origin = expression_origin(cx, object, &names)?;
    let key_text = cx.text(key);
    let object_text = cx.text(object);
    let literal = string_contents(&key_text);
    let is_index = literal.is_none() && (key.kind() == "integer" || key.kind() == "unary_operator");
    let is_list_source = matches!(origin, Origin::Argv);
    // Report the innermost unguarded lookup of a chain: it fails first.
    if object.kind() == "subscript" && subscript_flagged(object, cx, &names) {
        return None;
    }
    let errors: &[&str] = if is_index || is_list_source {
        &["IndexError", "LookupError", "KeyError", "TypeError"]
    } else {
        &["KeyError", "LookupError", "TypeError", "IndexError"]
    };
    if cx.caught(m.hazard, errors) {
        return None;
    }
    let object_word = guard_word(&object_text);
    let key_word = guard_word(&key_text);
    if is_index || is_list_source {
        if cx.guarded(m.hazard, &[&object_word]) {
            return None;
        }
    } else if cx.guarded(m.hazard, &[&object_word, &key_word])
        || cx.guarded(m.hazard, &[&key_word, "in"])
    {
        return None;
    }
    let likelihood = super::origin::weight(crate::language::Language::Python, &origin);
    let mut finding = if is_index || is_list_source {
        let what = format!("element {key_text}");
        Finding::new(
            FailureClass::IndexOutOfRange,
            likelihood,
            "IndexError",
            "IndexError: list index out of range",
            match &origin {
                Origin::Argv => origin_trigger(&origin, &key_text, &what),
                _ => format!(
                    "{} (an empty or shorter list)",
                    origin_trigger(&origin, &key_text, &what)
                ),
            },
            format!(
                "Predicted IndexError on {} {}",
                one_line(&object_text, 40),
                "when the list is shorter than expected"
            ),
        )
    } else {
        let shown = match literal {
            Some(k) => format!("'{k}'"),
            None => key_text.clone(),
        };
        let what = match literal {
            Some(k) => format!("\"{k}\""),
            None => format!("the key `{key_text}`"),
        };
        Finding::new(
            FailureClass::KeyMissing,
            likelihood,
            "KeyError",
            format!("KeyError: {shown}"),
            origin_trigger(&origin, &key_text, &what),
            format!("Predicted KeyError {shown} {}", origin_phrase(&origin)),
        )
    };
    if let Origin::Parameter(name) = &origin {
        finding = finding.input(name.clone(), if is_index { "[]" } else { "{}" });
    }
    Some(finding)
}

/// Whether `subscript` itself would be reported (for chain de-duplication).
fn subscript_flagged(subscript: Node, cx: &FnCx, names: &HashMap<String, Origin>) -> bool {
    let (Some(object), Some(key)) = (
        subscript.child_by_field_name("value"),
        subscript.child_by_field_name("subscript"),
    ) else {
        return false;
    };
    if key.kind() == "slice" || expression_origin(cx, object, names).is_none() {
        return false;
    }
    let errors = ["KeyError", "LookupError", "TypeError", "IndexError"];
    if cx.caught(subscript, &errors) {
        return false;
    }
    let object_word = guard_word(&cx.text(object));
    let key_word = guard_word(&cx.text(key));
    !cx.guarded(subscript, &[&object_word, &key_word]) && !cx.guarded(subscript, &[&key_word, "in"])
}

/// Whether `node` is a literal, a constant-looking name, or built from them.
fn is_constant(cx: &FnCx, node: Node) -> bool {
    match node.kind() {
        "integer" | "float" | "string" | "true" | "false" | "none" => true,
        "identifier" => {
            let text = cx.text(node);
            text.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }
        "unary_operator" | "parenthesized_expression" => {
            node.named_child(0).is_some_and(|n| is_constant(cx, n))
        }
        _ => false,
    }
}

fn conversion(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let arg = m.get("arg")?;
    if is_constant(cx, arg) || arg.kind() == "keyword_argument" {
        return None;
    }
    // `int(len(x))`, `int(x * 100)`, `float(a) / b`: numbers already.
    let arg_text = cx.text(arg);
    if matches!(arg.kind(), "binary_operator" | "comparison_operator")
        || [
            "len(", "round(", "time.", "sum(", "int(", "float(", "ord(", "count(", "math.",
        ]
        .iter()
        .any(|p| arg_text.starts_with(p))
    {
        return None;
    }
    let errors = [
        "ValueError",
        "TypeError",
        "InvalidOperation",
        "ArithmeticError",
    ];
    if cx.caught(m.hazard, &errors) {
        return None;
    }
    let arg_word = guard_word(&arg_text);
    if cx.guarded(m.hazard, &[&arg_word, "isdigit"])
        || cx.guarded(m.hazard, &[&arg_word, "isnumeric"])
        || cx.guarded(m.hazard, &[&arg_word, "isdecimal"])
        || cx.guarded(m.hazard, &[&arg_word, "match"])
    {
        return None;
    }
    let names = external_names(cx);
    let external = expression_origin(cx, arg, &names);
    let likelihood = if external.is_some() { 0.5 } else { 0.3 };
    let (error_type, error) = match callee.as_str() {
        "Decimal" => (
            "decimal.InvalidOperation",
            "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]".to_owned(),
        ),
        "float" => (
            "ValueError",
            "ValueError: could not convert string to float: 'N/A'".to_owned(),
        ),
        _ => (
            "ValueError",
            format!("ValueError: invalid literal for {callee}() with base 10: 'N/A'"),
        ),
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        likelihood,
        error_type,
        error,
        format!(
            "`{}` holds text that is not a number (\"N/A\", \"\", \"1,5\", \" 42 \\n\")",
            one_line(&arg_text, 40)
        ),
        format!("Predicted {error_type} in {callee}() when the text is not a number"),
    );
    if let Some(Origin::Parameter(name)) = external
        && name == arg_text
    {
        finding = finding.input(name, "'N/A'");
    } else if arg.kind() == "identifier" && cx.parameters().contains(&arg_text) {
        finding = finding.input(arg_text, "'N/A'");
    }
    Some(finding)
}

fn decode(m: &Match, cx: &FnCx) -> Option<Finding> {
    let module = cx.text(m.get("module")?);
    let errors = [
        "ValueError",
        "JSONDecodeError",
        "YAMLError",
        "TOMLDecodeError",
        "DecodeError",
        "UnicodeDecodeError",
        "TypeError",
    ];
    if cx.caught(m.hazard, &errors) {
        return None;
    }
    let (error_type, error) = match module.as_str() {
        "yaml" => (
            "yaml.YAMLError",
            "yaml.scanner.ScannerError: mapping values are not allowed here",
        ),
        "tomllib" | "toml" => (
            "tomllib.TOMLDecodeError",
            "tomllib.TOMLDecodeError: Invalid value (at line 1, column 1)",
        ),
        _ => (
            "json.JSONDecodeError",
            "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        ),
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        0.45,
        error_type,
        error,
        "the input is not valid (an empty body, an HTML error page from a proxy, or a truncated document)",
        format!(
            "Predicted {} when the input is empty or not {}",
            error_type.rsplit('.').next().unwrap_or(error_type),
            if module == "json" || module.contains("json") {
                "JSON"
            } else {
                "well-formed"
            }
        ),
    );
    if let Some(arg) = m
        .hazard
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        && arg.kind() == "identifier"
        && cx.parameters().contains(&cx.text(arg))
    {
        finding = finding.input(cx.text(arg), "'<html>502 Bad Gateway</html>'");
    }
    Some(finding)
}

fn datetime_parse(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let args = m.get("args")?;
    let first = args.named_child(0)?;
    if first.kind() == "string" {
        return None;
    }
    if cx.caught(m.hazard, &["ValueError", "TypeError"]) {
        return None;
    }
    let format = args.named_child(1).map(|f| cx.text(f));
    let (error, trigger) = match (callee.as_str(), format) {
        ("strptime", Some(format)) => (
            format!("ValueError: time data '2024-03-10T02:30:00Z' does not match format {format}"),
            "the timestamp arrives in another format (ISO-8601 with a zone suffix, epoch seconds, or an empty string)".to_owned(),
        ),
        _ => (
            "ValueError: Invalid isoformat string: '10/03/2024'".to_owned(),
            "the date arrives in a non-ISO format (\"10/03/2024\", epoch milliseconds, or an empty string)".to_owned(),
        ),
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        0.4,
        "ValueError",
        error,
        trigger,
        format!("Predicted ValueError in {callee}() when the timestamp has another format"),
    );
    if first.kind() == "identifier" && cx.parameters().contains(&cx.text(first)) {
        finding = finding.input(cx.text(first), "'10/03/2024'");
    }
    Some(finding)
}

fn division(m: &Match, cx: &FnCx) -> Option<Finding> {
    let right = m.get("right")?;
    let op = cx.text(m.get("op")?);
    // `"%s" % x` formats a string; `path / "file"` joins paths.
    if op.contains('%')
        && m.get("left")
            .is_some_and(|l| l.kind() == "string" || l.kind() == "concatenated_string")
    {
        return None;
    }
    if matches!(right.kind(), "string" | "concatenated_string") {
        return None;
    }
    // `fmt % {...}`, `template % (a, b)`, `self._fmt % token`: formatting
    // with a format string held in a variable.
    if op.contains('%') {
        let formatting_operand = matches!(right.kind(), "dictionary" | "tuple" | "list");
        let left_name = m
            .get("left")
            .map(|l| {
                cx.text(l)
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .to_lowercase()
            })
            .unwrap_or_default();
        let format_name = [
            "fmt", "format", "template", "msg", "message", "pattern", "text",
        ]
        .iter()
        .any(|w| left_name.contains(w));
        if formatting_operand || format_name {
            return None;
        }
    }
    if is_constant(cx, right) {
        let text = cx.text(right);
        let zero = text.trim_matches(['(', ')', ' ']).trim_start_matches('-');
        if zero != "0" && zero != "0.0" {
            return None;
        }
    }
    let right_text = cx.text(right);
    // `len(x)` is only zero for empty input; still worth a latent warning.
    let errors = ["ZeroDivisionError", "ArithmeticError"];
    if cx.caught(m.hazard, &errors) {
        return None;
    }
    let divisor = guard_word(&right_text);
    let inner = right_text
        .strip_prefix("len(")
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(&right_text);
    if cx.guarded(m.hazard, &[&divisor]) || cx.guarded(m.hazard, &[inner]) {
        return None;
    }
    // A denominator of `x or 1`, `max(x, 1)` is never zero.
    if right_text.contains(" or ") || right_text.starts_with("max(") {
        return None;
    }
    let params = cx.parameters();
    let input = if right.kind() == "identifier" && params.contains(&right_text) {
        Some((right_text.clone(), "0".to_owned()))
    } else if inner != right_text && params.iter().any(|p| p == inner) {
        Some((inner.to_owned(), "[]".to_owned()))
    } else {
        None
    };
    // Any divisor written `len(…)…` reads as a length in the trigger,
    // though only an exact `len(x)` names a parameter to empty.
    let collection = right_text.starts_with("len(").then(|| inner.to_owned());
    division::finding(
        cx,
        Divisor {
            op,
            text: right_text,
            collection,
            input,
        },
    )
}

/// Whether a call's argument list has a keyword argument `name`.
fn has_keyword(cx: &FnCx, args: Node, name: &str) -> bool {
    let mut cursor = args.walk();
    args.named_children(&mut cursor).any(|a| {
        (a.kind() == "keyword_argument"
            && a.child_by_field_name("name")
                .is_some_and(|n| cx.text(n) == name))
            || a.kind() == "dictionary_splat"
    })
}

fn http_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
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

fn open_no_encoding(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let args = m.get("args")?;
    if has_keyword(cx, args, "encoding") {
        return None;
    }
    if callee == "open" {
        // Binary mode needs no encoding.
        let mode = args
            .named_child(1)
            .filter(|a| a.kind() == "string")
            .map(|a| cx.text(a))
            .or_else(|| {
                let mut cursor = args.walk();
                args.named_children(&mut cursor)
                    .find(|a| {
                        a.kind() == "keyword_argument"
                            && a.child_by_field_name("name")
                                .is_some_and(|n| cx.text(n) == "mode")
                    })
                    .and_then(|a| a.child_by_field_name("value"))
                    .map(|v| cx.text(v))
            })
            .unwrap_or_default();
        if mode.contains('b') || args.named_child_count() == 0 {
            return None;
        }
        // open() that is not builtins.open (e.g. `gzip.open` is an attribute) never gets here.
    }
    if cx.caught(
        m.hazard,
        &["UnicodeDecodeError", "UnicodeError", "ValueError"],
    ) {
        return None;
    }
    Some(Finding::new(
        FailureClass::Encoding,
        0.35,
        "UnicodeDecodeError",
        "UnicodeDecodeError: 'ascii' codec can't decode byte 0xc3 in position 17: ordinal not in range(128)",
        "the process runs with a non-UTF-8 locale (LANG=C in a slim container, or cp1252 on Windows) and the file contains non-ASCII text",
        format!(
            "Predicted UnicodeDecodeError in {callee}() under a non-UTF-8 locale: no encoding is given"
        ),
    ))
}

fn naive_datetime(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = cx.text(m.get("object")?);
    let callee = cx.text(m.get("callee")?);
    let args = m.get("args")?;
    if !(object == "datetime" || object == "datetime.datetime" || object == "date") {
        return None;
    }
    if args.named_child_count() > 0 {
        return None;
    }
    let body = cx.text(cx.node);
    let aware = [
        "timezone.utc",
        "tzinfo",
        "ZoneInfo(",
        "pytz",
        "astimezone",
        "tz=",
        "UTC)",
    ]
    .iter()
    .any(|marker| body.contains(marker));
    let arithmetic = body.contains("timedelta(");
    if aware {
        Some(Finding::new(
            FailureClass::TimezoneDst,
            0.6,
            "TypeError",
            "TypeError: can't compare offset-naive and offset-aware datetimes",
            format!(
                "the naive `{object}.{callee}()` meets a timezone-aware datetime in the same comparison or subtraction"
            ),
            format!("Predicted TypeError mixing naive {object}.{callee}() with aware datetimes"),
        ))
    } else if arithmetic && callee != "utcnow" && object != "date" {
        Some(Finding::new(
            FailureClass::TimezoneDst,
            0.35,
            "ValueError",
            "wrong local time: 2024-03-31 02:30 does not exist (clocks jump from 02:00 to 03:00)",
            "local wall-clock arithmetic crosses a daylight-saving change (the last Sunday of March or October in Europe): an hour is skipped or repeated",
            format!(
                "Predicted off-by-one-hour result: naive local {object}.{callee}() arithmetic across a DST change"
            ),
        ))
    } else {
        None
    }
}

fn match_group(m: &Match, cx: &FnCx) -> Option<Finding> {
    let accessor = cx.text(m.get("accessor")?);
    let matcher = cx.text(m.get("matcher")?);
    if cx.caught(m.hazard, &["AttributeError", "TypeError"]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::NullOrNone,
        0.55,
        "AttributeError",
        format!("AttributeError: 'NoneType' object has no attribute '{accessor}'"),
        format!("the text does not match the pattern, so re.{matcher}() returns None"),
        format!(
            "Predicted AttributeError: re.{matcher}() returns None when the text does not match"
        ),
    ))
}

fn match_var_group(m: &Match, cx: &FnCx) -> Option<Finding> {
    let var = cx.text(m.get("var")?);
    let accessor = cx.text(m.get("accessor")?);
    // Only variables bound to re.match/search/fullmatch in this function.
    let body = cx.text(cx.node);
    let bound = ["match(", "search(", "fullmatch("].iter().any(|f| {
        body.lines().any(|line| {
            let line = line.trim();
            line.starts_with(&format!("{var} = ")) && line.contains(&format!("re.{f}"))
                || line.starts_with(&format!("{var} = "))
                    && line.contains(&format!(".{f}"))
                    && line.contains("re")
        })
    });
    if !bound {
        return None;
    }
    if cx.caught(m.hazard, &["AttributeError", "TypeError"]) || cx.guarded(m.hazard, &[&var]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::NullOrNone,
        0.5,
        "AttributeError",
        format!("AttributeError: 'NoneType' object has no attribute '{accessor}'"),
        format!("the text does not match, so `{var}` is None"),
        format!("Predicted AttributeError on {var}.{accessor}() when the pattern does not match"),
    ))
}

fn next_no_default(m: &Match, cx: &FnCx) -> Option<Finding> {
    if cx.caught(m.hazard, &["StopIteration"]) {
        return None;
    }
    let arg = m
        .hazard
        .child_by_field_name("arguments")
        .map(|a| match a.kind() {
            "generator_expression" => cx.text(a),
            _ => a.named_child(0).map(|n| cx.text(n)).unwrap_or_default(),
        })
        .unwrap_or_default();
    // Inside a generator, StopIteration becomes RuntimeError (PEP 479).
    Some(Finding::new(
        FailureClass::IndexOutOfRange,
        0.4,
        "StopIteration",
        "StopIteration",
        format!(
            "`{}` yields nothing (no element matches, or the input is empty)",
            one_line(&arg, 40)
        ),
        "Predicted StopIteration from next() when nothing matches: no default is given",
    ))
}

fn unbounded_read(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = cx.text(m.get("object")?);
    let args = m.get("args")?;
    if args.named_child_count() > 0 {
        return None;
    }
    let lower = object.to_lowercase();
    let external = [
        "stdin",
        "request",
        "req.",
        "resp",
        "upload",
        "stream",
        "socket",
        "sock",
        "conn",
        ".raw",
        "body",
        "urlopen",
        "files[",
        "file_storage",
        "wfile",
        "rfile",
    ]
    .iter()
    .any(|marker| lower.contains(marker));
    if !external {
        return None;
    }
    if cx.guarded(m.hazard, &["content_length"]) || cx.guarded(m.hazard, &["MAX_CONTENT_LENGTH"]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::ResourceExhaustion,
        0.35,
        "MemoryError",
        "MemoryError",
        format!(
            "a client sends a multi-gigabyte body and `{}` reads all of it into memory",
            one_line(&object, 40)
        ),
        format!(
            "Predicted MemoryError: {}.read() has no size limit",
            one_line(&object, 30)
        ),
    ))
}

/// The names a function passes to threads as targets, found in the whole file.
fn thread_targets(cx: &FnCx) -> bool {
    let name = &cx.function.name;
    let file = cx.rope.to_string();
    let patterns = [
        format!("target={name}"),
        format!("target=self.{name}"),
        format!(".submit({name}"),
        format!(".submit(self.{name}"),
        format!(".map({name}"),
        format!(".map(self.{name}"),
        format!("Thread({name}"),
        format!("start_new_thread({name}"),
    ];
    patterns.iter().any(|p| file.contains(p.as_str()))
}

fn shared_mutation(m: &Match, cx: &FnCx) -> Option<Finding> {
    let target = m.get("target")?;
    let target_text = cx.text(target);
    let root = target_text
        .split(['.', '['])
        .next()
        .unwrap_or_default()
        .to_owned();
    let body = cx.text(cx.node);
    let declared_global = body
        .lines()
        .any(|l| l.trim().starts_with("global ") && mentions(l, &root));
    let is_self = root == "self";
    let is_module_level =
        !cx.parameters().contains(&root)
            && !body.lines().any(|l| {
                let l = l.trim();
                l.starts_with(&format!("{root} =")) || l.starts_with(&format!("for {root} "))
            })
            && cx.rope.to_string().lines().any(|l| {
                l.starts_with(&format!("{root} =")) || l.starts_with(&format!("{root}: "))
            });
    if !(declared_global || is_self || is_module_level) {
        return None;
    }
    if !thread_targets(cx) {
        return None;
    }
    // Inside `with lock:` (any context manager whose name says lock).
    let mut parent = m.hazard.parent();
    while let Some(p) = parent {
        if p.kind() == "with_statement" {
            let head = cx.text(p);
            let head = head.split(':').next().unwrap_or_default().to_lowercase();
            if head.contains("lock") || head.contains("mutex") || head.contains("semaphore") {
                return None;
            }
        }
        if p.id() == cx.node.id() {
            break;
        }
        parent = p.parent();
    }
    let counter = m.hazard.kind() == "augmented_assignment";
    let (error_type, error) = if counter {
        (
            "LostUpdate",
            format!(
                "lost update: concurrent `{}` from several threads",
                one_line(&cx.text(m.hazard), 40)
            ),
        )
    } else {
        (
            "RuntimeError",
            "RuntimeError: dictionary changed size during iteration".to_owned(),
        )
    };
    Some(Finding::new(
        FailureClass::RaceCondition,
        0.45,
        error_type,
        error,
        format!(
            "two threads running {} update `{}` at the same time without a lock",
            cx.function.name,
            one_line(&target_text, 30)
        ),
        format!(
            "Predicted race on {}: mutated from several threads without a lock",
            one_line(&target_text, 30)
        ),
    ))
}

fn assert_input(m: &Match, cx: &FnCx) -> Option<Finding> {
    let text = cx.text(m.hazard);
    let params = cx.parameters();
    let param = params.iter().find(|p| mentions(&text, p))?;
    let condition = text
        .trim_start_matches("assert")
        .split(',')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let message = text
        .split_once(',')
        .map(|(_, msg)| msg.trim().trim_matches(['"', '\'']).to_owned());
    Some(Finding::new(
        FailureClass::Assertion,
        0.35,
        "AssertionError",
        match message {
            Some(msg) if !msg.is_empty() => format!("AssertionError: {msg}"),
            _ => "AssertionError".to_owned(),
        },
        format!(
            "the caller passes a `{param}` for which `{}` is false (and under `python -O` the check silently disappears)",
            one_line(&condition, 40)
        ),
        format!("Predicted AssertionError on input `{param}`: assert is used to validate input"),
    ))
}
