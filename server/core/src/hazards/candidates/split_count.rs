//! Input split whole only to count its parts: `body.split('&').length`,
//! `len(s.split(","))`, `len(strings.Split(token, "."))`. The split makes
//! one string per separator before anything looks at the count, so a
//! request of a megabyte of `&` allocates a million strings (and the
//! limit the count was for never gets a say). Counting with a bound
//! (`strings.Count`, a loop that stops at the limit) or splitting with a
//! limit (`split('&', limit)`, `SplitN`, `maxsplit`) is the fix.

use super::*;

/// The likelihood: the cost is certain, its size is the input's.
const BASE: f32 = 0.05;

const TRIGGER: &str =
    "the input holds a million separators and every part is allocated before it is counted";

impl Scan<'_, '_, '_> {
    /// A `split` of a parameter, with no limit, whose parts are only
    /// counted.
    pub(super) fn split_to_count(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        if !matches!(last, "split" | "Split") {
            return;
        }
        // Counted on the tree: a separator may itself be a comma.
        let count = node
            .child_by_field_name("arguments")
            .map_or(0, |a| a.named_child_count());
        // JavaScript's and Python's separator is the one argument; Go's
        // `strings.Split(s, sep)` takes the text first.
        let (split, limitless) = match self.cx.language {
            Language::Go => (first_argument(args), count == 2),
            _ => (
                callee.rsplit_once('.').map(|(r, _)| r).unwrap_or_default(),
                count <= 1,
            ),
        };
        let root = split
            .split(['.', '[', '('])
            .next()
            .unwrap_or_default()
            .trim();
        if !limitless || !self.parameters.iter().any(|p| p == root) {
            return;
        }
        let counted = match self.cx.language {
            Language::Python | Language::Go => node
                .parent()
                .and_then(|args| args.parent())
                .filter(|call| self.facts.call.contains(&call.kind()))
                .and_then(|call| self.callee(call))
                .is_some_and(|c| c.trim() == "len"),
            _ => node.parent().is_some_and(|member| {
                self.text(member)
                    .get(node.byte_range().len()..)
                    .is_some_and(|rest| rest.trim_start() == ".length")
            }),
        };
        if counted {
            self.add(node, ResourceExhaustion, BASE, TRIGGER);
        }
    }
}
