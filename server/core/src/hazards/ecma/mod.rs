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

mod values;

use values::{
    Facts, Missing, Origin, Value, code, eval, facts, guard_key, indexed_function, is_optional,
    looks_numeric, read_property, words_of,
};

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
    while let Some(parent) = child.parent() {
        if matches!(parent.kind(), "statement_block" | "program" | "switch_case") {
            let mut sibling = child.prev_named_sibling();
            while let Some(statement) = sibling {
                if assigns(&cx.text(statement), target) {
                    return true;
                }
                sibling = statement.prev_named_sibling();
            }
        }
        if parent.id() == cx.node.id() {
            break;
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

fn property(m: &Match, cx: &FnCx) -> Option<Finding> {
    // Cheap exits first: this pattern matches every property read.
    let object = m.get("object")?;
    if matches!(
        object.kind(),
        "this" | "super" | "string" | "template_string" | "number"
    ) {
        return None;
    }
    let facts = facts(cx);
    let failure = access_failure(cx, &facts, m.hazard)?;
    // Report the innermost failing read of a chain: it throws first.
    if access_failure(cx, &facts, object).is_some() {
        return None;
    }
    let missing = &failure.missing;
    let key = (missing.container.clone(), missing.key.clone());
    if first_failure(cx, &facts, &key) != Some(m.hazard.id()) {
        return None;
    }
    let nothing = if missing.null { "null" } else { "undefined" };
    let reading = &failure.reading;
    let assigned = m.hazard.parent().is_some_and(|p| {
        p.kind() == "assignment_expression"
            && p.child_by_field_name("left")
                .is_some_and(|l| l.id() == m.hazard.id())
    });
    let (error, head) = if assigned {
        (
            format!("TypeError: Cannot set properties of {nothing} (setting '{reading}')"),
            format!("TypeError setting '{reading}'"),
        )
    } else {
        (
            format!("TypeError: Cannot read properties of {nothing} (reading '{reading}')"),
            format!("TypeError reading '{reading}'"),
        )
    };
    Some(missing_finding(cx, missing, error, &head))
}

/// The node of the first read that fails on the missing value `key`.
fn first_failure(cx: &FnCx, facts: &Facts, key: &(String, String)) -> Option<usize> {
    if facts.first_failures.borrow().is_none() {
        let mut first: HashMap<(String, String), (usize, usize, usize)> = HashMap::new();
        let mut stack = vec![cx.node];
        while let Some(node) = stack.pop() {
            if indexed_function(cx, node) || matches!(node.kind(), "class_declaration" | "class") {
                continue;
            }
            if matches!(node.kind(), "member_expression" | "subscript_expression")
                && let Some(failure) = access_failure(cx, facts, node)
            {
                let order = (node.start_byte(), node.end_byte(), node.id());
                first
                    .entry((
                        failure.missing.container.clone(),
                        failure.missing.key.clone(),
                    ))
                    .and_modify(|seen| *seen = (*seen).min(order))
                    .or_insert(order);
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        let ids = first.into_iter().map(|(k, (_, _, id))| (k, id)).collect();
        *facts.first_failures.borrow_mut() = Some(ids);
    }
    facts
        .first_failures
        .borrow()
        .as_ref()
        .and_then(|map| map.get(key).copied())
}

fn destructure(m: &Match, cx: &FnCx) -> Option<Finding> {
    let value = m.get("object")?;
    let pattern = m.get("pattern")?;
    let facts = facts(cx);
    let evaluated = eval(cx, &facts, value);
    let value_text = cx.text(value);
    if handled(cx, m.hazard) {
        return None;
    }
    if let Value::Missing(missing) = &evaluated {
        // `const { id } = body.user`
        let first = first_pattern_key(cx, pattern)?;
        let mut sets: Vec<Vec<String>> = vec![vec![value_text.clone()], words_of(&value_text)];
        sets.extend(missing.guards.iter().cloned());
        if sets.iter().any(|set| {
            let words: Vec<&str> = set.iter().map(String::as_str).collect();
            cx.guarded(m.hazard, &words)
        }) {
            return None;
        }
        let nothing = if missing.null { "null" } else { "undefined" };
        let finding = missing_finding(
            cx,
            missing,
            format!(
                "TypeError: Cannot destructure property '{first}' of '{}' as it is {nothing}.",
                one_line(&value_text, 40)
            ),
            &format!("TypeError destructuring '{first}'"),
        );
        return Some(finding.at(value.byte_range()));
    }
    // `const { user: { id } } = body`: the nested pattern reads from a
    // property that may be missing.
    evaluated.external()?;
    let mut cursor = pattern.walk();
    for part in pattern.named_children(&mut cursor) {
        if part.kind() != "pair_pattern" {
            continue;
        }
        let (Some(key), Some(inner)) = (
            part.child_by_field_name("key"),
            part.child_by_field_name("value"),
        ) else {
            continue;
        };
        if inner.kind() != "object_pattern" {
            continue;
        }
        let key = guard_key(&cx.text(key));
        let path = format!("{value_text}.{key}");
        let Value::Missing(missing) = read_property(&evaluated, &key, &value_text) else {
            continue;
        };
        let inner_key = first_pattern_key(cx, inner)?;
        let words: Vec<String> = words_of(&path);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        if cx.guarded(m.hazard, &words) {
            return None;
        }
        let nothing = if missing.null { "null" } else { "undefined" };
        let finding = missing_finding(
            cx,
            &missing,
            format!("TypeError: Cannot read properties of {nothing} (reading '{inner_key}')"),
            &format!("TypeError reading '{inner_key}'"),
        );
        return Some(finding.at(part.byte_range()));
    }
    None
}

/// The first property a destructuring pattern reads.
fn first_pattern_key(cx: &FnCx, pattern: Node) -> Option<String> {
    let mut cursor = pattern.walk();
    let first = pattern.named_children(&mut cursor).find(|p| {
        matches!(
            p.kind(),
            "shorthand_property_identifier_pattern" | "pair_pattern" | "object_assignment_pattern"
        )
    })?;
    let key = match first.kind() {
        "pair_pattern" => first.child_by_field_name("key")?,
        "object_assignment_pattern" => first.child_by_field_name("left")?,
        _ => first,
    };
    Some(guard_key(&cx.text(key)))
}

fn iterate(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    if !matches!(
        object.kind(),
        "member_expression" | "subscript_expression" | "identifier"
    ) {
        return None;
    }
    let facts = facts(cx);
    let Value::Missing(missing) = eval(cx, &facts, object) else {
        return None;
    };
    // A failing read inside the iterable is reported on its own.
    if access_failure(cx, &facts, object).is_some() {
        return None;
    }
    if handled(cx, m.hazard) {
        return None;
    }
    let text = cx.text(object);
    let mut sets: Vec<Vec<String>> = vec![vec![text.clone()], words_of(&text)];
    sets.extend(missing.guards.iter().cloned());
    if sets.iter().any(|set| {
        let words: Vec<&str> = set.iter().map(String::as_str).collect();
        cx.guarded(object, &words)
    }) {
        return None;
    }
    let for_of = m.hazard.kind() == "for_in_statement";
    let (error, head) = if for_of {
        (
            format!("TypeError: {} is not iterable", one_line(&text, 60)),
            format!("TypeError: {} is not iterable", one_line(&text, 30)),
        )
    } else {
        (
            "TypeError: Cannot convert undefined or null to object".to_owned(),
            format!(
                "TypeError in {}()",
                m.get("callee")
                    .map(|c| format!("Object.{}", cx.text(c)))
                    .unwrap_or_default()
            ),
        )
    };
    Some(missing_finding(cx, &missing, error, &head).at(object.byte_range()))
}

fn json_parse(m: &Match, cx: &FnCx) -> Option<Finding> {
    let arg = m.get("arg")?;
    let arg_text = cx.text(arg);
    // Constants and round-trips (`JSON.parse(JSON.stringify(x))`) are known JSON.
    if matches!(arg.kind(), "string" | "number" | "true" | "false" | "null")
        || arg.kind() == "template_string" && !arg_text.contains("${")
        || arg_text.starts_with("JSON.stringify(")
    {
        return None;
    }
    if handled(cx, m.hazard) {
        return None;
    }
    let facts = facts(cx);
    if facts.serialized.contains(&arg_text) {
        return None;
    }
    let origin = eval(cx, &facts, arg);
    let (error, trigger, summary, likelihood) = if arg_text.contains("process.env") {
        (
            "SyntaxError: \"undefined\" is not valid JSON",
            format!(
                "the environment variable in `{}` is not set (JSON.parse(undefined)) or holds plain text",
                one_line(&arg_text, 40)
            ),
            "Predicted SyntaxError in JSON.parse() when the variable is unset or not JSON",
            0.45,
        )
    } else if arg_text.contains("readFileSync") || arg_text.contains("readFile(") {
        (
            "SyntaxError: Unexpected end of JSON input",
            format!(
                "the file read by `{}` is empty or truncated (a partial write, a crash mid-save)",
                one_line(&arg_text, 40)
            ),
            "Predicted SyntaxError in JSON.parse() when the file is empty or truncated",
            0.3,
        )
    } else {
        let source = match origin.external() {
            Some(Origin::Request | Origin::Lambda) => "a client sends a body that is not JSON",
            _ => "the text is not JSON",
        };
        (
            "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
            format!(
                "{source}: `{}` holds an HTML error page from a proxy (\"<!DOCTYPE html>…502 Bad Gateway\"), an empty string or a truncated document",
                one_line(&arg_text, 40)
            ),
            "Predicted SyntaxError in JSON.parse() when the input is not JSON (an HTML error page, an empty body)",
            0.45,
        )
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        likelihood,
        "SyntaxError",
        error,
        trigger,
        summary,
    );
    if arg.kind() == "identifier" && cx.parameters().contains(&arg_text) {
        finding = finding.input(
            arg_text,
            "'<!DOCTYPE html><html><body>502 Bad Gateway</body></html>'",
        );
    }
    Some(finding)
}

/// Whether an options object passes `key` (or may, through a spread or a
/// variable the function cannot see into).
fn options_have(cx: &FnCx, options: Node, key: &str) -> bool {
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

fn fetch_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
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

fn axios_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
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
    let file = cx.rope.to_string();
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

/// Whether an expression is already a number (`x.length`, `Date.now()`,
/// `a * b`) or a constant.
fn numeric_already(cx: &FnCx, node: Node) -> bool {
    let text = cx.text(node);
    match node.kind() {
        "number" | "string" | "true" | "false" | "null" | "undefined" => true,
        "template_string" => !text.contains("${"),
        "binary_expression" => !text.contains('+') || text.contains(" - "),
        "unary_expression" => true,
        "identifier" => text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()),
        _ => {
            text.ends_with(".length")
                || text.ends_with(".size")
                || text.starts_with("Math.")
                || text.starts_with("Date.now")
                || text.ends_with(".getTime()")
                || text.ends_with(".valueOf()")
                || text.contains(".toFixed(")
        }
    }
}

/// The arithmetic or comparison a value flows into, with the name that
/// receives the result when there is one.
fn arithmetic_use<'t>(cx: &FnCx, node: Node<'t>) -> Option<(Node<'t>, String)> {
    let mut child = node;
    while let Some(parent) = child.parent() {
        match parent.kind() {
            "parenthesized_expression" | "as_expression" | "non_null_expression" => {
                child = parent;
            }
            "binary_expression" => {
                let op = parent
                    .child_by_field_name("operator")
                    .map(|o| cx.text(o))
                    .unwrap_or_default();
                // `parseInt(x) || 0` turns NaN into a default.
                if op == "||" {
                    return None;
                }
                if matches!(
                    op.as_str(),
                    "+" | "-" | "*" | "/" | "%" | "**" | "<" | ">" | "<=" | ">="
                ) {
                    return Some((parent, receiver_of(cx, parent)));
                }
                return None;
            }
            "augmented_assignment_expression" => {
                let target = parent
                    .child_by_field_name("left")
                    .map(|l| cx.text(l))
                    .unwrap_or_default();
                return Some((parent, target));
            }
            _ => return None,
        }
    }
    None
}

/// The variable an arithmetic expression's result goes to.
fn receiver_of(cx: &FnCx, expression: Node) -> String {
    let mut current = expression;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "variable_declarator" => {
                return parent
                    .child_by_field_name("name")
                    .map(|n| cx.text(n))
                    .unwrap_or_default();
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                return parent
                    .child_by_field_name("left")
                    .map(|n| cx.text(n))
                    .unwrap_or_default();
            }
            "return_statement" => return "return".to_owned(),
            "binary_expression" | "parenthesized_expression" => current = parent,
            _ => break,
        }
    }
    String::new()
}

fn nan(m: &Match, cx: &FnCx) -> Option<Finding> {
    let arg = m.get("arg")?;
    let callee = cx.text(m.get("callee")?);
    if numeric_already(cx, arg) {
        return None;
    }
    let arg_text = cx.text(arg);
    // A regex group (`Number(m[1])`) holds the digits the pattern matched.
    let facts = facts(cx);
    if arg.kind() == "subscript_expression"
        && let Some(object) = arg.child_by_field_name("object")
        && let Value::Missing(missing) = eval(cx, &facts, object)
        && missing.origin == Origin::Regex
    {
        return None;
    }
    // Booleans and numbers convert cleanly; so do Node's own version
    // strings and the groups a `.replace(re, fn)` callback receives.
    if facts.numeric.contains(&arg_text)
        || arg_text.contains("process.version")
        || in_replace_callback(cx, m.hazard)
    {
        return None;
    }
    // Where the NaN goes: straight into arithmetic, or into a variable that
    // arithmetic later reads.
    let mut value_node = m.hazard;
    while let Some(parent) = value_node
        .parent()
        .filter(|p| matches!(p.kind(), "parenthesized_expression" | "as_expression"))
    {
        value_node = parent;
    }
    let parent = value_node.parent()?;
    let (use_site, target, variable) = if parent.kind() == "variable_declarator" {
        let name = parent
            .child_by_field_name("name")
            .filter(|n| n.kind() == "identifier")
            .map(|n| cx.text(n))?;
        let (site, target) = variable_arithmetic(cx, parent, &name)?;
        (site, target, Some(name))
    } else {
        let (site, target) = arithmetic_use(cx, m.hazard)?;
        (site, target, None)
    };
    let arg_word = guard_word_of(&arg_text);
    let checks = ["isNaN", "isFinite", "isInteger", "isSafeInteger"];
    for check in checks {
        if cx.guarded(use_site, &[&arg_word, check])
            || variable
                .as_deref()
                .is_some_and(|v| cx.guarded(use_site, &[v, check]))
        {
            return None;
        }
    }
    // A check of the result (`if (Number.isNaN(total))`) catches it too.
    let body = cx.text(cx.node);
    let result_checked = !target.is_empty()
        && target != "return"
        && ["isNaN(", "isFinite(", "isInteger("]
            .iter()
            .any(|check| body.contains(&format!("{check}{target})")));
    if result_checked {
        return None;
    }
    // An earlier validation of the text (`/^\d+$/.test(qty)`) or any early
    // exit on the variable (`if (!(qty > 0)) return`) counts.
    if cx.guarded(use_site, &[&arg_word, "test"])
        || variable
            .as_deref()
            .is_some_and(|v| cx.guarded(use_site, &[v]))
    {
        return None;
    }
    let external = eval(cx, &facts, arg).external().is_some()
        || arg_text.contains("req.")
        || arg_text.contains("process.env")
        || arg_text.contains("query")
        || arg_text.contains("params")
        || arg_text.contains(".value");
    let parameter = arg.kind() == "identifier" && cx.parameters().contains(&arg_text);
    let likelihood = if external || parameter { 0.45 } else { 0.3 };
    let target = match target.as_str() {
        "" => "the result".to_owned(),
        "return" => format!("the value {}() returns", cx.function.name),
        _ => format!("`{}`", one_line(&target, 30)),
    };
    let examples = if callee == "Number" {
        "\"abc\", \"1,5\", \"12px\", undefined"
    } else {
        "\"\", \"abc\", undefined"
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        likelihood,
        "NaN",
        format!("NaN propagates: {target} becomes NaN"),
        format!(
            "`{}` is not a number ({examples}), so {callee}() returns NaN instead of throwing",
            one_line(&arg_text, 40)
        ),
        format!(
            "Predicted NaN in {target} when {} is not a number",
            one_line(&arg_text, 40)
        ),
    );
    if parameter {
        finding = finding.input(arg_text, "'abc'");
    }
    Some(finding)
}

/// Whether `node` runs in a `.replace(re, (match, group) => …)` callback,
/// whose arguments are what the pattern matched.
fn in_replace_callback(cx: &FnCx, node: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if matches!(parent.kind(), "arrow_function" | "function_expression")
            && let Some(call) = parent
                .parent()
                .filter(|a| a.kind() == "arguments")
                .and_then(|a| a.parent())
            && call
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("property"))
                .is_some_and(|p| matches!(cx.text(p).as_str(), "replace" | "replaceAll"))
        {
            return true;
        }
        if parent.id() == cx.node.id() {
            break;
        }
        current = parent;
    }
    false
}

fn guard_word_of(text: &str) -> String {
    string_contents(text).unwrap_or(text).trim().to_owned()
}

/// The first arithmetic that reads `name` after its declaration.
fn variable_arithmetic<'t>(
    cx: &FnCx<'_, 't>,
    declarator: Node<'t>,
    name: &str,
) -> Option<(Node<'t>, String)> {
    let mut stack = vec![cx.node];
    let mut found: Option<(Node, String)> = None;
    while let Some(node) = stack.pop() {
        if node.end_byte() <= declarator.end_byte() {
            continue;
        }
        if node.kind() == "identifier"
            && node.start_byte() >= declarator.end_byte()
            && cx.text(node) == name
            && let Some(site) = arithmetic_use(cx, node)
            && found
                .as_ref()
                .is_none_or(|(f, _)| f.start_byte() > site.0.start_byte())
        {
            found = Some(site);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// `"2024-03-10T10:00:00Z"` and `"2024-03-10T10:00:00+02:00"` name an instant.
fn has_zone(text: &str) -> bool {
    let text = text.trim();
    if text.ends_with('Z') || text.ends_with('z') || text.contains("GMT") || text.contains("UTC") {
        return true;
    }
    let bytes = text.as_bytes();
    // A trailing ±hh:mm or ±hhmm after a time.
    text.contains('T')
        && bytes.len() > 6
        && text[text.len().saturating_sub(6)..]
            .chars()
            .any(|c| c == '+' || c == '-')
        && text.rsplit(['+', '-']).next().is_some_and(|tail| {
            tail.chars().all(|c| c.is_ascii_digit() || c == ':') && tail.len() >= 4
        })
}

fn is_date_only(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn date_parse(m: &Match, cx: &FnCx) -> Option<Finding> {
    let arg = m.get("arg")?;
    let arg_text = cx.text(arg);
    let call = if m.hazard.kind() == "new_expression" {
        format!("new Date({})", one_line(&arg_text, 30))
    } else {
        format!("Date.parse({})", one_line(&arg_text, 30))
    };
    let literal = match arg.kind() {
        "string" => string_contents(&arg_text).map(str::to_owned),
        "template_string" if !arg_text.contains("${") => {
            string_contents(&arg_text).map(str::to_owned)
        }
        _ => None,
    };
    if let Some(literal) = literal {
        if has_zone(&literal) {
            return None;
        }
        if is_date_only(&literal) {
            // UTC midnight only shows as the wrong day through local getters.
            let body = cx.text(cx.node);
            let local_getters = [
                ".getDate()",
                ".getDay()",
                ".getMonth()",
                ".getFullYear()",
                "toLocaleDateString",
                "toDateString",
            ];
            if m.hazard.kind() != "new_expression"
                || !local_getters.iter().any(|g| body.contains(g))
            {
                return None;
            }
            return Some(Finding::new(
                FailureClass::TimezoneDst,
                0.3,
                "Date",
                format!(
                    "{call} is {literal}T00:00:00.000Z (UTC midnight): getDate() gives the day before west of UTC"
                ),
                "a date-only ISO string is parsed as UTC midnight, so local getters (getDate, toLocaleDateString) show the previous day for users west of UTC",
                format!(
                    "Predicted off-by-one day: {call} is UTC midnight, shown as the day before west of UTC"
                ),
            ));
        }
        return Some(Finding::new(
            FailureClass::TimezoneDst,
            0.5,
            "Date",
            format!(
                "{call} is parsed as local time: the instant shifts with the server's TZ and DST"
            ),
            format!(
                "\"{literal}\" has no zone, so it means a different instant on a UTC server, a developer laptop and across a DST change"
            ),
            format!("Predicted wrong instant: {call} has no zone and is read as local time"),
        ));
    }
    let facts = facts(cx);
    let external = eval(cx, &facts, arg).external().is_some();
    // `x as string` is a cast, not a name that says "string".
    let lower = cx.text(unwrap_casts(arg)).to_lowercase();
    let built = matches!(arg.kind(), "template_string" | "binary_expression")
        && (arg_text.contains('\'') || arg_text.contains('"') || arg_text.contains('`'));
    let stringy = ["str", "string", "text", "input", "raw", "iso"]
        .iter()
        .any(|w| {
            lower
                .rsplit(['.', '_'])
                .next()
                .is_some_and(|last| last.contains(w))
        });
    if !(external || built || stringy) {
        return None;
    }
    // A zone spelled out in a built string (`${day}T00:00:00Z`).
    if built
        && (arg_text.contains("Z`")
            || arg_text.contains("Z'")
            || arg_text.contains("Z\"")
            || arg_text.contains("+00:00"))
    {
        return None;
    }
    let word = guard_word_of(&arg_text);
    if ["test", "match", "isValid", "isNaN", "ISO"]
        .iter()
        .any(|check| cx.guarded(m.hazard, &[&word, check]))
    {
        return None;
    }
    // An Invalid Date throws once serialized.
    let body = cx.text(cx.node);
    let serialized = body.contains("toISOString()") || body.contains("JSON.stringify");
    let error = if serialized {
        "RangeError: Invalid time value".to_owned()
    } else {
        format!("{call} is Invalid Date, or local time for a zone-less string")
    };
    let mut finding = Finding::new(
        FailureClass::TimezoneDst,
        if external { 0.45 } else { 0.35 },
        if serialized { "RangeError" } else { "Date" },
        error,
        format!(
            "{} arrives without a zone or in another format (\"2024-03-10 10:00\", \"10/03/2024\"): V8 reads it as local time, or gives Invalid Date",
            code(&one_line(&arg_text, 40))
        ),
        format!(
            "Predicted wrong or Invalid Date from {call}: the string has no zone or format check"
        ),
    );
    if arg.kind() == "identifier" && cx.parameters().contains(&arg_text) {
        finding = finding.input(arg_text, "'10/03/2024'");
    }
    Some(finding)
}

fn floating_promise(m: &Match, cx: &FnCx) -> Option<Finding> {
    let call = m.get("call")?;
    let function = call.child_by_field_name("function")?;
    let facts = facts(cx);
    let (callee, why) = match function.kind() {
        "identifier" => {
            let name = cx.text(function);
            if !facts.async_functions.get(&name).copied()? {
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
                _ if object.kind() == "this"
                    && facts.async_functions.get(&method).copied() == Some(true) =>
                {
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
fn chain_starts_with_call(object: Node) -> bool {
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
fn chain_root(cx: &FnCx, object: Node) -> String {
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
fn inner_chain_handles(cx: &FnCx, object: Node) -> bool {
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
fn does_io(text: &str) -> bool {
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

fn promise_all(m: &Match, cx: &FnCx) -> Option<Finding> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::Language;
    use ropey::Rope;

    fn hazards_of(language: Language, source: &str) -> Vec<super::super::Hazard> {
        let rope = Rope::from_str(source);
        let tree = crate::syntax::parse_str(language, source).expect("parses");
        let index = crate::functions::index_functions(language, &tree, &rope, "app/x.js");
        index
            .functions
            .iter()
            .flat_map(|f| super::super::function_hazards(language, &tree, &rope, f, &index))
            .collect()
    }

    fn inputs(language: Language, source: &str) -> Vec<(String, String)> {
        hazards_of(language, source)
            .into_iter()
            .flat_map(|h| h.inputs)
            .collect()
    }

    /// The inputs feed generated tests: each must trigger the failure.
    #[test]
    fn inputs_trigger_the_failure() {
        let js = Language::JavaScript;
        assert_eq!(
            inputs(
                js,
                "exports.handler = async (event) => event.pathParameters.id;\n"
            ),
            [("event".to_owned(), "{ pathParameters: null }".to_owned())]
        );
        assert_eq!(
            inputs(js, "function f(payload) { return payload.user.id; }\n"),
            [("payload".to_owned(), "{}".to_owned())]
        );
        assert_eq!(
            inputs(js, "function f(req) { return req.body.user.id; }\n"),
            [(
                "req".to_owned(),
                "{ body: {}, query: {}, params: {}, headers: {} }".to_owned()
            )]
        );
        assert_eq!(
            inputs(js, "function f(rows) { return rows[0].id; }\n"),
            [("rows".to_owned(), "[]".to_owned())]
        );
        assert_eq!(
            inputs(js, "function f(raw) { return JSON.parse(raw); }\n")[0].0,
            "raw"
        );
        assert_eq!(
            inputs(
                Language::TypeScript,
                "function f(o?: { a: number }) { return o.a; }\n"
            ),
            [("o".to_owned(), "undefined".to_owned())]
        );
        // A read deeper than the parameter has no one-literal input.
        assert!(
            inputs(
                js,
                "function f(payload) { for (const l of payload.lines ?? []) l.price.amount; }\n"
            )
            .is_empty()
        );
    }

    /// One missing value fails once: later reads of it are not reported.
    #[test]
    fn one_report_per_missing_value() {
        let found = hazards_of(
            Language::JavaScript,
            "function f(rows) { return [rows[0].id, rows[0].name]; }\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn zones_and_dates() {
        assert!(has_zone("2024-03-10T10:00:00Z"));
        assert!(has_zone("2024-03-10T10:00:00+02:00"));
        assert!(!has_zone("2024-03-10 10:00"));
        assert!(!has_zone("2024-03-10"));
        assert!(is_date_only("2024-03-10"));
        assert!(!is_date_only("03/10/2024"));
    }

    #[test]
    fn regex_receivers() {
        let regex_exec = |source: &str| !hazards_of(Language::JavaScript, source).is_empty();
        assert!(regex_exec(
            "function f(s) { const re = /a(b)/; return re.exec(s)[1]; }\n"
        ));
        assert!(regex_exec(
            "function f(s) { return ID_PATTERN.exec(s)[1]; }\n"
        ));
        assert!(!regex_exec(
            "function f(db, sql) { return db.exec(sql)[0]; }\n"
        ));
    }

    #[test]
    fn assignments() {
        assert!(assigns("if (!m[k]) m[k] = [];", "m[k]"));
        assert!(assigns("m[k] ||= []", "m[k]"));
        assert!(!assigns("if (m[k] === x) return", "m[k]"));
        assert!(!assigns("am[k] = 1", "m[k]"));
    }
}
