//! What the model is asked, and the JSON schema its answer must follow.
//!
//! The prompt is rendered without the model (plain text from plain data), so
//! the prediction cache can be keyed and consulted before the model has
//! loaded. The system prompt is fixed: the engine decodes it once into the KV
//! cache and reuses it for every job, so it must not depend on the job.

use serde_json::{Value, json};

use failcast_core::scenario::FailureClass;

/// Bumped whenever the prompt text, the schema or the output validation
/// changes, so cached predictions of an older shape are not served.
pub const SCHEMA_VERSION: u32 = 5;

/// The fixed system prompt, shared by every job. What each failure class
/// means is spelled out: told only the names, a 135M model files nearly
/// everything under `division_by_zero`. (A worked example of a whole answer
/// was tried instead and measured with `examples/answer_quality.rs`: the
/// small model copied the example's text into every answer.)
pub const SYSTEM_PROMPT: &str = "You predict how a function fails in production. \
Reply with JSON only: up to 3 scenarios, most likely first. For each scenario give: \
class, the failure class; line, the line number where the failure is raised (prefer \
the candidate lines); trigger, the input or environment condition that causes it; \
error, the exact error message the runtime prints (a candidate line's own error when \
it is that candidate); likelihood, from 0.1 to 0.9; \
log, one log line the service writes when it happens.
Failure classes: \
index_out_of_range, an index past the end of a list, array or string; \
null_or_none, a missing value used as an object (None, nil, null, undefined); \
key_missing, a lookup of a key a map or dict does not have; \
division_by_zero, a divisor that is 0, such as the length of an empty list; \
parse_error, text that is not the number, JSON or date expected; \
type_error, a value of the wrong type; \
timeout, a call that waits too long for a slow server or lock; \
network_error, a refused, reset or unreachable connection; \
race_condition, two requests or threads changing the same data at once; \
overflow, a number too large for its type; \
encoding, characters or bytes a codec cannot represent; \
timezone_dst, local times near a daylight-saving change; \
resource_exhaustion, memory, disk or handles running out on huge input; \
assertion, a check, assert or expect that fails; \
other, anything else.";

/// Longest trigger the schema allows, in characters.
pub const MAX_TRIGGER_CHARS: usize = 120;
/// Longest error message the schema allows.
pub const MAX_ERROR_CHARS: usize = 100;
/// Longest log line the schema allows.
pub const MAX_LOG_CHARS: usize = 120;
/// Most scenarios a written answer holds. One: prose is for a function's
/// top scenario, and the model's ranking (a few tokens per candidate)
/// orders the rest. Three took three times the decoding, 190 tokens a
/// function on the sample project, for second and third scenarios that
/// mostly re-worded static ones. The system prompt still says "up to 3":
/// it is the prefix every ranking is scored after, and changing it would
/// change the measured ranking; the grammar closes the list after one.
pub const MAX_SCENARIOS: usize = 1;

/// The likelihoods the model may pick from. A short enum keeps generation
/// short and always inside 0..1.
pub const LIKELIHOODS: [f32; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

// Bounds on what goes into one prompt, for a small model's small context.
const MAX_LINE_CHARS: usize = 200;
const MAX_HAZARDS: usize = 12;
const MAX_CALLERS: usize = 5;
const MAX_INCIDENTS: usize = 3;
const MAX_INCIDENT_CHARS: usize = 300;
const MAX_SUBJECT_CHARS: usize = 80;

/// How every answer starts, up to the first scenario's class: the text the
/// model's ranking of the candidates continues (see [`choice_text`]).
pub const ANSWER_PREFIX: &str = "{\"scenarios\": [{\"class\": \"";

/// The start of an answer whose first scenario is `class` on `line`, as the
/// answer grammar writes it. Its probability under the model, relative to
/// the other candidates', is the model's ranking of that candidate: it
/// costs a few tokens of decoding instead of a written answer.
pub fn choice_text(class: FailureClass, line: usize) -> String {
    format!("{ANSWER_PREFIX}{}\", \"line\": {line},", class.as_str())
}

/// The start of an answer whose first scenario is of `class`: what the
/// class prior scores.
pub fn class_text(class: FailureClass) -> String {
    format!("{ANSWER_PREFIX}{}\"", class.as_str())
}

/// The user message without code or candidates that the class prior is
/// measured after: what the model answers when it knows nothing.
pub const CALIBRATION_USER: &str = "How can this function fail?";

/// A static hazard the model may rank and explain.
#[derive(Clone, Debug, PartialEq)]
pub struct PromptHazard {
    pub class: FailureClass,
    /// 1-based absolute line.
    pub line: usize,
    /// The expression that may fail, as written.
    pub subject: String,
    /// The condition under which it fails, as the static pass phrases it.
    pub trigger: String,
    /// The exact message the runtime prints, as the static pass knows it
    /// (empty when it does not).
    pub error: String,
}

/// A known caller of the function.
#[derive(Clone, Debug, PartialEq)]
pub struct PromptCaller {
    pub path: String,
    /// 1-based line of the call.
    pub line: usize,
    pub function: String,
}

/// Everything the model is told about one function.
#[derive(Clone, Debug, PartialEq)]
pub struct PromptInput {
    /// Language id, e.g. `python`, `rust`, `typescript`.
    pub language: String,
    /// Path relative to the workspace root.
    pub path: String,
    pub function_name: String,
    /// 1-based line of the function's first line in the file.
    pub first_line: usize,
    /// The function's text, starting at `first_line`.
    pub source: String,
    pub hazards: Vec<PromptHazard>,
    pub callers: Vec<PromptCaller>,
    /// Short descriptions of similar past incidents.
    pub incidents: Vec<String>,
}

impl PromptInput {
    /// Number of lines of the function (at least 1).
    pub fn line_count(&self) -> usize {
        self.source.lines().count().max(1)
    }

    /// The 1-based line numbers the function spans.
    pub fn lines(&self) -> std::ops::Range<usize> {
        let first = self.first_line.max(1);
        first..first + self.line_count()
    }
}

/// The user message for one job and the line numbers shown in it (the
/// candidates for the schema's `line` enum, hazard lines first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedPrompt {
    pub user: String,
    pub lines: Vec<usize>,
    /// The candidates shown, by line: what the model ranks.
    pub choices: Vec<(FailureClass, usize)>,
}

/// Renders the user message with the function's text within roughly
/// `budget_chars` characters. Lines near hazards are kept first when the
/// function must be cut; each cut is marked so the model sees the gap.
pub fn render(input: &PromptInput, budget_chars: usize) -> RenderedPrompt {
    let first = input.first_line.max(1);
    let source_lines: Vec<&str> = if input.source.is_empty() {
        vec![""]
    } else {
        input.source.lines().collect()
    };
    let last = first + source_lines.len() - 1;
    // The most likely first (the input's order), then by line to read.
    let hazards: Vec<&PromptHazard> = {
        let mut h: Vec<&PromptHazard> = Vec::new();
        for hazard in &input.hazards {
            let shown = h
                .iter()
                .any(|s| s.line == hazard.line && s.class == hazard.class);
            if (first..=last).contains(&hazard.line) && !shown && h.len() < MAX_HAZARDS {
                h.push(hazard);
            }
        }
        h.sort_by_key(|h| h.line);
        h
    };

    let mut out = String::new();
    out.push_str(&format!(
        "Language: {}\nFile: {}\nFunction: {} (lines {first}-{last})\n",
        one_line(&input.language, 40),
        one_line(&input.path, 160),
        one_line(&input.function_name, 120),
    ));

    let numbered: Vec<String> = source_lines
        .iter()
        .enumerate()
        .map(|(i, text)| format!("{} | {}", first + i, clip(text.trim_end(), MAX_LINE_CHARS)))
        .collect();
    let keep = choose_lines(&numbered, &hazards, first, budget_chars);
    out.push_str("```\n");
    let mut previous: Option<usize> = None;
    for (i, line) in numbered.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        if let Some(p) = previous
            && i > p + 1
        {
            out.push_str(&format!("    ... ({} lines omitted)\n", i - p - 1));
        } else if previous.is_none() && i > 0 {
            out.push_str(&format!("    ... ({i} lines omitted)\n"));
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(i);
    }
    if let Some(p) = previous
        && p + 1 < numbered.len()
    {
        out.push_str(&format!(
            "    ... ({} lines omitted)\n",
            numbered.len() - p - 1
        ));
    }
    out.push_str("```\n");

    if !hazards.is_empty() {
        out.push_str("Candidate lines:\n");
        for h in &hazards {
            out.push_str(&format!(
                "- line {}: {} `{}` when {}",
                h.line,
                h.class.as_str(),
                one_line(&h.subject, MAX_SUBJECT_CHARS),
                one_line(&h.trigger, MAX_TRIGGER_CHARS)
            ));
            if !h.error.trim().is_empty() {
                out.push_str(&format!(
                    ", raising {}",
                    one_line(&h.error, MAX_ERROR_CHARS)
                ));
            }
            out.push('\n');
        }
    }
    if !input.callers.is_empty() {
        out.push_str("Called from:\n");
        for c in input.callers.iter().take(MAX_CALLERS) {
            out.push_str(&format!(
                "- {} in {}:{}\n",
                one_line(&c.function, 120),
                one_line(&c.path, 160),
                c.line
            ));
        }
    }
    if !input.incidents.is_empty() {
        out.push_str("Past incidents:\n");
        for incident in input.incidents.iter().take(MAX_INCIDENTS) {
            out.push_str(&format!("- {}\n", one_line(incident, MAX_INCIDENT_CHARS)));
        }
    }
    out.push_str("How can this function fail?");

    // Hazard lines first in the enum, then every other shown line in order.
    let mut lines: Vec<usize> = hazards.iter().map(|h| h.line).collect();
    lines.dedup();
    for (i, shown) in keep.iter().enumerate() {
        let line = first + i;
        if *shown && !lines.contains(&line) {
            lines.push(line);
        }
    }
    let choices = hazards.iter().map(|h| (h.class, h.line)).collect();
    RenderedPrompt {
        user: out,
        lines,
        choices,
    }
}

/// Picks which numbered lines fit in the budget: the signature, hazard lines
/// with one line of context either side, then the rest from the top.
fn choose_lines(
    numbered: &[String],
    hazards: &[&PromptHazard],
    first: usize,
    budget_chars: usize,
) -> Vec<bool> {
    let total: usize = numbered.iter().map(|l| l.len() + 1).sum();
    if total <= budget_chars {
        return vec![true; numbered.len()];
    }
    let mut keep = vec![false; numbered.len()];
    let mut used = 0usize;
    let take = |i: usize, keep: &mut Vec<bool>, used: &mut usize| {
        if i < numbered.len() && !keep[i] && *used + numbered[i].len() < budget_chars {
            keep[i] = true;
            *used += numbered[i].len() + 1;
        }
    };
    take(0, &mut keep, &mut used);
    for h in hazards {
        let i = h.line - first;
        take(i, &mut keep, &mut used);
    }
    for h in hazards {
        let i = h.line - first;
        if i > 0 {
            take(i - 1, &mut keep, &mut used);
        }
        take(i + 1, &mut keep, &mut used);
    }
    for i in 0..numbered.len() {
        take(i, &mut keep, &mut used);
    }
    keep
}

/// The JSON schema of the answer for a prompt whose shown lines are `lines`.
pub fn schema(lines: &[usize]) -> Value {
    schema_with(lines, MAX_SCENARIOS)
}

/// [`schema`] with room for `max_scenarios` scenarios.
pub(crate) fn schema_with(lines: &[usize], max_scenarios: usize) -> Value {
    let classes: Vec<&str> = FailureClass::ALL.iter().map(|c| c.as_str()).collect();
    let likelihoods: Vec<Value> = LIKELIHOODS
        .iter()
        .map(|l| json!((f64::from(*l) * 10.0).round() / 10.0))
        .collect();
    json!({
        "type": "object",
        "properties": {
            "scenarios": {
                "type": "array",
                "minItems": 1,
                "maxItems": max_scenarios,
                "items": {
                    "type": "object",
                    "properties": {
                        "class": { "enum": classes },
                        "line": { "enum": lines },
                        "trigger": { "type": "string", "minLength": 1, "maxLength": MAX_TRIGGER_CHARS },
                        "error": { "type": "string", "minLength": 1, "maxLength": MAX_ERROR_CHARS },
                        "likelihood": { "enum": likelihoods },
                        "log": { "type": "string", "minLength": 1, "maxLength": MAX_LOG_CHARS }
                    },
                    "required": ["class", "line", "trigger", "error", "likelihood", "log"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["scenarios"],
        "additionalProperties": false
    })
}

/// Collapses whitespace (so a value cannot forge prompt structure with line
/// breaks) and clips to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    clip(&joined, max)
}

/// `text` cut to `max` characters, with `…` when it was cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(source: &str) -> PromptInput {
        PromptInput {
            language: "python".into(),
            path: "app/orders.py".into(),
            function_name: "first_total".into(),
            first_line: 10,
            source: source.into(),
            hazards: vec![PromptHazard {
                class: FailureClass::IndexOutOfRange,
                line: 11,
                subject: "items[0]".into(),
                trigger: "items is empty".into(),
                error: "IndexError: list index out of range".into(),
            }],
            callers: vec![PromptCaller {
                path: "app/api.py".into(),
                line: 40,
                function: "handle".into(),
            }],
            incidents: vec!["IndexError in first_total on\nempty cart".into()],
        }
    }

    #[test]
    fn the_system_prompt_explains_every_failure_class() {
        for class in FailureClass::ALL {
            assert!(
                SYSTEM_PROMPT.contains(&format!("{}, ", class.as_str())),
                "{class:?}"
            );
        }
    }

    #[test]
    fn renders_numbered_lines_hazards_callers_incidents() {
        let rendered = render(
            &input("def first_total(items):\n    return items[0].price\n"),
            4000,
        );
        insta::assert_snapshot!(rendered.user, @r"
        Language: python
        File: app/orders.py
        Function: first_total (lines 10-11)
        ```
        10 | def first_total(items):
        11 |     return items[0].price
        ```
        Candidate lines:
        - line 11: index_out_of_range `items[0]` when items is empty, raising IndexError: list index out of range
        Called from:
        - handle in app/api.py:40
        Past incidents:
        - IndexError in first_total on empty cart
        How can this function fail?
        ");
        assert_eq!(rendered.lines, vec![11, 10]);
    }

    #[test]
    fn long_functions_keep_signature_and_hazard_lines() {
        let mut source = String::from("def f(items):\n");
        for i in 0..200 {
            source.push_str(&format!("    x{i} = compute_something_long({i})\n"));
        }
        let mut inp = input(&source);
        inp.hazards[0].line = 150;
        let rendered = render(&inp, 1200);
        assert!(rendered.user.len() < 2000, "{}", rendered.user.len());
        assert!(rendered.user.contains("10 | def f(items):"));
        assert!(rendered.user.contains("150 |"));
        assert!(rendered.user.contains("149 |") && rendered.user.contains("151 |"));
        assert!(rendered.user.contains("lines omitted"));
        assert_eq!(rendered.lines[0], 150);
        assert!(!rendered.lines.contains(&120));
    }

    #[test]
    fn schema_lists_hazard_lines_first_and_bounds_strings() {
        let schema = schema(&[12, 10, 11]);
        let item = &schema["properties"]["scenarios"]["items"]["properties"];
        assert_eq!(item["line"]["enum"], json!([12, 10, 11]));
        assert_eq!(item["trigger"]["maxLength"], json!(MAX_TRIGGER_CHARS));
        assert_eq!(item["likelihood"]["enum"][0], json!(0.1));
        assert_eq!(
            item["class"]["enum"].as_array().unwrap().len(),
            FailureClass::ALL.len()
        );
    }
}
