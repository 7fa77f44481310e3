//! `go.nil-map-write`, `go.concurrent-map-write`: a write to a map that was
//! never made, and a map written from goroutines without a lock (Go's fatal
//! `concurrent map writes`).

use super::*;

/// The write's enclosing `go func() {…}()` or `g.Go(func() error {…})`
/// literal inside the function, if any.
pub(super) fn goroutine_literal<'t>(cx: &FnCx<'_, 't>, node: Node<'t>) -> Option<Node<'t>> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.id() == cx.node.id() {
            return None;
        }
        if current.kind() == "func_literal" {
            let launched = match parent.kind() {
                "call_expression" => parent.parent().is_some_and(|g| g.kind() == "go_statement"),
                "argument_list" => parent.parent().is_some_and(|call| {
                    call.kind() == "call_expression"
                        && callee_text(cx, call).rsplit('.').next() == Some("Go")
                }),
                _ => false,
            };
            if launched {
                return Some(current);
            }
        }
        current = parent;
    }
    None
}

/// Whether `scope` takes a lock before byte `at`.
pub(super) fn locked_before(cx: &FnCx, scope: Node, at: usize) -> bool {
    descendants(scope).into_iter().any(|n| {
        n.kind() == "call_expression"
            && n.start_byte() < at
            && callee_text(cx, n).ends_with(".Lock")
    })
}

/// Whether the file starts this function as a goroutine: `go f(…)`,
/// `go s.f(…)`, `g.Go(s.f)`.
pub(super) fn launched_as_goroutine(cx: &FnCx) -> bool {
    let name = &cx.function.name;
    descendants(cx.tree.root_node())
        .into_iter()
        .any(|n| match n.kind() {
            "go_statement" => n.named_child(0).is_some_and(|call| {
                let callee = callee_text(cx, call);
                callee == *name || callee.ends_with(&format!(".{name}"))
            }),
            "call_expression" => {
                callee_text(cx, n).rsplit('.').next() == Some("Go")
                    && arguments(n).iter().any(|a| {
                        let text = cx.text(*a);
                        text == *name || text.ends_with(&format!(".{name}"))
                    })
            }
            _ => false,
        })
}

/// The identifier a map expression starts from: `m` in `m`, `s` in `s.counts`.
pub(super) fn root_name(cx: &FnCx, expr: Node) -> Option<String> {
    match expr.kind() {
        "identifier" => Some(cx.text(expr)),
        "selector_expression" => root_name(cx, expr.child_by_field_name("operand")?),
        _ => None,
    }
}

pub(super) fn concurrent_map_write(m: &Match, cx: &FnCx) -> Option<Finding> {
    let map = m.get("map")?;
    let at = m.hazard.start_byte();
    let map_text = cx.text(map);
    let root = root_name(cx, map)?;
    let (scope, likelihood, trigger) = if let Some(literal) = goroutine_literal(cx, m.hazard) {
        // A map made inside the goroutine is its own.
        let declared_inside = bindings(cx, &root)
            .iter()
            .any(|b| literal.byte_range().contains(&b.at));
        if declared_inside || !is_map(cx, map, at) {
            return None;
        }
        let mut in_loop = false;
        let mut current = literal;
        while let Some(parent) = current.parent() {
            if parent.id() == cx.node.id() {
                break;
            }
            if parent.kind() == "for_statement" {
                in_loop = true;
                break;
            }
            current = parent;
        }
        let trigger = if in_loop {
            format!(
                "two of the goroutines this loop starts write `{map_text}` at the same time; the runtime detects it and kills the process (recover cannot catch it)"
            )
        } else {
            format!(
                "the goroutine writes `{map_text}` while this function or another goroutine uses it; the runtime detects it and kills the process (recover cannot catch it)"
            )
        };
        (literal, if in_loop { 0.6 } else { 0.4 }, trigger)
    } else {
        // Only maps that outlive the call: package variables, receiver
        // fields, parameters. (Cheap checks first: the last one reads the file.)
        let shared = match binding_at(cx, &root, at) {
            Some(b) => b.parameter,
            None => package_var(cx, &root).is_some(),
        };
        if !shared || !is_map(cx, map, at) || !launched_as_goroutine(cx) {
            return None;
        }
        let trigger = format!(
            "the file starts {} as a goroutine more than once, and two of them write `{map_text}` at the same time; the runtime detects it and kills the process (recover cannot catch it)",
            cx.function.name
        );
        (cx.node, 0.5, trigger)
    };
    if locked_before(cx, scope, at) {
        return None;
    }
    Some(Finding::new(
        FailureClass::RaceCondition,
        likelihood,
        "fatal error",
        "fatal error: concurrent map writes",
        trigger,
        format!(
            "Predicted fatal error: concurrent map writes to {} from goroutines without a lock",
            one_line(&map_text, 30)
        ),
    ))
}

pub(super) fn nil_map_write(m: &Match, cx: &FnCx) -> Option<Finding> {
    let map = m.get("map")?;
    let at = m.hazard.start_byte();
    let map_text = cx.text(map);
    let error = "panic: assignment to entry in nil map";
    match map.kind() {
        "identifier" => {
            if let Some(b) = binding_at(cx, &map_text, at) {
                // Only `var m map[K]V`, with nothing assigned since.
                if b.statement.kind() != "var_spec"
                    || b.value.is_some()
                    || !b.ty.is_some_and(is_map_type)
                    || assigned_within(cx, cx.node, &map_text, b.at, at)
                    || guarded_by_any(cx, m.hazard, &[&map_text])
                {
                    return None;
                }
                return Some(
                    Finding::new(
                        FailureClass::NullOrNone,
                        0.9,
                        "runtime.Error",
                        error,
                        format!(
                            "every call: `var {map_text} {}` declares a nil map and nothing makes it before this write",
                            b.ty.map(|t| cx.text(t)).unwrap_or_default()
                        ),
                        format!("Predicted panic: assignment to entry in nil map {map_text}: it is never made"),
                    )
                    .manifest(),
                );
            }
            let (ty, value) = package_var(cx, &map_text)?;
            if value.is_some() || !ty.is_some_and(is_map_type) {
                return None;
            }
            let root = cx.tree.root_node();
            if assigned_within(cx, root, &map_text, 0, usize::MAX)
                || guarded_by_any(cx, m.hazard, &[&map_text])
            {
                return None;
            }
            Some(Finding::new(
                FailureClass::NullOrNone,
                0.55,
                "runtime.Error",
                error,
                format!(
                    "the package-level `{map_text}` is declared without a value and nothing in this file makes it (unless another file's init does)"
                ),
                format!(
                    "Predicted panic: assignment to entry in nil map {map_text}: nothing makes it"
                ),
            ))
        }
        "selector_expression" => {
            let field = cx.text(map.child_by_field_name("field")?);
            let (owner, ty) = struct_field(cx, &field)?;
            if !is_map_type(ty) {
                return None;
            }
            let root = cx.tree.root_node();
            let initialised = descendants(root).into_iter().any(|n| match n.kind() {
                "keyed_element" => n.named_child(0).is_some_and(|k| cx.text(k) == field),
                "assignment_statement" => n.child_by_field_name("left").is_some_and(|l| {
                    children(l)
                        .iter()
                        .any(|t| cx.text(*t).ends_with(&format!(".{field}")))
                }),
                _ => false,
            });
            // A positional literal `S{make(map…)}` sets every field.
            let positional = descendants(root).into_iter().any(|n| {
                n.kind() == "composite_literal"
                    && n.child_by_field_name("type")
                        .is_some_and(|t| cx.text(t) == owner)
                    && n.child_by_field_name("body").is_some_and(|b| {
                        children(b)
                            .iter()
                            .any(|e| e.kind() != "keyed_element" && e.kind() != "comment")
                    })
            });
            // Only when this file shows how the value is made: its
            // constructor may live in another file of the package.
            let made_here = descendants(root).into_iter().any(|n| match n.kind() {
                "composite_literal" => n
                    .child_by_field_name("type")
                    .is_some_and(|t| cx.text(t) == owner),
                "call_expression" => {
                    callee_text(cx, n) == "new"
                        && arguments(n).first().is_some_and(|a| cx.text(*a) == owner)
                }
                _ => false,
            });
            if !made_here || initialised || positional || guarded_by_any(cx, m.hazard, &[&map_text])
            {
                return None;
            }
            Some(Finding::new(
                FailureClass::NullOrNone,
                0.45,
                "runtime.Error",
                error,
                format!(
                    "this file makes {owner} values without `{field}`, and nothing in it makes the map, so `{field}` is nil"
                ),
                format!(
                    "Predicted panic: assignment to entry in nil map {map_text}: {owner}.{field} is never made"
                ),
            ))
        }
        _ => None,
    }
}
