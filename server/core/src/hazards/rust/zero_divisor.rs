//! `rs.division`: integer division or remainder by a value that may be zero,
//! which panics.

use super::*;

pub(super) fn division(m: &Match, cx: &FnCx) -> Option<Finding> {
    let right = m.get("right")?;
    let op = cx.text(m.get("op")?);
    let right_text = cx.text(right);
    if is_literal(right) {
        let zero = right_text.trim_end_matches(|c: char| c.is_alphabetic() || c == '_');
        if zero != "0" {
            return None;
        }
    }
    let types = parameter_types(cx);
    // `values.len() as u64` divides by a length; look through the cast.
    let uncast = right_text
        .split(" as ")
        .next()
        .unwrap_or(&right_text)
        .trim()
        .to_owned();
    let integer = is_length(&uncast)
        || INTEGERS
            .iter()
            .any(|t| right_text.ends_with(&format!("as {t}")))
        || types
            .get(&right_text)
            .is_some_and(|t| INTEGERS.contains(&t.as_str()));
    if !integer {
        return None;
    }
    let length = is_length(&uncast);
    let object = if length {
        uncast
            .rsplit_once('.')
            .map_or(uncast.clone(), |(o, _)| o.to_owned())
    } else {
        uncast.clone()
    };
    if cx.guarded(m.hazard, &[&object])
        || cx.guarded(m.hazard, &[&uncast])
        || right_text.contains(".max(")
    {
        return None;
    }
    let input = types
        .contains_key(&object)
        .then(|| (object.clone(), if length { "&[]" } else { "0" }.to_owned()));
    division::finding(
        cx,
        Divisor {
            op,
            text: uncast,
            collection: length.then_some(object),
            input,
        },
    )
}
