//! Java fields that hold nothing until one method sets them: declared
//! without a value, set by no constructor, assigned in `execute` or
//! `requestAudioFocus`, and dereferenced by another method that may run
//! first. On Android that order is the platform's, not the code's: a
//! permission or activity result delivered to a plugin whose process was
//! recreated (Cordova's geolocation and fingerprint plugins kept their
//! `CallbackContext` only in `execute`), a lifecycle callback before the
//! setup call. The same holds for any object used out of order (`close()`
//! before `open()`). A null check in the reading method, or a value set
//! before the dereference there, is the guard; a field the constructor
//! sets, or one a framework injects (an annotation), is never read here.

use super::*;

/// Below a value the file itself checks for null ([`nullable_names`]): the
/// order of calls is a weaker doubt than a check written elsewhere.
const LIKELIHOOD: f32 = 0.08;

/// A field declared without a value and the functions (ids) that assign
/// it; none of them a constructor.
#[derive(Clone, Debug, PartialEq)]
pub struct LateField {
    pub name: String,
    pub setters: Vec<String>,
}

/// The Java fields of the file that only methods set.
pub(super) fn late_fields(
    language: Language,
    tree: &Tree,
    text: &str,
    index: &FunctionIndex,
) -> Vec<LateField> {
    if language != Language::Java {
        return Vec::new();
    }
    let mut declared: Vec<String> = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "field_declaration" {
            declared.extend(unset_declared(node, text));
            continue;
        }
        // Fields live in class bodies; method bodies hold none.
        if matches!(
            node.kind(),
            "method_declaration" | "constructor_declaration"
        ) {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    declared.sort();
    declared.dedup();
    if declared.is_empty() {
        return Vec::new();
    }
    // Each function's text read once for every name it assigns, not once
    // per field (this runs on every edit).
    let mut setters: std::collections::HashMap<&str, Vec<&Function>> = Default::default();
    for function in index.defined() {
        let body = text
            .get(function.range.start..function.range.end)
            .unwrap_or_default();
        for name in assigned(body) {
            setters.entry(name).or_default().push(function);
        }
    }
    declared
        .into_iter()
        .filter_map(|name| {
            let functions = setters.get(name.as_str())?;
            // Set by a constructor: always there. Set nowhere: injected,
            // or reflection's business.
            if functions.iter().any(|f| is_constructor(f)) {
                return None;
            }
            let mut setters: Vec<String> = functions.iter().map(|f| f.id.clone()).collect();
            setters.dedup();
            Some(LateField { name, setters })
        })
        .collect()
}

/// The names a field declaration leaves without a value (or `= null`): not final, not
/// annotated (`@Inject`, `@BindView` fill it), not a primitive.
fn unset_declared(node: Node, text: &str) -> Vec<String> {
    let slice = |n: Node| text.get(n.byte_range()).unwrap_or_default();
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    let modifiers = children
        .iter()
        .find(|c| c.kind() == "modifiers")
        .map_or("", |m| slice(*m));
    if modifiers.contains("final") || modifiers.contains('@') {
        return Vec::new();
    }
    let primitive = node.child_by_field_name("type").is_none_or(|t| {
        matches!(
            t.kind(),
            "integral_type" | "floating_point_type" | "boolean_type" | "void_type"
        )
    });
    if primitive {
        return Vec::new();
    }
    children
        .iter()
        .filter(|c| {
            c.kind() == "variable_declarator"
                && c.child_by_field_name("value")
                    .is_none_or(|v| absent::is_nothing(slice(v)))
        })
        .filter_map(|c| c.child_by_field_name("name").map(|n| slice(n).to_owned()))
        .collect()
}

/// The names `body` assigns a value (`name = …`, `this.name = …`), not
/// nothing.
fn assigned(body: &str) -> Vec<&str> {
    body.lines()
        .filter_map(|line| {
            let (left, right) = absent::assignment(line)?;
            let left = absent::assigned_name(left);
            let left = left.strip_prefix("this.").unwrap_or(left);
            (!left.is_empty() && !absent::is_nothing(right.trim().trim_end_matches(';')))
                .then_some(left)
        })
        .collect()
}

/// Whether every function of the file that calls `name` (a call written
/// `{prefix}{name}(`) is one of `setters` (ids), or a private helper
/// itself called only after one, three calls deep at most: a helper that
/// runs only inside the methods that set a field finds it set.
pub(super) fn called_only_after(
    index: &FunctionIndex,
    text: &str,
    name: &str,
    prefix: &str,
    setters: &[String],
    private: &dyn Fn(&Function) -> bool,
) -> bool {
    fn after(
        index: &FunctionIndex,
        text: &str,
        (name, prefix): (&str, &str),
        setters: &[String],
        private: &dyn Fn(&Function) -> bool,
        depth: usize,
    ) -> bool {
        let call = format!("{prefix}{name}(");
        let callers: Vec<&Function> = index
            .defined()
            .filter(|f| f.name != name)
            .filter(|f| {
                text.get(f.range.start..f.range.end)
                    .is_some_and(|body| body.contains(&call))
            })
            .collect();
        !callers.is_empty()
            && callers.iter().all(|caller| {
                setters.contains(&caller.id)
                    || (depth > 0
                        && private(caller)
                        && after(
                            index,
                            text,
                            (&caller.name, prefix),
                            setters,
                            private,
                            depth - 1,
                        ))
            })
    }
    after(index, text, (name, prefix), setters, private, 3)
}

/// Whether a method's declaration says `private`.
fn is_private(function: &Function, text: &str) -> bool {
    text.get(function.range.start..function.name_range.start)
        .is_some_and(|head| head.split_whitespace().any(|w| w == "private"))
}

/// A setter's own name, from its function id (`execute` of
/// `Geolocation.java::Geolocation.execute`), for a trigger to name.
pub(super) fn setter_name(id: &str) -> &str {
    id.rsplit(['.', ':']).next().unwrap_or_default()
}

/// A constructor's name repeats its class's (`Geolocation.Geolocation`).
fn is_constructor(function: &Function) -> bool {
    let mut parts = function.qualified_name.rsplit('.');
    matches!((parts.next(), parts.next()), (Some(a), Some(b)) if a == b)
}

impl Scan<'_, '_, '_> {
    /// The field a receiver names, when it is one only another method
    /// sets (`context`, `this.mCallbackContext`, `Plugin.this.context`),
    /// with the name of one method that sets it.
    pub(super) fn late_field(&self, receiver: &str) -> Option<(&str, &str)> {
        if self.cx.language != Language::Java {
            return None;
        }
        let name = match receiver.rsplit_once("this.") {
            Some((outer, name)) if outer.is_empty() || outer.ends_with('.') => name,
            Some(_) => return None,
            None => receiver,
        };
        let field = self.late.iter().find(|f| f.name == name)?;
        // A local or parameter of the same name hides the field.
        if receiver == name && !self.field_like(name) {
            return None;
        }
        // A private helper called only from the methods that set the
        // field runs after them; one a callback calls (`onActivityResult`
        // → `sendError`) runs whenever that callback does.
        let text = self.cx.file_text();
        if self.cx.function.parent.is_none()
            && is_private(self.cx.function, text)
            && called_only_after(
                self.cx.index,
                text,
                &self.cx.function.name,
                "",
                &field.setters,
                &|f| is_private(f, text),
            )
        {
            return None;
        }
        // The method that sets it, or a lambda inside it, ran the setting.
        let mut function = Some(self.cx.function);
        while let Some(f) = function {
            if field.setters.contains(&f.id) || is_constructor(f) {
                return None;
            }
            function = f.parent.and_then(|p| self.cx.index.functions.get(p));
        }
        Some((field.name.as_str(), setter_name(&field.setters[0])))
    }

    /// A dereference of a field only another method sets, with no check
    /// or assignment of it first in this one.
    pub(super) fn late_field_dereferenced(&mut self, node: Node, receiver: &str) -> bool {
        let Some((name, setter)) = self.late_field(receiver) else {
            return false;
        };
        if !self.null_unguarded(node, receiver) || !self.null_unguarded(node, name) {
            return false;
        }
        let trigger = format!(
            "this method runs before `{setter}` ever set `{name}` (a platform callback delivered to an object created afresh, calls made in another order)"
        );
        self.add(node, NullOrNone, LIKELIHOOD, &trigger);
        true
    }
}
