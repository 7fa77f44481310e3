//! JavaScript that assumes its host. `navigator`, `window`, `document`,
//! `localStorage` and React Native's `__DEV__` exist in one runtime and not
//! in the next that a package on npm is bundled for: server-side rendering,
//! a worker, an edge runtime, React Native Web. Read where the module is
//! evaluated, the first such name throws "ReferenceError: navigator is not
//! defined", and the import of the whole library fails with it. Only
//! `typeof` can ask whether such a name exists; a test of the name itself
//! throws the same error.
//!
//! `navigator` also differs where it exists: `navigator.clipboard` and
//! `navigator.mediaDevices` are undefined outside secure contexts,
//! `navigator.platform` and `navigator.userAgentData` in some runtimes and
//! browsers. Calling a method of such a property, or reading through it,
//! throws a TypeError unless the property was tested first.

use super::*;

/// Globals one host defines and another does not.
const HOST_ONLY: &[&str] = &[
    "navigator",
    "window",
    "document",
    "localStorage",
    "sessionStorage",
    "location",
    "__DEV__",
];

/// Where a name is bound rather than read.
const BINDINGS: &[&str] = &[
    "variable_declarator",
    "formal_parameters",
    "required_parameter",
    "optional_parameter",
    "import_specifier",
    "import_clause",
    "namespace_import",
    "function_declaration",
    "class_declaration",
    "shorthand_property_identifier_pattern",
    "pair_pattern",
];

/// `navigator`'s properties every runtime that has one defines.
const EVERYWHERE: &[&str] = &["userAgent", "hardwareConcurrency"];

const MISSING: &str = "the module is evaluated where this global does not exist (server-side rendering, a worker, an edge runtime, React Native Web)";

const PARTIAL: &str = "the runtime's navigator lacks this property (an insecure context, a worker, an edge runtime or a browser that never had it)";

impl Scan<'_, '_, '_> {
    /// A host-only global read as the module is evaluated, or a method of
    /// one of `navigator`'s properties called without testing it.
    pub(super) fn host_global(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return;
        }
        match node.kind() {
            "identifier" => self.host_global_read(node),
            "member_expression" => self.navigator_property_used(node),
            _ => {}
        }
    }

    fn host_global_read(&mut self, node: Node) {
        if !self.cx.function.is_module() {
            return;
        }
        let name = self.text(node);
        if !HOST_ONLY.contains(&name.as_str())
            || node.parent().is_some_and(|p| BINDINGS.contains(&p.kind()))
            || node.parent().is_some_and(|p| {
                p.kind() == "unary_expression" && self.text(p).starts_with("typeof")
            })
        {
            return;
        }
        // The first read throws; the later ones never run.
        if read_in(self.before(node), &name) {
            return;
        }
        let file = self.cx.file_text();
        if asked_with_typeof(file, &name) || declared(file, &name) {
            return;
        }
        if let Some(found) = self.added(node, NullOrNone, 0.07, MISSING) {
            found.error_type = "ReferenceError".to_owned();
            found.error = format!("ReferenceError: {name} is not defined");
        }
    }

    /// `navigator.clipboard.writeText(…)`, `navigator.platform.toLowerCase()`:
    /// `node` is the outer member, its object `navigator.<property>`.
    fn navigator_property_used(&mut self, node: Node) {
        let Some(object) = node.child_by_field_name("object") else {
            return;
        };
        if object.kind() != "member_expression"
            || object
                .child_by_field_name("object")
                .is_none_or(|o| self.text(o) != "navigator")
        {
            return;
        }
        let property = self.text(object);
        let outer = self.text(node);
        if outer[property.len()..].starts_with("?.")
            || property.contains("?.")
            || self.cx.file_text().contains(&format!("typeof {property}"))
            || guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[property.as_str()],
            )
        {
            return;
        }
        let Some(last) = property.rsplit('.').next() else {
            return;
        };
        // Every runtime with a navigator has these.
        if EVERYWHERE.contains(&last) {
            return;
        }
        let read = outer[property.len()..]
            .trim_start_matches('.')
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default()
            .to_owned();
        if let Some(found) = self.added(node, NullOrNone, 0.06, PARTIAL) {
            found.error_type = "TypeError".to_owned();
            found.error = format!(
                "TypeError: Cannot read properties of undefined (reading '{read}') (navigator.{last} is undefined)"
            );
        }
    }
}

/// Whether the file asks `typeof name` anywhere: its author knew the name
/// may be missing, and the reads around the test are the ones it protects.
fn asked_with_typeof(file: &str, name: &str) -> bool {
    file.match_indices("typeof").any(|(at, _)| {
        let rest = file[at + "typeof".len()..].trim_start_matches([' ', '(']);
        rest.starts_with(name)
            && !rest[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}

/// Whether the file binds the name itself at its top level
/// (`const window = …`, `import { document } from …`).
fn declared(file: &str, name: &str) -> bool {
    file.lines().any(|line| {
        let line = line.trim_start();
        ["const ", "let ", "var ", "function ", "class "]
            .iter()
            .any(|keyword| {
                line.strip_prefix(keyword)
                    .and_then(|rest| rest.strip_prefix(name))
                    .is_some_and(|rest| {
                        !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
            })
            || (line.starts_with("import ") && read_in(line, name))
    })
}

/// Whether `text` uses `name` as a whole word that is not a property.
fn read_in(text: &str, name: &str) -> bool {
    mentioned_at(text, name).any(|at| !text[..at].ends_with('.'))
}
