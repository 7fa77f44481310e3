//! What the file's own callers pass its functions: a literal nothing
//! (`None`, `null`, `undefined`, `nil`) or a literal empty value (`""`,
//! `[]`, `{}`, `vec![]`, `new ArrayList<>()`) at a parameter. A function
//! that dereferences or indexes that parameter without a check fails on
//! the call the file itself makes: `parse_header(None)` reaching
//! `header.split(...)`, `is_quoted('')` reaching `string[0]`. The facts are
//! read once per file from its text, in one pass over the calls of names
//! the file defines; each function then learns which of its parameters
//! some caller leaves empty.

use std::collections::HashSet;

use crate::functions::FunctionIndex;
use crate::language::Language;

/// What a caller passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Passed {
    /// `None`, `null`, `undefined`, `nil`.
    Nothing,
    /// An empty string, list, map or slice.
    Empty,
}

/// Where in the call the value goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The n-th positional argument (0-based).
    Position(usize),
    /// A Python keyword argument.
    Keyword(String),
}

/// One call of a function of the file with a literal nothing or empty
/// value: (the callee's short name, the slot, the value).
pub type Argument = (String, Slot, Passed);

/// Longest argument list read; a call longer than this is not a call
/// whose literals a reader would see.
const MAX_ARGUMENTS: usize = 4096;

/// The calls in `text` of names the file defines that pass a literal
/// nothing or empty value, deduplicated.
pub fn passed(language: Language, text: &str, index: &FunctionIndex) -> Vec<Argument> {
    let names: HashSet<&str> = index
        .functions
        .iter()
        .map(|f| f.name.rsplit(['.', ':']).next().unwrap_or(&f.name))
        .filter(|n| n.len() > 1)
        .collect();
    let definitions: HashSet<usize> = index.functions.iter().map(|f| f.name_range.start).collect();
    if names.is_empty() {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut found = HashSet::new();
    for (open, _) in text.match_indices('(') {
        let start = text[..open]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '$')
            .last()
            .map_or(open, |(i, _)| i);
        let name = &text[start..open];
        if name.is_empty() || !names.contains(name) || definitions.contains(&start) {
            continue;
        }
        // A declaration the index does not name (`def f(`, `func f(`).
        let before = text[..start].trim_end();
        if ["def", "fn", "func", "function"].iter().any(|k| {
            before.ends_with(k)
                && !before[..before.len() - k.len()]
                    .ends_with(|c: char| c.is_alphanumeric() || c == '_')
        }) {
            continue;
        }
        let Some(arguments) = argument_list(&bytes[open..], text, open) else {
            continue;
        };
        for (position, argument) in split_top_level(arguments).into_iter().enumerate() {
            let (slot, value) = match keyword(language, argument) {
                Some((name, value)) => (Slot::Keyword(name.to_owned()), value),
                None => (Slot::Position(position), argument),
            };
            if let Some(passed) = literal(language, value) {
                found.insert((name.to_owned(), slot, passed));
            }
        }
    }
    let mut found: Vec<Argument> = found.into_iter().collect();
    found.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    found
}

/// The text between the `(` at `open` and its matching `)`, skipping
/// brackets inside string literals.
fn argument_list<'t>(bytes: &[u8], text: &'t str, open: usize) -> Option<&'t str> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().take(MAX_ARGUMENTS) {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == q {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' | b'`' => quote = Some(b),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return text.get(open + 1..open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The arguments of a list, split at the commas outside brackets and
/// string literals.
fn split_top_level(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut escaped, mut from) = (0i32, None::<char>, false, 0);
    for (i, c) in list.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(list[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    let last = list[from..].trim();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}

/// A Python keyword argument: `header=None` → (`header`, `None`).
fn keyword(language: Language, argument: &str) -> Option<(&str, &str)> {
    if language != Language::Python {
        return None;
    }
    let (name, value) = argument.split_once('=')?;
    let name = name.trim();
    (!value.starts_with('=')
        && !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
    .then(|| (name, value.trim()))
}

/// Whether `value` is a literal nothing or a literal empty value of the
/// language.
fn literal(language: Language, value: &str) -> Option<Passed> {
    let value = value.trim();
    let nothing = match language {
        Language::Python | Language::Rust => value == "None",
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            matches!(value, "null" | "undefined")
        }
        Language::Java => value == "null",
        Language::Go => value == "nil",
    };
    if nothing {
        return Some(Passed::Nothing);
    }
    let empty = matches!(value, "\"\"" | "''" | "[]" | "{}" | "``")
        || match language {
            Language::Python => matches!(
                value,
                "b''" | "b\"\"" | "()" | "list()" | "dict()" | "set()" | "tuple()" | "bytes()"
            ),
            Language::Rust => matches!(
                value,
                "vec![]"
                    | "Vec::new()"
                    | "String::new()"
                    | "&[]"
                    | "&\"\""
                    | "\"\".to_string()"
                    | "HashMap::new()"
                    | "BTreeMap::new()"
            ),
            Language::Java => {
                value.starts_with("new ArrayList") && value.ends_with("()")
                    || value.starts_with("new HashMap") && value.ends_with("()")
                    || matches!(
                        value,
                        "Collections.emptyList()"
                            | "Collections.emptyMap()"
                            | "List.of()"
                            | "Map.of()"
                            | "new byte[0]"
                            | "new String[0]"
                            | "new int[0]"
                    )
            }
            Language::Go => value.starts_with("[]") && value.ends_with("{}"),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                matches!(value, "new Map()" | "new Set()" | "Buffer.alloc(0)")
            }
        };
    empty.then_some(Passed::Empty)
}

/// The parameters of a function (its short name and parameter names, in
/// order) that the file's callers pass `what`.
pub fn parameters_passed(
    arguments: &[Argument],
    name: &str,
    parameters: &[String],
    what: Passed,
) -> Vec<String> {
    // A Python method's `self` or `cls` is not an argument at its calls.
    let offset = usize::from(
        parameters
            .first()
            .is_some_and(|p| p == "self" || p == "cls"),
    );
    arguments
        .iter()
        .filter(|(callee, _, passed)| callee == name && *passed == what)
        .filter_map(|(_, slot, _)| match slot {
            Slot::Position(i) => parameters.get(i + offset).cloned(),
            Slot::Keyword(k) => parameters.iter().find(|p| *p == k).cloned(),
        })
        .collect()
}

/// Raises the candidates a caller of the file sets off with what it
/// passes: a dereference of a parameter it passes nothing, an index, key
/// or division on one it passes empty. Their trigger says so.
pub fn raise_what_callers_pass(
    language: Language,
    found: &mut [super::Hazard],
    nothing: &[String],
    empty: &[String],
) {
    use crate::scenario::FailureClass::*;
    let none = match language {
        Language::Python | Language::Rust => "None",
        Language::JavaScript | Language::TypeScript | Language::Tsx => "null",
        Language::Java => "null",
        Language::Go => "nil",
    };
    for hazard in found.iter_mut() {
        let (names, what) = match hazard.class {
            // Only the dereference: a type error's candidate stands
            // whether or not a check of nothing guards it.
            NullOrNone => (nothing, none),
            IndexOutOfRange | KeyMissing | DivisionByZero => (empty, "an empty value"),
            _ => continue,
        };
        // The value itself is what fails (`header.split(…)`, `parts[0]`),
        // not a call it is handed on to.
        let root = hazard
            .subject
            .trim_start_matches(['&', '*', '('])
            .split(['.', '[', '(', ' ', '?', '!'])
            .next()
            .unwrap_or_default();
        let Some(name) = names.iter().find(|n| *n == root) else {
            continue;
        };
        hazard.likelihood = (hazard.likelihood * 2.0).max(0.12);
        hazard.trigger = format!("a caller in this file passes {what} for `{name}`");
    }
}
