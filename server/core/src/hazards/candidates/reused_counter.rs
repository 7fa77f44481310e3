//! A nested loop that counts with its enclosing loop's counter: `for (var
//! i = 0; i < routers.length; i++) { … for (var i = 0; i < stack.length;
//! i++) … }`. JavaScript's `var` is the function's, so the inner loop
//! resets the outer counter; in Java and Go the inner `i = 0` assigns the
//! outer `int i`. Whenever the inner run ends below the outer bound, the
//! outer loop starts again from there, forever: koa-router's `use()`
//! copied a nested router's layers until the heap ran out. ESLint's
//! `no-redeclare` and `block-scoped-var` exist for this. An inner loop
//! that declares its own counter (`let`, `int i`, `:=`) is a new variable.

use super::*;

/// The counter a C-style `for` header sets, and whether it is the
/// enclosing scope's (`var i`, `i = 0`) rather than a new one (`let i`,
/// `int i`, `i := 0`).
fn counter(language: Language, header: &str) -> Option<(String, bool)> {
    let (_, inside) = header
        .split_once('(')
        .or_else(|| header.split_once("for "))?;
    let init = inside.split(';').next()?.trim();
    if language == Language::Go && !header.contains(';') {
        return None;
    }
    let (left, right) = init.split_once('=')?;
    if right.starts_with('=') {
        return None;
    }
    let left = left.trim();
    let go_new = left.ends_with(':');
    let left = left.trim_end_matches(':').trim();
    let words: Vec<&str> = left.split_whitespace().collect();
    let name = (*words.last()?).to_owned();
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
    {
        return None;
    }
    let shared = match (language, words.as_slice()) {
        (_, [_]) => !go_new,
        (Language::JavaScript | Language::TypeScript | Language::Tsx, ["var", _]) => true,
        _ => false,
    };
    Some((name, shared))
}

impl Scan<'_, '_, '_> {
    pub(super) fn reused_counter(&mut self, node: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript
                | Language::TypeScript
                | Language::Tsx
                | Language::Java
                | Language::Go
        ) || node.kind() != "for_statement"
        {
            return;
        }
        let header = self.header_text(node);
        let Some((name, true)) = counter(self.cx.language, &header) else {
            return;
        };
        let outer = crate::hazards::guards::ancestors(node, self.cx.node)
            .into_iter()
            .filter(|a| a.id() != node.id() && a.kind() == "for_statement")
            .find(|a| {
                counter(self.cx.language, &self.header_text(*a)).is_some_and(|(n, _)| n == name)
            });
        let Some(outer) = outer else {
            return;
        };
        self.add_head(
            node,
            Timeout,
            0.15,
            "the inner loop resets the enclosing loop's counter, so whenever it ends below the outer bound the outer loop starts over, forever",
        );
        // An endless loop that appends on every turn runs out of memory
        // before anyone sees it hang.
        let body = self.text(outer);
        if [".push(", "append(", ".add(", ".concat("]
            .iter()
            .any(|w| body.contains(w))
        {
            self.add_head(
                node,
                ResourceExhaustion,
                0.1,
                "the enclosing loop never ends because this one resets its counter, and each turn appends to a collection until memory runs out",
            );
        }
    }
}
