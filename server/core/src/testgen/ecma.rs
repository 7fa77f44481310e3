//! Tests beside the module (`orders.test.ts`), or in a sibling
//! `__tests__` directory when the project has one, written for the test
//! runner `package.json` uses: vitest, jest, or else Node's own `node:test`.

use tree_sitter::Node;

use super::literal;
use super::params::{Param, parameters};
use super::trigger::{self, Trigger, Value};
use super::{Project, Subject, TestEdit, append, driven, join, parent_dir, stem, unique_name};
use crate::functions::FunctionKind;
use crate::language::Language;
use crate::scenario::FailureClass;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Runner {
    Vitest,
    Jest,
    NodeTest,
}

pub fn write(subject: &Subject, node: Node, project: &Project) -> Result<TestEdit, String> {
    let function = subject.function;
    let class = match function.kind {
        FunctionKind::Method => Some(exported_class(subject, node)?),
        _ if function.parent.is_some() || function.qualified_name.contains('.') => {
            return Err(
                "only functions at the top of a module can be imported by a test".to_owned(),
            );
        }
        _ => None,
    };
    if class.is_none() && !exported(node) {
        return Err(format!("{} is not exported", function.name));
    }
    let params = parameters(subject, node)
        .ok_or_else(|| "the function's parameters cannot be filled in".to_owned())?;
    let trigger = match trigger::derive(subject, node) {
        Ok(trigger) => trigger,
        Err(why) => {
            // The hazard's own inputs, where it wrote some.
            driven(subject, &params).map_err(|_| why)?;
            Trigger::default()
        }
    };
    // JavaScript divides by zero into Infinity, parses numbers into NaN
    // and reads past an array's end as undefined: none of them throws.
    let throws = match subject.scenario.class {
        FailureClass::DivisionByZero | FailureClass::Overflow => false,
        FailureClass::ParseError => subject.scenario.subject.contains("JSON.parse"),
        FailureClass::IndexOutOfRange | FailureClass::NullOrNone | FailureClass::KeyMissing => {
            subject.scenario.error.starts_with("TypeError")
        }
        _ => true,
    };
    if !throws {
        return Err(format!(
            "JavaScript does not throw {} here",
            subject.scenario.error
        ));
    }
    let error = subject
        .error_type()
        .filter(|e| ["TypeError", "SyntaxError", "RangeError", "Error"].contains(e))
        .ok_or("the predicted error is not a built-in JavaScript error")?;
    if let Some(p) = params
        .iter()
        .find(|p| trigger.read_before.contains(&p.name) && !p.optional)
    {
        return Err(format!(
            "{} is read before the failure and nothing says what it holds",
            p.name
        ));
    }
    if trigger.reads_receiver {
        return Err(
            "the method reads fields of its object that the trigger does not set".to_owned(),
        );
    }
    let typescript = matches!(subject.language, Language::TypeScript | Language::Tsx);
    let runner = runner(subject.path, project);

    let dir = parent_dir(subject.path);
    let file_stem = stem(subject.path);
    let extension = subject.path.rsplit('.').next().unwrap_or("js");
    let test_dir = join(dir, "__tests__");
    let (path, import_from) = if project.is_dir(&test_dir) {
        (
            join(&test_dir, &format!("{file_stem}.test.{extension}")),
            format!("../{file_stem}"),
        )
    } else {
        (
            join(dir, &format!("{file_stem}.test.{extension}")),
            format!("./{file_stem}"),
        )
    };
    // Node resolves ES modules by their full name; bundler-based runners
    // and the TypeScript loader also without the extension.
    let import_from = if runner == Runner::NodeTest && !typescript {
        format!("{import_from}.{extension}")
    } else {
        import_from
    };
    let existing = (project.read)(&path);
    let title = format!(
        "{} does not fail with {error} when {}",
        function.name,
        crate::text::one_line(&crate::text::lowercase_first(&subject.scenario.trigger), 48)
    );
    let name = unique_name(&title, existing.as_deref());
    let title = js_string(&name);

    let value = |value: String| {
        if typescript {
            format!("{value} as never")
        } else {
            value
        }
    };
    let args: Vec<String> = params
        .iter()
        .filter(|p| !p.variadic)
        .map(|p| match (trigger.param(&p.name), subject.input(&p.name)) {
            (Some(v), _) => value(literal::ecma(v)),
            (None, Some(v)) if trigger.roots.is_empty() => value(v.to_owned()),
            _ => value("undefined".to_owned()),
        })
        .collect();
    let (imported, callee) = match &class {
        Some(class) => {
            let receiver = receiver(subject, class, &trigger, &value)?;
            (class.name.clone(), format!("{receiver}.{}", function.name))
        }
        None => (function.name.clone(), function.name.clone()),
    };
    let mut setup = String::new();
    for (variable, v) in trigger.env() {
        setup.push_str(&match v {
            Value::Null => format!("  delete process.env[{}];\n", literal::quoted(variable)),
            other => format!(
                "  process.env[{}] = {};\n",
                literal::quoted(variable),
                literal::ecma(other)
            ),
        });
    }
    let mut imports = Vec::new();
    let has = |text: &str| existing.as_deref().is_some_and(|e| e.contains(text));
    match runner {
        Runner::Vitest if !has("from 'vitest'") && !has("from \"vitest\"") => {
            imports.push("import { expect, it } from 'vitest';".to_owned())
        }
        Runner::NodeTest if !has("node:test") => {
            imports.push("import { test } from 'node:test';".to_owned());
            imports.push("import assert from 'node:assert/strict';".to_owned());
        }
        _ => {}
    }
    let import = format!("import {{ {imported} }} from '{import_from}';");
    if !has(&import) {
        imports.push(import);
    }
    let failure_type = if typescript { ": unknown" } else { "" };
    let (open, check) = match runner {
        Runner::NodeTest => (
            "test",
            format!(
                "  assert.ok(!(failure instanceof {error}), `failcast predicted this failure: ${{failure}}`);"
            ),
        ),
        _ => (
            "it",
            format!("  expect(failure).not.toBeInstanceOf({error});"),
        ),
    };
    let test = format!(
        "{}{open}({title}, async () => {{\n  // failcast predicted: {}\n{setup}  let failure{failure_type};\n  try {{\n    await {callee}({});\n  }} catch (error) {{\n    failure = error;\n  }}\n{check}\n  // Then assert what {}() should return for this input.\n}});\n",
        if imports.is_empty() {
            String::new()
        } else {
            format!("{}\n\n", imports.join("\n"))
        },
        subject.predicted(),
        args.join(", "),
        function.name,
    );
    let (offset, text) = match &existing {
        Some(existing) => {
            // Imports are hoisted: appended ones are valid module syntax.
            let (offset, text) = append(existing, &test);
            (Some(offset), text)
        }
        None => (None, test),
    };
    Ok(TestEdit {
        path,
        offset,
        text,
        name,
        framework: match runner {
            Runner::Vitest => "vitest",
            Runner::Jest => "jest",
            Runner::NodeTest => "node:test",
        },
    })
}

/// An exported class a method belongs to: its name and constructor.
struct Class<'t> {
    name: String,
    constructor: Option<Node<'t>>,
}

fn exported_class<'t>(subject: &Subject, method: Node<'t>) -> Result<Class<'t>, String> {
    let class = method
        .parent()
        .and_then(|body| body.parent())
        .filter(|c| c.kind() == "class_declaration")
        .ok_or("only methods of classes are supported")?;
    if !exported(class) {
        return Err("the class is not exported".to_owned());
    }
    let text = subject.text(method);
    if text.starts_with("static") || text.starts_with("private") || text.starts_with('#') {
        return Err("only public instance methods are supported".to_owned());
    }
    let name = subject.text(class.child_by_field_name("name").ok_or("unnamed class")?);
    let body = class
        .child_by_field_name("body")
        .ok_or("class without body")?;
    let mut cursor = body.walk();
    let constructor = body.named_children(&mut cursor).find(|m| {
        m.kind() == "method_definition"
            && m.child_by_field_name("name")
                .is_some_and(|n| subject.text(n) == "constructor")
    });
    Ok(Class { name, constructor })
}

/// `new Class(…)` with the trigger's fields passed where the constructor
/// stores an argument as that field (`this.items = items`, or a TypeScript
/// parameter property).
fn receiver(
    subject: &Subject,
    class: &Class,
    trigger: &Trigger,
    value: &dyn Fn(String) -> String,
) -> Result<String, String> {
    let Some(constructor) = class.constructor else {
        if trigger.fields().next().is_some() {
            return Err("the class has no constructor to set the field".to_owned());
        }
        return Ok(format!("new {}()", class.name));
    };
    let params: Vec<Param> = parameters(subject, constructor)
        .ok_or("the constructor's parameters cannot be filled in")?;
    let body = subject.text(constructor);
    let stores = |field: &str, param: &str| {
        body.contains(&format!("this.{field} = {param};"))
            || (field == param && parameter_property(subject, constructor, param))
    };
    for (field, _) in trigger.fields() {
        if !params.iter().any(|p| stores(field, &p.name)) {
            return Err(format!("the constructor does not set this.{field}"));
        }
    }
    let args: Vec<String> = params
        .iter()
        .filter(|p| !p.variadic)
        .map(|p| {
            trigger
                .fields()
                .find(|(field, _)| stores(field, &p.name))
                .map_or_else(
                    || value("undefined".to_owned()),
                    |(_, v)| value(literal::ecma(v)),
                )
        })
        .collect();
    Ok(format!("new {}({})", class.name, args.join(", ")))
}

/// `constructor(private readonly items: T[])`: the parameter is a field.
fn parameter_property(subject: &Subject, constructor: Node, name: &str) -> bool {
    let Some(list) = constructor.child_by_field_name("parameters") else {
        return false;
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor).any(|p| {
        let mut inner = p.walk();
        let modified = p
            .children(&mut inner)
            .any(|c| c.kind() == "accessibility_modifier" || c.kind() == "readonly");
        modified
            && p.child_by_field_name("pattern")
                .is_some_and(|n| subject.text(n) == name)
    })
}

/// `export function f`, `export const f = …`, `export default function f`.
fn exported(node: Node) -> bool {
    let mut current = Some(node);
    while let Some(n) = current {
        match n.kind() {
            "export_statement" => return true,
            "program" => return false,
            _ => current = n.parent(),
        }
    }
    false
}

/// The runner of the nearest `package.json` above the file.
fn runner(path: &str, project: &Project) -> Runner {
    let mut dir = parent_dir(path);
    loop {
        if let Some(manifest) = (project.read)(&join(dir, "package.json")) {
            let json: serde_json::Value = serde_json::from_str(&manifest).unwrap_or_default();
            let uses = |name: &str| {
                ["devDependencies", "dependencies"]
                    .iter()
                    .any(|section| json.get(section).and_then(|s| s.get(name)).is_some())
            };
            return if uses("vitest") {
                Runner::Vitest
            } else if uses("jest") || uses("ts-jest") {
                Runner::Jest
            } else {
                Runner::NodeTest
            };
        }
        if dir.is_empty() {
            return Runner::NodeTest;
        }
        dir = parent_dir(dir);
    }
}

fn js_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}
