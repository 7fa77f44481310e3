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
    if params.iter().any(|p| p.name == "self") {
        return Err("a method needs a value of its type, which failcast cannot build".to_owned());
    }
    let trigger = match trigger::derive(subject, node) {
        Ok(trigger) => trigger,
        Err(why) => {
            // The hazard's own inputs, where it wrote some.
            driven(subject, &params).map_err(|_| why)?;
            Trigger::default()
        }
    };
    let callee = match function.kind {
        FunctionKind::Method => {
            let owner = function
                .qualified_name
                .rsplit_once("::")
                .map(|(owner, _)| owner)
                .filter(|owner| !owner.contains("::"))
                .ok_or_else(|| "only functions of top-level impls are supported".to_owned())?;
            format!("{}::{}", owner.trim_start_matches('<'), function.name)
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
