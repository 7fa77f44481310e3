//! A string's or a number's method called on a value that arrives from
//! outside or from a caller (`str.replace(…)` on a parsed query value,
//! `data.price.toFixed(2)` on a JSON field): such values are as often an
//! array, a string, an object or undefined (`a[]=1` parses to an array,
//! `{"price": "9.90"}` holds a string), and the call throws "x.replace is
//! not a function". A `typeof` check (or `String(x)`, `Number(x)`) in front
//! of it is the guard.

use super::*;

/// Methods only strings have.
const STRING_ONLY: &[&str] = &[
    "replace",
    "replaceAll",
    "split",
    "trim",
    "trimStart",
    "trimEnd",
    "toLowerCase",
    "toUpperCase",
    "startsWith",
    "endsWith",
    "charAt",
    "charCodeAt",
    "padStart",
    "padEnd",
    "substring",
    "substr",
    "localeCompare",
    "normalize",
    "codePointAt",
    "match",
    "matchAll",
    "search",
];

/// Methods only numbers have.
const NUMBER_ONLY: &[&str] = &["toFixed", "toPrecision", "toExponential"];

impl Scan<'_, '_, '_> {
    pub(super) fn string_method_on_unknown(&mut self, node: Node, callee: &str, last: &str) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return;
        }
        let conversion = if STRING_ONLY.contains(&last) {
            "String"
        } else if NUMBER_ONLY.contains(&last) {
            "Number"
        } else {
            return;
        };
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return;
        };
        let receiver = receiver.trim();
        let root = receiver.split(['.', '[']).next().unwrap_or_default().trim();
        let unknown = self.parameters.iter().any(|p| p == root) || self.outside(receiver);
        if !unknown
            || receiver.ends_with(')')
            || receiver.starts_with(['"', '\'', '`'])
            || self.body.contains(&format!("typeof {receiver}"))
            || self.body.contains(&format!("typeof {root}"))
            || self.body.contains(&format!("{conversion}({receiver})"))
            || conversion == "Number" && self.body.contains(&format!("parseFloat({receiver})"))
            || self.caught_here(node, TypeError)
        {
            return;
        }
        self.add(
            node,
            TypeError,
            0.03,
            if conversion == "String" {
                "the value is not a string here (an array from a repeated query key, a number from JSON), so the method does not exist on it"
            } else {
                "the value is not a number here (a string from JSON or a form, undefined), so the method does not exist on it"
            },
        );
    }
}
