//! Python checks: external data read without a guard, conversions and
//! parsers that raise, division, network calls without a timeout, text
//! files without an encoding, naive datetimes, `re.match(..).group`, `next()`
//! without a default, unbounded reads, thread-shared mutation, asserts on
//! input, asyncio's removed `loop` argument and `struct` formats unpacked
//! from a slice of another size.

use std::collections::HashMap;

use tree_sitter::Node;

use super::division::{self, Divisor};
use super::guards::{guard_word, mentions, string_contents};
use super::{Check, Finding, FnCx, Match};
use crate::scenario::FailureClass;
use crate::text::one_line;

use super::origin::Origin;

mod assert_input;
mod asyncio_loop;
mod conversion;
mod datetime;
mod decode;
mod http_timeout;
mod match_group;
mod next_default;
mod open_encoding;
mod shared_mutation;
mod struct_size;
mod subscript;
mod unbounded_read;
mod zero_divisor;

use assert_input::*;
use asyncio_loop::*;
use conversion::*;
use datetime::*;
use decode::*;
use http_timeout::*;
use match_group::*;
use next_default::*;
use open_encoding::*;
use shared_mutation::*;
use struct_size::*;
use subscript::*;
use unbounded_read::*;
use zero_divisor::*;

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
    ("py.asyncio-loop-argument", asyncio_loop_argument),
    ("py.struct-size", struct_size),
];

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
fn external_names<'c>(cx: &'c FnCx) -> &'c HashMap<String, Origin> {
    cx.external_names.get_or_init(|| bound_to_outside_data(cx))
}

fn bound_to_outside_data(cx: &FnCx) -> HashMap<String, Origin> {
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
