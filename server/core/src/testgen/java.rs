//! JUnit 5 tests in the mirrored `src/test/java` path (`FooTest.java` for
//! `Foo.java`). Names are fully qualified, so a method appended to an
//! existing test class needs no new imports.

use tree_sitter::Node;

use super::literal;
use super::params::parameters;
use super::trigger::{self, Trigger};
use super::{Project, Subject, TestEdit, camel, driven, unique_name};
use crate::functions::FunctionKind;

pub fn write(subject: &Subject, node: Node, project: &Project) -> Result<TestEdit, String> {
    let function = subject.function;
    if function.kind != FunctionKind::Method || node.kind() != "method_declaration" {
        return Err("only methods can be called from a JUnit test".to_owned());
    }
    if node.child_by_field_name("type_parameters").is_some() {
        return Err("a generic method needs its type arguments chosen by hand".to_owned());
    }
    let class_node = node
        .parent()
        .and_then(|body| body.parent())
        .filter(|c| c.kind() == "class_declaration")
        .ok_or("only methods of classes are supported")?;
    if class_node.parent().is_some_and(|p| p.kind() != "program") {
        return Err("only methods of top-level classes are supported".to_owned());
    }
    let class = subject.text(
        class_node
            .child_by_field_name("name")
            .ok_or("unnamed class")?,
    );
    let modifiers = modifiers(subject, node);
    if modifiers.contains("private") {
        return Err("a private method cannot be called from a test".to_owned());
    }
    let is_static = modifiers.contains("static");
    let params = parameters(subject, node)
        .ok_or_else(|| "the method's parameters cannot be filled in".to_owned())?;
    let trigger = match trigger::derive(subject, node) {
        Ok(trigger) => trigger,
        Err(why) => {
            // The hazard's own inputs, where it wrote some.
            driven(subject, &params).map_err(|_| why)?;
            Trigger::default()
        }
    };
    let receiver = if is_static {
        class.clone()
    } else {
        receiver(subject, class_node, &class, &trigger)?
    };

    let test_path = subject
        .path
        .replacen("src/main/java/", "src/test/java/", 1)
        .strip_suffix(".java")
        .map(|p| format!("{p}Test.java"))
        .ok_or("not a .java file")?;
    let package = package_name(subject);
    let existing = (project.read)(&test_path);
    let name = unique_name(
        &format!("{}{}", function.name, camel(super::class_words(subject))),
        existing.as_deref(),
    );
    let mut args = Vec::new();
    for p in &params {
        let ty = p.ty.as_deref().unwrap_or("Object");
        args.push(match (trigger.param(&p.name), subject.input(&p.name)) {
            (Some(v), _) => literal::java(v, ty)
                .ok_or_else(|| format!("the trigger of {} cannot be written as {ty}", p.name))?,
            // The test file may not import java.util.
            (None, Some(value)) if trigger.roots.is_empty() => ["List.", "Map.", "Set."]
                .iter()
                .find(|prefix| value.starts_with(*prefix))
                .map_or_else(|| value.to_owned(), |_| format!("java.util.{value}")),
            _ => neutral(ty).to_owned(),
        });
    }
    let method = format!(
        "    @org.junit.jupiter.api.Test\n    void {name}() {{\n        // failcast predicted: {}\n        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> {{\n            {receiver}.{}({});\n        }});\n        // Then assert what {}() should return for this input.\n    }}\n",
        subject.predicted(),
        function.name,
        args.join(", "),
        function.name,
    );
    let (offset, text) = match &existing {
        Some(existing) => {
            let close = existing
                .rfind('}')
                .ok_or("the existing test class has no closing brace")?;
            let before = &existing[..close];
            let lead = if before.ends_with('\n') { "\n" } else { "\n\n" };
            (Some(close), format!("{lead}{method}"))
        }
        None => {
            let header = package
                .map(|p| format!("package {p};\n\n"))
                .unwrap_or_default();
            (None, format!("{header}class {class}Test {{\n{method}}}\n"))
        }
    };
    Ok(TestEdit {
        path: test_path,
        offset,
        text,
        name,
        framework: "JUnit 5",
    })
}

fn modifiers(subject: &Subject, node: Node) -> String {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .find(|c| c.kind() == "modifiers")
        .map(|m| subject.text(m))
        .unwrap_or_default()
}

/// `new Class(…)` through the constructor that stores each field the
/// trigger sets (`this.items = items;`), other arguments neutral; `new
/// Class()` when the trigger sets no field and the method reads none.
fn receiver(
    subject: &Subject,
    class_node: Node,
    class: &str,
    trigger: &Trigger,
) -> Result<String, String> {
    let fields: Vec<(&str, &crate::testgen::trigger::Value)> = trigger.fields().collect();
    if fields.is_empty() {
        if trigger.reads_receiver {
            return Err(
                "the method reads fields of its object that the trigger does not set".to_owned(),
            );
        }
        if has_default_constructor(subject, class_node) {
            return Ok(format!("new {class}()"));
        }
        return Err(format!("{class} has no constructor without arguments"));
    }
    let body = class_node
        .child_by_field_name("body")
        .ok_or("the class has no body")?;
    let mut cursor = body.walk();
    for constructor in body
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "constructor_declaration")
    {
        if modifiers(subject, constructor).contains("private") {
            continue;
        }
        let Some(params) = parameters(subject, constructor) else {
            continue;
        };
        let text: String = subject
            .text(constructor)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let stored = |field: &str, param: &str| text.contains(&format!("this.{field}={param};"));
        let mut args = Vec::new();
        let mut complete = true;
        for p in &params {
            let ty = p.ty.as_deref().unwrap_or("Object");
            match fields.iter().find(|(field, _)| stored(field, &p.name)) {
                Some((_, value)) => match literal::java(value, ty) {
                    Some(value) => args.push(value),
                    None => complete = false,
                },
                None => args.push(neutral(ty).to_owned()),
            }
        }
        let covered = fields
            .iter()
            .all(|(field, _)| params.iter().any(|p| stored(field, &p.name)));
        if complete && covered {
            return Ok(format!("new {class}({})", args.join(", ")));
        }
    }
    Err(format!(
        "no constructor of {class} sets the fields the failure needs"
    ))
}

/// Whether `new Class()` compiles: no constructors, or one without parameters.
fn has_default_constructor(subject: &Subject, class: Node) -> bool {
    let Some(body) = class.child_by_field_name("body") else {
        return false;
    };
    let mut cursor = body.walk();
    let constructors: Vec<Node> = body
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "constructor_declaration")
        .collect();
    constructors.is_empty()
        || constructors.iter().any(|c| {
            c.child_by_field_name("parameters")
                .is_some_and(|p| p.named_child_count() == 0)
                && !modifiers(subject, *c).contains("private")
        })
}

fn package_name(subject: &Subject) -> Option<String> {
    let root = subject.tree.root_node();
    let mut cursor = root.walk();
    let declaration = root
        .named_children(&mut cursor)
        .find(|n| n.kind() == "package_declaration")?;
    let mut cursor = declaration.walk();
    let name = declaration
        .named_children(&mut cursor)
        .find(|n| n.kind() == "scoped_identifier" || n.kind() == "identifier")?;
    Some(subject.text(name))
}

fn neutral(ty: &str) -> &'static str {
    match ty {
        "int" | "long" | "short" | "byte" => "1",
        "double" | "float" => "1.0",
        "boolean" => "false",
        "char" => "'x'",
        "String" => "\"x\"",
        _ => "null",
    }
}
