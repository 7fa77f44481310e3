//! A value reached through a field, dereferenced with no check: `learner.
//! sock.isClosed()`, `resp.body.read()`, `c.conn.Write(b)`. A field is
//! set by someone else (a constructor that did not run, a callback that
//! cleared it, a payload that omitted it), so any field of another object
//! may be null when this line runs: Java's `NullPointerException`, Go's
//! nil dereference, Python's `'NoneType' object has no attribute` and
//! JavaScript's `Cannot read properties of undefined` are the commonest
//! crashes there are. The rule only names the spot, at the lowest
//! likelihood, so it fills a short function's predictions and never
//! outranks a candidate with a reason; a check of the value (`if (learner.
//! sock != null)`, optional chaining) or a handler of the null error is a
//! guard. An element read from a collection or map and dereferenced
//! (`items[i].name`) is the same shape: the slot may be empty.

use super::*;

const BASE: f32 = 0.02;

impl Scan<'_, '_, '_> {
    /// The outermost member access of a chain whose object is itself a
    /// field read (`a.b` in `a.b.c` or `a.b.c()`); in Java also a field
    /// access that is a method call's receiver (`a.b` in `a.b.m()`).
    pub(super) fn through_a_field(&mut self, node: Node) {
        if self.cx.language == Language::Rust {
            return; // Rust has no null: `Option` is unwrapped by name.
        }
        if node
            .parent()
            .is_some_and(|p| self.facts.member.contains(&p.kind()))
            || self.text(node).contains("?.")
        {
            return;
        }
        let java_receiver = self.cx.language == Language::Java
            && node.parent().is_some_and(|p| {
                p.kind() == "method_invocation"
                    && p.child_by_field_name("object")
                        .is_some_and(|o| o.id() == node.id())
            });
        let value = if java_receiver {
            Some(node)
        } else {
            node.child_by_field_name("object")
                .or_else(|| node.child_by_field_name("operand"))
                .or_else(|| node.child_by_field_name("value"))
        };
        let Some(value) = value else {
            return;
        };
        let text = self.text(value);
        let text = text.trim();
        // An element of a collection or map (`items[i].name`, `m[k].x`):
        // a missing key reads as `undefined` in JavaScript and a nil
        // pointer in Go, and an array's slot may hold null in Java.
        if self.facts.subscript.contains(&value.kind()) && self.cx.language != Language::Python {
            let collection = value
                .child_by_field_name("object")
                .or_else(|| value.child_by_field_name("operand"))
                .or_else(|| value.child_by_field_name("array"))
                .or_else(|| value.named_child(0))
                .map(|c| self.text(c))
                .unwrap_or_default();
            let root = collection
                .split(['.', '['])
                .next()
                .unwrap_or_default()
                .trim();
            if (matches!(root, "self" | "this") || self.a_value(root))
                && !text.contains(['(', '?', '\n'])
                && self.null_unguarded(node, text)
            {
                self.add(node, NullOrNone, BASE, trigger(NullOrNone));
            }
            return;
        }
        if !self.facts.member.contains(&value.kind()) {
            return;
        }
        if text.contains(['(', '[', '?', '\n', '!']) || text.contains("?.") {
            return;
        }
        let segments: Vec<&str> = text.split('.').map(str::trim).collect();
        let root = segments[0];
        let own = matches!(root, "self" | "this" | "cls");
        // `self.x` is the object's own field: its absence is what the file
        // says about it ([`nullable_names`]); one more step is a field of
        // another object.
        if own && segments.len() < 3 || segments.len() < 2 {
            return;
        }
        if !own && !self.a_value(root) {
            return;
        }
        // Constants and classes: `Build.VERSION.SDK_INT`, `System.out`.
        if segments[1..].iter().any(|s| {
            s.starts_with(|c: char| c.is_ascii_uppercase())
                && s.len() > 1
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        }) {
            return;
        }
        if guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[text])
            || self.caught_here(node, NullOrNone)
        {
            return;
        }
        self.add(node, NullOrNone, BASE, trigger(NullOrNone));
    }

    /// Whether a bare name is a value of the function's: a parameter, a
    /// local, the receiver; in Java also a field (a lower-case name that
    /// is neither, classes being upper-case). Elsewhere a name the function
    /// does not bind may be a module (`os.path`, `http.DefaultClient`).
    pub(super) fn a_value(&self, name: &str) -> bool {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            return false;
        }
        if self.parameters.iter().any(|p| p == name) {
            return true;
        }
        if self.cx.language == Language::Java {
            return name.starts_with(|c: char| c.is_lowercase());
        }
        if self.cx.language == Language::Go && self.go_receiver() == Some(name) {
            return true;
        }
        self.bound.contains(name)
    }

    /// A Go method's receiver name (`c` in `func (c *Conn) Read…`).
    pub(super) fn go_receiver(&self) -> Option<&str> {
        self.receiver.as_deref()
    }
}

/// The names a function's text binds: the targets of `=` and `:=` (each
/// of a tuple's), and what follows `let`, `const`, `var`, `for` and `as`.
pub(super) fn bound_names(body: &str) -> std::collections::HashSet<String> {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut names = std::collections::HashSet::new();
    for line in body.lines() {
        let line = line.trim();
        if let Some((left, _)) = super::absent::assignment(line) {
            for part in left.split(',') {
                let name = super::absent::assigned_name(part);
                if !name.is_empty() && name.chars().all(ident) {
                    names.insert(name.to_owned());
                }
            }
        }
        for keyword in ["let ", "const ", "var ", "for ", " as "] {
            for (at, _) in line.match_indices(keyword) {
                let rest = line[at + keyword.len()..].trim_start_matches("mut ");
                let end = rest
                    .find(['=', ':', ';', '{', ')'])
                    .into_iter()
                    .chain(rest.find(" in "))
                    .chain(rest.find(" of "))
                    .min()
                    .unwrap_or(rest.len());
                for part in rest[..end].split(',') {
                    let name: String = part
                        .trim()
                        .trim_start_matches('(')
                        .chars()
                        .take_while(|c| ident(*c))
                        .collect();
                    if !name.is_empty() {
                        names.insert(name);
                    }
                }
            }
        }
    }
    names
}

/// A Go method's receiver name (`c` in `func (c *Conn) Read…`).
pub(super) fn receiver_name(cx: &FnCx) -> Option<String> {
    let receiver = cx.node.child_by_field_name("receiver")?;
    let text = node_text(receiver, cx.rope);
    let name = text.trim_start_matches('(').split_whitespace().next()?;
    (!name.is_empty() && !name.contains(')')).then(|| name.to_owned())
}
