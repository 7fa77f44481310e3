//! `java.array-index`: an index into an array the data may not reach (split
//! results, `args`, fixed offsets).

use super::*;

/// Where an array came from.
pub(super) enum ArraySource<'t> {
    /// `text.split(sep)`: at least one element, trailing empty ones dropped.
    Split { input: Node<'t>, sep: String },
    /// `main(String[] args)`.
    Args,
    /// An array parameter, with an empty array of its type for tests.
    Parameter { name: String, empty: String },
}

pub(super) fn split_source<'t>(cx: &FnCx<'_, 't>, call: Node<'t>) -> Option<ArraySource<'t>> {
    if call.kind() != "method_invocation"
        || call
            .child_by_field_name("name")
            .map(|n| cx.text(n))
            .as_deref()
            != Some("split")
    {
        return None;
    }
    let input = call.child_by_field_name("object")?;
    let sep = call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        .map(|s| cx.text(s))
        .unwrap_or_default();
    Some(ArraySource::Split { input, sep })
}

pub(super) fn array_source<'t>(
    cx: &FnCx<'_, 't>,
    array: Node<'t>,
    at: usize,
) -> Option<ArraySource<'t>> {
    if let Some(split) = split_source(cx, array) {
        return Some(split);
    }
    if array.kind() != "identifier" {
        return None;
    }
    let name = cx.text(array);
    let d = declared(cx, &name, at)?;
    // A private method's callers are the class itself, which keeps its contract.
    if d.parameter && is_private(cx) {
        return None;
    }
    if d.parameter {
        let array_typed = cx.text(d.ty).ends_with("[]")
            || d.node.kind() == "spread_parameter"
            || d.node.child_by_field_name("dimensions").is_some();
        if !array_typed {
            return None;
        }
        if cx.function.name == "main" && name == "args" {
            return Some(ArraySource::Args);
        }
        let element = cx.text(d.ty);
        let element = element
            .split('[')
            .next()
            .unwrap_or_default()
            .trim_end_matches("...");
        // Primitive arrays are buffers and tables whose length the caller
        // guarantees by contract (codecs, checksums, numeric kernels).
        if matches!(
            element.trim(),
            "byte" | "char" | "short" | "int" | "long" | "float" | "double" | "boolean"
        ) {
            return None;
        }
        return Some(ArraySource::Parameter {
            name,
            empty: format!("new {}[0]", element.trim()),
        });
    }
    d.value.and_then(|v| split_source(cx, v))
}

/// Whether `node` is assigned to (`out[0] = x`, `counts[i]++`).
pub(super) fn is_write_target(node: Node) -> bool {
    node.parent().is_some_and(|p| {
        p.kind() == "assignment_expression"
            && p.child_by_field_name("left")
                .is_some_and(|l| l.id() == node.id())
            || p.kind() == "update_expression"
    })
}

pub(super) fn array_index(m: &Match, cx: &FnCx) -> Option<Finding> {
    let array = m.get("array")?;
    let index = m.get("index")?;
    let at = m.hazard.start_byte();
    let array_text = cx.text(array);
    let index_text = cx.text(index);
    if cx.caught(m.hazard, INDEX_ERRORS) {
        return None;
    }
    let source = array_source(cx, array, at)?;
    if let ArraySource::Parameter { name, .. } = &source
        && (is_write_target(m.hazard) || cx.earlier_constant_index(cx.node, name, at))
    {
        return None;
    }
    let short = one_line(&cx.text(m.hazard), 40);
    let mut words = vec![array_text.clone()];
    if let ArraySource::Split { input, .. } = &source {
        words.push(cx.text(*input));
    }
    let literal = cx.int_value(index);
    if literal.is_none() {
        words.push(index_text.clone());
    }
    if words.iter().any(|w| cx.guarded(m.hazard, &[w])) {
        return None;
    }
    let error = |i: i64, len: i64| {
        format!(
            "java.lang.ArrayIndexOutOfBoundsException: Index {i} out of bounds for length {len}"
        )
    };
    let finding = |likelihood, error: String, trigger: String, when: &str| {
        Finding::new(
            FailureClass::IndexOutOfRange,
            likelihood,
            "java.lang.ArrayIndexOutOfBoundsException",
            error,
            trigger,
            format!("Predicted ArrayIndexOutOfBoundsException on {short} when {when}"),
        )
    };
    if last_index_of(cx, index).is_some_and(|of| of == array_text) {
        let f = finding(
            0.4,
            error(-1, 0),
            format!("`{array_text}` is empty, so `{index_text}` is -1"),
            &format!("{array_text} is empty"),
        );
        return Some(match source {
            ArraySource::Parameter { name, empty } => f.input(name, empty),
            _ => f,
        });
    }
    match (source, literal) {
        (ArraySource::Split { input, sep }, Some(k)) if k >= 1 => {
            let input = one_line(&cx.text(input), 30);
            Some(finding(
                0.55,
                error(k, k),
                if k == 1 {
                    format!(
                        "`{input}` contains no {sep} (or nothing after it: split() drops trailing empty strings), so the array has one element"
                    )
                } else {
                    format!(
                        "`{input}` has fewer than {} separated by {sep} (split() drops trailing empty ones)",
                        plural(k + 1, "field", "fields")
                    )
                },
                &format!("{input} has no {sep}"),
            ))
        }
        (ArraySource::Args, Some(k)) => Some(
            finding(
                0.5,
                error(k, k),
                if k == 0 {
                    "the program is started without arguments".to_owned()
                } else {
                    format!("the program is started with fewer than {} arguments", k + 1)
                },
                "an argument is missing",
            )
            .input("args", "new String[0]"),
        ),
        (ArraySource::Parameter { name, empty }, Some(k)) => Some(
            finding(
                0.35,
                error(k, k),
                if k == 0 {
                    format!("the caller passes an empty `{name}`")
                } else {
                    format!(
                        "the caller passes a `{name}` with only {}",
                        plural(k, "element", "elements")
                    )
                },
                &if k == 0 {
                    format!("{name} is empty")
                } else {
                    format!("{name} has fewer than {} elements", k + 1)
                },
            )
            .input(name, empty),
        ),
        (ArraySource::Parameter { name, .. }, None) if is_parameter(cx, index, at) => {
            let integer = declared(cx, &index_text, at)
                .is_some_and(|d| INTEGER_TYPES.contains(&cx.text(d.ty).as_str()));
            integer.then(|| {
                finding(
                    0.3,
                    error(-1, 3),
                    format!(
                        "the caller passes an `{index_text}` outside 0..{name}.length-1 (a -1 \"not found\" marker, or {name}.length)"
                    ),
                    &format!("{index_text} is out of range"),
                )
                .input(index_text, "-1")
            })
        }
        _ => None,
    }
}
