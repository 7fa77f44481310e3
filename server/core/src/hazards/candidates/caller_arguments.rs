//! What the file's own callers pass its functions: a literal nothing
//! (`None`, `null`, `undefined`, `nil`) or a literal empty value (`""`,
//! `[]`, `{}`, `vec![]`, `new ArrayList<>()`) at a parameter. A function
//! that dereferences or indexes that parameter without a check fails on
//! the call the file itself makes: `parse_header(None)` reaching
//! `header.split(...)`, `is_quoted('')` reaching `string[0]`. The file's
//! own calls are read once from its text, in one pass over the calls of
//! names it defines; the other files' come from the call index, which
//! keeps each call's literals ([`crate::arguments`]). Each function then
//! learns which of its parameters some caller leaves empty.

use std::collections::HashSet;

pub use crate::arguments::{Passed, Slot};
use crate::arguments::{argument_list, literals};
use crate::functions::FunctionIndex;
use crate::language::Language;

/// One call of a function of the file with a literal nothing or empty
/// value: (the callee's short name, the slot, the value).
pub type Argument = (String, Slot, Passed);

/// The short names of the functions of `index` (`split` of
/// `Parser.split`), leaving out one-letter ones that would match any call.
fn defined_names(index: &FunctionIndex) -> HashSet<&str> {
    index
        .defined()
        .map(|f| f.name.rsplit(['.', ':']).next().unwrap_or(&f.name))
        .filter(|n| n.len() > 1)
        .collect()
}

/// The calls in `text` of names the file defines that pass a literal
/// nothing or empty value, deduplicated.
pub fn passed(language: Language, text: &str, index: &FunctionIndex) -> Vec<Argument> {
    let names = defined_names(index);
    let definitions: HashSet<usize> = index.defined().map(|f| f.name_range.start).collect();
    if names.is_empty() {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut found = HashSet::new();
    for (open, _) in text.match_indices('(') {
        let name = super::trailing_identifier(&text[..open]);
        let start = open - name.len();
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
        for (slot, passed) in literals(language, arguments) {
            found.insert((name.to_owned(), slot, passed));
        }
    }
    let mut found: Vec<Argument> = found.into_iter().collect();
    found.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    found
}

/// What the workspace's other files pass the functions of `index` (at
/// `path`), from the call index: calls in test code are left out, since a
/// test passes `None` on purpose to see the error it expects.
pub fn passed_elsewhere(
    calls: &crate::calls::CallIndex,
    language: Language,
    path: &str,
    index: &FunctionIndex,
) -> Vec<Argument> {
    let names = defined_names(index);
    let mut found = HashSet::new();
    for name in names {
        for (site_path, slot, passed) in calls.literals_passed(name, language) {
            if site_path != path && !crate::hazards::is_test_path(site_path) {
                found.insert((name.to_owned(), slot.clone(), passed));
            }
        }
    }
    let mut found: Vec<Argument> = found.into_iter().collect();
    found.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    found
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
        hazard.trigger = format!("a caller passes {what} for `{name}`");
    }
}
