//! A function's parameters as a test calls it: name, declared type and
//! whether the call may leave it out.

use tree_sitter::Node;

use super::Subject;
use crate::language::Language;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// The type as written, if declared.
    pub ty: Option<String>,
    /// Has a default (Python, JS) or is optional (`x?: T`).
    pub optional: bool,
    /// `*args`, `...rest`, Go's `...T`.
    pub variadic: bool,
}

/// The node holding a function's parameter list: the definition itself, or
/// the function value of a `const f = (…) => …` declarator.
pub fn function_value<'t>(node: Node<'t>) -> Node<'t> {
    if node.child_by_field_name("parameters").is_some()
        || node.child_by_field_name("parameter").is_some()
    {
        return node;
    }
    for field in ["value", "declarator"] {
        if let Some(value) = node.child_by_field_name(field) {
            return function_value(value);
        }
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if child.kind() == "variable_declarator" {
            return function_value(child);
        }
    }
    node
}

/// Parameters in declaration order; `None` for a shape tests cannot call
/// (destructured or unnamed parameters).
pub fn parameters(subject: &Subject, function: Node) -> Option<Vec<Param>> {
    let function = function_value(function);
    if let Some(single) = function.child_by_field_name("parameter") {
        // `x => …`
        return Some(vec![Param {
            name: subject.text(single),
            ty: None,
            optional: false,
            variadic: false,
        }]);
    }
    let Some(list) = function.child_by_field_name("parameters") else {
        return Some(Vec::new());
    };
    let mut params = Vec::new();
    let mut cursor = list.walk();
    for node in list.named_children(&mut cursor) {
        if node.kind() == "comment" {
            continue;
        }
        match subject.language {
            Language::Python => python(subject, node, &mut params)?,
            Language::Rust => rust(subject, node, &mut params)?,
            Language::Go => go(subject, node, &mut params)?,
            Language::Java => java(subject, node, &mut params)?,
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                ecma(subject, node, &mut params)?
            }
        }
    }
    Some(params)
}

fn param(name: String, ty: Option<String>, optional: bool, variadic: bool) -> Param {
    Param {
        name,
        ty,
        optional,
        variadic,
    }
}

fn python(subject: &Subject, node: Node, out: &mut Vec<Param>) -> Option<()> {
    let text = |n: Node| subject.text(n);
    let ty = node.child_by_field_name("type").map(text);
    match node.kind() {
        "identifier" => out.push(param(text(node), None, false, false)),
        "typed_parameter" => {
            let name = node.named_child(0)?;
            match name.kind() {
                "identifier" => out.push(param(text(name), ty, false, false)),
                // `*args: int`, `**kw: str`
                _ => out.push(param(text(name.named_child(0)?), ty, true, true)),
            }
        }
        "default_parameter" | "typed_default_parameter" => out.push(param(
            text(node.child_by_field_name("name")?),
            ty,
            true,
            false,
        )),
        "list_splat_pattern" | "dictionary_splat_pattern" => {
            out.push(param(text(node.named_child(0)?), None, true, true))
        }
        // `*`, `/` separators.
        "keyword_separator" | "positional_separator" => {}
        _ => return None,
    }
    Some(())
}

fn rust(subject: &Subject, node: Node, out: &mut Vec<Param>) -> Option<()> {
    match node.kind() {
        "self_parameter" => out.push(param("self".to_owned(), None, false, false)),
        "parameter" => {
            let pattern = node.child_by_field_name("pattern")?;
            let name = match pattern.kind() {
                "identifier" => subject.text(pattern),
                // `mut x`
                "mut_pattern" => subject.text(pattern.named_child(0)?),
                _ => return None,
            };
            let ty = node.child_by_field_name("type").map(|t| subject.text(t));
            out.push(param(name, ty, false, false));
        }
        "attribute_item" => {}
        _ => return None,
    }
    Some(())
}

fn go(subject: &Subject, node: Node, out: &mut Vec<Param>) -> Option<()> {
    let variadic = node.kind() == "variadic_parameter_declaration";
    if !variadic && node.kind() != "parameter_declaration" {
        return None;
    }
    let ty = node.child_by_field_name("type").map(|t| subject.text(t));
    let mut cursor = node.walk();
    let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
    if names.is_empty() {
        return None;
    }
    for name in names {
        let name = subject.text(name);
        if name == "_" {
            return None;
        }
        out.push(param(name, ty.clone(), false, variadic));
    }
    Some(())
}

fn java(subject: &Subject, node: Node, out: &mut Vec<Param>) -> Option<()> {
    match node.kind() {
        "formal_parameter" => out.push(param(
            subject.text(node.child_by_field_name("name")?),
            node.child_by_field_name("type").map(|t| subject.text(t)),
            false,
            false,
        )),
        "spread_parameter" => {
            let mut cursor = node.walk();
            let declarator = node
                .named_children(&mut cursor)
                .find(|n| n.kind() == "variable_declarator")?;
            out.push(param(
                subject.text(declarator.child_by_field_name("name")?),
                None,
                true,
                true,
            ));
        }
        "receiver_parameter" => {}
        _ => return None,
    }
    Some(())
}

fn ecma(subject: &Subject, node: Node, out: &mut Vec<Param>) -> Option<()> {
    let ty = node
        .child_by_field_name("type")
        .map(|t| subject.text(t).trim_start_matches(':').trim().to_owned());
    match node.kind() {
        "identifier" => out.push(param(subject.text(node), None, false, false)),
        "required_parameter" | "optional_parameter" => {
            let pattern = node.child_by_field_name("pattern")?;
            let optional =
                node.kind() == "optional_parameter" || node.child_by_field_name("value").is_some();
            match pattern.kind() {
                "identifier" => out.push(param(subject.text(pattern), ty, optional, false)),
                "rest_pattern" => {
                    out.push(param(subject.text(pattern.named_child(0)?), ty, true, true))
                }
                "this" => {}
                _ => return None,
            }
        }
        "assignment_pattern" => {
            let left = node.child_by_field_name("left")?;
            if left.kind() != "identifier" {
                return None;
            }
            out.push(param(subject.text(left), None, true, false));
        }
        "rest_pattern" => out.push(param(subject.text(node.named_child(0)?), None, true, true)),
        _ => return None,
    }
    Some(())
}
