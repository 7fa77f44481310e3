//! JavaScript and TypeScript checks (one implementation for JS, TS and TSX):
//! property reads on data from outside (`JSON.parse`, `res.json()`, axios
//! responses, `req.body`, Lambda `event`, optional TS fields) and on
//! elements that may be missing (`rows[0].id`, `find()`, regex matches),
//! `JSON.parse` outside `try`, `fetch`/axios calls that can hang, `NaN`
//! from number conversions, `new Date(string)` without a zone, floating
//! promises and `Promise.all` partial failure.
//!
//! Values are followed through one function the way V8 would fail on
//! them: reading a property of external data is safe (it may give
//! `undefined`), reading a property of *that* throws. So `body.user` is
//! fine and `body.user.id` is the hazard, reported once per chain.
//! The interpreter that follows them is [`values`]; this module holds the
//! rules and how their findings read.

use std::collections::HashMap;
use std::rc::Rc;

use tree_sitter::Node;

use super::guards::string_contents;
use super::{Check, Finding, FnCx, Match};
use crate::scenario::FailureClass;
use crate::text::one_line;

pub(crate) use values::Declarations;
use values::{
    Facts, Missing, Origin, Value, code, eval, facts, guard_key, indexed_function, is_optional,
    looks_numeric, read_property, words_of,
};

mod date_parse;
mod destructure;
mod http_timeout;
mod iterate;
mod json_parse;
mod nan;
mod promises;
mod property;
#[cfg(test)]
mod tests;

use date_parse::*;
use destructure::*;
use http_timeout::*;
use iterate::*;
use json_parse::*;
use nan::*;
use promises::*;
use property::*;

mod values;

pub(super) const CHECKS: &[(&str, Check)] = &[
    ("ecma.property", property),
    ("ecma.destructure", destructure),
    ("ecma.iterate", iterate),
    ("ecma.json-parse", json_parse),
    ("ecma.fetch-no-timeout", fetch_no_timeout),
    ("ecma.axios-no-timeout", axios_no_timeout),
    ("ecma.nan", nan),
    ("ecma.date-parse", date_parse),
    ("ecma.floating-promise", floating_promise),
    ("ecma.promise-all", promise_all),
];

/// How V8 names the property it failed to read: `reading 'id'`, `reading '0'`.
fn reading_of(cx: &FnCx, access: Node) -> String {
    match access.kind() {
        "member_expression" => access
            .child_by_field_name("property")
            .map(|p| cx.text(p))
            .unwrap_or_default(),
        _ => {
            let Some(index) = access.child_by_field_name("index") else {
                return String::new();
            };
            let text = cx.text(index);
            match index.kind() {
                "string" => guard_key(&text),
                "number" => text,
                "identifier" if looks_numeric(&text) => "0".to_owned(),
                _ if text.contains(".length") => "-1".to_owned(),
                _ => text,
            }
        }
    }
}

/// Whether an enclosing `.then(cb)` callback's promise chain has a
/// `.catch(…)` or a rejection handler.
fn promise_caught(cx: &FnCx, node: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.id() == cx.node.id() {
            break;
        }
        if matches!(parent.kind(), "arrow_function" | "function_expression")
            && let Some(args) = parent.parent().filter(|a| a.kind() == "arguments")
            && let Some(call) = args.parent()
            && chain_handles_rejection(cx, call)
        {
            return true;
        }
        current = parent;
    }
    false
}

/// Whether a promise call, or any call chained onto it, handles rejection:
/// `.catch(f)` or `.then(f, onRejected)`.
fn chain_handles_rejection(cx: &FnCx, call: Node) -> bool {
    let mut call = call;
    loop {
        if let Some(function) = call.child_by_field_name("function")
            && function.kind() == "member_expression"
            && let Some(method) = function.child_by_field_name("property")
        {
            let method = cx.text(method);
            let args = call
                .child_by_field_name("arguments")
                .map_or(0, |a| a.named_child_count());
            if method == "catch" || method == "then" && args >= 2 {
                return true;
            }
        }
        // Climb to the next link: `call` is the object of `.next(…)`.
        let Some(member) = call
            .parent()
            .filter(|p| p.kind() == "member_expression")
            .filter(|p| {
                p.child_by_field_name("object")
                    .is_some_and(|o| o.id() == call.id())
            })
        else {
            return false;
        };
        let Some(next) = member.parent().filter(|p| p.kind() == "call_expression") else {
            return false;
        };
        call = next;
    }
}

/// Whether a `try` with a `catch`, or a promise chain's `.catch`, handles
/// what `node` throws.
fn handled(cx: &FnCx, node: Node) -> bool {
    cx.caught(node, &["TypeError", "Error"]) || promise_caught(cx, node)
}

/// Whether an earlier statement assigns `target` (`if (!m[k]) m[k] = []`),
/// so it is present by now.
fn assigned_before(cx: &FnCx, node: Node, target: &str) -> bool {
    let mut child = node;
    for parent in super::guards::ancestors(node, cx.node) {
        if matches!(parent.kind(), "statement_block" | "program" | "switch_case")
            && super::guards::statements_before(parent, child, None)
                .into_iter()
                .any(|statement| assigns(&cx.text(statement), target))
        {
            return true;
        }
        child = parent;
    }
    false
}

fn assigns(text: &str, target: &str) -> bool {
    let mut from = 0;
    while let Some(at) = text[from..].find(target) {
        let end = from + at + target.len();
        let rest = text[end..].trim_start();
        let before_ok = !text[..from + at]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.');
        if before_ok
            && (rest.starts_with("||=")
                || rest.starts_with("??=")
                || rest.starts_with('=') && !rest.starts_with("==") && !rest.starts_with("=>"))
        {
            return true;
        }
        from = end;
    }
    false
}

/// The expression under parentheses and type casts: `(val as any)` → `val`.
fn unwrap_casts(node: Node) -> Node {
    let mut current = node;
    while matches!(
        current.kind(),
        "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
    ) {
        let mut cursor = current.walk();
        let Some(inner) = current
            .named_children(&mut cursor)
            .find(|c| !c.kind().contains("type") && c.kind() != "comment")
        else {
            break;
        };
        current = inner;
    }
    current
}

/// A failing read: the missing value and the property V8 names.
struct Failure {
    missing: Rc<Missing>,
    reading: String,
}

/// Whether reading through `access` (a member or subscript expression)
/// throws for some input, with no guard around it.
fn access_failure(cx: &FnCx, facts: &Facts, access: Node) -> Option<Failure> {
    if !matches!(access.kind(), "member_expression" | "subscript_expression") {
        return None;
    }
    if is_optional(access) {
        return None;
    }
    let object = access.child_by_field_name("object")?;
    let Value::Missing(missing) = eval(cx, facts, object) else {
        return None;
    };
    // `a?.b.c`: when `a` is nullish the whole chain stops at `?.`, so the
    // undefined that `?.` makes never reaches `.c` (parentheses end a chain).
    if matches!(missing.origin, Origin::OptionalChain(_))
        && matches!(
            object.kind(),
            "member_expression" | "subscript_expression" | "call_expression"
        )
    {
        return None;
    }
    // Types are not values: `typeof x.y` in a type position.
    if access
        .parent()
        .is_some_and(|p| p.kind().contains("type") && p.kind() != "type_assertion")
    {
        return None;
    }
    if handled(cx, access) {
        return None;
    }
    let object_text = cx.text(object);
    let core_text = cx.text(unwrap_casts(object));
    let mut guard_sets: Vec<Vec<String>> = vec![
        vec![object_text.clone()],
        vec![core_text.clone()],
        words_of(&core_text),
    ];
    guard_sets.extend(missing.guards.iter().cloned());
    if guard_sets.iter().any(|set| {
        let words: Vec<&str> = set.iter().map(String::as_str).collect();
        cx.guarded(access, &words)
    }) {
        return None;
    }
    // `if (!m[k]) m[k] = []` fills the gap; a plain name is its own binding.
    if object.kind() != "identifier" && assigned_before(cx, access, &object_text) {
        return None;
    }
    Some(Failure {
        reading: reading_of(cx, access),
        missing,
    })
}

fn likelihood(origin: &Origin) -> f32 {
    // The ECMAScript row of the one table (JavaScript, TypeScript, TSX).
    super::origin::weight(crate::language::Language::JavaScript, origin)
}

fn class_of(origin: &Origin) -> FailureClass {
    match origin {
        Origin::Argv => FailureClass::IndexOutOfRange,
        Origin::Element { index, .. }
            if index.parse::<usize>().is_ok()
                || index.contains(".length")
                || looks_numeric(index) =>
        {
            FailureClass::IndexOutOfRange
        }
        _ => FailureClass::NullOrNone,
    }
}

/// The trigger sentence and the summary's closing phrase for a value that
/// is missing.
fn missing_story(missing: &Missing) -> (String, String) {
    let key = &missing.key;
    let container = one_line(&missing.container, 30);
    match &missing.origin {
        Origin::Http => (
            format!(
                "the upstream API answers with a body that has no `{key}` (an error payload such as {{\"error\": \"rate limited\"}}, or a changed schema)"
            ),
            format!("when the upstream response has no `{key}`"),
        ),
        Origin::Request => (
            format!("a client sends a request without `{key}`"),
            format!("when a request omits `{key}`"),
        ),
        Origin::Lambda if missing.null => (
            format!("API Gateway invokes the function with `{key}: null` (the request has none)"),
            format!("when `{key}` is null"),
        ),
        Origin::Lambda => (
            format!(
                "the function is invoked with an event that has no `{key}` (another trigger, a test event or a changed integration)"
            ),
            format!("when the event has no `{key}`"),
        ),
        Origin::Document => (
            format!("the parsed JSON has no `{key}` (in `{container}`)"),
            format!("when the JSON has no `{key}`"),
        ),
        Origin::Environment => (
            format!("the environment variable {key} is not set where this runs"),
            format!("when {key} is unset"),
        ),
        Origin::Argv => (
            "the program is started without enough command-line arguments".to_owned(),
            "when the argument is not given".to_owned(),
        ),
        Origin::Parameter(name) if container == *name => (
            format!("the caller passes `{name}` without `{key}`"),
            format!("when `{name}` has no `{key}`"),
        ),
        Origin::Parameter(name) => (
            format!("the caller passes a `{name}` whose `{container}` has no `{key}`"),
            format!("when `{container}` has no `{key}`"),
        ),
        Origin::Element { array, index } => {
            if index.parse::<usize>().is_ok_and(|i| i == 0) || index.contains(".length") {
                (
                    format!("`{}` is empty", one_line(array, 40)),
                    format!("when `{}` is empty", one_line(array, 30)),
                )
            } else if index.parse::<usize>().is_ok() {
                (
                    format!(
                        "`{}` has fewer than {} elements",
                        one_line(array, 40),
                        index.parse::<usize>().unwrap_or(0) + 1
                    ),
                    format!("when `{}` is shorter", one_line(array, 30)),
                )
            } else {
                (
                    format!("`{}` has no element at `{index}`", one_line(array, 40)),
                    format!("when `{}[{index}]` is missing", one_line(array, 30)),
                )
            }
        }
        Origin::Find { array } => (
            format!("no element of `{array}` matches, so find() returns undefined"),
            "when find() matches nothing".to_owned(),
        ),
        Origin::Regex => (
            format!("the text does not match, so `{key}` is null"),
            "when the text does not match".to_owned(),
        ),
        Origin::OptionalField { owner, field } => (
            format!("`{field}` is absent (it is declared optional in `{owner}`)"),
            format!("when optional `{field}` is absent"),
        ),
        Origin::OptionalParam(name) => (
            format!("the caller omits the optional parameter `{name}`"),
            format!("when `{name}` is omitted"),
        ),
        Origin::OptionalChain(text) => (
            format!("`{text}` short-circuits to undefined"),
            format!("when `{text}` is undefined"),
        ),
    }
}

/// The parameter value that triggers a missing value, for generated tests.
fn missing_input(cx: &FnCx, missing: &Missing) -> Option<(String, String)> {
    let params = cx.parameters();
    // Only a value read straight off the parameter has an obvious literal;
    // `line.price` inside `payload.lines` would need a deeper one.
    let direct = |name: &str| missing.container == name;
    match &missing.origin {
        Origin::Parameter(name) if direct(name) => Some((name.clone(), "{}".to_owned())),
        Origin::Lambda if params.iter().any(|p| p == "event") && direct("event") => {
            let value = if missing.null {
                format!("{{ {}: null }}", missing.key)
            } else {
                "{}".to_owned()
            };
            Some(("event".to_owned(), value))
        }
        Origin::Request => params
            .iter()
            .find(|p| (*p == "req" || *p == "request") && missing.container.starts_with(p.as_str()))
            .map(|p| {
                (
                    p.clone(),
                    "{ body: {}, query: {}, params: {}, headers: {} }".to_owned(),
                )
            }),
        Origin::OptionalParam(name) if params.contains(name) => {
            Some((name.clone(), "undefined".to_owned()))
        }
        Origin::Element { array, .. } | Origin::Find { array } if params.contains(array) => {
            Some((array.clone(), "[]".to_owned()))
        }
        _ => None,
    }
}

fn missing_finding(cx: &FnCx, missing: &Missing, error: String, summary_head: &str) -> Finding {
    let (trigger, phrase) = missing_story(missing);
    let mut finding = Finding::new(
        class_of(&missing.origin),
        likelihood(&missing.origin),
        "TypeError",
        error,
        trigger,
        format!("Predicted {summary_head} {phrase}"),
    );
    if let Some((param, value)) = missing_input(cx, missing) {
        finding = finding.input(param, value);
    }
    finding
}

fn guard_word_of(text: &str) -> String {
    string_contents(text).unwrap_or(text).trim().to_owned()
}
