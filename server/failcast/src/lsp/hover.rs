//! Hover: the scenarios of the function under the cursor as Markdown, with
//! the scenario on the hovered line first.
//!
//! Scenario text may come from a model and is untrusted: prose is escaped
//! (no HTML, no links, no command URIs render), and code blocks use a fence
//! longer than any backtick run inside them.

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::convert;
use failcast_core::analysis::FileAnalysis;
use failcast_core::functions::Function;
use failcast_core::position::PositionEncoding;
use failcast_core::scenario::{Scenario, Source};

/// Escapes text for Markdown prose: HTML, emphasis, links and autolinks
/// become literal characters.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    break_schemes(&out)
}

/// Puts a zero-width space before the colon of every `command:` and `file:`
/// (in any case: URI schemes are case-insensitive), so neither becomes a
/// link even in a client that autolinks bare schemes.
fn break_schemes(text: &str) -> String {
    // ASCII lowercasing keeps every byte where it was.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len() + 8);
    let mut at = 0;
    while let Some(ch) = text[at..].chars().next() {
        let scheme = ["command:", "file:"]
            .into_iter()
            .find(|scheme| lower[at..].starts_with(scheme));
        match scheme {
            Some(scheme) => {
                let name = scheme.len() - 1;
                out.push_str(&text[at..at + name]);
                out.push_str("\u{200b}:");
                at += scheme.len();
            }
            None => {
                out.push(ch);
                at += ch.len_utf8();
            }
        }
    }
    out
}

/// A fenced code block whose fence no line inside can close.
pub fn code_block(tag: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for ch in body.chars() {
        if ch == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest.max(2) + 1);
    let body: String = body
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    format!("{fence}{tag}\n{body}\n{fence}\n")
}

fn source_label(scenario: &Scenario) -> String {
    match (&scenario.source, &scenario.history) {
        (Source::History, Some(history)) => format!(
            "seen in production {} time{}, last on {}",
            history.count,
            if history.count == 1 { "" } else { "s" },
            escape_markdown(&history.last_seen)
        ),
        (Source::Model, _) if scenario.rule != "model" => {
            "static analysis, refined by the model".to_owned()
        }
        (Source::Model, _) => "predicted by the model".to_owned(),
        _ => "static analysis".to_owned(),
    }
}

/// Renders the scenarios of one function as Markdown. `possible` of them
/// are broad candidates, counted apart in the header so that it agrees with
/// the code lens, which counts predictions only.
pub fn function_markdown(
    function: &Function,
    scenarios: &[&Scenario],
    possible: usize,
    language_tag: &str,
) -> String {
    let predicted = scenarios.len().saturating_sub(possible);
    let mut out = format!(
        "**failcast** · `{}` — {predicted} predicted failure{}{}\n\n",
        function.qualified_name.replace('`', "'"),
        if predicted == 1 { "" } else { "s" },
        if possible > 0 {
            format!(" · {possible} possible")
        } else {
            String::new()
        }
    );
    for (i, scenario) in scenarios.iter().enumerate() {
        out.push_str(&format!(
            "---\n\n**{}. {}**  \n{} · {} · line {} · likelihood {:.0}% · {}\n\n",
            i + 1,
            escape_markdown(&scenario.summary),
            scenario.class.as_str(),
            scenario.kind.as_str(),
            scenario.origin.start_line + 1,
            scenario.likelihood * 100.0,
            source_label(scenario),
        ));
        out.push_str(&format!(
            "**Trigger:** {}\n\n",
            escape_markdown(&scenario.trigger)
        ));
        let trace = match &scenario.history {
            Some(history) if !history.trace.is_empty() => &history.trace,
            _ => &scenario.trace,
        };
        if trace.is_empty() {
            out.push_str(&format!(
                "**Outcome:** {}\n\n",
                escape_markdown(&scenario.error)
            ));
        } else {
            out.push_str(&code_block(trace_tag(language_tag), trace));
        }
        if !scenario.logs.is_empty() {
            out.push_str("\n**Logs**\n\n");
            out.push_str(&code_block("text", &scenario.logs.join("\n")));
        }
        out.push('\n');
    }
    out
}

/// The fence tag that highlights a trace best: tracebacks have their own grammar.
fn trace_tag(language_tag: &str) -> &str {
    match language_tag {
        "python" => "pytb",
        other => other,
    }
}

pub fn hover(analysis: &FileAnalysis, offset: usize, encoding: PositionEncoding) -> Option<Hover> {
    let function = analysis.functions.function_at(offset)?;
    let index = analysis
        .functions
        .functions
        .iter()
        .position(|f| f.id == function.id)?;
    let line = analysis
        .rope
        .byte_to_line(offset.min(analysis.rope.len_bytes()));
    // The function's predictions: all its scenarios, and the broad
    // candidates that reach its top three. The module's code is the whole
    // file between functions: only what fails on the hovered line.
    let module = function.is_module();
    let mut scenarios = analysis.shown(index);
    if module {
        scenarios.retain(|s| s.origin.start_line <= line && line <= s.origin.end_line);
    }
    if scenarios.is_empty() {
        return None;
    }
    let mut ordered: Vec<&Scenario> = scenarios;
    // The scenario on the hovered line first; the rest keep their ranking.
    ordered.sort_by_key(|s| s.origin.start_line != line);
    let possible = analysis.candidates.get(index).map_or(0, |candidates| {
        ordered
            .iter()
            .filter(|s| candidates.iter().any(|c| std::ptr::eq(c, **s)))
            .count()
    });
    let markdown = function_markdown(
        function,
        &ordered,
        possible,
        analysis.language.markdown_tag(),
    );
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(if module {
            let origin = &ordered[0].origin;
            convert::range(&analysis.rope, origin.start, origin.end, encoding)
        } else {
            convert::range(
                &analysis.rope,
                function.name_range.start,
                function.name_range.end,
                encoding,
            )
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_text_renders_no_html_links_or_commands() {
        let hostile = "<img src=x onerror=alert(1)> [run](command:workbench.action.terminal.new) \
                       ![x](FILE:///etc/passwd) <Command:rm> File:/tmp";
        let escaped = escape_markdown(hostile);
        assert_eq!(
            escaped,
            "&lt;img src=x onerror=alert\\(1\\)&gt; \\[run\\]\\(command\u{200b}:workbench.action.terminal.new\\) \
             \\!\\[x\\]\\(FILE\u{200b}:///etc/passwd\\) &lt;Command\u{200b}:rm&gt; File\u{200b}:/tmp"
        );
    }

    #[test]
    fn untrusted_text_cannot_inject_markup() {
        let hostile = "<img src=x onerror=alert(1)> [click](command:workbench.action.terminal.new) file:///etc/passwd **bold**";
        let escaped = escape_markdown(hostile);
        assert!(
            !escaped.contains('<') && !escaped.contains("](command:"),
            "{escaped}"
        );
        assert!(!escaped.contains("file:"), "{escaped}");
        insta::assert_snapshot!(escaped.replace('\u{200b}', "<ZWSP>"), @r"&lt;img src=x onerror=alert\(1\)&gt; \[click\]\(command<ZWSP>:workbench.action.terminal.new\) file<ZWSP>:///etc/passwd \*\*bold\*\*");
        let block = code_block("text", "```\nescaped?\n```");
        assert!(block.starts_with("````text\n"), "{block}");
    }
}
