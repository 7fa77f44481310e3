//! `py.match-group`, `py.match-var-group`: `.group()` on a regex match that may
//! be None.

use super::*;

pub(super) fn match_group(m: &Match, cx: &FnCx) -> Option<Finding> {
    let accessor = cx.text(m.get("accessor")?);
    let matcher = cx.text(m.get("matcher")?);
    if cx.caught(m.hazard, &["AttributeError", "TypeError"]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::NullOrNone,
        0.55,
        "AttributeError",
        format!("AttributeError: 'NoneType' object has no attribute '{accessor}'"),
        format!("the text does not match the pattern, so re.{matcher}() returns None"),
        format!(
            "Predicted AttributeError: re.{matcher}() returns None when the text does not match"
        ),
    ))
}

pub(super) fn match_var_group(m: &Match, cx: &FnCx) -> Option<Finding> {
    let var = cx.text(m.get("var")?);
    let accessor = cx.text(m.get("accessor")?);
    // Only variables bound to re.match/search/fullmatch in this function.
    let body = cx.own_text().to_owned();
    let bound = ["match(", "search(", "fullmatch("].iter().any(|f| {
        body.lines().any(|line| {
            let line = line.trim();
            line.starts_with(&format!("{var} = ")) && line.contains(&format!("re.{f}"))
                || line.starts_with(&format!("{var} = "))
                    && line.contains(&format!(".{f}"))
                    && line.contains("re")
        })
    });
    if !bound {
        return None;
    }
    if cx.caught(m.hazard, &["AttributeError", "TypeError"]) || cx.guarded(m.hazard, &[&var]) {
        return None;
    }
    Some(Finding::new(
        FailureClass::NullOrNone,
        0.5,
        "AttributeError",
        format!("AttributeError: 'NoneType' object has no attribute '{accessor}'"),
        format!("the text does not match, so `{var}` is None"),
        format!("Predicted AttributeError on {var}.{accessor}() when the pattern does not match"),
    ))
}
