//! An array passed as the arguments of one call: `String.fromCharCode.apply(null,
//! bytes)`, `Math.max(...values)`, `Math.min(...times)`. Each element
//! becomes an argument on the stack, and engines allow only so many: V8
//! throws `RangeError: Maximum call stack size exceeded` past about a
//! hundred thousand, JavaScriptCore `RangeError: Too many arguments` past
//! 65,536. Code that runs fine on test data fails on the first large file
//! or payload. Only for the variadic built-ins that are called this way to
//! save a loop; a spread of the function's own rest parameter or of
//! `arguments` passes on what a call site wrote. A bound on the array's
//! length below the engines' limit, or chunks cut with `subarray`/`slice`,
//! is the guard.

use super::*;

/// Built-ins that take any number of arguments and are handed arrays of
/// data this way, with the likelihood: character codes are as many as the
/// bytes decoded; the values of a maximum are often a handful (lanes,
/// topics). `push(...items)` is left out: it mostly appends a few results.
const VARIADIC: &[(&str, f32)] = &[
    ("String.fromCharCode", 0.06),
    ("String.fromCodePoint", 0.06),
    ("Math.max", 0.04),
    ("Math.min", 0.04),
];

/// The smallest limit of the engines in use: arrays bounded below it pass.
const ENGINE_LIMIT: u64 = 65_534;

const TRIGGER: &str = "the array holds more elements than the engine allows as arguments of one call (a large file, buffer or result set)";

impl Scan<'_, '_, '_> {
    pub(super) fn spread_arguments(&mut self, node: Node, callee: &str, args: &str) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || node.kind() != "call_expression"
        {
            return;
        }
        let callee = callee.trim();
        // `f.apply(this, array)` or `f(...array)`: the array's text.
        let function = callee.strip_suffix(".apply").unwrap_or(callee);
        let Some(likelihood) = variadic(function) else {
            self.grown_array_spread(node);
            return;
        };
        let spread = if function != callee {
            let list = arguments(args);
            let Some((_, array)) = list.split_once(',') else {
                return;
            };
            array.trim().to_owned()
        } else {
            let Some(array) = node
                .child_by_field_name("arguments")
                .and_then(|a| spread_element(a))
            else {
                return;
            };
            self.text(array)
                .trim()
                .trim_start_matches("...")
                .trim()
                .to_owned()
        };
        if spread.is_empty()
            || spread.starts_with('[')
            || spread == "arguments"
            || self.rest_parameter(&spread)
            || spread.contains("subarray(")
            || spread.contains("slice(")
        {
            return;
        }
        let below_limit = |text: &str| bounded_below_limit(text);
        if crate::hazards::guards::guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &below_limit,
        ) {
            return;
        }
        self.add(node, ResourceExhaustion, likelihood, TRIGGER);
    }

    /// `concatBytes(...this.buffers)` where the object pushes onto
    /// `this.buffers` with every write: the array is as long as the input
    /// is large, and any function spread over it takes that many
    /// arguments (micro-packed's writer, on a value of 300,000 elements).
    fn grown_array_spread(&mut self, node: Node) {
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        let grown = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind() == "spread_element")
            .map(|a| {
                self.text(a)
                    .trim()
                    .trim_start_matches("...")
                    .trim()
                    .to_owned()
            })
            .any(|spread| {
                let field: String = spread
                    .strip_prefix("this.")
                    .unwrap_or_default()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
                    .collect();
                !field.is_empty() && self.cx.file_text().contains(&format!("this.{field}.push("))
            });
        if grown {
            self.add(
                node,
                ResourceExhaustion,
                0.05,
                "the array gains an element with every write, and spread into one call each becomes an argument, past what the engine allows for a large input",
            );
        }
    }

    /// Whether `name` is the function's `...rest` parameter.
    fn rest_parameter(&self, name: &str) -> bool {
        self.cx.header().contains(&format!("...{name}"))
    }
}

fn variadic(callee: &str) -> Option<f32> {
    VARIADIC
        .iter()
        .find(|(name, _)| callee == *name)
        .map(|(_, likelihood)| *likelihood)
}

/// The first `...x` among a call's arguments.
fn spread_element(arguments: Node) -> Option<Node> {
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .find(|a| a.kind() == "spread_element")
}

/// Whether a condition compares something with a number the engines
/// accept as a count of arguments (`len < 65534`, `n <= 0x8000`): the
/// array reaching the call is that short. 65,537 is not: JavaScriptCore
/// rejects 65,535 arguments.
fn bounded_below_limit(text: &str) -> bool {
    if !text.contains('<') && !text.contains('>') {
        return false;
    }
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter_map(integer_literal)
        .any(|n| (2..=ENGINE_LIMIT).contains(&n))
}
