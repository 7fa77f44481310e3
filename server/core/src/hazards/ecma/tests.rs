//! Tests of the JavaScript and TypeScript rules' helpers.

use super::*;
use crate::language::Language;
use ropey::Rope;

fn hazards_of(language: Language, source: &str) -> Vec<super::super::Hazard> {
    let rope = Rope::from_str(source);
    let tree = crate::syntax::parse_str(language, source).expect("parses");
    let index = crate::functions::index_functions(language, &tree, &rope, "app/x.js");
    let file = super::super::candidates::FileFacts::of(language, &tree, &rope, &index);
    index
        .functions
        .iter()
        .flat_map(|f| super::super::function_hazards(language, &tree, &rope, f, &index, &file))
        .collect()
}

fn inputs(language: Language, source: &str) -> Vec<(String, String)> {
    hazards_of(language, source)
        .into_iter()
        .flat_map(|h| h.inputs)
        .collect()
}

/// The inputs feed generated tests: each must trigger the failure.
#[test]
fn inputs_trigger_the_failure() {
    let js = Language::JavaScript;
    assert_eq!(
        inputs(
            js,
            "exports.handler = async (event) => event.pathParameters.id;\n"
        ),
        [("event".to_owned(), "{ pathParameters: null }".to_owned())]
    );
    assert_eq!(
        inputs(js, "function f(payload) { return payload.user.id; }\n"),
        [("payload".to_owned(), "{}".to_owned())]
    );
    assert_eq!(
        inputs(js, "function f(req) { return req.body.user.id; }\n"),
        [(
            "req".to_owned(),
            "{ body: {}, query: {}, params: {}, headers: {} }".to_owned()
        )]
    );
    assert_eq!(
        inputs(js, "function f(rows) { return rows[0].id; }\n"),
        [("rows".to_owned(), "[]".to_owned())]
    );
    assert_eq!(
        inputs(js, "function f(raw) { return JSON.parse(raw); }\n")[0].0,
        "raw"
    );
    assert_eq!(
        inputs(
            Language::TypeScript,
            "function f(o?: { a: number }) { return o.a; }\n"
        ),
        [("o".to_owned(), "undefined".to_owned())]
    );
    // A read deeper than the parameter has no one-literal input.
    assert!(
        inputs(
            js,
            "function f(payload) { for (const l of payload.lines ?? []) l.price.amount; }\n"
        )
        .is_empty()
    );
}

/// One missing value fails once: later reads of it are not reported.
#[test]
fn one_report_per_missing_value() {
    let found = hazards_of(
        Language::JavaScript,
        "function f(rows) { return [rows[0].id, rows[0].name]; }\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn zones_and_dates() {
    assert!(has_zone("2024-03-10T10:00:00Z"));
    assert!(has_zone("2024-03-10T10:00:00+02:00"));
    assert!(!has_zone("2024-03-10 10:00"));
    assert!(!has_zone("2024-03-10"));
    assert!(is_date_only("2024-03-10"));
    assert!(!is_date_only("03/10/2024"));
}

#[test]
fn regex_receivers() {
    let regex_exec = |source: &str| !hazards_of(Language::JavaScript, source).is_empty();
    assert!(regex_exec(
        "function f(s) { const re = /a(b)/; return re.exec(s)[1]; }\n"
    ));
    assert!(regex_exec(
        "function f(s) { return ID_PATTERN.exec(s)[1]; }\n"
    ));
    assert!(!regex_exec(
        "function f(db, sql) { return db.exec(sql)[0]; }\n"
    ));
}

#[test]
fn assignments() {
    assert!(assigns("if (!m[k]) m[k] = [];", "m[k]"));
    assert!(assigns("m[k] ||= []", "m[k]"));
    assert!(!assigns("if (m[k] === x) return", "m[k]"));
    assert!(!assigns("am[k] = 1", "m[k]"));
}
