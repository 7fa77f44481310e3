//! `go.type-assertion`: a single-value type assertion on data from outside,
//! which panics on the other type.

use super::*;

pub(super) fn type_assertion(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let ty = cx.text(m.get("type")?);
    let object_text = cx.text(object);
    // `v, ok := x.(T)` and `var v, ok = x.(T)` never panic.
    if crate::hazards::guards::go_comma_ok(m.hazard) {
        return None;
    }
    // A pool only ever holds what its New makes.
    let lower = object_text.to_lowercase();
    if lower.contains("pool") && object_text.ends_with(".Get()") {
        return None;
    }
    if guarded_by_any(cx, m.hazard, &[&object_text]) {
        return None;
    }
    let numeric = INTEGER_TYPES.contains(&ty.as_str()) || ty.starts_with("float32");
    // An assertion on a value the program made itself states an invariant
    // (`n.(*ir.Name)`); only values from outside are believable failures.
    let untyped_parameter = object.kind() == "identifier"
        && binding_at(cx, &object_text, m.hazard.start_byte()).is_some_and(|b| {
            b.parameter
                && b.ty
                    .is_some_and(|t| matches!(cx.text(t).as_str(), "interface{}" | "any"))
        });
    let is_error =
        object.kind() == "identifier" && (object_text == "err" || object_text.ends_with("Err"));
    // `payload["count"].(int)`: a map read, not a slice element.
    let from_map = object.kind() == "index_expression"
        && (object
            .child_by_field_name("operand")
            .is_some_and(|o| is_map(cx, o, m.hazard.start_byte()))
            || object.child_by_field_name("index").is_some_and(|k| {
                matches!(
                    k.kind(),
                    "interpreted_string_literal" | "raw_string_literal"
                )
            }));
    // `ctx.Value(key)`: one argument, unlike `token.Value()`.
    let from_context = object.kind() == "call_expression"
        && callee_text(cx, object).ends_with(".Value")
        && arguments(object).len() == 1;
    let (dynamic, static_type, trigger, likelihood) = if is_error {
        (
            "*fmt.wrapError".to_owned(),
            "error",
            format!(
                "`{object_text}` is another error type, or {ty} wrapped with fmt.Errorf(\"…: %w\", err) (errors.As would unwrap it)"
            ),
            0.45,
        )
    } else if from_context {
        (
            "nil".to_owned(),
            "interface {}",
            format!(
                "the context carries no value for this key (a caller or middleware that did not set it), so `{}` is nil",
                one_line(&object_text, 40)
            ),
            0.5,
        )
    } else if from_map && numeric {
        (
            "float64".to_owned(),
            "interface {}",
            format!(
                "`{}` was decoded by encoding/json, which turns every JSON number into float64",
                one_line(&object_text, 40)
            ),
            0.55,
        )
    } else if from_map {
        (
            "nil".to_owned(),
            "interface {}",
            format!(
                "the key is missing, so `{}` is nil",
                one_line(&object_text, 40)
            ),
            0.5,
        )
    } else if untyped_parameter {
        let other = if ty == "string" { "float64" } else { "string" };
        (
            other.to_owned(),
            "interface {}",
            format!(
                "the caller passes a `{}` that is not {ty}",
                one_line(&object_text, 40)
            ),
            0.3,
        )
    } else {
        return None;
    };
    let mut finding = Finding::new(
        FailureClass::TypeError,
        likelihood,
        "*runtime.TypeAssertionError",
        format!("panic: interface conversion: {static_type} is {dynamic}, not {ty}"),
        trigger,
        format!(
            "Predicted panic: interface conversion when {} is not {ty}: no `, ok` form",
            one_line(&object_text, 30)
        ),
    );
    if object.kind() == "identifier"
        && binding_at(cx, &object_text, m.hazard.start_byte()).is_some_and(|b| b.parameter)
    {
        let wrong = if numeric || ty.starts_with("float") {
            "\"42\""
        } else if ty == "string" {
            "42"
        } else {
            "nil"
        };
        finding = finding.input(object_text, wrong);
    }
    Some(finding)
}
