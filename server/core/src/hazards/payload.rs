//! Event-driven handlers: payload scenarios derived from an event schema.
//!
//! `[[handlers]]` in `failcast.toml` ties functions (a glob over function
//! ids or paths) to a JSON Schema or an OpenAPI document (plus a JSON
//! pointer to the request body's schema). A matched function's event
//! parameter is the first one; AWS Lambda handlers (Python
//! `def handler(event, context)`, TypeScript `export const handler = async
//! (event) => …` and `export async function handler(event, context)`) are
//! recognised so the platform's payload limit applies. Every field the code
//! reads from the event (subscripts, `.get`, member access, one level of
//! aliases, destructuring, `json.loads`/`JSON.parse` of an API Gateway
//! body) is looked up in the schema, and the schema says how that read can
//! break: an optional field subscripted, a nullable one dereferenced, a
//! string with a BOM or a lone surrogate, a timestamp in another format, a
//! number at its edges, an unbounded field near the payload limit. Each
//! scenario sits on the line that reads the field, like any static hazard.
//! The schema also refutes: a static missing-key or null hazard on a read
//! of a field the schema requires (all the way from the event) is dropped.

use std::collections::HashMap;

use ropey::Rope;
use serde_json::Value;
use tree_sitter::{Node, Tree};

use super::tree::descendants;
use crate::config::{Config, HandlerConfig};
use crate::functions::{Function, node_text};
use crate::hazards::Hazard;
use crate::language::Language;
use crate::scenario::{FailureClass, Kind};
use crate::text::one_line;

/// The AWS Lambda limit on a synchronous invocation's payload.
pub const LAMBDA_PAYLOAD_BYTES: u64 = 6 * 1024 * 1024;

/// How a field is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Read {
    /// `event["k"]`: raises when the key is missing (Python), or yields
    /// `undefined` (JavaScript).
    Subscript,
    /// `event.get("k")` or `event?.k`: tolerates a missing key.
    Tolerant,
    /// `event.k` (JavaScript).
    Member,
}

/// One field read: the path from the event, and where it happens.
#[derive(Clone, Debug)]
struct FieldRead {
    path: Vec<String>,
    read: Read,
    /// Byte range of the expression that reads the field.
    range: std::ops::Range<usize>,
    /// The key read from this field next, when it is dereferenced further
    /// (`event["a"]["b"]`).
    next: Option<String>,
}

/// Whether `function` looks like an AWS Lambda handler.
fn is_lambda(
    language: Language,
    function: &Function,
    node: Node,
    params: &[String],
    rope: &Rope,
) -> bool {
    match language {
        Language::Python => {
            params.len() == 2 && params[1].trim_start_matches('_').contains("context")
        }
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            let exported = {
                let mut current = Some(node);
                let mut found = false;
                while let Some(n) = current {
                    if n.kind() == "export_statement" {
                        found = true;
                        break;
                    }
                    if n.kind() == "program" {
                        break;
                    }
                    current = n.parent();
                }
                found
            };
            let header = text_between(
                rope,
                function.range.start,
                function.range.end.min(function.range.start + 200),
            );
            exported
                && (function.name == "handler"
                    || params
                        .get(1)
                        .is_some_and(|p| p.contains("context") || p == "ctx")
                    || header.contains("Handler"))
                && !params.is_empty()
        }
        _ => false,
    }
}

/// The function node (for a `const f = async (e) => …` the arrow itself).
fn function_node<'t>(tree: &'t Tree, function: &Function) -> Option<Node<'t>> {
    let node = super::function_node(tree, function)?;
    if node.child_by_field_name("parameters").is_some()
        || node.child_by_field_name("parameter").is_some()
    {
        return Some(node);
    }
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if matches!(
            n.kind(),
            "arrow_function" | "function_expression" | "function"
        ) {
            return Some(n);
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    None
}

fn string_literal(node: Node, rope: &Rope) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let text = node_text(node, rope);
    let trimmed = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let inner = trimmed
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| {
            trimmed
                .strip_prefix('\'')
                .and_then(|t| t.strip_suffix('\''))
        })?;
    (!inner.contains(['\\', '{'])).then(|| inner.to_owned())
}

/// Strips wrappers that do not change the value: parentheses, `await`,
/// TypeScript casts and non-null assertions.
fn unwrap(mut node: Node) -> Node {
    loop {
        match node.kind() {
            "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
            | "type_assertion" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => return node,
            },
            _ => return node,
        }
    }
}

/// `json.loads(x)` / `JSON.parse(x)`: the argument.
fn parsed_argument<'t>(node: Node<'t>, rope: &Rope) -> Option<Node<'t>> {
    let node = unwrap(node);
    if node.kind() != "call" && node.kind() != "call_expression" {
        return None;
    }
    let callee = node_text(node.child_by_field_name("function")?, rope);
    if !matches!(
        callee.as_str(),
        "json.loads" | "JSON.parse" | "loads" | "orjson.loads" | "ujson.loads"
    ) {
        return None;
    }
    let args = node.child_by_field_name("arguments")?;
    args.named_child(0)
}

/// One step of an access chain: the key, how it is read, and the range of
/// the expression up to and including it.
type Step = (String, Read, std::ops::Range<usize>);

/// The access chain of `node`: (root identifier, steps with how each reads).
fn chain(node: Node, rope: &Rope) -> Option<(String, Vec<Step>)> {
    let node = unwrap(node);
    match node.kind() {
        "identifier" => Some((node_text(node, rope), Vec::new())),
        "subscript" | "subscript_expression" => {
            let object = node
                .child_by_field_name("value")
                .or_else(|| node.child_by_field_name("object"))?;
            let index = node
                .child_by_field_name("subscript")
                .or_else(|| node.child_by_field_name("index"))?;
            let key = string_literal(index, rope)?;
            let (root, mut steps) = chain(object, rope)?;
            let optional = node_text(node, rope).contains("?.[");
            steps.push((
                key,
                if optional {
                    Read::Tolerant
                } else {
                    Read::Subscript
                },
                node.byte_range(),
            ));
            Some((root, steps))
        }
        "member_expression" => {
            let object = node.child_by_field_name("object")?;
            let property = node.child_by_field_name("property")?;
            let (root, mut steps) = chain(object, rope)?;
            let optional = {
                let mut cursor = node.walk();
                node.children(&mut cursor)
                    .any(|c| c.kind() == "optional_chain" || c.kind() == "?.")
            };
            steps.push((
                node_text(property, rope),
                if optional {
                    Read::Tolerant
                } else {
                    Read::Member
                },
                node.byte_range(),
            ));
            Some((root, steps))
        }
        "call" => {
            // `x.get("k")` in Python.
            let callee = node.child_by_field_name("function")?;
            if callee.kind() != "attribute"
                || node_text(callee.child_by_field_name("attribute")?, rope) != "get"
            {
                return None;
            }
            let key = string_literal(node.child_by_field_name("arguments")?.named_child(0)?, rope)?;
            let (root, mut steps) = chain(callee.child_by_field_name("object")?, rope)?;
            steps.push((key, Read::Tolerant, node.byte_range()));
            Some((root, steps))
        }
        _ => None,
    }
}

/// Every field read from `event` in the function, first occurrence first.
fn field_reads(node: Node, event: &str, rope: &Rope, schema_has_body: bool) -> Vec<FieldRead> {
    // Aliases: names bound to a path of the event (`detail = event["detail"]`,
    // `body = json.loads(event["body"])`, `const { id } = event.detail`).
    let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
    aliases.insert(event.to_owned(), Vec::new());
    let mut reads: Vec<FieldRead> = Vec::new();
    let nodes = descendants(node);
    let resolve = |aliases: &HashMap<String, Vec<String>>, value: Node| -> Option<Vec<String>> {
        let (value, parsed) = match parsed_argument(value, rope) {
            Some(arg) => (arg, true),
            None => (value, false),
        };
        let (root, steps) = chain(value, rope)?;
        let mut path = aliases.get(&root)?.clone();
        path.extend(steps.into_iter().map(|(k, _, _)| k));
        // An API Gateway body is a JSON string; the schema describes what it parses to.
        if parsed && path == ["body"] && !schema_has_body {
            path.clear();
        }
        Some(path)
    };
    for n in &nodes {
        match n.kind() {
            "assignment" | "variable_declarator" => {
                let (Some(left), Some(right)) = (
                    n.child_by_field_name("left")
                        .or_else(|| n.child_by_field_name("name")),
                    n.child_by_field_name("right")
                        .or_else(|| n.child_by_field_name("value")),
                ) else {
                    continue;
                };
                let Some(path) = resolve(&aliases, right) else {
                    continue;
                };
                match left.kind() {
                    "identifier" => {
                        aliases.insert(node_text(left, rope), path);
                    }
                    "object_pattern" => {
                        let mut cursor = left.walk();
                        for field in left.named_children(&mut cursor) {
                            let name = match field.kind() {
                                "shorthand_property_identifier_pattern" => {
                                    Some((node_text(field, rope), node_text(field, rope)))
                                }
                                "pair_pattern" => field
                                    .child_by_field_name("key")
                                    .zip(field.child_by_field_name("value"))
                                    .filter(|(_, v)| v.kind() == "identifier")
                                    .map(|(k, v)| (node_text(k, rope), node_text(v, rope))),
                                _ => None,
                            };
                            if let Some((key, local)) = name {
                                let mut field_path = path.clone();
                                field_path.push(key);
                                reads.push(FieldRead {
                                    path: field_path.clone(),
                                    read: Read::Member,
                                    range: field.byte_range(),
                                    next: None,
                                });
                                aliases.insert(local, field_path);
                            }
                        }
                    }
                    _ => {}
                }
            }
            "subscript" | "subscript_expression" | "member_expression" | "call" => {
                // Only the outermost access of a chain, so each read is seen once.
                if n.parent().is_some_and(|p| {
                    matches!(
                        p.kind(),
                        "subscript" | "subscript_expression" | "member_expression"
                    ) && p
                        .child_by_field_name("value")
                        .or_else(|| p.child_by_field_name("object"))
                        == Some(*n)
                }) {
                    continue;
                }
                let Some((root, steps)) = chain(*n, rope) else {
                    continue;
                };
                let Some(base) = aliases.get(&root) else {
                    continue;
                };
                let keys: Vec<String> = steps.iter().map(|(k, _, _)| k.clone()).collect();
                let mut path = base.clone();
                for (i, (key, read, range)) in steps.into_iter().enumerate() {
                    path.push(key);
                    reads.push(FieldRead {
                        path: path.clone(),
                        read,
                        range,
                        next: keys.get(i + 1).cloned(),
                    });
                }
            }
            _ => {}
        }
    }
    reads.sort_by_key(|r| r.range.start);
    reads
}

/// Follows local `$ref`s (`#/components/schemas/Order`).
fn resolve<'a>(document: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(pointer) => match document.pointer(pointer) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

/// A property of an object schema: (its schema, whether it is required).
fn property<'a>(document: &'a Value, node: &'a Value, key: &str) -> Option<(&'a Value, bool)> {
    let node = resolve(document, node);
    if let Some(found) = node.get("properties").and_then(|p| p.get(key)) {
        let required = node
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|k| k == key));
        return Some((resolve(document, found), required));
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        for part in node
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(found) = property(document, part, key) {
                // Required only when every alternative requires it; for
                // allOf one part requiring it is enough.
                return Some((found.0, found.1 && combinator == "allOf"));
            }
        }
    }
    None
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true)) || types(schema).contains(&"null")
}

fn is_timestamp(key: &str, schema: &Value) -> bool {
    let format = schema.get("format").and_then(Value::as_str);
    let lower = key.to_ascii_lowercase();
    matches!(format, Some("date-time" | "date"))
        || key.ends_with("At")
        || lower.ends_with("_at")
        || lower.contains("timestamp")
        || key.ends_with("Time")
        || lower.ends_with("_time")
}

/// The source line of a byte offset.
fn line_of(rope: &Rope, offset: usize) -> String {
    let line = rope.byte_to_line(offset.min(rope.len_bytes()));
    rope.line(line).to_string()
}

struct Ctx<'a> {
    language: Language,
    rope: &'a Rope,
    function: &'a Function,
    event: &'a str,
    found: Vec<Hazard>,
    guaranteed: Vec<std::ops::Range<usize>>,
}

impl Ctx<'_> {
    fn python(&self) -> bool {
        self.language == Language::Python
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        class: FailureClass,
        rule: &'static str,
        range: &std::ops::Range<usize>,
        likelihood: f32,
        trigger: String,
        error_type: &str,
        error: String,
        summary: String,
        input: String,
    ) {
        if crate::hazards::suppressed(self.rope, range.start, class) {
            return;
        }
        let subject = text_between(self.rope, range.start, range.end);
        self.found.push(Hazard {
            class,
            kind: Kind::Latent,
            rule,
            start: range.start - self.function.range.start,
            end: range.end - self.function.range.start,
            subject: one_line(&subject, 80),
            likelihood,
            trigger,
            error_type: error_type.to_owned(),
            error,
            summary,
            inputs: vec![(self.event.to_owned(), input)],
        });
    }
}

/// Payload scenarios of one function, if a `[[handlers]]` entry selects it.
pub fn handler_hazards(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    function: &Function,
    config: &Config,
) -> Payload {
    // The module's code is no handler, whatever it holds.
    if config.handlers.is_empty()
        || function.is_module()
        || !matches!(
            language,
            Language::Python | Language::TypeScript | Language::Tsx | Language::JavaScript
        )
    {
        return Payload::default();
    }
    let path = function.id.split("::").next().unwrap_or_default();
    let Some(handler) = config
        .handlers
        .iter()
        .find(|h| h.matches(&function.id, path))
    else {
        return Payload::default();
    };
    let Some(document) = handler.document.as_deref() else {
        return Payload::default();
    };
    let Some(root) = (if handler.pointer.is_empty() {
        Some(document)
    } else {
        document.pointer(&handler.pointer)
    }) else {
        return Payload::default();
    };
    let Some(node) = function_node(tree, function) else {
        return Payload::default();
    };
    let params = crate::hazards::guards::parameters(language, node, rope);
    let Some(event) = params.first() else {
        return Payload::default();
    };
    let lambda = is_lambda(language, function, node, &params, rope);
    let limit = handler
        .max_payload_bytes
        .or(lambda.then_some(LAMBDA_PAYLOAD_BYTES));
    let schema_has_body = property(document, root, "body").is_some();
    let reads = field_reads(node, event, rope, schema_has_body);
    let mut cx = Ctx {
        language,
        rope,
        function,
        event,
        found: Vec::new(),
        guaranteed: Vec::new(),
    };
    let mut seen: Vec<(Vec<String>, FailureClass)> = Vec::new();
    let mut unbounded: Option<(String, std::ops::Range<usize>)> = None;
    let mut encoding_reported = false;
    for read in &reads {
        // Walk the schema along the path; an unknown field says nothing.
        let mut schema = resolve(document, root);
        let mut required = true;
        let mut known = true;
        // Every field on the path is required and never null.
        let mut guaranteed = true;
        for key in &read.path {
            match property(document, schema, key) {
                Some((child, req)) => {
                    guaranteed &= req && !nullable(child);
                    schema = child;
                    required = req;
                }
                None => {
                    known = false;
                    break;
                }
            }
        }
        let Some(key) = read.path.last().filter(|_| known) else {
            continue;
        };
        if guaranteed {
            cx.guaranteed.push(
                read.range.start - function.range.start..read.range.end - function.range.start,
            );
        }
        let field = read.path.join(".");
        let line = line_of(rope, read.range.start);
        let mut once = |class: FailureClass| {
            if seen.iter().any(|(p, c)| *p == read.path && *c == class) {
                false
            } else {
                seen.push((read.path.clone(), class));
                true
            }
        };
        // A missing optional field, read in a way that fails.
        let missing_fails = !required
            && match (cx.python(), read.read) {
                (true, Read::Subscript) => true,
                (false, Read::Member | Read::Subscript) => read.next.is_some(),
                _ => false,
            };
        if missing_fails && once(FailureClass::KeyMissing) {
            let (class, error_type, error) = if cx.python() {
                (
                    FailureClass::KeyMissing,
                    "KeyError",
                    format!("KeyError: '{key}'"),
                )
            } else {
                (
                    FailureClass::NullOrNone,
                    "TypeError",
                    format!(
                        "TypeError: Cannot read properties of undefined (reading '{}')",
                        read.next.as_deref().unwrap_or_default()
                    ),
                )
            };
            cx.push(
                class,
                "handler.optional-field",
                &read.range,
                0.5,
                format!("an event without `{field}`, which the schema makes optional"),
                error_type,
                error,
                format!(
                    "Predicted {error_type} when the event has no {field} (optional in the schema)"
                ),
                format!("an event without {field}"),
            );
        } else if nullable(schema) && read.next.is_some() && once(FailureClass::NullOrNone) {
            let (error_type, error) = if cx.python() {
                (
                    "TypeError",
                    "TypeError: 'NoneType' object is not subscriptable".to_owned(),
                )
            } else {
                (
                    "TypeError",
                    format!(
                        "TypeError: Cannot read properties of null (reading '{}')",
                        read.next.as_deref().unwrap_or_default()
                    ),
                )
            };
            cx.push(
                FailureClass::NullOrNone,
                "handler.nullable-field",
                &read.range,
                0.4,
                format!("an event with `{field}: null`, which the schema allows"),
                error_type,
                error,
                format!("Predicted {error_type} when {field} is null (nullable in the schema)"),
                format!("{{\"{key}\": null}}"),
            );
        }
        let kinds = types(schema);
        if is_timestamp(key, schema) && once(FailureClass::TimezoneDst) {
            let parses = [
                "fromisoformat",
                "strptime",
                "isoparse",
                "Date.parse",
                "new Date",
                "parseISO",
                "dayjs(",
                "moment(",
            ]
            .iter()
            .any(|p| line.contains(p));
            if parses && cx.python() {
                cx.push(
                    FailureClass::ParseError,
                    "handler.timestamp-format",
                    &read.range,
                    0.45,
                    format!("`{field}` arrives as epoch millis (1774746000000) or with a `Z` suffix on Python < 3.11, not the ISO-8601 the code parses"),
                    "ValueError",
                    "ValueError: Invalid isoformat string: '1774746000000'".to_owned(),
                    format!("Predicted ValueError when {field} is not in the expected timestamp format"),
                    format!("{{\"{key}\": 1774746000000}}"),
                );
            } else {
                cx.push(
                    FailureClass::TimezoneDst,
                    "handler.timestamp-zone",
                    &read.range,
                    0.3,
                    format!("`{field}` arrives as ISO-8601 without a zone (2026-03-29T02:30:00, a time that does not exist in Europe that night) or as epoch millis"),
                    "wrong result",
                    format!("{field} is read in the server's local zone or as a number, so times shift by hours or land in 1970"),
                    format!("Predicted wrong time when {field} has no zone or is epoch millis"),
                    format!("{{\"{key}\": \"2026-03-29T02:30:00\"}}"),
                );
            }
        } else if kinds.contains(&"string") && !encoding_reported && once(FailureClass::Encoding) {
            // One per handler: the bad bytes arrive once, and the first
            // string field read is where they enter the code.
            encoding_reported = true;
            let (error_type, error) = if cx.python() {
                (
                    "UnicodeEncodeError",
                    "UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed".to_owned(),
                )
            } else {
                (
                    "wrong result",
                    format!(
                        "{field} keeps the BOM or lone surrogate: equality checks fail and UTF-8 encoders write U+FFFD"
                    ),
                )
            };
            cx.push(
                FailureClass::Encoding,
                "handler.string-encoding",
                &read.range,
                0.2,
                format!("`{field}` holds a byte-order mark (\\ufeff), a lone surrogate (\\ud800) or bytes that are not UTF-8"),
                error_type,
                error,
                format!("Predicted {} when {field} is not clean UTF-8", error_type.split(':').next().unwrap_or(error_type)),
                format!("{{\"{key}\": \"\\ud800\"}}"),
            );
        }
        if (kinds.contains(&"integer") || kinds.contains(&"number")) && once(FailureClass::Overflow)
        {
            let minimum = schema.get("minimum").and_then(Value::as_f64);
            let maximum = schema.get("maximum").and_then(Value::as_f64);
            let after = &line[line.find(key.as_str()).unwrap_or(0)..];
            let before = &line[..line.find(key.as_str()).unwrap_or(0)];
            let divides = before.trim_end().ends_with(['/', '%'])
                || before.contains("/ ") && !after.contains('/');
            if divides && minimum.is_none_or(|m| m <= 0.0) {
                let (error_type, error) = if cx.python() {
                    (
                        "ZeroDivisionError",
                        "ZeroDivisionError: division by zero".to_owned(),
                    )
                } else {
                    (
                        "wrong result",
                        "the division by zero gives Infinity or NaN".to_owned(),
                    )
                };
                cx.push(
                    FailureClass::DivisionByZero,
                    "handler.numeric-edge",
                    &read.range,
                    0.4,
                    format!(
                        "`{field}` is 0, which the schema allows ({})",
                        minimum.map_or("no minimum".to_owned(), |m| format!("minimum {m}"))
                    ),
                    error_type,
                    error,
                    format!("Predicted division by zero when {field} is 0"),
                    format!("{{\"{key}\": 0}}"),
                );
            } else if kinds.contains(&"integer")
                && !cx.python()
                && maximum.is_none_or(|m| m > 9_007_199_254_740_991.0)
            {
                cx.push(
                    FailureClass::Overflow,
                    "handler.numeric-edge",
                    &read.range,
                    0.25,
                    format!("`{field}` is an integer above 2^53 (9007199254740993), which the schema does not bound"),
                    "wrong result",
                    format!("JSON.parse rounds {field} to 9007199254740992"),
                    format!("Predicted lost precision when {field} exceeds 2^53"),
                    format!("{{\"{key}\": 9007199254740993}}"),
                );
            }
        }
        let unbounded_field = (kinds.contains(&"string") && schema.get("maxLength").is_none())
            || (kinds.contains(&"array") && schema.get("maxItems").is_none());
        if unbounded_field && unbounded.is_none() && !is_timestamp(key, schema) {
            unbounded = Some((field.clone(), read.range.clone()));
        }
    }
    // Oversized payloads: the first unbounded field the code reads carries
    // the platform's limit.
    if let (Some(limit), Some((field, range))) = (limit, unbounded) {
        let megabytes = limit as f64 / (1024.0 * 1024.0);
        let (error_type, error) = if cx.python() {
            ("MemoryError", "MemoryError".to_owned())
        } else {
            ("RangeError", "RangeError: Invalid string length".to_owned())
        };
        cx.push(
            FailureClass::ResourceExhaustion,
            "handler.oversized-payload",
            &range,
            0.2,
            format!(
                "an event of {megabytes:.0} MB (the {} limit) with `{field}` filling it; the schema sets no maxLength/maxItems",
                if lambda { "AWS Lambda synchronous invocation" } else { "configured" }
            ),
            error_type,
            error,
            format!("Predicted memory or time exhaustion when {field} is {megabytes:.0} MB"),
            format!("an event with {megabytes:.0} MB in {field}"),
        );
    }
    cx.found.sort_by_key(|h| (h.start, h.class));
    Payload {
        hazards: cx.found,
        guaranteed: cx.guaranteed,
    }
}

/// What the schema says about a handler.
#[derive(Default)]
pub struct Payload {
    /// Payload scenarios.
    pub hazards: Vec<Hazard>,
    /// Reads (relative to the function's start) of fields the schema
    /// requires and never makes null, all the way from the event: a static
    /// missing-key or null hazard on exactly such a read is refuted.
    pub guaranteed: Vec<std::ops::Range<usize>>,
}

impl Payload {
    /// Whether the schema refutes a static hazard.
    pub fn refutes(&self, hazard: &Hazard) -> bool {
        matches!(
            hazard.class,
            FailureClass::KeyMissing | FailureClass::NullOrNone
        ) && self
            .guaranteed
            .iter()
            .any(|r| r.start == hazard.start && r.end == hazard.end)
    }
}

impl HandlerConfig {
    /// Whether this entry selects the function (by id or by path).
    pub fn matches(&self, id: &str, path: &str) -> bool {
        self.glob
            .as_ref()
            .is_some_and(|g| g.0.is_match(id) || g.0.is_match(path))
    }
}

/// The text between two byte offsets, clamped to the rope and widened to
/// character boundaries: a cut at a fixed length may fall inside a
/// multi-byte character, where `Rope::byte_slice` panics.
fn text_between(rope: &Rope, start: usize, end: usize) -> String {
    let len = rope.len_bytes();
    let floor = |b: usize| rope.char_to_byte(rope.byte_to_char(b.min(len)));
    let start = floor(start);
    let end = floor(end).max(start);
    rope.byte_slice(start..end).to_string()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::analysis::analyze;
    use crate::calls::CallIndex;
    use crate::config::Config;
    use crate::context::Context;
    use crate::language::Language;

    /// The scenarios of a fixture under `tests/fixtures/handlers`, with
    /// that directory's `failcast.toml`: one line each, at the code line.
    fn check(relative: &str) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/handlers");
        let (config, errors) = Config::load(&root);
        assert!(errors.is_empty(), "{errors:?}");
        let text = std::fs::read_to_string(root.join(relative)).unwrap();
        let language = Language::from_path(Path::new(relative)).unwrap();
        let rope = ropey::Rope::from_str(&text);
        let tree = crate::syntax::parse_rope(language, &rope, None).unwrap();
        let calls = CallIndex::default();
        let analysis = analyze(
            relative,
            language,
            0,
            &rope,
            &tree,
            None,
            &Context::new(&config, &calls),
        );
        let mut lines = Vec::new();
        for (function, scenario) in analysis.all_scenarios() {
            let line = scenario.origin.start_line;
            let code = rope.line(line).to_string();
            lines.push((
                line,
                scenario.origin.start_col,
                format!(
                    "{}:{} {} {}[{}] {}\n    {}\n    trigger: {}\n    error: {}",
                    line + 1,
                    scenario.origin.start_col + 1,
                    function.name,
                    scenario.rule,
                    scenario.class,
                    scenario.subject,
                    code.trim(),
                    scenario.trigger,
                    scenario.error
                ),
            ));
        }
        lines.sort_by_key(|(line, col, _)| (*line, *col));
        lines
            .into_iter()
            .map(|(_, _, l)| l)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn python_lambda_with_an_openapi_request_body() {
        insta::assert_snapshot!(check("lambdas/orders.py"));
    }

    #[test]
    fn typescript_lambdas_with_a_json_schema() {
        insta::assert_snapshot!(check("lambdas/shipments.ts"));
    }

    #[test]
    fn lambda_signatures_are_recognised() {
        let recognised = |language: Language, source: &str| {
            let rope = ropey::Rope::from_str(source);
            let tree = crate::syntax::parse_rope(language, &rope, None).unwrap();
            let index = crate::functions::index_functions(language, &tree, &rope, "f");
            let function = index.defined().next().unwrap();
            let node = super::function_node(&tree, function).unwrap();
            let params = crate::hazards::guards::parameters(language, node, &rope);
            super::is_lambda(language, function, node, &params, &rope)
        };
        assert!(recognised(
            Language::Python,
            "def handler(event, context):\n    pass\n"
        ));
        assert!(recognised(
            Language::Python,
            "def on_sqs(event, _context):\n    pass\n"
        ));
        assert!(!recognised(
            Language::Python,
            "def add(a, b):\n    return a + b\n"
        ));
        assert!(recognised(
            Language::TypeScript,
            "export const handler = async (event) => {\n  return event;\n};\n"
        ));
        assert!(recognised(
            Language::TypeScript,
            "export async function handler(event, context) {\n  return event;\n}\n"
        ));
        assert!(!recognised(
            Language::TypeScript,
            "const handler = async (event) => event;\n"
        ));
    }
}
