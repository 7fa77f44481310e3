//! Text converted to or from bytes, or changed by rules that depend on the
//! character set or locale: every such call assumes an encoding the data
//! may not be in (a Latin-1 body read as UTF-8, a multi-byte character
//! split across two chunks, a Turkish dotless i, an emoji in a field meant
//! for ASCII). Each language's table ([`Facts::conversions`]) names its
//! converters; the named-call rule scores the famous ones (`decode`,
//! `from_utf8`) higher, and this one names the rest at the lowest
//! likelihood. A handler of the encoding error (Python's
//! `UnicodeError`), an explicit error policy (`errors="replace"`), a named
//! locale or charset and a function that works in code points are guards.

use super::*;

const BASE: f32 = 0.03;

impl Scan<'_, '_, '_> {
    pub(super) fn text_conversion(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        let hit = self.facts.conversions.iter().any(|name| {
            if name.contains(['.', ':']) {
                callee == *name || callee.ends_with(&format!(".{name}"))
            } else {
                last == *name
            }
        });
        if !hit {
            return;
        }
        // An error policy, or the locale or charset named (`Locale.ROOT`,
        // `StandardCharsets.UTF_8`).
        if [
            "errors", "ignore", "replace", "lossy", "Lossy", "Locale", "Charset", "UTF_8", "UTF-8",
            "utf-8", "utf8",
        ]
        .iter()
        .any(|w| args.contains(w))
            || self.boundary_aware()
            || self.caught_here(node, Encoding)
        {
            return;
        }
        self.add(node, Encoding, BASE, trigger(Encoding));
    }
}
