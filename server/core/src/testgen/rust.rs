//! `#[test]` functions in the file's own `#[cfg(test)] mod tests`: inside
//! the existing module (before its closing brace), or a new module at the
//! end of the file.

use tree_sitter::Node;

use super::literal;
use super::params::{Param, parameters};
use super::trigger::{self, Trigger};
use super::{Subject, TestEdit, append, driven, unique_name};
use crate::functions::FunctionKind;

pub fn write(subject: &Subject, node: Node, _project: &super::Project) -> Result<TestEdit, String> {
    let function = subject.function;
    if function.parent.is_some() {
        return Err("a nested function cannot be called from a test".to_owned());
    }
    if node.child_by_field_name("type_parameters").is_some() {
        return Err("a generic function needs its type arguments chosen by hand".to_owned());
    }
    let params = parameters(subject, node)
        .ok_or_else(|| "the function's parameters cannot be filled in".to_owned())?;
    let method = params.first().is_some_and(|p| p.name == "self");
    let trigger = match trigger::derive(subject, node) {
        Ok(trigger) => trigger,
        Err(_) if method => {
            return Err(
                "a method needs a value of its type, which failcast cannot build".to_owned(),
            );
        }
        Err(why) => {
            // The hazard's own inputs, where it wrote some.
            driven(subject, &params).map_err(|_| why)?;
            Trigger::default()
        }
    };
    let params: Vec<Param> = params.into_iter().filter(|p| p.name != "self").collect();
    let receiver = if method {
        Some(receiver(subject, node, &trigger)?)
    } else {
        None
    };
    let callee = match function.kind {
        FunctionKind::Method => {
            let owner = function
                .qualified_name
                .rsplit_once("::")
                .map(|(owner, _)| owner)
                .filter(|owner| !owner.contains("::"))
                .ok_or_else(|| "only functions of top-level impls are supported".to_owned())?;
            match &receiver {
                Some(receiver) => format!("{receiver}.{}", function.name),
                None => format!("{}::{}", owner.trim_start_matches('<'), function.name),
            }
        }
        _ if function.qualified_name.contains("::") => {
            return Err("only functions at the top of the file are supported".to_owned());
        }
        _ => function.name.clone(),
    };
    let is_async = node
        .child(0)
        .is_some_and(|c| subject.text(c).contains("async"));
    if is_async {
        return Err("an async function needs the project's runtime to drive it".to_owned());
    }
    let mut args = Vec::new();
    for p in &params {
        args.push(match trigger.param(&p.name) {
            Some(value) => {
                let ty = p.ty.as_deref().unwrap_or("_");
                literal::rust(value, ty)
                    .ok_or_else(|| format!("the trigger of {} cannot be written as {ty}", p.name))?
            }
            None if trigger.roots.is_empty() => argument(subject, p),
            None => neutral(p.ty.as_deref().unwrap_or("_").trim()),
        });
    }
    let text = subject.rope.to_string();
    let name = unique_name(
        &format!("{}_{}", function.name, super::class_words(subject)),
        Some(&text),
    );
    let test = format!(
        "    #[test]\n    fn {name}() {{\n        // failcast predicted: {}\n        let _ = {callee}({});\n        // Then assert what {}() should return for this input.\n    }}\n",
        subject.predicted(),
        args.join(", "),
        function.name,
    );
    let (offset, text) = match tests_module_end(subject) {
        Some(close) => {
            // Inside the existing module, after its last item.
            let before = &text[..close];
            let separator = if before.trim_end().ends_with('{') {
                ""
            } else {
                "\n"
            };
            let indent_fix = if before.ends_with('\n') { "" } else { "\n" };
            (close, format!("{indent_fix}{separator}{test}"))
        }
        None => append(
            &text,
            &format!("#[cfg(test)]\nmod tests {{\n    use super::*;\n\n{test}}}\n"),
        ),
    };
    Ok(TestEdit {
        path: subject.path.to_owned(),
        offset: Some(offset),
        text,
        name,
        framework: "cargo test",
    })
}

/// `Type::new(…)` from the impl's constructor, when it stores each field
/// the trigger sets from an argument (`Self { items, … }` or `items: items`).
fn receiver(subject: &Subject, method: Node, trigger: &Trigger) -> Result<String, String> {
    let fields: Vec<(&str, &trigger::Value)> = trigger.fields().collect();
    if fields.is_empty() || trigger.reads_receiver {
        return Err("a method needs a value of its type, which failcast cannot build".to_owned());
    }
    let body = method.parent().filter(|b| b.kind() == "declaration_list");
    let owner = body
        .and_then(|b| b.parent())
        .filter(|i| i.kind() == "impl_item" && i.child_by_field_name("trait").is_none())
        .and_then(|i| i.child_by_field_name("type"))
        .map(|t| subject.text(t))
        .filter(|t| t.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .ok_or("only methods of a plain type's own impl are supported")?;
    let body = body.ok_or("the method is not in an impl")?;
    let mut cursor = body.walk();
    let constructor = body
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "function_item")
        .find(|n| {
            n.child_by_field_name("name")
                .is_some_and(|name| subject.text(name) == "new")
        })
        .ok_or_else(|| format!("{owner} has no new() to build it with"))?;
    let params = parameters(subject, constructor)
        .filter(|p| p.iter().all(|p| p.name != "self"))
        .ok_or("new() takes parameters failcast cannot fill in")?;
    let text: String = subject
        .text(constructor)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let stores = |field: &str, param: &str| {
        let shorthand = field == param
            && [",", "}"].iter().any(|end| {
                text.contains(&format!("{{{field}{end}"))
                    || text.contains(&format!(",{field}{end}"))
            });
        shorthand
            || text.contains(&format!("{field}:{param},"))
            || text.contains(&format!("{field}:{param}}}"))
    };
    let mut args = Vec::new();
    for p in &params {
        let ty = p.ty.as_deref().unwrap_or("_").trim();
        args.push(
            match fields.iter().find(|(field, _)| stores(field, &p.name)) {
                Some((_, value)) => literal::rust(value, ty).ok_or_else(|| {
                    format!("the trigger of {} cannot be written as {ty}", p.name)
                })?,
                None => neutral(ty),
            },
        );
    }
    if !fields
        .iter()
        .all(|(field, _)| params.iter().any(|p| stores(field, &p.name)))
    {
        return Err(format!(
            "{owner}::new does not set the fields the failure needs"
        ));
    }
    Ok(format!("{owner}::new({})", args.join(", ")))
}

/// The byte offset of the closing brace of a top-level `mod tests { … }`.
fn tests_module_end(subject: &Subject) -> Option<usize> {
    let root = subject.tree.root_node();
    let mut cursor = root.walk();
    let module = root.named_children(&mut cursor).find(|n| {
        n.kind() == "mod_item"
            && n.child_by_field_name("name")
                .is_some_and(|name| subject.text(name) == "tests")
            && n.child_by_field_name("body").is_some()
    })?;
    let body = module.child_by_field_name("body")?;
    let close = body.child(body.child_count().checked_sub(1)?)?;
    (close.kind() == "}").then(|| close.start_byte())
}

/// The argument for `param`: the trigger's input, or a neutral value of its type.
fn argument(subject: &Subject, param: &Param) -> String {
    let ty = param.ty.as_deref().unwrap_or("_").trim();
    if let Some(value) = subject.input(&param.name) {
        // Inputs are written for the value; a reference parameter borrows it.
        if ty.starts_with("&[") && value == "vec![]" {
            return "&[]".to_owned();
        }
        return match (ty.starts_with('&'), value.starts_with('&')) {
            (true, false) => format!("&{value}"),
            (false, true) => value.trim_start_matches('&').to_owned(),
            _ => value.to_owned(),
        };
    }
    neutral(ty)
}

fn neutral(ty: &str) -> String {
    let base = ty.trim_start_matches('&').trim_start_matches("mut ").trim();
    let value = match base {
        "str" => "\"x\"",
        "String" => "String::from(\"x\")",
        "bool" => "false",
        "f32" | "f64" => "1.0",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128"
        | "isize" => "1",
        _ if base.starts_with('[') => "[]",
        _ if base.starts_with("Vec<") => "vec![]",
        _ if base.starts_with("Option<") => "None",
        _ => "Default::default()",
    };
    if ty.starts_with('&') && base != "str" {
        let reference = if ty.starts_with("&mut") { "&mut " } else { "&" };
        format!("{reference}{value}")
    } else {
        value.to_owned()
    }
}
