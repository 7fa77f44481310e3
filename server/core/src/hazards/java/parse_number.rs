//! `java.parse-number`: `Integer.parseInt` and friends on text from outside,
//! outside a handler for NumberFormatException.

use super::*;

/// Expressions that carry text from outside the program.
pub(super) fn external_text(cx: &FnCx, node: Node, at: usize) -> bool {
    let markers = [
        "getParameter(",
        "getHeader(",
        "getenv(",
        "getProperty(",
        "readLine(",
        "nextLine(",
        "args[",
        ".split(",
        "getString(",
        "getText(",
        "getQueryParameter",
        "getPathVariable",
        "getFirst(",
    ];
    let text = cx.text(node);
    if markers.iter().any(|m| text.contains(m)) {
        return true;
    }
    node.kind() == "identifier"
        && declared(cx, &text, at)
            .and_then(|d| d.value)
            .is_some_and(|v| markers.iter().any(|m| cx.text(v).contains(m)))
}

/// Whether an expression is a `String`, as far as the file shows.
pub(super) fn is_string(cx: &FnCx, node: Node, at: usize) -> bool {
    match node.kind() {
        // A text block is a `string_literal` too.
        "string_literal" => true,
        "identifier" | "field_access" => {
            declared_expr(cx, node, at).is_some_and(|d| erased(&cx.text(d.ty)) == "String")
        }
        "method_invocation" => {
            let name = node
                .child_by_field_name("name")
                .map(|n| cx.text(n))
                .unwrap_or_default();
            matches!(
                name.as_str(),
                "getParameter"
                    | "getHeader"
                    | "getenv"
                    | "getProperty"
                    | "readLine"
                    | "nextLine"
                    | "getString"
                    | "getText"
                    | "trim"
                    | "strip"
                    | "substring"
                    | "group"
                    | "toString"
            )
        }
        "array_access" => {
            cx.text(node).contains(".split(")
                || node
                    .child_by_field_name("array")
                    .and_then(|a| declared_expr(cx, a, at))
                    .is_some_and(|d| cx.text(d.ty).starts_with("String"))
        }
        _ => false,
    }
}

pub(super) fn parse_number(m: &Match, cx: &FnCx) -> Option<Finding> {
    let class = cx.text(m.get("class")?);
    let method = m.get("method").map(|n| cx.text(n));
    let arg = m.get("arg")?;
    let at = m.hazard.start_byte();
    let arg_text = cx.text(arg);
    let takes_string_only = matches!(
        method.as_deref(),
        Some(
            "parseInt"
                | "parseLong"
                | "parseDouble"
                | "parseFloat"
                | "parseShort"
                | "parseByte"
                | "parseUnsignedInt"
                | "parseUnsignedLong"
                | "decode"
        )
    );
    // `Integer.valueOf(5)`, `new BigDecimal(price)` with a number never throw.
    if !takes_string_only && !is_string(cx, arg, at) {
        return None;
    }
    if let Some(literal) = string_contents(&arg_text)
        && (literal.trim().parse::<f64>().is_ok() || arg.kind() != "string_literal")
    {
        return None;
    }
    if matches!(
        arg.kind(),
        "decimal_integer_literal" | "decimal_floating_point_literal"
    ) {
        return None;
    }
    // A regular-expression group (`m.group(2)` of `(\\d+)`) is digits by construction.
    if arg.kind() == "method_invocation"
        && arg
            .child_by_field_name("name")
            .is_some_and(|n| cx.text(n) == "group")
    {
        return None;
    }
    let errors = ["NumberFormatException", "IllegalArgumentException"];
    if cx.caught(m.hazard, &errors) {
        return None;
    }
    // A method that declares it is part of its contract.
    let header = {
        let end = cx
            .node
            .child_by_field_name("body")
            .map_or(cx.node.end_byte(), |b| b.start_byte());
        cx.rope
            .byte_slice(cx.node.start_byte()..end.min(cx.rope.len_bytes()))
            .to_string()
    };
    if header.contains("NumberFormatException") {
        return None;
    }
    let validators = [
        "matches",
        "isNumeric",
        "isDigits",
        "isDigit",
        "isCreatable",
        "isParsable",
        "isNumber",
    ];
    if validators
        .iter()
        .any(|v| cx.guarded(m.hazard, &[&arg_text, v]))
    {
        return None;
    }
    let callee = match &method {
        Some(method) => format!("{class}.{method}()"),
        None => format!("new {class}()"),
    };
    let error = if class == "BigDecimal" {
        "java.lang.NumberFormatException: Character N is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark."
            .to_owned()
    } else {
        "java.lang.NumberFormatException: For input string: \"N/A\"".to_owned()
    };
    let literal = arg.kind() == "string_literal";
    let mut finding = Finding::new(
        FailureClass::ParseError,
        if literal {
            0.95
        } else if external_text(cx, arg, at) {
            0.55
        } else {
            0.4
        },
        "java.lang.NumberFormatException",
        if literal {
            format!(
                "java.lang.NumberFormatException: For input string: {}",
                arg_text
            )
        } else {
            error
        },
        format!(
            "`{}` holds text that is not a number (\"N/A\", \"\", \"1,5\", \" 42\")",
            one_line(&arg_text, 40)
        ),
        format!("Predicted NumberFormatException in {callee} when the text is not a number"),
    );
    if literal {
        finding = finding.manifest();
    }
    if is_parameter(cx, arg, at) {
        finding = finding.input(arg_text, "\"N/A\"");
    }
    Some(finding)
}
