//! `ecma.nan`: a conversion of text from outside (`Number(x)`, `parseInt`)
//! flowing into arithmetic or comparisons, where NaN propagates silently.

use super::*;

/// Whether an expression is already a number (`x.length`, `Date.now()`,
/// `a * b`) or a constant.
pub(super) fn numeric_already(cx: &FnCx, node: Node) -> bool {
    let text = cx.text(node);
    match node.kind() {
        "number" | "string" | "true" | "false" | "null" | "undefined" => true,
        "template_string" => !text.contains("${"),
        "binary_expression" => !text.contains('+') || text.contains(" - "),
        "unary_expression" => true,
        "identifier" => text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()),
        _ => {
            text.ends_with(".length")
                || text.ends_with(".size")
                || text.starts_with("Math.")
                || text.starts_with("Date.now")
                || text.ends_with(".getTime()")
                || text.ends_with(".valueOf()")
                || text.contains(".toFixed(")
        }
    }
}

/// The arithmetic or comparison a value flows into, with the name that
/// receives the result when there is one.
pub(super) fn arithmetic_use<'t>(cx: &FnCx, node: Node<'t>) -> Option<(Node<'t>, String)> {
    let mut child = node;
    while let Some(parent) = child.parent() {
        match parent.kind() {
            "parenthesized_expression" | "as_expression" | "non_null_expression" => {
                child = parent;
            }
            "binary_expression" => {
                let op = parent
                    .child_by_field_name("operator")
                    .map(|o| cx.text(o))
                    .unwrap_or_default();
                // `parseInt(x) || 0` turns NaN into a default.
                if op == "||" {
                    return None;
                }
                if matches!(
                    op.as_str(),
                    "+" | "-" | "*" | "/" | "%" | "**" | "<" | ">" | "<=" | ">="
                ) {
                    return Some((parent, receiver_of(cx, parent)));
                }
                return None;
            }
            "augmented_assignment_expression" => {
                let target = parent
                    .child_by_field_name("left")
                    .map(|l| cx.text(l))
                    .unwrap_or_default();
                return Some((parent, target));
            }
            _ => return None,
        }
    }
    None
}

/// The variable an arithmetic expression's result goes to.
pub(super) fn receiver_of(cx: &FnCx, expression: Node) -> String {
    let mut current = expression;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "variable_declarator" => {
                return parent
                    .child_by_field_name("name")
                    .map(|n| cx.text(n))
                    .unwrap_or_default();
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                return parent
                    .child_by_field_name("left")
                    .map(|n| cx.text(n))
                    .unwrap_or_default();
            }
            "return_statement" => return "return".to_owned(),
            "binary_expression" | "parenthesized_expression" => current = parent,
            _ => break,
        }
    }
    String::new()
}

pub(super) fn nan(m: &Match, cx: &FnCx) -> Option<Finding> {
    let arg = m.get("arg")?;
    let callee = cx.text(m.get("callee")?);
    if numeric_already(cx, arg) {
        return None;
    }
    let arg_text = cx.text(arg);
    // A regex group (`Number(m[1])`) holds the digits the pattern matched.
    let facts = facts(cx);
    if arg.kind() == "subscript_expression"
        && let Some(object) = arg.child_by_field_name("object")
        && let Value::Missing(missing) = eval(cx, &facts, object)
        && missing.origin == Origin::Regex
    {
        return None;
    }
    // Booleans and numbers convert cleanly; so do Node's own version
    // strings and the groups a `.replace(re, fn)` callback receives.
    if facts.numeric.contains(&arg_text)
        || arg_text.contains("process.version")
        || in_replace_callback(cx, m.hazard)
    {
        return None;
    }
    // Where the NaN goes: straight into arithmetic, or into a variable that
    // arithmetic later reads.
    let mut value_node = m.hazard;
    while let Some(parent) = value_node
        .parent()
        .filter(|p| matches!(p.kind(), "parenthesized_expression" | "as_expression"))
    {
        value_node = parent;
    }
    let parent = value_node.parent()?;
    let (use_site, target, variable) = if parent.kind() == "variable_declarator" {
        let name = parent
            .child_by_field_name("name")
            .filter(|n| n.kind() == "identifier")
            .map(|n| cx.text(n))?;
        let (site, target) = variable_arithmetic(cx, parent, &name)?;
        (site, target, Some(name))
    } else {
        let (site, target) = arithmetic_use(cx, m.hazard)?;
        (site, target, None)
    };
    let arg_word = guard_word_of(&arg_text);
    let checks = ["isNaN", "isFinite", "isInteger", "isSafeInteger"];
    for check in checks {
        if cx.guarded(use_site, &[&arg_word, check])
            || variable
                .as_deref()
                .is_some_and(|v| cx.guarded(use_site, &[v, check]))
        {
            return None;
        }
    }
    // A check of the result (`if (Number.isNaN(total))`) catches it too.
    let body = cx.own_text().to_owned();
    let result_checked = !target.is_empty()
        && target != "return"
        && ["isNaN(", "isFinite(", "isInteger("]
            .iter()
            .any(|check| body.contains(&format!("{check}{target})")));
    if result_checked {
        return None;
    }
    // An earlier validation of the text (`/^\d+$/.test(qty)`) or any early
    // exit on the variable (`if (!(qty > 0)) return`) counts.
    if cx.guarded(use_site, &[&arg_word, "test"])
        || variable
            .as_deref()
            .is_some_and(|v| cx.guarded(use_site, &[v]))
    {
        return None;
    }
    let external = eval(cx, &facts, arg).external().is_some()
        || arg_text.contains("req.")
        || arg_text.contains("process.env")
        || arg_text.contains("query")
        || arg_text.contains("params")
        || arg_text.contains(".value");
    let parameter = arg.kind() == "identifier" && cx.parameters().contains(&arg_text);
    let likelihood = if external || parameter { 0.45 } else { 0.3 };
    let target = match target.as_str() {
        "" => "the result".to_owned(),
        "return" => format!("the value {}() returns", cx.function.name),
        _ => format!("`{}`", one_line(&target, 30)),
    };
    let examples = if callee == "Number" {
        "\"abc\", \"1,5\", \"12px\", undefined"
    } else {
        "\"\", \"abc\", undefined"
    };
    let mut finding = Finding::new(
        FailureClass::ParseError,
        likelihood,
        "NaN",
        format!("NaN propagates: {target} becomes NaN"),
        format!(
            "`{}` is not a number ({examples}), so {callee}() returns NaN instead of throwing",
            one_line(&arg_text, 40)
        ),
        format!(
            "Predicted NaN in {target} when {} is not a number",
            one_line(&arg_text, 40)
        ),
    );
    if parameter {
        finding = finding.input(arg_text, "'abc'");
    }
    Some(finding)
}

/// Whether `node` runs in a `.replace(re, (match, group) => …)` callback,
/// whose arguments are what the pattern matched.
pub(super) fn in_replace_callback(cx: &FnCx, node: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if matches!(parent.kind(), "arrow_function" | "function_expression")
            && let Some(call) = parent
                .parent()
                .filter(|a| a.kind() == "arguments")
                .and_then(|a| a.parent())
            && call
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("property"))
                .is_some_and(|p| matches!(cx.text(p).as_str(), "replace" | "replaceAll"))
        {
            return true;
        }
        if parent.id() == cx.node.id() {
            break;
        }
        current = parent;
    }
    false
}

/// The first arithmetic that reads `name` after its declaration.
pub(super) fn variable_arithmetic<'t>(
    cx: &FnCx<'_, 't>,
    declarator: Node<'t>,
    name: &str,
) -> Option<(Node<'t>, String)> {
    let mut stack = vec![cx.node];
    let mut found: Option<(Node, String)> = None;
    while let Some(node) = stack.pop() {
        if node.end_byte() <= declarator.end_byte() {
            continue;
        }
        if node.kind() == "identifier"
            && node.start_byte() >= declarator.end_byte()
            && cx.text(node) == name
            && let Some(site) = arithmetic_use(cx, node)
            && found
                .as_ref()
                .is_none_or(|(f, _)| f.start_byte() > site.0.start_byte())
        {
            found = Some(site);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}
