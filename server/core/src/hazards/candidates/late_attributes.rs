//! Python attributes that exist only once some method, or one branch of
//! `__init__`, has set them: prometheus_client created `self._lock` only
//! for metrics with labels, and `clear()` on one without raised
//! `AttributeError: 'Gauge' object has no attribute '_lock'`; an object
//! whose `connect()` sets `self.sock` fails the same way in a `send()`
//! called first. Pylint names the habit (attribute-defined-outside-init).
//! An attribute the class body or `__init__` (or a method `__init__`
//! always calls) sets, a `hasattr`/`getattr` test, or a class that answers
//! for missing attributes itself (`__getattr__`) is never read here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use super::*;

const LIKELIHOOD: f32 = 0.06;

/// An attribute of one class that not every instance has, and the
/// methods (ids) that set it.
#[derive(Clone, Debug, PartialEq)]
pub struct LateAttribute {
    /// The class's bytes, and its name.
    pub class: Range<usize>,
    pub class_name: String,
    pub name: String,
    pub setters: Vec<String>,
}

/// The file's classes' attributes that only some paths set.
pub(super) fn late_attributes(
    language: Language,
    tree: &Tree,
    text: &str,
    index: &FunctionIndex,
) -> Vec<LateAttribute> {
    if language != Language::Python {
        return Vec::new();
    }
    // The index already knows the classes: walking every node of the
    // tree to find them would cost more than the rest of an edit.
    index
        .containers
        .iter()
        .filter(|c| c.kind == crate::functions::ContainerKind::Class)
        .filter_map(|c| {
            let mut node = tree
                .root_node()
                .descendant_for_byte_range(c.range.start, c.range.end)?;
            while node.kind() != "class_definition" {
                node = node.parent()?;
            }
            Some(node)
        })
        .flat_map(|class| of_class(class, text, index))
        .collect()
}

fn of_class(class: Node, text: &str, index: &FunctionIndex) -> Vec<LateAttribute> {
    let slice = |n: Node| text.get(n.byte_range()).unwrap_or_default();
    let Some(body) = class.child_by_field_name("body") else {
        return Vec::new();
    };
    let class_text = slice(class);
    // Classes that make attributes up, or set them by name.
    if [
        "__getattr__",
        "__getattribute__",
        "setattr(self",
        "__dict__",
    ]
    .iter()
    .any(|w| class_text.contains(w))
    {
        return Vec::new();
    }
    let mut defined: Vec<String> = Vec::new();
    let mut methods: Vec<Node> = Vec::new();
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        let statement = match statement.kind() {
            "decorated_definition" => statement
                .child_by_field_name("definition")
                .unwrap_or(statement),
            _ => statement,
        };
        match statement.kind() {
            "function_definition" => {
                if let Some(name) = statement.child_by_field_name("name") {
                    defined.push(slice(name).to_owned());
                }
                methods.push(statement);
            }
            "class_definition" => {
                if let Some(name) = statement.child_by_field_name("name") {
                    defined.push(slice(name).to_owned());
                }
            }
            "expression_statement" => {
                let line = slice(statement);
                let left = line.split(['=', ':']).next().unwrap_or_default();
                defined.extend(
                    left.split(',')
                        .map(|n| n.trim().to_owned())
                        .filter(|n| !n.is_empty()),
                );
            }
            _ => {}
        }
    }
    let method_name = |m: Node| {
        m.child_by_field_name("name")
            .map(&slice)
            .unwrap_or_default()
    };
    let Some(init) = methods.iter().find(|m| method_name(**m) == "__init__") else {
        // Without its own `__init__`, a parent's may set anything.
        return Vec::new();
    };
    // A parent's `__init__` may set anything.
    let init_text = slice(*init);
    if init_text.contains("super(") || init_text.contains(".__init__(self") {
        return Vec::new();
    }
    // `__init__` and the methods it always calls (`self.reset()`).
    let mut initial: Vec<&str> = vec!["__init__"];
    if let Some(init_body) = init.child_by_field_name("body") {
        let mut cursor = init_body.walk();
        for statement in init_body.named_children(&mut cursor) {
            let line = slice(statement).trim();
            if let Some(call) = line.strip_prefix("self.")
                && let Some((name, _)) = call.split_once('(')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                initial.push(name);
            }
        }
    }
    // Every `self.x = …` of each method, and whether it always runs.
    let mut sets: Vec<(String, Node, bool)> = Vec::new();
    for method in &methods {
        let Some(method_body) = method.child_by_field_name("body") else {
            continue;
        };
        for name in always_set(method_body, text) {
            sets.push((name, *method, true));
        }
        // Any assignment, read from the text: a walk of every node of
        // every method would run over the whole file on each edit.
        let source = slice(method_body);
        if !source.contains("self.") {
            continue;
        }
        for line in source.lines() {
            let Some((left, _)) = absent::assignment(line) else {
                continue;
            };
            for target in left.split(',') {
                if let Some(name) = target.trim().strip_prefix("self.")
                    && !name.is_empty()
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                {
                    sets.push((name.to_owned(), *method, false));
                }
            }
        }
    }
    let class_name = class
        .child_by_field_name("name")
        .map(|n| slice(n).to_owned())
        .unwrap_or_default();
    // Grouped once: a class of a thousand assignments is read in one pass,
    // not once per attribute (this runs on every edit).
    let defined: HashSet<&str> = defined.iter().map(String::as_str).collect();
    let initial: HashSet<&str> = initial.into_iter().collect();
    let ids: HashMap<usize, &str> = index
        .defined()
        .map(|f| (f.range.start, f.id.as_str()))
        .collect();
    let mut settled: HashSet<&str> = HashSet::new();
    let mut setters: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, method, always) in &sets {
        let method_name = method_name(*method);
        if *always && initial.contains(method_name) {
            settled.insert(name.as_str());
        }
        let entry = setters.entry(name.as_str()).or_default();
        if method_name != "__init__"
            && let Some(id) = ids.get(&method.start_byte())
        {
            entry.push((*id).to_owned());
        }
    }
    setters
        .into_iter()
        .filter(|(name, _)| !defined.contains(name) && !settled.contains(name))
        .map(|(name, mut setters)| {
            setters.sort();
            setters.dedup();
            LateAttribute {
                class: class.byte_range(),
                class_name: class_name.clone(),
                name: name.to_owned(),
                setters,
            }
        })
        .collect()
}

/// The targets of an assignment's left side (`a, self.b = …`).
fn targets(left: Node) -> Vec<Node> {
    match left.kind() {
        "pattern_list" | "tuple_pattern" | "list_pattern" => {
            let mut cursor = left.walk();
            left.named_children(&mut cursor).collect()
        }
        _ => vec![left],
    }
}

/// `x` of `self.x`.
fn own_attribute<'t>(node: Node, text: &'t str) -> Option<&'t str> {
    if node.kind() != "attribute" {
        return None;
    }
    let object = node.child_by_field_name("object")?;
    let attribute = node.child_by_field_name("attribute")?;
    (text.get(object.byte_range())? == "self").then(|| text.get(attribute.byte_range()))?
}

/// The attributes of `self` a block sets on every path through it: its
/// own assignments, what both sides of an `if … else` set, a `with` or
/// `try` body's (a branch without `else`, a loop, a handler set nothing
/// for sure).
fn always_set(block: Node, text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor = block.walk();
    for statement in block.named_children(&mut cursor) {
        match statement.kind() {
            "expression_statement" => {
                if let Some(assignment) = statement
                    .named_child(0)
                    .filter(|a| a.kind() == "assignment")
                    && let Some(left) = assignment.child_by_field_name("left")
                {
                    names.extend(
                        targets(left)
                            .into_iter()
                            .filter_map(|t| own_attribute(t, text))
                            .map(str::to_owned),
                    );
                }
            }
            "with_statement" | "try_statement" => {
                if let Some(body) = statement.child_by_field_name("body") {
                    names.extend(always_set(body, text));
                }
            }
            "if_statement" => {
                let mut branches: Vec<Node> = statement
                    .child_by_field_name("consequence")
                    .into_iter()
                    .collect();
                let mut has_else = false;
                let mut cursor = statement.walk();
                for clause in statement.named_children(&mut cursor) {
                    match clause.kind() {
                        "elif_clause" => branches.extend(clause.child_by_field_name("consequence")),
                        "else_clause" => {
                            has_else = true;
                            branches.extend(clause.child_by_field_name("body"));
                        }
                        _ => {}
                    }
                }
                if has_else {
                    let sets: Vec<Vec<String>> =
                        branches.iter().map(|b| always_set(*b, text)).collect();
                    if let Some((first, rest)) = sets.split_first() {
                        names.extend(
                            first
                                .iter()
                                .filter(|n| rest.iter().all(|r| r.contains(n)))
                                .cloned(),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    names
}

impl Scan<'_, '_, '_> {
    /// A read of `self.x` where `x` is an attribute not every instance
    /// has by then.
    pub(super) fn late_attribute_read(&mut self, node: Node) {
        if self.cx.language != Language::Python || node.kind() != "attribute" {
            return;
        }
        if self.late_attributes.is_empty() {
            return;
        }
        let (Some(object), Some(attribute)) = (
            node.child_by_field_name("object"),
            node.child_by_field_name("attribute"),
        ) else {
            return;
        };
        if self.text(object) != "self" {
            return;
        }
        let name = self.text(attribute);
        let name = name.as_str();
        let at = node.start_byte();
        let Some(late) = self
            .late_attributes
            .iter()
            .find(|l| l.name == name && l.class.contains(&at))
        else {
            return;
        };
        // Set here (a setter, or any assignment of it): not a read.
        if node.parent().is_some_and(|p| {
            p.kind() == "assignment" && p.child_by_field_name("left") == Some(node)
        }) {
            return;
        }
        let function = self.cx.function;
        let own = function.name.rsplit('.').next().unwrap_or_default();
        if own == "__init__" || late.setters.contains(&function.id) {
            return;
        }
        let tested = [
            format!("hasattr(self, '{name}'"),
            format!("hasattr(self, \"{name}\""),
            format!("getattr(self, '{name}'"),
            format!("getattr(self, \"{name}\""),
        ];
        if tested.iter().any(|t| self.body.contains(t.as_str()))
            || self.before(node).contains(&format!("self.{name} ="))
            || self.caught_here(node, Other)
        {
            return;
        }
        // A private helper only the setters call runs after them.
        let private = |name: &str| name.starts_with('_') && !name.starts_with("__");
        if private(own)
            && super::late_fields::called_only_after(
                self.cx.index,
                self.cx.file_text(),
                own,
                ".",
                &late.setters,
                &|f| private(&f.name),
            )
        {
            return;
        }
        let trigger = if late.setters.is_empty() {
            format!("`__init__` took the branch that does not set `{name}`")
        } else {
            let setter = super::late_fields::setter_name(&late.setters[0]);
            format!(
                "this method runs before `{setter}` set `{name}` (or `__init__` took a branch that does not)"
            )
        };
        let class_name = late.class_name.clone();
        if let Some(found) = self.added(node, Other, LIKELIHOOD, &trigger) {
            found.error_type = "AttributeError".to_owned();
            found.error =
                format!("AttributeError: '{class_name}' object has no attribute '{name}'");
        }
    }
}
