//! Table-driven tests in `<file>_test.go`, in the package under test. Only
//! panics are reproduced: a returned error may be the right behaviour.

use tree_sitter::Node;

use super::literal;
use super::params::parameters;
use super::trigger::{self, Trigger, Value};
use super::{Project, Subject, TestEdit, append, camel, driven, unique_name};

pub fn write(subject: &Subject, node: Node, project: &Project) -> Result<TestEdit, String> {
    let function = subject.function;
    let error = &subject.scenario.error;
    if !error.starts_with("panic:") && !error.starts_with("runtime error:") {
        return Err(
            "only panics are reproduced; a returned error may be the right behaviour".to_owned(),
        );
    }
    if function.parent.is_some() {
        return Err("a function literal cannot be called from a test".to_owned());
    }
    if node.child_by_field_name("type_parameters").is_some() {
        return Err("a generic function needs its type arguments chosen by hand".to_owned());
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
    let package = package_name(subject).ok_or("the file has no package clause")?;
    let receiver = match &function.receiver {
        Some(receiver) if receiver.contains('[') => {
            return Err("a generic receiver needs its type arguments chosen by hand".to_owned());
        }
        Some(receiver) => {
            // The receiver's fields the trigger needs, the others zero.
            let fields: Vec<(String, Value)> = trigger
                .fields()
                .map(|(f, v)| (f.to_owned(), v.clone()))
                .collect();
            let value = literal::go(&Value::Obj(fields, Vec::new()), receiver)
                .ok_or("the receiver's fields cannot be written as Go")?;
            format!("({value}).")
        }
        None => String::new(),
    };
    let results = result_count(node);
    let path = subject
        .path
        .strip_suffix(".go")
        .map(|p| format!("{p}_test.go"))
        .ok_or("not a .go file")?;
    let existing = (project.read)(&path);
    let base = match &function.receiver {
        Some(receiver) => format!(
            "Test{}_{}_{}",
            receiver.trim_start_matches('*'),
            function.name,
            camel(super::class_words(subject))
        ),
        None => format!(
            "Test{}_{}",
            camel(&function.name),
            camel(super::class_words(subject))
        ),
    };
    let name = unique_name(&base, existing.as_deref());

    let fields: Vec<String> = params
        .iter()
        .map(|p| {
            let ty = p.ty.clone().unwrap_or_default();
            let ty = if p.variadic { format!("[]{ty}") } else { ty };
            format!("\t\t{} {ty}", field(&p.name))
        })
        .collect();
    let mut values = Vec::new();
    for p in &params {
        let ty = p.ty.clone().unwrap_or_default();
        let value =
            match (trigger.param(&p.name), subject.input(&p.name)) {
                (Some(v), _) => Some(literal::go(v, &ty).ok_or_else(|| {
                    format!("the trigger of {} cannot be written as {ty}", p.name)
                })?),
                (None, Some(v)) if trigger.roots.is_empty() => Some(v.to_owned()),
                _ => None,
            };
        if let Some(value) = value {
            values.push(format!("{}: {value}", field(&p.name)));
        }
    }
    let args: Vec<String> = params
        .iter()
        .map(|p| {
            let spread = if p.variadic { "..." } else { "" };
            format!("tt.{}{spread}", field(&p.name))
        })
        .collect();
    let assign = match results {
        0 => String::new(),
        n => format!("{} = ", vec!["_"; n].join(", ")),
    };
    let trigger = go_string(&crate::text::one_line(&subject.scenario.trigger, 80));
    let test = format!(
        "func {name}(t *testing.T) {{\n\t// failcast predicted: {}\n\ttests := []struct {{\n\t\tname string\n{}\n\t}}{{\n\t\t{{name: {trigger}, {}}},\n\t}}\n\tfor _, tt := range tests {{\n\t\tt.Run(tt.name, func(t *testing.T) {{\n\t\t\tdefer func() {{\n\t\t\t\tif r := recover(); r != nil {{\n\t\t\t\t\tt.Fatalf(\"failcast predicted this failure: %v\", r)\n\t\t\t\t}}\n\t\t\t}}()\n\t\t\t{assign}{receiver}{}({})\n\t\t\t// Then assert what {} should return for this input.\n\t\t}})\n\t}}\n}}\n",
        subject.predicted(),
        fields.join("\n"),
        values.join(", "),
        function.name,
        args.join(", "),
        function.name,
    );
    let (offset, text) = match &existing {
        Some(existing) => {
            let (offset, text) = append(existing, &test);
            (Some(offset), text)
        }
        None => (
            None,
            format!("package {package}\n\nimport \"testing\"\n\n{test}"),
        ),
    };
    Ok(TestEdit {
        path,
        offset,
        text,
        name,
        framework: "go test",
    })
}

/// Table fields are the parameter names; `type` and friends are renamed.
fn field(name: &str) -> String {
    match name {
        "name" | "tt" | "t" | "tests" => format!("{name}Arg"),
        _ => name.to_owned(),
    }
}

fn package_name(subject: &Subject) -> Option<String> {
    let root = subject.tree.root_node();
    let mut cursor = root.walk();
    let clause = root
        .named_children(&mut cursor)
        .find(|n| n.kind() == "package_clause")?;
    let mut cursor = clause.walk();
    let name = clause
        .named_children(&mut cursor)
        .find(|n| n.kind() == "package_identifier")?;
    Some(subject.text(name))
}

/// How many values the function returns.
fn result_count(node: Node) -> usize {
    let Some(result) = node.child_by_field_name("result") else {
        return 0;
    };
    if result.kind() != "parameter_list" {
        return 1;
    }
    let mut cursor = result.walk();
    result
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "parameter_declaration")
        .map(|p| {
            let mut cursor = p.walk();
            p.children_by_field_name("name", &mut cursor).count().max(1)
        })
        .sum()
}

fn go_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"trigger\"".to_owned())
}
