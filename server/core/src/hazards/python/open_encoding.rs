//! `py.open-no-encoding`: text files opened without an encoding, decoded with
//! the machine's locale.

use super::*;

pub(super) fn open_no_encoding(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let args = m.get("args")?;
    if has_keyword(cx, args, "encoding") {
        return None;
    }
    if callee == "open" {
        // Binary mode needs no encoding.
        let mode = args
            .named_child(1)
            .filter(|a| a.kind() == "string")
            .map(|a| cx.text(a))
            .or_else(|| {
                let mut cursor = args.walk();
                args.named_children(&mut cursor)
                    .find(|a| {
                        a.kind() == "keyword_argument"
                            && a.child_by_field_name("name")
                                .is_some_and(|n| cx.text(n) == "mode")
                    })
                    .and_then(|a| a.child_by_field_name("value"))
                    .map(|v| cx.text(v))
            })
            .unwrap_or_default();
        if mode.contains('b') || args.named_child_count() == 0 {
            return None;
        }
        // open() that is not builtins.open (e.g. `gzip.open` is an attribute) never gets here.
    }
    if cx.caught(
        m.hazard,
        &["UnicodeDecodeError", "UnicodeError", "ValueError"],
    ) {
        return None;
    }
    Some(Finding::new(
        FailureClass::Encoding,
        0.35,
        "UnicodeDecodeError",
        "UnicodeDecodeError: 'ascii' codec can't decode byte 0xc3 in position 17: ordinal not in range(128)",
        "the process runs with a non-UTF-8 locale (LANG=C in a slim container, or cp1252 on Windows) and the file contains non-ASCII text",
        format!(
            "Predicted UnicodeDecodeError in {callee}() under a non-UTF-8 locale: no encoding is given"
        ),
    ))
}
