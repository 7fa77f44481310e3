//! `java.concurrent-modification`: a collection changed inside a for-each
//! over it (ConcurrentModificationException), unless it is a concurrent one.

use super::*;

pub(super) fn concurrent_modification(m: &Match, cx: &FnCx) -> Option<Finding> {
    let collection = m.get("collection")?;
    let body = m.get("body")?;
    let at = m.hazard.start_byte();
    let collection_text = cx.text(collection);
    // `map.keySet()`, `map.values()`, `map.entrySet()` iterate the map.
    let (root, is_view) = match collection_text
        .strip_suffix(".keySet()")
        .or_else(|| collection_text.strip_suffix(".values()"))
        .or_else(|| collection_text.strip_suffix(".entrySet()"))
    {
        Some(root) => (root.to_owned(), true),
        None => (collection_text.clone(), false),
    };
    if let Some(d) = (collection.kind() == "identifier" || collection.kind() == "field_access")
        .then(|| declared_expr(cx, collection, at))
        .flatten()
        .or_else(|| declared(cx, &root, at))
    {
        // `List<T> xs = new CopyOnWriteArrayList<>()`: the made type counts.
        let made = d
            .value
            .filter(|v| v.kind() == "object_creation_expression")
            .and_then(|v| v.child_by_field_name("type"))
            .map(|t| cx.text(t))
            .unwrap_or_default();
        let concurrent = [type_text(cx, &d), made].iter().any(|t| {
            let ty = erased(t);
            ty.starts_with("CopyOnWrite") || ty.starts_with("Concurrent")
        });
        if concurrent {
            return None;
        }
    }
    let modifying: &[&str] = if is_view {
        // `put` of a key being iterated replaces a value: no structural change.
        &["remove", "clear"]
    } else {
        &[
            "remove",
            "add",
            "addAll",
            "removeAll",
            "retainAll",
            "clear",
            "removeIf",
        ]
    };
    let call = descendants(body).into_iter().find(|n| {
        n.kind() == "method_invocation"
            && n.child_by_field_name("object")
                .is_some_and(|o| cx.text(o) == root)
            && n.child_by_field_name("name")
                .is_some_and(|name| modifying.contains(&cx.text(name).as_str()))
            && !inside_lambda_or_class(*n, body)
    })?;
    let statement = {
        let mut current = call;
        while let Some(parent) = current.parent() {
            if parent.kind() == "block" || parent.id() == body.id() {
                break;
            }
            current = parent;
        }
        current
    };
    // Leaving the loop after the change, before the next iteration, is safe.
    let leaves = statement.kind() == "return_statement" || {
        let mut next = statement.next_named_sibling();
        let mut found = false;
        while let Some(n) = next {
            if matches!(
                n.kind(),
                "break_statement" | "return_statement" | "throw_statement"
            ) {
                found = true;
                break;
            }
            next = n.next_named_sibling();
        }
        found
    };
    if leaves || cx.caught(m.hazard, &["ConcurrentModificationException"]) {
        return None;
    }
    // Conditional when anything between the loop body and the call decides.
    let mut conditional = false;
    let mut current = call;
    while let Some(parent) = current.parent() {
        if parent.id() == body.id() {
            break;
        }
        if matches!(
            parent.kind(),
            "if_statement"
                | "switch_expression"
                | "switch_block_statement_group"
                | "ternary_expression"
                | "catch_clause"
                | "while_statement"
                | "for_statement"
        ) {
            conditional = true;
        }
        current = parent;
    }
    let call_name = call
        .child_by_field_name("name")
        .map(|n| cx.text(n))
        .unwrap_or_default();
    let change = format!("{root}.{call_name}()");
    // Not a race: one thread breaks its own iterator.
    let finding = Finding::new(
        FailureClass::Other,
        if conditional { 0.5 } else { 0.8 },
        "java.util.ConcurrentModificationException",
        "java.util.ConcurrentModificationException",
        if conditional {
            format!(
                "the condition holds for an element that is not the last one: `{change}` changes `{root}` while the for-each iterates it, and the iterator's next() throws"
            )
        } else {
            format!(
                "every run with two or more elements: `{change}` changes `{root}` while the for-each iterates it, and the iterator's next() throws"
            )
        },
        format!("Predicted ConcurrentModificationException: {change} inside a for-each over {}", one_line(&collection_text, 30)),
    )
    // The iterator throws in the loop header, where the stack trace points.
    .at(collection.byte_range());
    Some(if conditional {
        finding
    } else {
        finding.manifest()
    })
}

/// Whether `node` sits in a lambda or anonymous class inside `scope`, which
/// may run later and elsewhere.
pub(super) fn inside_lambda_or_class(node: Node, scope: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.id() == scope.id() {
            return false;
        }
        if matches!(parent.kind(), "lambda_expression" | "class_body") {
            return true;
        }
        current = parent;
    }
    false
}
