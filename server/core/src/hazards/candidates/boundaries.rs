//! Character boundaries: a string cut or edited at a computed position that
//! counts something other than characters. Rust's `String` methods take
//! byte offsets and panic inside a multi-byte character; JavaScript and
//! Java strings count UTF-16 units, so a cut can split a surrogate pair
//! and leave half an emoji that no encoder accepts.

use super::*;

/// Rust `String` and `str` methods that take a byte offset and panic when
/// it is not on a character boundary.
const RUST_BYTE_OFFSET: &[&str] = &[
    "remove",
    "insert",
    "insert_str",
    "truncate",
    "split_off",
    "split_at",
    "replace_range",
    "drain",
];

/// JavaScript and Java methods that cut a string at UTF-16 positions.
const UTF16_CUTS: &[&str] = &["slice", "substring", "substr"];

/// Words that say the function already works in characters, or checks
/// the boundary itself (besides Rust's
/// [`RUST_CHAR_BOUNDARIES`](crate::hazards::guards::RUST_CHAR_BOUNDARIES)).
const BOUNDARY_AWARE: &[&str] = &[
    // Characters walked for their positions or widths; `chars().next()`
    // only peeks at the first one and cuts nothing.
    "chars().count()",
    "chars().rev()",
    "chars().take(",
    "chars().skip(",
    "chars().collect",
    "len_utf8",
    "[]rune(",
    "0xD800",
    "0xd800",
    "0xDBFF",
    "0xdbff",
    "0xDC00",
    "0xdc00",
    "surrogate",
    "Surrogate",
    "codePointAt",
    "Array.from(",
    "offsetByCodePoints",
    "isHighSurrogate",
];

impl Scan<'_, '_, '_> {
    /// Whether the function works in characters or checks for the halves
    /// of a surrogate pair itself.
    pub(super) fn boundary_aware(&self) -> bool {
        boundary_aware(&self.body)
    }

    pub(super) fn cut_at_a_position(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        let methods = match self.cx.language {
            Language::Rust => RUST_BYTE_OFFSET,
            Language::JavaScript | Language::TypeScript | Language::Tsx | Language::Java => {
                UTF16_CUTS
            }
            _ => return,
        };
        if !methods.contains(&last) {
            return;
        }
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return;
        };
        // A position the code computed, not a constant or a search result
        // (`indexOf` finds a whole character).
        let inner = args.trim().trim_start_matches('(').trim_end_matches(')');
        let computed = inner
            .split(',')
            .map(str::trim)
            .any(|a| !a.is_empty() && a.parse::<i64>().is_err() && !a.contains("indexOf"));
        // A cut to a display length (`title.substring(0, 20)`,
        // `name.truncate(64)`): prefixes the code compares are shorter.
        let truncation = {
            let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
            let length = match parts.as_slice() {
                ["0", n] => n.parse::<i64>().ok(),
                [n] if last == "truncate" => n.parse::<i64>().ok(),
                _ => None,
            };
            length.is_some_and(|n| n >= 8)
        };
        if !(computed || truncation) || !self.stringy(receiver) {
            return;
        }
        // Fixed-size chunks (`s.slice(j, j + limit)` with `j += limit`):
        // the step counts units whatever the text holds, so a character
        // on a chunk's edge is cut even where the function handles
        // surrogate pairs elsewhere.
        let chunked = {
            let mut parts = inner.split(',').map(str::trim);
            match (parts.next(), parts.next()) {
                (Some(from), Some(to)) if !from.is_empty() => {
                    to.replace(' ', "").contains(&format!("{from}+"))
                        && (self.body.contains(&format!("{from} +="))
                            || self.body.contains(&format!("{from} = {from} +")))
                }
                _ => false,
            }
        };
        // The loop that steps the chunks checks their edges itself (`last =
        // segment.charCodeAt(segment.length - 1); if (last >= 0xD800 &&
        // last <= 0xDBFF) …`).
        let edge_checked = || {
            let mut ancestor = node.parent();
            while let Some(parent) = ancestor {
                if parent.id() == self.cx.node.id() {
                    break;
                }
                if parent.kind().contains("for") || parent.kind().contains("while") {
                    // The chunk, by the name it is kept under.
                    let statement = crate::hazards::guards::statement_of(self.cx.language, node);
                    let statement = self.text(statement);
                    let name = super::absent::assignment(&statement)
                        .map_or("", |(left, _)| super::absent::assigned_name(left));
                    let text = self.text(parent);
                    // Its last unit read and tested for a surrogate half.
                    return !name.is_empty()
                        && (text.contains(&format!("{name}.length - 1"))
                            || text.contains(&format!("{name}.length() - 1")))
                        && BOUNDARY_AWARE.iter().any(|w| text.contains(w))
                        || text.contains("isHighSurrogate(")
                        || text.contains("isSurrogate(");
                }
                ancestor = parent.parent();
            }
            false
        };
        if chunked && self.cx.language != Language::Rust {
            if edge_checked() {
                return;
            }
            self.add(
                node,
                Encoding,
                0.10,
                "the text holds an emoji or another character outside the BMP, and a chunk's edge falls between its two UTF-16 halves",
            );
            return;
        }
        if self.boundary_aware() {
            return;
        }
        let (likelihood, trigger) = match self.cx.language {
            Language::Rust => (
                0.10,
                "the text holds a multi-byte character (é, ö, an emoji) and the position is a byte offset inside it",
            ),
            _ => (
                0.07,
                "the text holds an emoji or another character outside the BMP and the cut falls between its two UTF-16 halves",
            ),
        };
        self.add(node, Encoding, likelihood, trigger);
    }
}

/// Whether `text` works in characters or checks for the halves of a
/// surrogate pair itself.
pub(super) fn boundary_aware(text: &str) -> bool {
    BOUNDARY_AWARE
        .iter()
        .chain(crate::hazards::guards::RUST_CHAR_BOUNDARIES)
        .any(|w| text.contains(w))
}
