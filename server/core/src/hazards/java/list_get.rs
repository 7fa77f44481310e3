//! `java.list-get`: `list.get(i)` on a list that may be shorter, as query
//! results are.

use super::*;

pub(super) fn is_list_type(ty: &str) -> bool {
    matches!(
        erased(ty),
        "List"
            | "ArrayList"
            | "LinkedList"
            | "ImmutableList"
            | "CopyOnWriteArrayList"
            | "Vector"
            | "AbstractList"
    )
}

/// Where a list came from, if it is known to be a list.
pub(super) enum ListSource {
    Parameter(String),
    /// A query or lookup that may return no rows.
    Query(String),
    /// A list computed by another call.
    Call(String),
}

pub(super) const QUERY_METHODS: &[&str] = &[
    "getResultList",
    "findAll",
    "findBy",
    "query",
    "queryForList",
    "list",
    "search",
    "select",
    "fetch",
];

pub(super) fn list_source(cx: &FnCx, list: Node, at: usize) -> Option<ListSource> {
    let callee_name = |call: Node| {
        call.child_by_field_name("name")
            .map(|n| cx.text(n))
            .unwrap_or_default()
    };
    if list.kind() == "method_invocation" {
        let name = callee_name(list);
        if QUERY_METHODS.iter().any(|q| name.starts_with(q)) {
            return Some(ListSource::Query(one_line(&cx.text(list), 40)));
        }
        return None;
    }
    let d = declared_expr(cx, list, at)?;
    if !is_list_type(&type_text(cx, &d)) {
        return None;
    }
    if d.parameter && is_private(cx) {
        return None;
    }
    if d.parameter {
        return Some(ListSource::Parameter(cx.text(list)));
    }
    let value = d.value.filter(|_| !d.field)?;
    if value.kind() != "method_invocation" {
        return None;
    }
    let name = callee_name(value);
    let text = one_line(&cx.text(value), 40);
    if QUERY_METHODS.iter().any(|q| name.starts_with(q)) {
        Some(ListSource::Query(text))
    } else if matches!(name.as_str(), "of" | "asList" | "singletonList" | "copyOf") {
        // A literal list: its size is in the code.
        None
    } else {
        Some(ListSource::Call(text))
    }
}

pub(super) fn list_get(m: &Match, cx: &FnCx) -> Option<Finding> {
    let list = m.get("list")?;
    let index = m.get("index")?;
    let at = m.hazard.start_byte();
    let list_text = cx.text(list);
    let index_text = cx.text(index);
    let source = list_source(cx, list, at)?;
    if cx.caught(m.hazard, INDEX_ERRORS) {
        return None;
    }
    let literal = cx.int_value(index);
    let mut words = vec![list_text.clone()];
    if literal.is_none() {
        words.push(index_text.clone());
    }
    if words.iter().any(|w| cx.guarded(m.hazard, &[w])) {
        return None;
    }
    let short = one_line(&cx.text(m.hazard), 40);
    let finding = |likelihood, i: i64, len: i64, trigger: String, when: &str| {
        Finding::new(
            FailureClass::IndexOutOfRange,
            likelihood,
            "java.lang.IndexOutOfBoundsException",
            format!(
                "java.lang.IndexOutOfBoundsException: Index {i} out of bounds for length {len}"
            ),
            trigger,
            format!("Predicted IndexOutOfBoundsException on {short} when {when}"),
        )
    };
    let last = last_index_of(cx, index).is_some_and(|of| of == list_text);
    let empty_trigger = match &source {
        ListSource::Parameter(name) => format!("the caller passes an empty `{name}`"),
        ListSource::Query(call) => format!("`{call}` finds no rows and returns an empty list"),
        ListSource::Call(call) => format!("`{call}` returns an empty list"),
    };
    let input = |f: Finding| match &source {
        ListSource::Parameter(name) => f.input(name.clone(), "List.of()"),
        _ => f,
    };
    let likelihood = match source {
        ListSource::Query(_) => 0.55,
        ListSource::Parameter(_) => 0.35,
        ListSource::Call(_) => 0.4,
    };
    if last {
        return Some(input(finding(
            likelihood,
            -1,
            0,
            format!("{empty_trigger}, so `{index_text}` is -1"),
            &format!("{list_text} is empty"),
        )));
    }
    match literal {
        Some(k) => Some(input(finding(
            likelihood,
            k,
            k,
            if k == 0 {
                empty_trigger
            } else {
                format!(
                    "`{list_text}` has only {}",
                    plural(k, "element", "elements")
                )
            },
            &if k == 0 {
                format!("{list_text} is empty")
            } else {
                format!("{list_text} has fewer than {} elements", k + 1)
            },
        ))),
        None => {
            let from_caller = matches!(source, ListSource::Parameter(_))
                && is_parameter(cx, index, at)
                && declared(cx, &index_text, at)
                    .is_some_and(|d| INTEGER_TYPES.contains(&cx.text(d.ty).as_str()));
            from_caller.then(|| {
                finding(
                    0.3,
                    -1,
                    3,
                    format!(
                        "the caller passes an `{index_text}` outside 0..{list_text}.size()-1 (a -1 \"not found\" marker, or size())"
                    ),
                    &format!("{index_text} is out of range"),
                )
                .input(index_text, "-1")
            })
        }
    }
}
