//! Tests beside the module (`orders.test.ts`), or in a sibling
//! `__tests__` directory when the project has one, written for the test
//! runner `package.json` uses: vitest, jest, or else Node's own `node:test`.

use tree_sitter::Node;

use super::params::parameters;
use super::{Project, Subject, TestEdit, append, driven, join, parent_dir, stem, unique_name};
use crate::language::Language;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Runner {
    Vitest,
    Jest,
    NodeTest,
}

pub fn write(subject: &Subject, node: Node, project: &Project) -> Result<TestEdit, String> {
    let function = subject.function;
    if function.parent.is_some() || function.qualified_name.contains('.') {
        return Err("only functions at the top of a module can be imported by a test".to_owned());
    }
    if !exported(node) {
        return Err(format!("{} is not exported", function.name));
    }
    let params = parameters(subject, node)
        .ok_or_else(|| "the function's parameters cannot be filled in".to_owned())?;
    driven(subject, &params)?;
    let error = subject
        .error_type()
        .filter(|e| ["TypeError", "SyntaxError", "RangeError", "Error"].contains(e))
        .ok_or("the predicted error is not a built-in JavaScript error")?;
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
    let existing = (project.read)(&path);
    let title = format!(
        "{} does not fail with {error} when {}",
        function.name,
        crate::text::one_line(&crate::text::lowercase_first(&subject.scenario.trigger), 48)
    );
    let title = js_string(&unique_name(&title, existing.as_deref()));

    let args: Vec<String> = params
        .iter()
        .filter(|p| !p.variadic)
        .map(|p| match subject.input(&p.name) {
            Some(value) if typescript => format!("{value} as never"),
            Some(value) => value.to_owned(),
            None if typescript => "undefined as never".to_owned(),
            None => "undefined".to_owned(),
        })
        .collect();
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
    let import = format!("import {{ {} }} from '{import_from}';", function.name);
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
        "{}{open}({title}, async () => {{\n  // failcast predicted: {}\n  let failure{failure_type};\n  try {{\n    await {}({});\n  }} catch (error) {{\n    failure = error;\n  }}\n{check}\n  // Then assert what {}() should return for this input.\n}});\n",
        if imports.is_empty() {
            String::new()
        } else {
            format!("{}\n\n", imports.join("\n"))
        },
        subject.predicted(),
        function.name,
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
        name: title,
        framework: match runner {
            Runner::Vitest => "vitest",
            Runner::Jest => "jest",
            Runner::NodeTest => "node:test",
        },
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
