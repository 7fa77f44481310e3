//! A value left empty by an exception the code swallowed: `AssetFileDescriptor
//! d = null; try { d = resolver.open(uri); } catch (FileNotFoundException e)
//! { log(e); }` and then `d.close()`. When the call in the `try` throws, the
//! handler logs and goes on, and everything after the `try` runs with the
//! value still null (SpotBugs' NP_NULL_ON_SOME_PATH_EXCEPTION; React
//! Native's camera roll crashed on an asset it could not open this way).
//! The same holds for Python's `x = None; try: x = …; except …: pass` and
//! JavaScript's `let x = null; try { x = … } catch { … }`.
//!
//! What is recorded is where the value may be absent from (the end of the
//! `try`), as a branch that sets a value to nothing is; the dereference
//! itself is judged, with its guards, where every absent value is
//! ([`Scan::member`]). A handler that exits (returns, throws, breaks) or
//! gives the value one of its own keeps it filled.

use super::*;

/// Node kinds of a `try` with handlers, per language.
fn try_kinds(language: Language) -> &'static [&'static str] {
    match language {
        Language::Java => &["try_statement", "try_with_resources_statement"],
        Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx => {
            &["try_statement"]
        }
        Language::Go | Language::Rust => &[],
    }
}

/// Each local a `try` fills whose handler swallows the failure, with the
/// byte offset of the `try`'s end: from there on the local may be absent.
/// `text` is the function's own text; a `try` in a nested function (a
/// callback) leaves the enclosing function's values alone.
pub(super) fn swallowed_assignments(cx: &FnCx, text: &str) -> Vec<(String, usize)> {
    let kinds = try_kinds(cx.language);
    if kinds.is_empty() || !text.contains("try") {
        return Vec::new();
    }
    let Some(body) = cx.node.child_by_field_name("body") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if kinds.contains(&node.kind()) {
            found.extend(swallowed_in(cx, text, node));
        }
        let mut cursor = node.walk();
        stack.extend(
            node.named_children(&mut cursor)
                .filter(|c| !cx.starts_nested_function(*c)),
        );
    }
    found
}

/// The locals `try_node`'s body fills that were nothing before it, when
/// no handler exits or fills them.
fn swallowed_in(cx: &FnCx, text: &str, try_node: Node) -> Vec<(String, usize)> {
    let Some(body) = try_node.child_by_field_name("body") else {
        return Vec::new();
    };
    let mut cursor = try_node.walk();
    let handlers: Vec<Node> = try_node
        .named_children(&mut cursor)
        .filter(|c| matches!(c.kind(), "catch_clause" | "except_clause"))
        .collect();
    // No handler (`try … finally`): the failure propagates.
    if handlers.is_empty()
        || handlers
            .iter()
            .any(|h| crate::hazards::guards::exits(cx.language, *h, cx.rope))
    {
        return Vec::new();
    }
    let handled: Vec<String> = handlers.iter().map(|h| node_text(*h, cx.rope)).collect();
    let cut = try_node.start_byte().saturating_sub(cx.node.start_byte());
    let before = text.get(..cut).unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for line in node_text(body, cx.rope).lines() {
        let trimmed = line.trim().trim_end_matches(';');
        let Some((left, right)) = absent::assignment(trimmed) else {
            continue;
        };
        let name = absent::assigned_name(left);
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'));
        if !plain
            || absent::is_nothing(right.trim_end_matches(';'))
            || names.iter().any(|n| n == name)
            || !absent::last_assigned(before, name).is_some_and(absent::is_nothing)
            || handled.iter().any(|h| fills(h, name))
        {
            continue;
        }
        names.push(name.to_owned());
    }
    names
        .into_iter()
        .map(|n| (n, try_node.end_byte()))
        .collect()
}

/// Whether a handler's text gives `name` a value.
fn fills(handler: &str, name: &str) -> bool {
    handler.lines().any(|line| {
        absent::assignment(line.trim().trim_end_matches(';'))
            .is_some_and(|(left, _)| absent::assigned_name(left) == name)
    })
}

/// How likely a dereference of a value a swallowed failure left empty
/// fails: the code shows the path (a call that throws, a handler that goes
/// on), unlike a value only compared with null somewhere.
const LIKELIHOOD: f32 = 0.14;

impl Scan<'_, '_, '_> {
    /// The likelihood and trigger of a null dereference of a value that
    /// may be absent, `name` at `node`: higher, with its own trigger, when
    /// a swallowed failure before it may have left it empty.
    pub(super) fn absent_dereference(&self, name: &str, node: Node) -> (f32, &'static str) {
        if self
            .swallowed
            .iter()
            .any(|(n, at)| n == name && *at <= node.start_byte())
        {
            (
                LIKELIHOOD,
                "the call in the `try` above failed, the handler went on, and the value is still null",
            )
        } else {
            (0.12, trigger(NullOrNone))
        }
    }
}
