//! A local assigned from a call and dereferenced with no check: `const sub
//! = subscribeToResult(this, d); if (sub.closed) …`, `Node n =
//! tree.resolve(path); n.children()`. Functions return null or undefined
//! on paths their callers forget (nothing found, already closed, a branch
//! that falls off the end), and the dereference is where it crashes. The
//! rule names the first dereference of each such local at the lowest
//! likelihood; a check of the local (`if (sub)`, `sub != null`, optional
//! chaining) or a handler of the null error is the guard. Constructors,
//! literals and calls that always return a value (string and collection
//! methods) are left out. A function of the same file that returns null on
//! one path and a value on another (`callees::null_returners`) is known to,
//! in Python too, and ranks higher.

use super::*;

const BASE: f32 = 0.015;

/// A local from a function of the file that returns null on some path.
const NULL_RETURNED: f32 = 0.07;

/// Calls whose result is never null: conversions, string and collection
/// methods, builders.
const ALWAYS: &[&str] = &[
    "split",
    "trim",
    "toString",
    "String",
    "map",
    "filter",
    "slice",
    "concat",
    "join",
    "format",
    "replace",
    "toLowerCase",
    "toUpperCase",
    "keys",
    "values",
    "entries",
    "from",
    "of",
    "str",
    "int",
    "float",
    "len",
    "list",
    "dict",
    "set",
    "tuple",
    "sorted",
    "reversed",
    "copy",
    "Object.assign",
    "require",
    "build",
    "create",
    "stream",
    "collect",
    "asList",
    "toArray",
    "substring",
    "strip",
    "lower",
    "upper",
    "encode",
    "decode",
    "items",
    "range",
    "now",
    "Date",
    "Symbol",
    "Array",
    "Number",
    "Boolean",
    "parseInt",
    "parseFloat",
    "isArray",
];

impl Scan<'_, '_, '_> {
    pub(super) fn call_result_dereferenced(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript
                | Language::TypeScript
                | Language::Tsx
                | Language::Java
                | Language::Python
        ) {
            return;
        }
        if node
            .parent()
            .is_some_and(|p| self.facts.member.contains(&p.kind()))
        {
            return;
        }
        let Some(object) = node
            .child_by_field_name("object")
            .or_else(|| node.child_by_field_name("operand"))
            // A Python subscript: `info["a"]` of None is a TypeError.
            .or_else(|| node.child_by_field_name("value"))
        else {
            return;
        };
        if object.kind() != "identifier" || self.text(node).contains("?.") {
            return;
        }
        let name = self.text(object);
        let name = name.trim();
        if name.len() < 2 || self.raced.iter().any(|r| r == &format!("result:{name}")) {
            return;
        }
        let Some(callee) = self
            .call_assigned
            .iter()
            .find(|(local, _)| local == name)
            .map(|(_, callee)| callee.clone())
        else {
            return;
        };
        let last = callee.rsplit(['.', ':']).next().unwrap_or(&callee);
        // A function of the file that returns null on one of its paths
        // says so; of other calls only a guess is possible, and Python's
        // are not guessed at.
        let returns_null = self.own_null_returner(&callee, last);
        if !returns_null
            && (self.cx.language == Language::Python
                || ALWAYS.contains(&last)
                || ALWAYS.contains(&callee.as_str())
                || last.starts_with(|c: char| c.is_ascii_uppercase()))
        {
            return;
        }
        self.raced.push(format!("result:{name}"));
        if guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[name])
            || self.caught_here(node, NullOrNone)
        {
            return;
        }
        if returns_null {
            let said = format!(
                "`{last}` returns nothing on one of its paths, and its result is used as if it always returns a value"
            );
            self.add(node, NullOrNone, NULL_RETURNED, &said);
        } else {
            self.add(node, NullOrNone, BASE, trigger(NullOrNone));
        }
    }
}

impl Scan<'_, '_, '_> {
    /// Whether `callee` (named `last`) is a function of the file that
    /// returns null on one of its paths ([`callees::null_returners`]),
    /// called bare or on the function's own object.
    pub(super) fn own_null_returner(&self, callee: &str, last: &str) -> bool {
        self.null_returners.iter().any(|n| n == last)
            && callee
                .rsplit_once('.')
                .is_none_or(|(receiver, _)| self.is_own(receiver))
    }
}

/// Locals assigned from one call, with its callee (`const x = f(a)`,
/// `Type x = o.m()`, `x = await g()`), read once from the function's text.
pub(super) fn assigned_from_calls(body: &str) -> Vec<(String, String)> {
    statements(body)
        .into_iter()
        .filter_map(|line| {
            let (left, right) = super::absent::assignment(line.trim())?;
            // A call whose arguments run over several lines reads as one.
            let right = right.split_whitespace().collect::<Vec<_>>().join(" ");
            let right = right.as_str();
            let name = super::absent::assigned_name(left);
            let right = right.trim().trim_end_matches(';').trim();
            let right = right.strip_prefix("await ").unwrap_or(right);
            if name.is_empty() || right.starts_with("new ") || !right.ends_with(')') {
                return None;
            }
            let (callee, _) = right.split_once('(')?;
            let callee = callee.trim();
            (!callee.is_empty()
                && callee
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$')))
            .then(|| (name.to_owned(), callee.to_owned()))
        })
        .collect()
}

/// The body's lines, with a line whose parentheses are still open joined
/// to the lines that close them: `Notification n = Notification.get(\n
/// context, id);` is one assignment from one call.
fn statements(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open = 0i32;
    let mut current = String::new();
    for line in body.lines() {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line.trim());
        open += line.matches('(').count() as i32 - line.matches(')').count() as i32;
        // A stray parenthesis in a string or comment must not swallow the
        // rest of the body: a statement spans a few lines at most.
        if open <= 0 || current.len() > 400 {
            out.push(std::mem::take(&mut current));
            open = 0;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
