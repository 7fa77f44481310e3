//! A Go result used before its error is looked at: `resp, err :=
//! http.Get(u); defer resp.Body.Close(); if err != nil { … }`, or with
//! the error thrown away (`f, _ := os.Open(p)`), or dereferenced outright
//! (circl's `return AttributeKey{*sk}, err`). When the call fails the
//! result is nil (or a zero value), and the dereference panics with a nil
//! pointer before the error is ever read. The check of `err` in front of
//! the use is the fix, and the guard.

use super::*;

impl Scan<'_, '_, '_> {
    /// Reads the function's lines once: every `x, err :=` whose `x.` is
    /// dereferenced before a line that tests the error.
    pub(super) fn result_before_error(&mut self) {
        if self.cx.language != Language::Go {
            return;
        }
        let base = self.cx.node.start_byte();
        let body = std::mem::take(&mut self.body);
        let lines = lines_at(&body);
        let mut found: Vec<(usize, usize, &'static str)> = Vec::new();
        for (i, (_, line)) in lines.iter().enumerate() {
            let code = line.trim();
            let Some((left, _)) = code.split_once(":=").or_else(|| code.split_once(" = ")) else {
                continue;
            };
            let names: Vec<&str> = left.split(',').map(str::trim).collect();
            if names.len() != 2 || !matches!(names[1], "err" | "_") {
                continue;
            }
            let value = names[0];
            if value.is_empty() || !value.chars().all(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let ignored = names[1] == "_";
            for (at, later) in lines.iter().skip(i + 1).take(12) {
                let later_code = later.trim();
                if !ignored
                    && (later_code.contains("err != nil") || later_code.contains("err == nil"))
                {
                    break;
                }
                // A check of the value itself (`if block == nil`) guards
                // it whatever became of the error.
                if later_code.contains(&format!("{value} == nil"))
                    || later_code.contains(&format!("{value} != nil"))
                {
                    break;
                }
                if later_code.starts_with(&format!("{value}, "))
                    || later_code.starts_with(&format!("{value} :="))
                {
                    break;
                }
                if let Some(column) = use_of(later, value) {
                    let start = at + column;
                    // The dereference as written: `resp.Body`, or the
                    // name of `*sk`.
                    let rest = &later[column + value.len()..];
                    let length = match rest.strip_prefix('.') {
                        Some(field) => {
                            value.len()
                                + 1
                                + field
                                    .chars()
                                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                                    .count()
                        }
                        None => value.len(),
                    };
                    found.push((
                        start,
                        start + length,
                        if ignored {
                            "the call failed and its error was thrown away, so the result is nil when it is dereferenced"
                        } else {
                            "the call failed, and its result is dereferenced before the error is checked"
                        },
                    ));
                    break;
                }
            }
        }
        self.body = body;
        for (start, end, trigger) in found {
            self.push(base + start..base + end, NullOrNone, 0.08, trigger);
        }
    }
}

/// Where `line` dereferences `value`: a field or method through it
/// (`resp.Body`) or an explicit `*value` (gofmt spaces a multiplication,
/// `n * value`, so `*value` is the dereference).
fn use_of(line: &str, value: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let field = line
        .match_indices(&format!("{value}."))
        .find(|(column, _)| {
            line[..*column]
                .chars()
                .last()
                .is_none_or(|c| !(is_word(c) || c == '.'))
        });
    let star = line
        .match_indices(&format!("*{value}"))
        .find(|(column, _)| {
            let after = line[column + 1 + value.len()..].chars().next();
            after.is_none_or(|c| !is_word(c))
        });
    // The earlier of the two; a dereference starts at the name, past `*`.
    [field.map(|(f, _)| f), star.map(|(s, _)| s + 1)]
        .into_iter()
        .flatten()
        .min()
}
