//! Turning the model's generated text into validated scenarios.
//!
//! The grammar makes the output schema-shaped, but it is still untrusted text:
//! a generation cut short by the token limit, a line outside the function, an
//! empty string. Each scenario is checked on its own; invalid ones are dropped
//! and counted, never returned. Escaping for display is the renderer's job;
//! here only control characters are removed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use failcast_core::scenario::FailureClass;

/// One failure scenario as the model proposed it, after validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelScenario {
    pub class: FailureClass,
    /// 1-based absolute line in the file, inside the function.
    pub line: usize,
    pub trigger: String,
    pub error: String,
    /// 0.0 to 1.0.
    pub likelihood: f32,
    pub log: String,
    /// A static candidate the model ranked rather than wrote: `likelihood`
    /// is the model's probability that it is the first failure among the
    /// candidates shown, and the texts are empty.
    #[serde(default)]
    pub scored: bool,
    /// For a ranked candidate: the log-probability of its class when the
    /// model is shown no code, to correct for the classes it favours
    /// whatever the code says.
    #[serde(default)]
    pub prior: f32,
}

impl ModelScenario {
    /// The model's ranking of the candidate `class` on `line`.
    pub fn scored(class: FailureClass, line: usize, probability: f32) -> ModelScenario {
        ModelScenario {
            class,
            line,
            trigger: String::new(),
            error: String::new(),
            likelihood: probability,
            log: String::new(),
            scored: true,
            prior: 0.0,
        }
    }
}

/// The result of parsing one generation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedOutput {
    pub scenarios: Vec<ModelScenario>,
    /// Scenarios present in the text but rejected by validation.
    pub dropped: usize,
    /// The text was cut short and only its complete scenarios were used.
    pub salvaged: bool,
}

/// Parses generated text for a function spanning `lines` (1-based, end exclusive).
pub fn parse(text: &str, lines: std::ops::Range<usize>) -> ParsedOutput {
    let (value, salvaged) = match serde_json::from_str::<Value>(text) {
        Ok(value) => (value, false),
        Err(_) => match salvage(text) {
            Some(value) => (value, true),
            None => {
                tracing::info!(chars = text.len(), "model output is not JSON; no scenarios");
                return ParsedOutput {
                    salvaged: true,
                    ..ParsedOutput::default()
                };
            }
        },
    };
    let items = value
        .get("scenarios")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = ParsedOutput {
        salvaged,
        ..ParsedOutput::default()
    };
    for item in &items {
        match validate(item, &lines) {
            Some(scenario) => out.scenarios.push(scenario),
            None => out.dropped += 1,
        }
    }
    if out.dropped > 0 || salvaged {
        tracing::debug!(
            kept = out.scenarios.len(),
            dropped = out.dropped,
            salvaged,
            "validated model scenarios"
        );
    }
    out
}

fn validate(item: &Value, lines: &std::ops::Range<usize>) -> Option<ModelScenario> {
    let class = FailureClass::parse(item.get("class")?.as_str()?)?;
    let line = usize::try_from(item.get("line")?.as_u64()?).ok()?;
    if !lines.contains(&line) {
        return None;
    }
    let likelihood = item.get("likelihood")?.as_f64()?;
    if !likelihood.is_finite() {
        return None;
    }
    let text = |key: &str| -> Option<String> {
        let cleaned = clean(item.get(key)?.as_str()?);
        // A looping string is noise, even when the loop was cut short.
        (!cleaned.is_empty() && !ends_in_loop(cleaned.as_bytes())).then_some(cleaned)
    };
    Some(ModelScenario {
        class,
        line,
        trigger: text("trigger")?,
        error: text("error")?,
        likelihood: likelihood.clamp(0.0, 1.0) as f32,
        log: text("log")?,
        scored: false,
        prior: 0.0,
    })
}

/// Removes control characters (a newline or escape sequence in a diagnostic
/// is never intended) and trims.
fn clean(text: &str) -> String {
    let without: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    without.trim().to_string()
}

/// Recovers the complete scenarios of a truncated answer: cuts the text after
/// the last scenario object that closed and closes the array and object.
fn salvage(text: &str) -> Option<Value> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut last_item_end = None;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                // Depth 2 is inside `{"scenarios": [`: an item just closed.
                if c == '}' && depth == 2 {
                    last_item_end = Some(i + 1);
                }
            }
            _ => {}
        }
    }
    let end = last_item_end?;
    serde_json::from_str(&format!("{}]}}", &text[..end])).ok()
}

/// Whether `text` ends in a short pattern repeated over and over
/// (`1.1.1.1.1.1`, `error error error error`): how a small model degenerates.
/// The tail must repeat a period of up to 12 bytes at least four times and
/// cover at least 16 bytes.
pub fn ends_in_loop(text: &[u8]) -> bool {
    (1..=12).any(|period| {
        let span = (period * 4).max(16);
        text.len() >= span + period
            && (text.len() - span..text.len()).all(|i| text[i] == text[i - period])
    })
}

/// Follows streamed JSON text: whether the outermost value has closed (so
/// generation can stop without another decode step), and the string being
/// written (so a degenerate loop inside it can be cut short).
#[derive(Clone, Debug, Default)]
pub struct JsonStream {
    depth: usize,
    /// Objects closed inside the top-level array (`{"scenarios": [{..}, {..}`).
    items_closed: usize,
    started: bool,
    in_string: bool,
    escaped: bool,
    string: Vec<u8>,
}

impl JsonStream {
    /// Feeds more text; returns true once the outermost object or array closed.
    /// Works on bytes: the structural characters are ASCII, and UTF-8 never
    /// uses ASCII bytes inside multi-byte characters, so a token that splits
    /// a character cannot confuse it.
    pub fn push(&mut self, text: &[u8]) -> bool {
        for &c in text {
            if self.in_string {
                match c {
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => {
                        self.in_string = false;
                        continue;
                    }
                    _ => {}
                }
                self.string.push(c);
                continue;
            }
            match c {
                b'"' => {
                    self.in_string = true;
                    self.string.clear();
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.started = true;
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if c == b'}' && self.depth == 2 {
                        self.items_closed += 1;
                    }
                    if self.started && self.depth == 0 {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// Nesting depth: 2 is inside the scenario array, between items.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// How many scenario objects have closed so far.
    pub fn items_closed(&self) -> usize {
        self.items_closed
    }

    /// The string being written has degenerated into a loop and should be closed.
    pub fn string_loops(&self) -> bool {
        self.in_string && !self.escaped && ends_in_loop(&self.string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"scenarios":[
        {"class":"index_out_of_range","line":11,"trigger":" empty list ","error":"IndexError: list index out of range","likelihood":0.7,"log":"ERROR total failed\u0007"},
        {"class":"made_up","line":11,"trigger":"x","error":"y","likelihood":0.5,"log":"z"},
        {"class":"timeout","line":99,"trigger":"x","error":"y","likelihood":0.5,"log":"z"},
        {"class":"timeout","line":12,"trigger":"  ","error":"y","likelihood":0.5,"log":"z"},
        {"class":"overflow","line":10,"trigger":"huge","error":"OverflowError","likelihood":7,"log":"z"}
    ]}"#;

    #[test]
    fn keeps_valid_scenarios_and_counts_the_rest() {
        let parsed = parse(GOOD, 10..13);
        assert_eq!(parsed.dropped, 3);
        assert!(!parsed.salvaged);
        assert_eq!(parsed.scenarios.len(), 2);
        assert_eq!(parsed.scenarios[0].trigger, "empty list");
        assert_eq!(parsed.scenarios[0].log, "ERROR total failed");
        assert_eq!(parsed.scenarios[1].likelihood, 1.0);
    }

    #[test]
    fn salvages_complete_scenarios_of_a_cut_answer() {
        let text = r#"{"scenarios":[{"class":"timeout","line":10,"trigger":"slow {upstream}","error":"TimeoutError","likelihood":0.4,"log":"a"},{"class":"overflow","line":11,"trig"#;
        let parsed = parse(text, 10..12);
        assert!(parsed.salvaged);
        assert_eq!(parsed.scenarios.len(), 1);
        assert_eq!(parsed.scenarios[0].trigger, "slow {upstream}");
        assert!(parse("not json", 1..2).scenarios.is_empty());
    }

    #[test]
    fn loops_are_recognised() {
        assert!(ends_in_loop(b"12.1.1.1.1.1.1.1.1.1.1.1"));
        assert!(ends_in_loop(b"failed: error error error error error "));
        assert!(!ends_in_loop(b"IndexError: list index out of range"));
        assert!(!ends_in_loop(b"aaaa"));
        let mut stream = JsonStream::default();
        stream.push(br#"{"error":"12.1.1.1.1.1.1.1.1.1.1.1"#);
        assert!(stream.string_loops());
        stream.push(br#"1.1", "log": "x"#);
        assert!(!stream.string_loops());
    }

    #[test]
    fn stream_tracker_ignores_braces_in_strings() {
        let mut tracker = JsonStream::default();
        assert!(!tracker.push(br#"{"scenarios":[{"trigger":"}]}"#));
        assert!(!tracker.push(br#""}]"#));
        assert_eq!(tracker.items_closed(), 1);
        assert_eq!(tracker.depth(), 1);
        assert!(tracker.push(b"}"));
    }
}
