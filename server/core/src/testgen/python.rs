//! pytest tests in `tests/test_<module>.py`, or beside the module when the
//! project keeps its tests there. Imports go inside the test function, so
//! appending to an existing file never touches its header.

use tree_sitter::Node;

use std::collections::BTreeSet;

use super::literal::{self, quoted};
use super::params::{Param, parameters};
use super::trigger::{self, Trigger, Value};
use super::{Project, Subject, TestEdit, append, driven, join, parent_dir, stem, unique_name};
use crate::functions::FunctionKind;
use crate::scenario::FailureClass;

pub fn write(subject: &Subject, node: Node, project: &Project) -> Result<TestEdit, String> {
    let function = subject.function;
    if function.parent.is_some() {
        return Err("a nested function cannot be called from a test".to_owned());
    }
    let params = parameters(subject, node)
        .ok_or_else(|| "the function's parameters cannot be filled in".to_owned())?;
    let http = http_client(subject);
    let empty_json = http.is_none() && answers_empty_json(subject);
    let trigger = if http.is_some() || empty_json {
        Trigger::default()
    } else {
        match trigger::derive(subject, node) {
            Ok(trigger) => trigger,
            Err(why) => {
                // The hazard's own inputs, where it wrote some.
                driven(subject, &params).map_err(|_| why)?;
                Trigger::default()
            }
        }
    };
    // A value failcast would have to guess for a parameter the function
    // reads first could fail before the predicted line, or pass.
    if let Some(p) = params.iter().find(|p| {
        trigger.read_before.contains(&p.name) && p.ty.is_none() && !p.optional && p.name != "self"
    }) {
        return Err(format!(
            "{} is read before the failure and nothing says what it holds",
            p.name
        ));
    }
    if trigger.reads_receiver && function.kind == FunctionKind::Method {
        return Err(
            "the method reads fields of its object that the trigger does not set".to_owned(),
        );
    }
    let module = module_path(subject.path);
    let path = test_path(subject.path, project);
    let existing = (project.read)(&path);
    let name = unique_name(
        &format!(
            "test_{}_{}",
            function.name.trim_start_matches('_'),
            super::class_words(subject)
        ),
        existing.as_deref(),
    );

    let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
    let mut setup = Setup::default();
    let (import, call) = call_expression(subject, node, &module, &params, &trigger, &mut setup)?;
    if subject.scenario.class == FailureClass::Encoding {
        // The C locale of a slim container, for this module's open() only.
        setup.fixtures.insert("monkeypatch");
        setup.lines.push("import io".to_owned());
        setup.lines.push(String::new());
        setup
            .lines
            .push("def open_in_c_locale(file, mode=\"r\", *args, **kwargs):".to_owned());
        setup.lines.push("    if \"b\" not in mode:".to_owned());
        setup
            .lines
            .push("        kwargs = {\"encoding\": \"ascii\", **kwargs}".to_owned());
        setup
            .lines
            .push("    return io.open(file, mode, *args, **kwargs)".to_owned());
        setup.lines.push(String::new());
        setup.lines.push(format!(
            "monkeypatch.setattr(\"{module}.open\", open_in_c_locale, raising=False)"
        ));
    }
    for (variable, value) in trigger.env() {
        setup.fixtures.insert("monkeypatch");
        setup.lines.push(match value {
            Value::Null => format!("monkeypatch.delenv({}, raising=False)", quoted(variable)),
            other => format!(
                "monkeypatch.setenv({}, {})",
                quoted(variable),
                literal::python(other)
            ),
        });
    }
    let call = if is_async {
        format!("asyncio.run({call})")
    } else {
        call
    };
    let mut body = Vec::new();
    body.push(format!("    # failcast predicted: {}", subject.predicted()));
    if is_async {
        body.push("    import asyncio".to_owned());
    }
    body.push("    import pytest".to_owned());
    if http.is_some() || empty_json {
        body.push("    import requests".to_owned());
    }
    body.push(format!("    {import}"));
    body.push(String::new());
    match http {
        Some(method) => {
            setup.fixtures.insert("monkeypatch");
            body.push("    def stalled_upstream(self, method, url, *args, **kwargs):".to_owned());
            body.push("        # The server accepts the connection and never answers.".to_owned());
            body.push("        if kwargs.get(\"timeout\") is None:".to_owned());
            body.push(format!(
                "            pytest.fail(\"failcast predicted this failure: {method}() has no timeout and waits forever for a stalled upstream\")"
            ));
            body.push(
                "        raise requests.exceptions.ReadTimeout(f\"{url}: read timed out\")"
                    .to_owned(),
            );
            body.push(String::new());
            body.push(
                "    monkeypatch.setattr(requests.Session, \"request\", stalled_upstream)"
                    .to_owned(),
            );
            body.push("    try:".to_owned());
            body.push(format!("        {call}"));
            body.push("    except requests.exceptions.ReadTimeout:".to_owned());
            body.push(
                "        pass  # With a timeout the call gives up; assert the fallback here if there is one."
                    .to_owned(),
            );
        }
        None => {
            let error = subject
                .error_type()
                .ok_or_else(|| "the predicted error is not an exception type".to_owned())?;
            if let Some((module, _)) = error.rsplit_once('.') {
                body.insert(body.len() - 1, format!("    import {module}"));
            }
            if empty_json {
                setup.fixtures.insert("monkeypatch");
                body.extend(EMPTY_JSON_DOUBLE.lines().map(str::to_owned));
                body.push(String::new());
            }
            body.extend(setup.lines.iter().map(|line| {
                if line.is_empty() {
                    String::new()
                } else {
                    format!("    {line}")
                }
            }));
            body.push("    try:".to_owned());
            body.push(format!("        {call}"));
            body.push(format!("    except {error} as error:"));
            body.push(
                "        pytest.fail(f\"failcast predicted this failure: {error!r}\")".to_owned(),
            );
            body.push(format!(
                "    # Then assert what {}() should return for this input.",
                function.name
            ));
        }
    }
    let fixtures: Vec<&str> = setup.fixtures.iter().copied().collect();
    let signature = format!("def {name}({}):", fixtures.join(", "));
    let block = format!("{signature}\n{}\n", body.join("\n"));
    let (offset, text) = match &existing {
        Some(existing) => {
            let (offset, text) = append(existing, &format!("\n{block}"));
            (Some(offset), text)
        }
        None => (None, block),
    };
    Ok(TestEdit {
        path,
        offset,
        text,
        name,
        framework: "pytest",
    })
}

/// Statements the test runs before the call, and the pytest fixtures they use.
#[derive(Default)]
struct Setup {
    fixtures: BTreeSet<&'static str>,
    lines: Vec<String>,
}

/// The argument for a parameter the trigger gives a value: a literal, or a
/// file in pytest's `tmp_path` holding the text.
fn argument(name: &str, value: &Value, setup: &mut Setup) -> String {
    match value {
        Value::File(content) => {
            setup.fixtures.insert("tmp_path");
            setup
                .lines
                .push(format!("{name} = tmp_path / \"{name}.txt\""));
            setup.lines.push(format!(
                "{name}.write_text({}, encoding=\"utf-8\")",
                literal::python(&Value::Text(literal::text(content)))
            ));
            format!("str({name})")
        }
        other => literal::python(other),
    }
}

/// The import and the call of the function with the trigger's inputs.
fn call_expression(
    subject: &Subject,
    node: Node,
    module: &str,
    params: &[Param],
    trigger: &Trigger,
    setup: &mut Setup,
) -> Result<(String, String), String> {
    let function = subject.function;
    let mut params = params;
    let (import, callee) = match function.kind {
        FunctionKind::Method => {
            let class = function
                .qualified_name
                .rsplit_once('.')
                .map(|(class, _)| class)
                .filter(|class| !class.contains('.'))
                .ok_or_else(|| "only methods of top-level classes are supported".to_owned())?;
            let first = params.first().map(|p| p.name.as_str());
            let callee = match first {
                Some("self") => {
                    params = &params[1..];
                    let receiver = receiver(subject, node, class, trigger, setup);
                    format!("{receiver}.{}", function.name)
                }
                Some("cls") => {
                    params = &params[1..];
                    format!("{class}.{}", function.name)
                }
                _ => format!("{class}.{}", function.name),
            };
            (format!("from {module} import {class}"), callee)
        }
        _ => (
            format!("from {module} import {}", function.name),
            function.name.clone(),
        ),
    };
    let args: Vec<String> = params
        .iter()
        .filter_map(|p| {
            if p.variadic {
                return None;
            }
            if let Some(value) = trigger.param(&p.name) {
                return Some(format!("{}={}", p.name, argument(&p.name, value, setup)));
            }
            match subject.input(&p.name).filter(|_| trigger.roots.is_empty()) {
                Some(value) => Some(format!("{}={value}", p.name)),
                None if p.optional => None,
                None => Some(format!("{}={}", p.name, neutral(p))),
            }
        })
        .collect();
    Ok((import, format!("{callee}({})", args.join(", "))))
}

/// The object a method is called on: built through `__init__` when each
/// field the trigger sets is a constructor argument stored as is, else made
/// without `__init__` and given those fields.
fn receiver(
    subject: &Subject,
    method: Node,
    class: &str,
    trigger: &Trigger,
    setup: &mut Setup,
) -> String {
    let fields: Vec<(&str, &Value)> = trigger.fields().collect();
    if let Some((init, init_params)) = constructor(subject, method) {
        let stored = |field: &str| {
            init_params.iter().find(|p| {
                subject
                    .text(init)
                    .contains(&format!("self.{field} = {}\n", p.name))
            })
        };
        if fields.iter().all(|(field, _)| stored(field).is_some()) {
            let args: Vec<String> = init_params
                .iter()
                .filter(|p| p.name != "self" && !p.variadic)
                .filter_map(|p| {
                    let value = fields
                        .iter()
                        .find(|(field, _)| stored(field).is_some_and(|s| s.name == p.name))
                        .map(|(_, value)| argument(&p.name, value, setup));
                    match value {
                        Some(value) => Some(format!("{}={value}", p.name)),
                        None if p.optional => None,
                        None => Some(format!("{}={}", p.name, neutral(p))),
                    }
                })
                .collect();
            return format!("{class}({})", args.join(", "));
        }
    }
    if fields.is_empty() {
        return format!("{class}.__new__({class})");
    }
    // Built without __init__: set the attributes the method reads.
    setup
        .lines
        .push(format!("subject = {class}.__new__({class})"));
    for (field, value) in fields {
        let value = argument(field, value, setup);
        setup.lines.push(format!("subject.{field} = {value}"));
    }
    "subject".to_owned()
}

/// The class's `__init__` and its parameters.
fn constructor<'t>(subject: &Subject, method: Node<'t>) -> Option<(Node<'t>, Vec<Param>)> {
    let body = method.parent()?;
    let mut cursor = body.walk();
    let init = body.named_children(&mut cursor).find_map(|child| {
        let definition = if child.kind() == "decorated_definition" {
            child.child_by_field_name("definition")?
        } else {
            child
        };
        (definition.kind() == "function_definition"
            && definition
                .child_by_field_name("name")
                .is_some_and(|n| subject.text(n) == "__init__"))
        .then_some(definition)
    })?;
    Some((init, parameters(subject, init)?))
}

/// A harmless value for a parameter the trigger does not involve.
fn neutral(param: &Param) -> &'static str {
    let ty = param.ty.as_deref().unwrap_or("");
    let name = param.name.as_str();
    let base = ty.split('[').next().unwrap_or(ty).trim();
    match base {
        "int" => "1",
        "float" => "1.0",
        "str" => "\"x\"",
        "bytes" => "b\"x\"",
        "bool" => "False",
        "list" | "List" | "Sequence" | "Iterable" => "[]",
        "dict" | "Dict" | "Mapping" => "{}",
        _ if name.ends_with('s') && !name.ends_with("ss") => "[]",
        _ if ["n", "count", "size", "limit", "total", "index"].contains(&name) => "1",
        _ if name.ends_with("_id") || name == "name" || name == "url" || name == "path" => "\"x\"",
        _ => "None",
    }
}

/// An upstream that answers 200 with a JSON document lacking what the code reads.
const EMPTY_JSON_DOUBLE: &str = r#"    class Response:
        status_code = 200
        ok = True
        headers = {"Content-Type": "application/json"}
        text = "{}"

        def json(self, **kwargs):
            return {}  # The upstream answers without the fields the code reads.

        def raise_for_status(self):
            pass

    monkeypatch.setattr(requests.Session, "request", lambda self, method, url, *args, **kwargs: Response())"#;

/// A missing key in what `requests` decoded: the test serves an empty document.
fn answers_empty_json(subject: &Subject) -> bool {
    let body = subject
        .rope
        .byte_slice(subject.function.range.clone())
        .to_string();
    subject.scenario.class == crate::scenario::FailureClass::KeyMissing
        && body.contains(".json()")
        && (body.contains("requests.") || body.to_lowercase().contains("session."))
}

/// `requests.Session.request` is what every `requests` call goes through;
/// the test patches it when the scenario is a request with no timeout.
fn http_client(subject: &Subject) -> Option<String> {
    if subject.scenario.rule != "py.http-no-timeout" {
        return None;
    }
    let call = subject.scenario.subject.split('(').next()?.trim();
    let (client, _) = call.rsplit_once('.')?;
    (client == "requests" || client.to_lowercase().ends_with("session")).then(|| call.to_owned())
}

/// `src/shop/pricing.py` → `shop.pricing`.
fn module_path(path: &str) -> String {
    let path = path.strip_prefix("src/").unwrap_or(path);
    let path = path.strip_suffix(".py").unwrap_or(path);
    let path = path.strip_suffix("/__init__").unwrap_or(path);
    path.replace('/', ".")
}

fn test_path(path: &str, project: &Project) -> String {
    let file = format!("test_{}.py", stem(path));
    for dir in ["tests", "test"] {
        if project.is_dir(dir) {
            return join(dir, &file);
        }
    }
    let beside = parent_dir(path);
    if project
        .file_names(beside)
        .iter()
        .any(|name| name.starts_with("test_") && name.ends_with(".py"))
    {
        return join(beside, &file);
    }
    join("tests", &file)
}
