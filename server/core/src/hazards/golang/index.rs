//! `go.index`: an index into a slice the data may not reach (split results,
//! arguments, fixed offsets) panics with index out of range.

use super::*;

/// `len(x) - 1` → `x`.
pub(super) fn last_index_of(cx: &FnCx, index: Node) -> Option<String> {
    if index.kind() != "binary_expression" {
        return None;
    }
    let left = index.child_by_field_name("left")?;
    let right = index.child_by_field_name("right")?;
    let op = index.child_by_field_name("operator")?;
    if op.kind() != "-" || cx.int_value(right)? < 1 || left.kind() != "call_expression" {
        return None;
    }
    if callee_text(cx, left) != "len" {
        return None;
    }
    arguments(left).first().map(|a| cx.text(*a))
}

/// Whether `node` is written to (`b[0] = x`), as output buffers are.
pub(super) fn is_write_target(node: Node) -> bool {
    node.parent().is_some_and(|list| {
        list.kind() == "expression_list"
            && list.parent().is_some_and(|a| {
                a.kind() == "assignment_statement"
                    && a.child_by_field_name("left")
                        .is_some_and(|l| l.id() == list.id())
            })
    }) || node
        .parent()
        .is_some_and(|p| matches!(p.kind(), "inc_statement" | "dec_statement"))
}

/// Whether an earlier constant index into parameter `name` in this function
/// would fail first (so only the first is reported), or the author asserted
/// the length with a bounds-check hint (`_ = b[3]`).
pub(super) fn earlier_constant_index(cx: &FnCx, name: &str, at: usize) -> bool {
    let Some(body) = cx.node.child_by_field_name("body") else {
        return false;
    };
    cx.text(body).contains(&format!("_ = {name}[")) || cx.earlier_constant_index(body, name, at)
}

pub(super) fn index(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let index = m.get("index")?;
    let at = m.hazard.start_byte();
    let object_text = cx.text(object);
    let index_text = cx.text(index);
    let short = one_line(&cx.text(m.hazard), 40);

    // `s[len(s)-1]` on an empty slice or string.
    if let Some(of) = last_index_of(cx, index)
        && of == object_text
    {
        if is_map(cx, object, at) || guarded_by_any(cx, m.hazard, &[&object_text]) {
            return None;
        }
        // Only values that may be empty: a caller's slice, fields, submatches.
        let source = slice_source(cx, object, at);
        let may_be_empty = match &source {
            Some(Source::Parameter { ty, .. }) => !is_byte_slice(ty),
            Some(Source::Fields { .. } | Source::Submatch { .. } | Source::FlagArgs) => true,
            _ => false,
        };
        if !may_be_empty {
            return None;
        }
        let mut finding = Finding::new(
            FailureClass::IndexOutOfRange,
            0.4,
            "runtime.Error",
            "panic: runtime error: index out of range [-1]",
            format!("`{object_text}` is empty, so `{index_text}` is -1"),
            format!(
                "Predicted panic: index out of range [-1] on {short} when {object_text} is empty"
            ),
        );
        if let Some(Source::Parameter { name, ty }) = source {
            finding = finding.input(name, empty_value(&ty));
        }
        return Some(finding);
    }

    // `s[i]` where `i := strings.Index(s, sep)` may be -1.
    if index.kind() == "identifier"
        && let Some((call, haystack, needle)) = index_of_call(cx, &index_text, at)
    {
        if guarded_by_any(cx, m.hazard, &[&index_text]) {
            return None;
        }
        return Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.5,
            "runtime.Error",
            "panic: runtime error: index out of range [-1]",
            format!(
                "`{haystack}` does not contain {needle}, so {call} returns -1 into `{index_text}`"
            ),
            format!(
                "Predicted panic: index out of range [-1] on {short} when {call} finds nothing"
            ),
        ));
    }

    let source = slice_source(cx, object, at)?;
    // `&b[0]` hands a buffer to a syscall or assembly, whose contract the
    // caller keeps; `unsafe.Sizeof(b[0])` never evaluates it.
    let handed_on = m.hazard.parent().is_some_and(|p| {
        p.kind() == "unary_expression" && cx.text(p).starts_with('&')
            || p.kind() == "argument_list"
                && p.parent()
                    .is_some_and(|call| callee_text(cx, call).starts_with("unsafe."))
    });
    if handed_on {
        return None;
    }
    let literal = cx.int_value(index);
    let mut words: Vec<String> = vec![object_text.clone()];
    if let Source::Split { input, .. } | Source::Fields { input } | Source::Submatch { input } =
        &source
    {
        words.push(cx.text(*input));
        // `strings.Split(string(b), …)` is guarded by checks on `b`.
        if input.kind() == "call_expression" || input.kind() == "type_conversion_expression" {
            words.extend(
                arguments(*input)
                    .first()
                    .or(input.child_by_field_name("operand").as_ref())
                    .map(|a| cx.text(*a)),
            );
        }
    }
    if matches!(source, Source::Args | Source::FlagArgs) {
        words.push("NArg".to_owned());
    }
    if literal.is_none() {
        words.push(index_text.clone());
    }
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    if guarded_by_any(cx, m.hazard, &word_refs) {
        return None;
    }
    let summary =
        |when: &str| format!("Predicted panic: index out of range on {short} when {when}");
    match (source, literal) {
        (Source::Split { input, sep, call }, Some(k)) if k >= 1 => {
            let input = one_line(&cx.text(input), 30);
            let into = if object.kind() == "identifier" {
                format!(" into `{object_text}`")
            } else {
                String::new()
            };
            let trigger = if k == 1 {
                format!("`{input}` contains no {sep}, so {call} returns one element{into}")
            } else {
                format!(
                    "`{input}` contains fewer than {} {sep}, so `{object_text}` has only {}",
                    plural(k, "separator", "separators"),
                    plural(k, "element", "elements")
                )
            };
            Some(Finding::new(
                FailureClass::IndexOutOfRange,
                0.55,
                "runtime.Error",
                format!("panic: runtime error: index out of range [{k}] with length {k}"),
                trigger,
                summary(&format!("{input} has no {sep}")),
            ))
        }
        (Source::Fields { input }, Some(k)) => {
            let input = one_line(&cx.text(input), 30);
            Some(Finding::new(
                FailureClass::IndexOutOfRange,
                0.45,
                "runtime.Error",
                format!("panic: runtime error: index out of range [{k}] with length {k}"),
                if k == 0 {
                    format!(
                        "`{input}` is empty or only whitespace, so strings.Fields returns no fields"
                    )
                } else {
                    format!("`{input}` has only {}", plural(k, "field", "fields"))
                },
                summary(&if k == 0 {
                    format!("{input} is blank")
                } else {
                    format!("{input} has fewer than {} fields", k + 1)
                }),
            ))
        }
        (Source::Submatch { input }, Some(k)) => {
            let input = one_line(&cx.text(input), 30);
            Some(Finding::new(
                FailureClass::IndexOutOfRange,
                0.5,
                "runtime.Error",
                format!("panic: runtime error: index out of range [{k}] with length 0"),
                format!(
                    "`{input}` does not match the pattern, so the submatch slice `{object_text}` is nil"
                ),
                summary(&format!("{input} does not match")),
            ))
        }
        (Source::Args, Some(k)) if k >= 1 => Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.5,
            "runtime.Error",
            format!("panic: runtime error: index out of range [{k}] with length {k}"),
            if k == 1 {
                "the program is started without arguments".to_owned()
            } else {
                format!("the program is started with fewer than {k} arguments")
            },
            summary("an argument is missing"),
        )),
        (Source::FlagArgs, Some(k)) => Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.5,
            "runtime.Error",
            format!("panic: runtime error: index out of range [{k}] with length {k}"),
            if k == 0 {
                "the program is started without arguments after the flags".to_owned()
            } else {
                format!(
                    "the program is started with fewer than {} arguments after the flags",
                    k + 1
                )
            },
            summary("an argument is missing"),
        )),
        (Source::Parameter { name, ty }, Some(k))
            if !is_byte_slice(&ty)
                && !is_write_target(m.hazard)
                && !earlier_constant_index(cx, &name, at) =>
        {
            Some(
                Finding::new(
                    FailureClass::IndexOutOfRange,
                    0.35,
                    "runtime.Error",
                    format!("panic: runtime error: index out of range [{k}] with length {k}"),
                    if k == 0 {
                        format!("the caller passes an empty `{name}`")
                    } else {
                        format!(
                            "the caller passes a `{name}` with only {}",
                            plural(k, "element", "elements")
                        )
                    },
                    summary(&if k == 0 {
                        format!("{name} is empty")
                    } else {
                        format!("{name} has fewer than {} elements", k + 1)
                    }),
                )
                .input(name, empty_value(&ty)),
            )
        }
        (Source::Parameter { name, ty }, None)
            if index.kind() == "identifier"
                && !is_byte_slice(&ty)
                && !is_write_target(m.hazard) =>
        {
            // `items[i]` with both from the caller.
            let b = binding_at(cx, &index_text, at)?;
            let integer = b.parameter
                && b.ty
                    .is_some_and(|t| INTEGER_TYPES.contains(&cx.text(t).as_str()));
            if !integer {
                return None;
            }
            Some(
                Finding::new(
                    FailureClass::IndexOutOfRange,
                    0.3,
                    "runtime.Error",
                    "panic: runtime error: index out of range [-1]",
                    format!(
                        "the caller passes an `{index_text}` outside 0..len({name})-1 (a -1 \"not found\" marker, or len({name}))"
                    ),
                    summary(&format!("{index_text} is out of range")),
                )
                .input(index_text, "-1"),
            )
        }
        _ => None,
    }
}
