//! Rust checks: `unwrap`/`expect` (classified by what they unwrap: a parse,
//! a UTF-8 decode, a poisoned lock, an env var, a clock), indexing and
//! slicing, length arithmetic that underflows, truncating casts, integer
//! division, blocking calls inside `async fn`, HTTP clients without a
//! timeout, and `panic!`/`todo!`.

use std::collections::HashMap;

use tree_sitter::Node;

use super::division::{self, Divisor};
use super::{Check, Finding, FnCx, Match};
use crate::hazards::guards::{mentions, string_contents};
use crate::scenario::FailureClass;
use crate::text::one_line;

mod blocking_in_async;
mod http_timeout;
mod index;
mod panic;
mod subtract;
mod truncating_cast;
mod unwrap;
mod zero_divisor;

use blocking_in_async::*;
use http_timeout::*;
use index::*;
use panic::*;
use subtract::*;
use truncating_cast::*;
use unwrap::*;
use zero_divisor::*;

pub(super) const CHECKS: &[(&str, Check)] = &[
    ("rs.unwrap", unwrap),
    ("rs.index", index),
    ("rs.subtract", subtract),
    ("rs.truncating-cast", truncating_cast),
    ("rs.division", division),
    ("rs.blocking-in-async", blocking_in_async),
    ("rs.http-no-timeout", http_no_timeout),
    ("rs.panic", panic),
];

const INTEGERS: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
];

/// Parameter names and their types as written.
fn parameter_types(cx: &FnCx) -> HashMap<String, String> {
    let mut types = HashMap::new();
    let Some(params) = cx.node.child_by_field_name("parameters") else {
        return types;
    };
    let mut cursor = params.walk();
    for param in params.named_children(&mut cursor) {
        if let (Some(pattern), Some(ty)) = (
            param.child_by_field_name("pattern"),
            param.child_by_field_name("type"),
        ) {
            let name = cx.text(pattern).trim_start_matches("mut ").to_owned();
            types.insert(name, cx.text(ty));
        }
    }
    types
}

fn is_literal(node: Node) -> bool {
    matches!(
        node.kind(),
        "integer_literal"
            | "float_literal"
            | "string_literal"
            | "raw_string_literal"
            | "char_literal"
            | "boolean_literal"
    )
}

fn is_length(text: &str) -> bool {
    ["len()", "count()", "capacity()", "chars().count()"]
        .iter()
        .any(|m| text.ends_with(m))
}
