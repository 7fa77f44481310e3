//! A parameter used before the line that gives it a default. The function
//! itself says the argument may be left out (`cb = cb || noop`, `opts =
//! opts ?? {}`, `if timeout is None: timeout = 30`), and every use above
//! that line runs with it missing: mqemitter's `emit(message)` on a closed
//! emitter called `cb(err)` two lines before `cb = cb || noop`, and threw
//! "cb is not a function". Calling it is a TypeError; reading through it a
//! null dereference. A check of it around the use is the guard.

use super::*;

impl Scan<'_, '_, '_> {
    /// `cb(…)` or `opts.x` where `cb` / `opts` is a parameter the function
    /// gives a default only further down.
    pub(super) fn used_before_default(&mut self, node: Node) {
        let (class, subject) = match (self.cx.language, node.kind()) {
            (Language::JavaScript | Language::TypeScript | Language::Tsx, "call_expression")
            | (Language::Python, "call") => (TypeError, node.child_by_field_name("function")),
            (Language::JavaScript | Language::TypeScript | Language::Tsx, "member_expression") => {
                (NullOrNone, node.child_by_field_name("object"))
            }
            (Language::Python, "attribute") => (NullOrNone, node.child_by_field_name("object")),
            _ => return,
        };
        let Some(subject) = subject.filter(|s| s.kind() == "identifier") else {
            return;
        };
        let name = self.text(subject);
        if !self.parameters.contains(&name) {
            return;
        }
        let before = self.before(node);
        let after = &self.body[before.len()..];
        if !defaults(self.cx.language, after, &name) || defaults(self.cx.language, before, &name) {
            return;
        }
        if guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[&name])
            || self.caught_here(node, class)
        {
            return;
        }
        let trigger = if class == TypeError {
            "the caller leaves the argument out, and it is called here before the line that gives it a default"
        } else {
            "the caller leaves the argument out, and it is read here before the line that gives it a default"
        };
        self.add(node, class, 0.12, trigger);
    }
}

/// Whether `text` gives the parameter `name` a default: `name = name ||
/// …`, `name = name ?? …`, `name ||= …`, `name ??= …`, `if (!name) name =
/// …`, Python's `name = name or …` and `if name is None:` followed by an
/// assignment to it.
fn defaults(language: Language, text: &str, name: &str) -> bool {
    let forms: Vec<String> = match language {
        Language::Python => vec![
            format!("{name} = {name} or "),
            format!("{name} = {name} if "),
        ],
        _ => vec![
            format!("{name} = {name} || "),
            format!("{name} = {name} ?? "),
            format!("{name} ||= "),
            format!("{name} ??= "),
        ],
    };
    if forms.iter().any(|f| {
        text.match_indices(f.as_str())
            .any(|(at, _)| crate::hazards::guards::starts_word(text, at))
    }) {
        return true;
    }
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let check = match language {
        Language::Python => format!("if {name} is None:"),
        _ => format!("if (!{name})"),
    };
    let assigned = format!("{name} = ");
    lines.iter().enumerate().any(|(i, line)| {
        line.starts_with(&check)
            && (line.contains(&assigned)
                || lines
                    .get(i + 1..(i + 3).min(lines.len()))
                    .is_some_and(|next| next.iter().any(|l| l.starts_with(&assigned))))
    })
}
