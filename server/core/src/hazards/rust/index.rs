//! `rs.index`: an index or slice the data may not reach, which panics.

use super::*;

/// Words of a condition that bounds a collection's length or finds a key
/// in it.
const LENGTH_WORDS: &[&str] = &[
    "len",
    "is_empty",
    "first",
    "last",
    "get(",
    "contains",
    "starts_with",
    "ends_with",
    "split_at",
    "chunks",
    "iter",
    "next",
    "Some(",
    "matches!",
    "capacity",
    "position",
];

pub(super) fn index(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let index = m.get("index")?;
    let object_text = cx.text(object);
    let index_text = cx.text(index);
    // Arrays of known size indexed by a constant are checked by the compiler.
    if object.kind() == "array_expression" {
        return None;
    }
    // A constant position: in range below a closure's window size.
    let position = (index.kind() == "integer_literal")
        .then(|| index_text.parse::<i64>().ok())
        .flatten();
    if position.is_some_and(|p| {
        usize::try_from(p).is_ok_and(|i| i < window_size(cx, object, &object_text))
    }) {
        return None;
    }
    // A literal position in a constant array the file declares: rustc
    // rejects one past its end at compile time.
    if position.is_some() && file_constant_array(cx, &object_text) {
        return None;
    }
    // `&x[..]` is the whole of `x`.
    if index_text.trim() == ".." {
        return None;
    }
    // Literal bounds inside an array the function declares with its size.
    let body = cx.own_text().to_owned();
    let cut = m.hazard.start_byte().saturating_sub(cx.node.start_byte());
    let before = body.get(..cut).unwrap_or(&body);
    if super::inside_fixed_array(before, &object_text, &index_text) {
        return None;
    }
    // Names the function binds to the object's length (`let size =
    // data.len()`): a check of them bounds it (`while i < size`).
    let length = format!("{}.len()", object_text.trim());
    let aliases: Vec<&str> = before
        .lines()
        .filter_map(|line| {
            let (left, right) = line.trim().split_once('=')?;
            let right = right.trim().trim_end_matches(';').trim();
            let name = left
                .trim()
                .trim_start_matches("let ")
                .trim_start_matches("mut ");
            let name = name.split(':').next()?.trim();
            (right == length && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
                .then_some(name)
        })
        .collect();
    if super::range_clamped_to_length(before, &object_text, &index_text) {
        return None;
    }
    // `..=i` parses as no range expression in every grammar version.
    let is_range = index.kind() == "range_expression" || index_text.trim_start().starts_with("..");
    let key = string_contents(&index_text);
    // The object, and what it is a view of (`it` of `it.as_slice()`).
    let objects: Vec<&str> = std::iter::once(object_text.as_str())
        .chain(super::viewed(&object_text))
        .collect();
    // Guards: a condition, loop header or assertion that bounds the
    // object's length or finds the key in it (`if i < v.len()`, `for i in
    // 0..v.len()`, `assert!(!v.is_empty())`, `if m.contains_key(k)`). One
    // that only mentions it bounds nothing: `windows(2).all(..)` holds of an
    // empty vector, whose `[0]` then panics.
    let bounds = |text: &str| match position {
        Some(position) => objects.iter().any(|object| {
            let text = without_binding(text, object);
            crate::hazards::guards::reaches_position(&text, object, position, LENGTH_WORDS, false)
        }),
        None => {
            objects.iter().any(|object| {
                crate::hazards::guards::mentions(text, object)
                    && match constant_range_end(&index_text) {
                        Some(needed) => reaches_range(text, object, needed),
                        None => LENGTH_WORDS.iter().any(|w| text.contains(w)),
                    }
            }) || aliases
                .iter()
                .any(|a| crate::hazards::guards::mentions(text, a))
        }
    };
    if crate::hazards::guards::guarded_by(cx.language, m.hazard, cx.node, cx.rope, &bounds) {
        return None;
    }
    let index_root = index_text
        .trim_start_matches(['&', '*'])
        .split(['.', '[', ' '])
        .next()
        .unwrap_or_default()
        .to_owned();
    if !is_range && key.is_none() && index.kind() != "integer_literal" {
        // A bounded index variable: `while i < n` where n came from the object.
        if cx.guarded(m.hazard, &[&index_root, "len()"]) {
            return None;
        }
    }
    let subject = one_line(&object_text, 30);
    let types = parameter_types(cx);
    if key.is_none() && !is_range && keyed(cx, &types, object, index, &object_text, &index_text) {
        let key = one_line(&index_text, 20);
        return Some(Finding::new(
            FailureClass::KeyMissing,
            0.35,
            "panic",
            "no entry found for key".to_owned(),
            format!("`{subject}` has no entry for `{key}`"),
            format!("Predicted panic indexing {subject}[{key}]: the key may be missing"),
        ));
    }
    if let Some(key) = key {
        return Some(Finding::new(
            FailureClass::KeyMissing,
            0.45,
            "panic",
            // What `Index` on a HashMap or a BTreeMap panics with.
            "no entry found for key".to_owned(),
            format!("`{subject}` has no entry \"{key}\""),
            format!("Predicted panic indexing {subject}[\"{key}\"]: the key may be missing"),
        ));
    }
    if is_range {
        // Slicing a string at a byte index that is not a char boundary.
        let stringy = [
            "str", "name", "text", "line", "s", "label", "title", "input", "message", "msg",
        ]
        .iter()
        .any(|w| {
            object_text == *w
                || object_text.ends_with(&format!(".{w}"))
                || object_text.ends_with(&format!("_{w}"))
        }) || read_as_text(&body, &object_text);
        // A function that finds its cut in characters (`char_indices`,
        // `is_char_boundary`) cuts on a boundary, unless it includes the
        // character it found the start of (`..=i`): only that
        // character's first byte.
        let aware = crate::hazards::guards::RUST_CHAR_BOUNDARIES
            .iter()
            .any(|w| before.contains(w) || index_text.contains(w))
            && !index_text.contains("..=");
        // A cut at constant offsets fails first on text that is too short
        // (`s[5..7]` of "#00000"): Rust reports that byte index as out of
        // bounds of the string.
        if stringy && let Some(needed) = constant_range_end(&index_text) {
            return Some(Finding::new(
                FailureClass::IndexOutOfRange,
                0.35,
                "panic",
                format!("byte index {needed} is out of bounds of `{subject}`"),
                format!("`{subject}` is shorter than {needed} bytes"),
                format!(
                    "Predicted panic slicing {subject}[{}] when it is shorter than {needed} bytes",
                    one_line(&index_text, 20)
                ),
            ));
        }
        if stringy && !aware && !crate::hazards::guards::cut_at_found_offsets(before, &index_text) {
            return Some(Finding::new(
                FailureClass::Encoding,
                0.35,
                "panic",
                format!(
                    "byte index 3 is not a char boundary; it is inside 'é' (bytes 2..4) of `{subject}`"
                ),
                format!(
                    "`{subject}` contains a multi-byte character (é, 😀, 漢) where the slice cuts it"
                ),
                format!(
                    "Predicted panic slicing {subject}[{}]: not a char boundary for non-ASCII text",
                    one_line(&index_text, 20)
                ),
            ));
        }
        // A cut where a search of the text found something (`Some(i) =
        // s.find('=')`, then `s[..i]`, `s[i + 1..]`) is inside the text.
        if crate::hazards::guards::cut_at_found_offsets(before, &index_text) {
            return None;
        }
        return Some(Finding::new(
            FailureClass::IndexOutOfRange,
            0.35,
            "panic",
            "range end index 8 out of range for slice of length 3".to_owned(),
            format!(
                "`{subject}` is shorter than the range {}",
                one_line(&index_text, 20)
            ),
            format!(
                "Predicted panic slicing {subject}[{}] when it is too short",
                one_line(&index_text, 20)
            ),
        ));
    }
    let constant = index.kind() == "integer_literal";
    let position = if constant {
        index_text.clone()
    } else {
        "3".to_owned()
    };
    let mut finding = Finding::new(
        FailureClass::IndexOutOfRange,
        if constant { 0.4 } else { 0.3 },
        "panic",
        format!(
            "index out of bounds: the len is {} but the index is {position}",
            if constant {
                "0".to_owned()
            } else {
                position.clone()
            }
        ),
        if constant {
            format!(
                "`{subject}` is empty (or has fewer than {} elements)",
                index_text.parse::<usize>().map_or(1, |n| n + 1)
            )
        } else {
            format!(
                "`{}` is not less than `{subject}.len()`",
                one_line(&index_text, 20)
            )
        },
        format!(
            "Predicted panic: index {} out of bounds for {subject}",
            one_line(&index_text, 20)
        ),
    );
    if types.contains_key(&object_text) {
        finding = finding.input(object_text, "vec![]");
    }
    Some(finding)
}

/// Whether an index looks a key up rather than counting a position: the
/// container is a map (`HashMap`, `BTreeMap`, `IndexMap`, by its declared
/// type or constructor), or the index is a borrowed value or a text
/// parameter (`m[&id]`, `self[key_id]` with `key_id: &str`). Slices and
/// vectors index by `usize` values, never by reference or by text.
fn keyed(
    cx: &FnCx,
    types: &HashMap<String, String>,
    object: Node,
    index: Node,
    object_text: &str,
    index_text: &str,
) -> bool {
    const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap", "HeaderMap", "Map<"];
    const TEXT: &[&str] = &["&str", "String", "&String", "Cow<"];
    let declared = |name: &str| {
        let name = name.trim_start_matches("self.");
        types
            .get(name)
            .is_some_and(|t| MAPS.iter().any(|m| t.contains(m)))
            || cx.own_text().to_owned().lines().any(|line| {
                let line = line.trim();
                (line.starts_with(&format!("let {name}"))
                    || line.starts_with(&format!("let mut {name}")))
                    && MAPS.iter().any(|m| line.contains(m))
            })
    };
    if object.kind() != "index_expression" && declared(object_text) {
        return true;
    }
    if index.kind() == "reference_expression" {
        return true;
    }
    index.kind() == "identifier"
        && types
            .get(index_text)
            .is_some_and(|t| TEXT.iter().any(|w| t.trim() == *w || t.starts_with(w)))
}

/// The length every value of `name` is known to have when it is the
/// parameter of a closure over `windows(n)`, `chunks_exact(n)` or
/// `array_windows::<n>()` (`v.windows(2).all(|s| s[0] == s[1])`), else 0.
fn window_size(cx: &FnCx, object: Node, name: &str) -> usize {
    let mut node = object.parent();
    while let Some(n) = node {
        if n.id() == cx.node.id() {
            break;
        }
        if n.kind() == "closure_expression" {
            let parameters = n
                .child_by_field_name("parameters")
                .map(|p| cx.text(p))
                .unwrap_or_default();
            if !crate::hazards::guards::mentions(&parameters, name) {
                return 0;
            }
            // The call the closure is an argument of: `….windows(2).all(…)`.
            let Some(call) = n.parent().and_then(|a| a.parent()) else {
                return 0;
            };
            let callee = call
                .child_by_field_name("function")
                .map(|f| cx.text(f))
                .unwrap_or_default();
            return [
                "windows(",
                "chunks_exact(",
                "array_windows::<",
                "array_chunks::<",
            ]
            .iter()
            .find_map(|w| {
                let (_, rest) = callee.rsplit_once(w)?;
                rest.split([')', '>']).next()?.trim().parse().ok()
            })
            .unwrap_or(0);
        }
        node = n.parent();
    }
    0
}

/// Whether the function reads `name` as text: calls a method only strings
/// have on it (`rest.chars()`, `s.char_indices()`, `t.trim()`).
fn read_as_text(body: &str, name: &str) -> bool {
    const TEXT_METHODS: &[&str] = &[
        "chars()",
        "char_indices()",
        "trim()",
        "trim_start()",
        "trim_end()",
        "to_lowercase()",
        "to_uppercase()",
        "lines()",
        "split_whitespace()",
    ];
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        && TEXT_METHODS
            .iter()
            .any(|m| body.contains(&format!("{name}.{m}")))
}

/// Whether `name` is a `const` or `static` array of the file (`const
/// GROUP_LENS: [usize; 5] = …`), whose literal positions the compiler
/// checks.
fn file_constant_array(cx: &FnCx, name: &str) -> bool {
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return false;
    }
    cx.rope
        .lines()
        .any(|line| super::constant_array_name(&line.to_string()) == Some(name))
}

/// The length a constant range needs of what it slices: 7 for `5..7`, 8
/// for `5..=7`, 5 for `5..`; none for a range with a variable bound.
fn constant_range_end(index: &str) -> Option<u64> {
    let index = index.trim();
    let (start, end) = index.split_once("..")?;
    let literal = |t: &str| t.trim().replace('_', "").parse::<u64>().ok();
    let start = if start.trim().is_empty() {
        Some(0)
    } else {
        literal(start)
    }?;
    match end.strip_prefix('=') {
        Some(inclusive) => literal(inclusive).map(|e| e + 1),
        None if end.trim().is_empty() => Some(start),
        None => literal(end),
    }
}

/// Whether a guard's `text` makes `object` at least `needed` long: a
/// comparison of its length with a number that large, or a test of a
/// prefix or suffix literal that long (`s.starts_with('#')` promises one
/// byte, not the seven `s[5..7]` reads: starship's short hex colour). A
/// prefix that is no literal, or any other test of the object, is taken
/// as the guard it was before.
fn reaches_range(text: &str, object: &str, needed: u64) -> bool {
    let bounds = crate::hazards::guards::length_bounds(text, object);
    if !bounds.is_empty() {
        return bounds.iter().any(|&at_least| at_least >= needed);
    }
    let affixes: Vec<Option<u64>> = [".starts_with(", ".ends_with("]
        .iter()
        .flat_map(|method| {
            let call = format!("{object}{method}");
            text.match_indices(call.as_str())
                .map(|(at, _)| literal_length(&text[at + call.len()..]))
                .collect::<Vec<_>>()
        })
        .collect();
    let other = LENGTH_WORDS
        .iter()
        .filter(|w| !matches!(**w, "starts_with" | "ends_with"))
        .any(|w| text.contains(w));
    other
        || affixes
            .iter()
            .any(|length| length.is_none_or(|length| length >= needed))
}

/// The byte length of the literal an argument list opens with (`'#')`,
/// `"0x")`), if it is one without escapes.
fn literal_length(arguments: &str) -> Option<u64> {
    let arguments = arguments.trim_start();
    let quote = arguments
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"'))?;
    let body = &arguments[1..];
    let end = body.find(quote)?;
    let literal = &body[..end];
    (!literal.contains('\\')).then_some(literal.len() as u64)
}

/// `text` without the patterns that bind `object` itself (`Some(ref args)`,
/// `Ok(mut buf)`): the option held a collection, which says nothing of
/// its length (cargo-make's `Some(ref args) => args[0]` on an empty list).
/// Read for every condition around every index, so a text that binds
/// nothing is handed back as it is.
fn without_binding<'t>(text: &'t str, object: &str) -> std::borrow::Cow<'t, str> {
    if !(text.contains("Some(") || text.contains("Ok(")) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut text = text.to_owned();
    for wrapper in ["Some", "Ok"] {
        for binding in ["", "ref ", "ref mut ", "mut "] {
            text = text.replace(&format!("{wrapper}({binding}{object})"), "");
        }
    }
    std::borrow::Cow::Owned(text)
}
