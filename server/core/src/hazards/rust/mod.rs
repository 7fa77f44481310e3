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
    let Some(call) = text.strip_suffix("()") else {
        return false;
    };
    // The method's name says it counts: `len()`, `count()`, and the
    // names a type gives its own counts (`number_of_entries()`,
    // `num_rows()`, `entry_count()`, `buf_len()`), all zero when empty.
    let name = call
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    matches!(name, "len" | "count" | "capacity")
        || ["num_", "number_of_"].iter().any(|p| name.starts_with(p))
        || ["_len", "_count"].iter().any(|s| name.ends_with(s))
}

/// The length of a fixed-size array the function declares `name` as, in
/// the text before its use: `let mut buf = [0u8; 8]`, `let b: [u8; 4]`,
/// a parameter `buf: &[u8; 16]`.
pub(crate) fn fixed_array_length(before: &str, name: &str) -> Option<usize> {
    let name = name.trim().trim_start_matches(['&', '*']);
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    // The last line that binds the name decides, array or not: `let buf =
    // &data[..n]` after `let buf = [0u8; 8]` is a slice of any length.
    let length = before.lines().rev().find_map(|line| {
        let line = line.trim();
        let at = line.find(name)?;
        if at > 0 && line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let head = line[..at].trim_end();
        let declared = head.ends_with("let")
            || head.ends_with("mut")
            || head.ends_with('(')
            || head.ends_with(',')
            || head.is_empty();
        let rest = line[at + name.len()..].trim_start();
        let binds = rest.starts_with(':') || (rest.starts_with('=') && !rest.starts_with("=="));
        // `let flags = flags[0]` rebinds the name by the very use being
        // asked about: the binding before it decides.
        if !declared || !binds || rest.trim_start_matches([':', '=']).trim().is_empty() {
            return None;
        }
        // `[x; N]` as the type or the value (`: [u8; 4]`, `= [0u8; 8]`,
        // `: &mut [u8; 16]`), or a literal's elements (`= [b, 0, 0, 0]`).
        // As a type only `[T; N]` has a length; `[T]` is a slice.
        let typed = rest.starts_with(':');
        let count = rest
            .trim_start_matches([':', '=', ' ', '&'])
            .trim_start_matches("mut ")
            .strip_prefix('[')
            .and_then(|inner| array_length(inner, typed));
        Some(count)
    });
    length.flatten()
}

/// The length of the array whose text after `[` is `inner`: `N` of `x;
/// N]`, or, unless it is a type, the count of a literal's elements (`b,
/// 0, 0]` holds three).
/// Nothing when the array does not close on this line, or is used there
/// (`[a, b].concat()` is another length).
fn array_length(inner: &str, typed: bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut parts = vec![String::new()];
    let mut repeat = false;
    for (at, c) in inner.char_indices() {
        match c {
            '[' | '(' | '{' => depth += 1,
            ']' if depth == 0 => {
                let after = inner[at + 1..].trim_start();
                if !(after.is_empty() || after.starts_with([';', ',', ')', '='])) {
                    return None;
                }
                let last = parts.last().is_some_and(|p| p.trim().is_empty());
                if repeat {
                    return parts.last()?.trim().replace('_', "").parse().ok();
                }
                if typed {
                    return None;
                }
                // `[a, b,]` holds two; `[]` none.
                return Some(parts.len() - usize::from(last));
            }
            ']' | ')' | '}' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                repeat = true;
                parts = vec![String::new()];
                continue;
            }
            ',' if depth == 0 && !repeat => {
                parts.push(String::new());
                continue;
            }
            '"' | '\'' => return None,
            _ => {}
        }
        parts.last_mut()?.push(c);
    }
    None
}

/// The constant bounds of a slice or index written with literals: `0..4`
/// → `(0, Some(4))`, `4..` → `(4, None)`, `..=3` → `(0, Some(4))`, `7` →
/// `(7, Some(8))`.
pub(crate) fn constant_bounds(index: &str) -> Option<(usize, Option<usize>)> {
    let index = index.trim();
    let number = |t: &str| t.trim().replace('_', "").parse::<usize>().ok();
    let Some((start, end)) = index.split_once("..") else {
        let i = number(index)?;
        return Some((i, Some(i + 1)));
    };
    let start = if start.trim().is_empty() {
        0
    } else {
        number(start)?
    };
    let end = match end.strip_prefix('=') {
        Some(end) => Some(number(end)? + 1),
        None if end.trim().is_empty() => None,
        None => Some(number(end)?),
    };
    Some((start, end))
}

/// Whether `object[index]` stays inside a fixed-size array the function
/// declares `object` as (`buf[0..4]` of `[0u8; 8]`).
pub(crate) fn inside_fixed_array(before: &str, object: &str, index: &str) -> bool {
    let (Some(length), Some((start, end))) =
        (fixed_array_length(before, object), constant_bounds(index))
    else {
        return false;
    };
    start <= length && end.is_none_or(|end| start <= end && end <= length)
}

/// Whether `text` (a call's receiver) is a slice with literal bounds:
/// `buf[0..4]`, whose `try_into()` into a `[u8; 4]` cannot fail.
pub(crate) fn constant_slice(text: &str) -> bool {
    let text = text.trim();
    text.strip_suffix(']')
        .and_then(|t| t.rsplit_once('['))
        .is_some_and(|(object, range)| {
            !object.is_empty()
                && range.contains("..")
                && constant_bounds(range).is_some_and(|(_, end)| end.is_some())
        })
}

/// Whether every bound of a range is clamped to the object's length where
/// it is made: `let n = cmp::min(left, buf.len())`, then `&buf[..n]`.
pub(crate) fn range_clamped_to_length(before: &str, object: &str, index: &str) -> bool {
    if !index.contains("..") {
        return false;
    }
    let length = format!("{}.len()", object.trim());
    let clamped = |name: &str| {
        before
            .lines()
            .rev()
            .find_map(|line| {
                let (left, right) = line.trim().split_once('=')?;
                mentions(left, name).then_some(right)
            })
            .is_some_and(|right| right.contains("min(") && right.contains(&length))
    };
    let names: Vec<&str> = index
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    !names.is_empty() && names.iter().all(|n| clamped(n))
}

/// What `object` is a view of, when it is one: `it` of `it.as_slice()`,
/// `s` of `s.as_bytes()`. A view has its owner's length, so a check of
/// `it.len()` bounds `it.as_slice()[..2]`.
pub(crate) fn viewed(object: &str) -> Option<&str> {
    const VIEWS: &[&str] = &[
        ".as_slice()",
        ".as_mut_slice()",
        ".as_bytes()",
        ".as_str()",
        ".as_ref()",
        ".as_mut()",
    ];
    let object = object.trim();
    VIEWS
        .iter()
        .find_map(|view| object.strip_suffix(view))
        .filter(|owner| !owner.is_empty())
}

/// The name a line declares as a `const` or `static` array (`const
/// GROUP_LENS: [usize; 5] = …`, with any visibility before it), whose
/// literal positions rustc checks at compile time.
pub(crate) fn constant_array_name(line: &str) -> Option<&str> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    ["const ", "static "].iter().find_map(|keyword| {
        line.match_indices(keyword).find_map(|(at, _)| {
            if line[..at].ends_with(ident) {
                return None;
            }
            let (name, ty) = line[at + keyword.len()..].split_once(':')?;
            let name = name.trim();
            (!name.is_empty() && name.chars().all(ident) && ty.trim_start().starts_with('['))
                .then_some(name)
        })
    })
}
