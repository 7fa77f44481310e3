//! pytest tests in `tests/test_<module>.py`, or beside the module when the
//! project keeps its tests there. Imports go inside the test function, so
//! appending to an existing file never touches its header.

use tree_sitter::Node;

use super::params::{Param, parameters};
use super::{Project, Subject, TestEdit, append, driven, join, parent_dir, stem, unique_name};
use crate::functions::FunctionKind;

pub fn write(subject: &Subject, node: Node, project: &Project) -> Result<TestEdit, String> {
    let function = subject.function;
    if function.parent.is_some() {
        return Err("a nested function cannot be called from a test".to_owned());
    }
    let params = parameters(subject, node)
        .ok_or_else(|| "the function's parameters cannot be filled in".to_owned())?;
    let http = http_client(subject);
    let empty_json = http.is_none() && answers_empty_json(subject);
    if http.is_none() && !empty_json {
        driven(subject, &params)?;
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
    let (import, call) = call_expression(subject, &module, &params)?;
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
    let signature;
    match http {
        Some(method) => {
            signature = format!("def {name}(monkeypatch):");
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
            signature = if empty_json {
                body.extend(EMPTY_JSON_DOUBLE.lines().map(str::to_owned));
                body.push(String::new());
                format!("def {name}(monkeypatch):")
            } else {
                format!("def {name}():")
            };
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

/// The import and the call of the function with the trigger's inputs.
fn call_expression(
    subject: &Subject,
    module: &str,
    params: &[Param],
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
                    // Built without __init__: set the attributes the method reads.
                    format!("{class}.__new__({class}).{}", function.name)
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
            let value = subject.input(&p.name);
            if p.variadic {
                return None;
            }
            match value {
                Some(value) => Some(format!("{}={value}", p.name)),
                None if p.optional => None,
                None => Some(format!("{}={}", p.name, neutral(p))),
            }
        })
        .collect();
    Ok((import, format!("{callee}({})", args.join(", "))))
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
