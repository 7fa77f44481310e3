//! Recursive descent: a function that parses, visits or evaluates one
//! level of nested input and calls a sibling named for the same work
//! (`visit_sequence` calling `visitor.visit_seq`, `parseValue` calling
//! `parseArray`) recurses through it, one frame pair per level of the
//! input. Input that nests deeper than the stack allows (a document that
//! is a thousand brackets deep, a structure that refers to itself) ends
//! the process. Own-name recursion is the call rule's; this one covers the
//! mutual kind, by the verb the two names share. A depth or nesting check
//! in front of the call is the guard the fixes add.

use super::*;

/// Verbs of the functions that walk nested input one level at a time.
const DESCENT: &[&str] = &[
    "parse",
    "visit",
    "walk",
    "traverse",
    "deserialize",
    "serialize",
    "eval",
    "evaluate",
    "compile",
    "resolve",
    "expand",
    "transform",
    "render",
    "repr",
    "flatten",
    "clone",
    "copy",
    "convert",
    "print",
    "format",
    "describe",
    "stringify",
    "decode",
    "encode",
];

impl Scan<'_, '_, '_> {
    pub(super) fn mutual_recursion(&mut self, node: Node, last: &str) {
        let own = self
            .cx
            .function
            .name
            .rsplit(['.', ':'])
            .next()
            .unwrap_or_default();
        // A cheap test first: both names start with a verb of descent.
        let starts = |name: &str| {
            DESCENT.iter().any(|d| {
                name.get(..d.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(d))
            })
        };
        if last.is_empty() || last == own || !starts(last) || !starts(own) {
            return;
        }
        let verb = |name: &str| {
            identifier_words(name)
                .into_iter()
                .next()
                .filter(|w| DESCENT.contains(&w.as_str()))
        };
        let (Some(mine), Some(theirs)) = (verb(own), verb(last)) else {
            return;
        };
        if mine != theirs || self.depth_limited(node) {
            return;
        }
        self.add(
            node,
            ResourceExhaustion,
            0.03,
            "the input nests deeper than the stack allows, or refers back to itself, and the two functions call each other once per level",
        );
    }
}
