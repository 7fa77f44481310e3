//! A Rust trait method that calls itself through the trait's own format or
//! operator: `self.to_string()` or `write!(f, "{}", self)` inside `impl
//! Display` (`to_string` is Display's), `{:?}` of `self` inside `impl
//! Debug`, `self == rhs` inside `impl PartialEq`, `self.cmp(other)` inside
//! `impl Ord`. Every call recurses until the stack overflows, on the first
//! use. Clippy lints both shapes (`recursive_format_impl`,
//! `unconditional_recursion`); rusty-leveldb's `Status` and rasn's
//! `ObjectIdentifier` shipped them.

use super::*;

const TRIGGER: &str = "the method reaches itself through the trait it implements: any call formats or compares the value again, one frame deeper each time";

/// What a value is spelt as when it is the receiver itself.
const ITSELF: &[&str] = &["self", "*self", "&self", "&*self"];

impl Scan<'_, '_, '_> {
    pub(super) fn recursive_impl(&mut self, node: Node) {
        if self.cx.language != Language::Rust {
            return;
        }
        let kind = node.kind();
        if !matches!(
            kind,
            "call_expression" | "macro_invocation" | "binary_expression"
        ) {
            return;
        }
        let Some(trait_name) = self.implemented_trait() else {
            return;
        };
        let method = self.own_name().to_owned();
        // These traits' methods take one parameter besides `self`.
        let other = self.parameters.first().cloned();
        let recursion = match (trait_name.as_str(), method.as_str(), kind) {
            // A macro's arguments are scanned as a call (`write!(f, …)`).
            ("Display" | "Debug", "fmt", "call_expression" | "macro_invocation") => {
                formats_itself(&self.text(node), trait_name == "Debug")
                    || trait_name == "Display"
                        && self.callee(node).is_some_and(|c| c == "self.to_string")
            }
            ("PartialEq", "eq" | "ne", "binary_expression") => {
                compares_itself(self, node, &["==", "!="], other.as_deref())
            }
            ("PartialOrd", "partial_cmp", "binary_expression") => {
                compares_itself(self, node, &["<", ">", "<=", ">="], other.as_deref())
            }
            ("PartialEq" | "PartialOrd" | "Ord", _, "call_expression") => {
                let args = node
                    .child_by_field_name("arguments")
                    .map(|a| self.text(a))
                    .unwrap_or_default();
                let args = args.trim_start_matches('(').trim_end_matches(')').trim();
                self.callee(node)
                    .is_some_and(|c| c == format!("self.{method}"))
                    && other.as_deref().is_some_and(|o| is_other(args, o))
            }
            _ => false,
        };
        if !recursion {
            return;
        }
        let summary = format!(
            "Predicted stack overflow: `{}` calls `{trait_name}::{method}` on itself",
            one_line(&self.text(node), 40)
        );
        if let Some(found) = self.add_precise(
            node,
            ResourceExhaustion,
            0.6,
            ("rs.recursive-impl", summary),
            TRIGGER,
        ) {
            found.error_type = "stack overflow".to_owned();
            found.error =
                "thread 'main' has overflowed its stack\nfatal runtime error: stack overflow"
                    .to_owned();
        }
    }

    /// The trait the function's `impl` block implements, by its last
    /// segment without generics (`Display` of `impl fmt::Display for T`,
    /// `PartialEq` of `impl PartialEq<[u32]> for T`).
    fn implemented_trait(&self) -> Option<String> {
        let name = self.text(self.enclosing_impl()?.child_by_field_name("trait")?);
        let name = name.split('<').next().unwrap_or_default();
        Some(
            name.rsplit("::")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned(),
        )
    }
}

/// Whether `text` is the method's other parameter, or it dereferenced or
/// borrowed (`rhs`, `*rhs`, `&rhs`).
fn is_other(text: &str, other: &str) -> bool {
    text.strip_prefix(['*', '&']).unwrap_or(text) == other
}

/// Whether a comparison sets the receiver itself against the other
/// parameter (`self == rhs`, `*self != *other`).
fn compares_itself(scan: &Scan, node: Node, operators: &[&str], other: Option<&str>) -> bool {
    let (Some(left), Some(operator), Some(right), Some(other)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("operator"),
        node.child_by_field_name("right"),
        other,
    ) else {
        return false;
    };
    operators.contains(&scan.text(operator).as_str())
        && ITSELF.contains(&scan.text(left).as_str())
        && is_other(&scan.text(right), other)
}

/// Whether a `write!`/`writeln!`/`format!` formats the receiver itself with
/// the trait being implemented (`{}` or `{:>8}` for Display, `{:?}` for
/// Debug): each argument after the format string is matched to its
/// placeholder in order.
fn formats_itself(text: &str, debug: bool) -> bool {
    let Some((name, rest)) = text.split_once('!') else {
        return false;
    };
    if !matches!(name.trim(), "write" | "writeln" | "format") {
        return false;
    }
    let inner = rest.trim().trim_start_matches(['(', '[', '{']);
    let inner = inner.trim_end_matches([')', ']', '}']);
    let Some(start) = inner.find('"') else {
        return false;
    };
    let Some(length) = inner[start + 1..].find('"') else {
        return false;
    };
    let format = &inner[start + 1..start + 1 + length];
    let arguments: Vec<&str> = inner[start + 2 + length..]
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    let placeholders = placeholders(format);
    arguments.iter().enumerate().any(|(at, argument)| {
        ITSELF.contains(argument)
            && placeholders.get(at).is_some_and(|spec| {
                // A positional or named placeholder maps elsewhere.
                let (position, options) = spec.split_once(':').unwrap_or((spec, ""));
                position.is_empty() && options.ends_with('?') == debug
            })
    })
}

/// The contents of a format string's placeholders, in order (`["", ":?"]`
/// of `"{} and {:?}"`); `{{` is a brace, not a placeholder.
fn placeholders(format: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        if rest[open + 1..].starts_with('{') {
            rest = &rest[open + 2..];
            continue;
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        found.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{formats_itself, placeholders};

    #[test]
    fn placeholders_in_order_and_the_one_self_meets() {
        assert_eq!(placeholders("id {} ({:>4}) {{x}} {:?}"), ["", ":>4", ":?"]);
        assert!(formats_itself(
            "write!(f, \"id {} ({:>4})\", self.0, self)",
            false
        ));
        assert!(!formats_itself("write!(f, \"{:?}\", self)", false));
        assert!(formats_itself("write!(f, \"Id({:?})\", self)", true));
        assert!(!formats_itself("write!(f, \"{0}\", self)", false));
    }
}
