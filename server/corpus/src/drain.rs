//! Log templates: recurring log lines grouped by the Drain algorithm (He et
//! al., ICWS 2017) through the `drain3` crate, a port of logpai's Drain3.
//!
//! Templates persist across ingests: the miner is seeded with the templates
//! already in the corpus, so a line seen yesterday joins yesterday's
//! template, and a template that generalises (`<*>` replaces a token) is
//! renamed in place rather than counted twice.

use std::collections::HashMap;

use drain3::{Config, Matcher, Template};

/// The wildcard Drain puts where a token varies.
pub const WILDCARD: &str = "<*>";
// drain3's limits: longer lines are cut to these before mining.
const MAX_TOKENS: usize = 64;
const MAX_BYTES: usize = 1024;

/// One template after a run: its text, the stored text it grew from, and
/// what this run saw of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Mined {
    pub text: String,
    pub previous: Option<String>,
    pub count: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub example: String,
}

#[derive(Default)]
struct Seen {
    count: u64,
    first: Option<String>,
    last: Option<String>,
    example: String,
}

pub struct TemplateMiner {
    matcher: Matcher,
    /// Cluster id → the stored template it was seeded from.
    seeds: HashMap<usize, String>,
    seen: HashMap<usize, Seen>,
}

impl TemplateMiner {
    /// A miner that already knows `existing` templates.
    pub fn new(existing: &[String]) -> TemplateMiner {
        let config = Config {
            similarity_threshold: 0.4,
            max_tokens: MAX_TOKENS,
            max_bytes: MAX_BYTES,
            ..Config::default()
        };
        let mut miner = TemplateMiner {
            matcher: Matcher::new(config),
            seeds: HashMap::new(),
            seen: HashMap::new(),
        };
        for text in existing {
            if let Some(t) = miner.learn(text) {
                miner.seeds.entry(t.id()).or_insert_with(|| text.clone());
            }
        }
        miner
    }

    fn learn(&mut self, message: &str) -> Option<Template> {
        let clipped = clip(message);
        if clipped.trim().is_empty() {
            return None;
        }
        self.matcher.add_log_message(&clipped).ok()
    }

    /// Adds one log message; returns its template id.
    pub fn add(&mut self, message: &str, time: Option<&str>) -> Option<usize> {
        let id = self.learn(message)?.id();
        let seen = self.seen.entry(id).or_default();
        seen.count += 1;
        if let Some(time) = time {
            if seen.first.as_deref().is_none_or(|f| time < f) {
                seen.first = Some(time.to_owned());
            }
            if seen.last.as_deref().is_none_or(|l| time > l) {
                seen.last = Some(time.to_owned());
            }
        }
        if seen.example.is_empty() {
            seen.example = clip(message);
        }
        Some(id)
    }

    /// Every template this run saw or changed.
    pub fn finish(self) -> Vec<Mined> {
        let mut out = Vec::new();
        let mut ids: Vec<usize> = self.seen.keys().copied().collect();
        // Seeds whose text changed though no line of this run hit them
        // directly cannot happen (only lines change clusters), so the seen
        // clusters are all there is.
        ids.sort_unstable();
        for id in ids {
            let Some(template) = self.matcher.template_for_id(id) else {
                continue;
            };
            let seen = &self.seen[&id];
            out.push(Mined {
                text: render(&template),
                previous: self.seeds.get(&id).cloned(),
                count: seen.count,
                first_seen: seen.first.clone(),
                last_seen: seen.last.clone(),
                example: seen.example.clone(),
            });
        }
        out
    }
}

/// Whether a token is a value rather than a word: numbers, ids, addresses
/// (`17`, `A-1001`, `10.0.0.1`, `blk_-69522`), but not words that merely
/// contain a digit (`ssh2`, `utf8`, `s3`).
fn variable(token: &str) -> bool {
    let digits = token.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let alphanumeric = token.bytes().filter(u8::is_ascii_alphanumeric).count();
    let punctuated = token
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .bytes()
        .any(|b| !b.is_ascii_alphanumeric());
    digits * 2 >= alphanumeric || punctuated
}

/// A template's text with `<*>` where tokens vary.
fn render(template: &Template) -> String {
    let mut tokens = template.tokens().iter();
    (0..template.token_count())
        .map(|i| {
            if template.is_param(i) {
                WILDCARD
            } else {
                tokens.next().map_or(WILDCARD, |t| t.as_ref())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The part of a message drain3 accepts (at most 64 tokens and 1024
/// bytes), with numeric tokens masked. Masking first is what Drain3's
/// masking instructions do: without it `order=A-17 amount=4.50` differs
/// from `order=A-18 amount=9.99` in every varying token and each line of a
/// busy log starts a template of its own. The key of `key=value` is kept,
/// since it says what varies.
fn clip(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_BYTES));
    for (i, token) in message.split_whitespace().enumerate() {
        if i >= MAX_TOKENS || out.len() + token.len() + 1 > MAX_BYTES {
            break;
        }
        if i > 0 {
            out.push(' ');
        }
        if variable(token) {
            let open = token.len() - token.trim_start_matches(['[', '(', '{', '"', '\'']).len();
            match token.find(['=', ':']) {
                Some(at) if at > open => out.push_str(&token[..=at]),
                _ => out.push_str(&token[..open]),
            }
            out.push_str(WILDCARD);
            let close = token.len()
                - token
                    .trim_end_matches([']', ')', '}', '"', '\'', ','])
                    .len();
            out.push_str(&token[token.len() - close..]);
        } else {
            out.push_str(token);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines in LogHub's HDFS and OpenSSH formats (message part), and the
    /// templates LogHub's ground truth gives for them.
    #[test]
    fn loghub_samples_group_into_their_templates() {
        let lines = [
            "PacketResponder 1 for block blk_38865049064139660 terminating",
            "PacketResponder 0 for block blk_-6952295868487656571 terminating",
            "Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6",
            "Received block blk_8229193803249955061 of size 67108864 from /10.251.42.84",
            "PacketResponder 2 for block blk_-5704899712662113150 terminating",
            "Received block blk_3587508140051953248 of size 67108864 from /10.251.42.84",
            "Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2",
            "Failed password for invalid user test9 from 52.80.34.196 port 36060 ssh2",
        ];
        let mut miner = TemplateMiner::new(&[]);
        for line in lines {
            miner.add(line, None);
        }
        let mut mined: Vec<String> = miner
            .finish()
            .into_iter()
            .map(|m| format!("{} x{}", m.text, m.count))
            .collect();
        mined.sort();
        insta::assert_snapshot!(mined.join("\n"), @r"
        Failed password for invalid user <*> from <*> port <*> ssh2 x2
        PacketResponder <*> for block <*> terminating x3
        Received block <*> of size <*> from <*> x3
        ");
    }

    #[test]
    fn seeded_templates_absorb_new_lines() {
        let mut first = TemplateMiner::new(&[]);
        first.add("user 17 logged in from 10.0.0.1", None);
        first.add("user 18 logged in from 10.0.0.2", None);
        let stored: Vec<String> = first.finish().into_iter().map(|m| m.text).collect();
        assert_eq!(stored, ["user <*> logged in from <*>"]);
        let mut second = TemplateMiner::new(&stored);
        second.add(
            "user 99 logged in from 10.9.9.9",
            Some("2026-03-29T10:00:00Z"),
        );
        let mined = second.finish();
        assert_eq!(mined.len(), 1, "{mined:?}");
        assert_eq!(mined[0].text, "user <*> logged in from <*>");
        assert_eq!(
            mined[0].previous.as_deref(),
            Some("user <*> logged in from <*>")
        );
        assert_eq!(mined[0].count, 1);
    }
}
