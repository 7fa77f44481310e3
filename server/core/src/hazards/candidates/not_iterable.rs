//! JavaScript's `for (const x of v)` throws "TypeError: v is not
//! iterable" when `v` is undefined or null. A value read through a long
//! property chain of outside data (`info.response.contents.…results`), an
//! optional chain, a lookup that may find nothing or an optional
//! parameter is undefined as soon as one server leaves a field out, and
//! reading the chain does not throw: the loop does. A check of the value,
//! a default (`|| []`, `?? []`) or a handler around the loop is the guard.
//!
//! Java's for-each does the same with a null array or collection, and the
//! JDK has a documented source of one: `File.listFiles()` and `list()`
//! return null, not an empty array, for a directory that cannot be read
//! (permissions, a file deleted meanwhile, an I/O error): capacitor's
//! live-update crashed deleting an old bundle this way.
//!
//! In Java and Python any value the code itself doubts (compared with
//! null elsewhere, a parameter defaulting to None, a lookup's result, set
//! to nothing on another path) fails the same way when a loop iterates it
//! unchecked: `TypeError: 'NoneType' object is not iterable`, or a
//! NullPointerException from the for-each's hidden `iterator()` call.

use super::*;

/// Whether `expression` reads a field three or more steps down a value
/// (`a.b.c.d`), or through an optional chain, with no default after it.
fn deep_read(expression: &str) -> bool {
    let expression = expression.trim().trim_end_matches(';').trim();
    let plain = expression
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '?'));
    plain
        && !expression.starts_with(['.', '?'])
        && (expression.matches('.').count() >= 3 || expression.contains("?."))
        && !matches!(expression.split('.').next(), Some("this" | "self"))
}

/// JDK calls that answer null for a directory they cannot read.
const JAVA_LISTINGS: &[&str] = &[".listFiles(", ".list()"];

impl Scan<'_, '_, '_> {
    /// `for (File child : dir.listFiles())`, or over a local assigned from
    /// one, with no null check.
    pub(super) fn java_listing_iterated(&mut self, node: Node) {
        if self.cx.language != Language::Java || node.kind() != "enhanced_for_statement" {
            return;
        }
        let Some(value) = node.child_by_field_name("value") else {
            return;
        };
        let iterated = self.text(value);
        let iterated = iterated.trim();
        let listing = |text: &str| JAVA_LISTINGS.iter().any(|l| text.contains(l));
        let absent = listing(iterated)
            || (iterated.chars().all(|c| c.is_alphanumeric() || c == '_')
                && self.before(node).lines().any(|line| {
                    absent::assignment(line).is_some_and(|(left, right)| {
                        absent::assigned_name(left) == iterated && listing(right)
                    })
                }));
        if !absent
            || guarded(
                self.cx.language,
                value,
                self.cx.node,
                self.cx.rope,
                &[iterated],
            )
            || self.caught_here(value, NullOrNone)
        {
            return;
        }
        self.add(
            value,
            NullOrNone,
            0.12,
            "the directory cannot be read (permissions, deleted meanwhile, an I/O error) and the listing is null, not empty",
        );
    }

    /// `for (T x : items)` or `for x in items` over a value the code
    /// doubts, with no check.
    pub(super) fn doubted_iterated(&mut self, node: Node) {
        let field = match (self.cx.language, node.kind()) {
            (Language::Java, "enhanced_for_statement") => "value",
            (Language::Python, "for_statement") => "right",
            _ => return,
        };
        let Some(value) = node.child_by_field_name(field) else {
            return;
        };
        let name = self.text(value).trim().to_owned();
        if !self.doubted(&name, node) || !self.null_unguarded(value, &name) {
            return;
        }
        let error = if self.cx.language == Language::Python {
            "TypeError: 'NoneType' object is not iterable".to_owned()
        } else {
            format!(
                "java.lang.NullPointerException: Cannot invoke \"java.util.Collection.iterator()\" because \"{name}\" is null"
            )
        };
        if let Some(found) = self.added(
            value,
            NullOrNone,
            0.10,
            "the value is absent here (a lookup found nothing, an option was left out, a callback delivered null), and the loop cannot iterate it",
        ) {
            found.error = error;
        }
    }

    pub(super) fn iterated_absent(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || node.kind() != "for_in_statement"
        {
            return;
        }
        let Some(right) = node.child_by_field_name("right") else {
            return;
        };
        if !self.header_text(node).contains(" of ") {
            return;
        }
        let iterated = self.text(right);
        let name = iterated.trim();
        let absent = if name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
        {
            self.maybe_absent.iter().any(|m| m == name)
                || self.optional.iter().any(|o| o == name)
                || self.assigned_from(name, deep_read)
        } else {
            let root = name.split(['.', '?']).next().unwrap_or_default();
            (deep_read(name) && self.outside(root)) || self.parameter_field(name)
        };
        if !absent
            || guarded(self.cx.language, right, self.cx.node, self.cx.rope, &[name])
            || self.caught_here(right, NullOrNone)
        {
            return;
        }
        self.add(
            right,
            NullOrNone,
            0.10,
            "the data lacks a field the value is read from, so it is undefined and `for … of` cannot iterate it",
        );
    }

    /// `desc.childNodes`: one field of a parameter, an object the caller
    /// built, which may leave the field out (a text node has no children,
    /// an options object no list).
    fn parameter_field(&self, expression: &str) -> bool {
        let Some((root, field)) = expression.split_once('.') else {
            return false;
        };
        self.parameters.iter().any(|p| p == root)
            && !field.is_empty()
            && field
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
    }
}
