//! Literal arguments of a call as written: a nothing (`None`, `null`,
//! `undefined`, `nil`) or an empty value (`""`, `[]`, `{}`, `vec![]`,
//! `new ArrayList<>()`) at a position or a Python keyword. The call index
//! keeps them per call site and the candidates read them per file: what
//! callers hand a function's parameters.

use serde::Serialize;

use crate::language::Language;

/// Longest argument list read; a call longer than this is not a call
/// whose literals a reader would see.
pub const MAX_ARGUMENTS: usize = 4096;

/// What a caller passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Passed {
    /// `None`, `null`, `undefined`, `nil`.
    Nothing,
    /// An empty string, list, map or slice.
    Empty,
}

/// Where in the call the value goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Slot {
    /// The n-th positional argument (0-based).
    Position(usize),
    /// A Python keyword argument.
    Keyword(String),
}

/// The literal nothing and empty values of one call's argument list as
/// written (`(None, b"")`, parentheses optional), by slot.
pub fn literals(language: Language, arguments: &str) -> Vec<(Slot, Passed)> {
    if arguments.len() > MAX_ARGUMENTS {
        return Vec::new();
    }
    let arguments = arguments.trim();
    let arguments = arguments
        .strip_prefix('(')
        .and_then(|a| a.strip_suffix(')'))
        .unwrap_or(arguments);
    split_top_level(arguments)
        .into_iter()
        .enumerate()
        .filter_map(|(position, argument)| {
            let (slot, value) = match keyword(language, argument) {
                Some((name, value)) => (Slot::Keyword(name.to_owned()), value),
                None => (Slot::Position(position), argument),
            };
            literal(language, value).map(|passed| (slot, passed))
        })
        .collect()
}

/// The text between the `(` at `open` and its matching `)`, skipping
/// brackets inside string literals.
pub fn argument_list<'t>(bytes: &[u8], text: &'t str, open: usize) -> Option<&'t str> {
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
