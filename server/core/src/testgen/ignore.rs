//! The edit behind "ignore this prediction": a `failcast: ignore[class]`
//! comment on the line above the failing line, or the class added to the
//! list of an ignore comment already there.

use ropey::Rope;

use crate::language::Language;
use crate::scenario::Scenario;

/// Replace bytes `start..end` with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

pub fn ignore_edit(language: Language, rope: &Rope, scenario: &Scenario) -> TextEdit {
    let class = scenario.class.as_str();
    let line = scenario
        .origin
        .start_line
        .min(rope.len_lines().saturating_sub(1));
    for candidate in [line.checked_sub(1), Some(line)].into_iter().flatten() {
        let text = rope.line(candidate).to_string();
        let Some(at) = text.find("failcast: ignore[") else {
            continue;
        };
        let list_start = at + "failcast: ignore[".len();
        let Some(close) = text[list_start..].find(']') else {
            continue;
        };
        let start = rope.line_to_byte(candidate) + list_start + close;
        let separator = if close == 0 { "" } else { ", " };
        return TextEdit {
            start,
            end: start,
            text: format!("{separator}{class}"),
        };
    }
    let text = rope.line(line).to_string();
    let indent: String = text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let comment = match language {
        Language::Python => "#",
        _ => "//",
    };
    let start = rope.line_to_byte(line);
    TextEdit {
        start,
        end: start,
        text: format!("{indent}{comment} failcast: ignore[{class}]\n"),
    }
}
