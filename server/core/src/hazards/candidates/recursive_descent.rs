//! Recursive descent: a function that parses, visits or evaluates one
//! level of nested input and calls a sibling named for the same work
//! (`visit_sequence` calling `visitor.visit_seq`, `parseValue` calling
//! `parseArray`) recurses through it, one frame pair per level of the
//! input. Input that nests deeper than the stack allows (a document that
//! is a thousand brackets deep, a structure that refers to itself) ends
//! the process. Own-name recursion is the call rule's; this one covers the
//! mutual kind: through a function of the file that calls back (the file's
//! call graph, `callees::cycles`), or, for a function defined elsewhere,
//! by the verb the two names share, or through serde's visitor (a
//! deserializer's `deserialize_seq` calling `visitor.visit_seq`). A depth
//! or nesting check in front of the call is the guard the fixes add.

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
    pub(super) fn mutual_recursion(&mut self, node: Node, callee: &str, last: &str) {
        let own_name = self.own_name();
        // serde's visitor protocol: a deserializer's `deserialize_seq`
        // hands itself to `visitor.visit_seq`, which reads each element
        // through `deserialize_any`, which calls `deserialize_seq` again
        // for a nested array: one frame set per level of the input, as
        // serde_json's `remaining_depth` and ron's `guard_recursion!` count.
        if self.cx.language == Language::Rust
            && own_name.starts_with("deserialize")
            && matches!(last, "visit_seq" | "visit_map" | "visit_enum")
            && callee.contains('.')
        {
            if !self.depth_limited(node) && !self.caught_here(node, ResourceExhaustion) {
                self.add(
                    node,
                    ResourceExhaustion,
                    0.06,
                    "the input nests deeper than the stack allows, and each level calls the visitor, which calls back into the deserializer",
                );
            }
            return;
        }
        // A function of the file: the call graph says whether it calls
        // back, whatever the names.
        let in_file = self
            .cx
            .index
            .defined()
            .any(|f| f.name.rsplit(['.', ':']).next() == Some(last));
        if in_file && last != own_name {
            // On the function's own object, as the graph counts calls:
            // another object's method of the same name is not this one.
            let own_object = self.on_own_object(callee, last, true);
            let cycle = own_object
                && self
                    .cycles
                    .iter()
                    .any(|(caller, called)| caller == own_name && called == last);
            if cycle && !self.depth_limited(node) && !self.caught_here(node, ResourceExhaustion) {
                self.add(
                    node,
                    ResourceExhaustion,
                    0.06,
                    "the input nests deeper than the stack allows, or refers back to itself, and the two functions call each other once per level",
                );
            }
            return;
        }
        // A private helper's mark (`_parse_array`, `#parseValue`) is no
        // part of its verb.
        let own = self
            .cx
            .function
            .name
            .rsplit(['.', ':'])
            .next()
            .unwrap_or_default()
            .trim_start_matches(['_', '#']);
        let last = last.trim_start_matches(['_', '#']);
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
        if mine != theirs || self.depth_limited(node) || self.caught_here(node, ResourceExhaustion)
        {
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
