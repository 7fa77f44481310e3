//! A Python submodule reached through its package without being imported:
//! `import logging` then `logging.handlers.RotatingFileHandler(…)`,
//! `import urllib` then `urllib.parse.quote(…)`, typer's `rich.markup.
//! escape(…)` after `import rich`. Importing a package does not import
//! its submodules; the attribute exists only once something, anywhere in
//! the process, has imported the submodule. It works in the test run that
//! happened to import it first and fails in production with
//! `AttributeError: module 'rich' has no attribute 'markup'`. An `import
//! logging.handlers` (or `from rich import markup`) is the fix.

use super::*;

/// Packages whose `__init__` does not import these submodules.
const UNLOADED: &[(&str, &[&str])] = &[
    ("logging", &["handlers", "config"]),
    (
        "urllib",
        &["parse", "request", "error", "response", "robotparser"],
    ),
    (
        "importlib",
        &["util", "machinery", "resources", "metadata", "abc"],
    ),
    ("xml", &["etree", "dom", "sax", "parsers"]),
    ("concurrent", &["futures"]),
    ("http", &["client", "server", "cookies", "cookiejar"]),
    ("unittest", &["mock"]),
    (
        "email",
        &["mime", "utils", "header", "policy", "headerregistry"],
    ),
    ("html", &["parser"]),
    ("xmlrpc", &["client", "server"]),
    ("multiprocessing", &["pool", "managers", "shared_memory"]),
    ("ctypes", &["util", "wintypes"]),
    ("wsgiref", &["simple_server", "util", "headers", "validate"]),
    (
        "rich",
        &[
            "markup",
            "console",
            "table",
            "text",
            "panel",
            "progress",
            "syntax",
            "traceback",
            "pretty",
            "prompt",
            "theme",
            "style",
            "live",
            "tree",
        ],
    ),
];

const TRIGGER: &str = "nothing imported the submodule before this line ran (another entry point, a lazy import removed, a test run that loaded it first no longer does)";

impl Scan<'_, '_, '_> {
    pub(super) fn unimported_submodule(&mut self, node: Node) {
        if self.cx.language != Language::Python || node.kind() != "attribute" {
            return;
        }
        // `package.submodule` itself, not the longer chain it starts.
        let Some(object) = bare_object(node) else {
            return;
        };
        let Some(attribute) = node.child_by_field_name("attribute") else {
            return;
        };
        let package = self.text(object);
        let submodule = self.text(attribute);
        let known = UNLOADED
            .iter()
            .any(|(p, subs)| *p == package && subs.contains(&submodule.as_str()));
        if !known || self.assigned_to(node) {
            return;
        }
        let text = self.cx.file_text();
        let imported_package = text.lines().any(|line| {
            let line = line.trim();
            line == format!("import {package}")
                || line.starts_with(&format!("import {package},"))
                || line.starts_with(&format!("import {package} "))
        });
        let imported_submodule = [
            format!("import {package}.{submodule}"),
            format!("from {package}.{submodule} import"),
            format!("from {package} import {submodule}"),
        ]
        .iter()
        .any(|i| text.contains(i.as_str()))
            || text.lines().any(|line| {
                let line = line.trim();
                line.starts_with(&format!("from {package} import "))
                    && line.split_once(" import ").is_some_and(|(_, names)| {
                        names
                            .split([',', '(', ')'])
                            .any(|n| n.trim().split(" as ").next() == Some(submodule.as_str()))
                    })
            });
        if !imported_package || imported_submodule {
            return;
        }
        self.add(node, Other, 0.10, TRIGGER);
    }
}
