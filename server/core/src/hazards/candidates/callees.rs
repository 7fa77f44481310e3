//! Failures that surface at a call: a helper in the same file that parses,
//! compiles a pattern or talks to the network raises from inside, and the
//! caller's line is where its frame meets the exception. `isInRange(version,
//! getRange(jdk))` fails with the `NumberFormatException` of the
//! `Integer.parseInt` inside it. The helpers are read once per file, with
//! one automaton over its text.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::*;

/// What a helper's body says it can raise, in every language that raises:
/// the call that fails and the class of its failure.
const RAISES: &[(&str, FailureClass)] = &[
    // Python
    ("int(", ParseError),
    ("float(", ParseError),
    ("Decimal(", ParseError),
    ("json.loads(", ParseError),
    ("json.load(", ParseError),
    ("strptime(", ParseError),
    ("fromisoformat(", ParseError),
    ("literal_eval(", ParseError),
    ("re.compile(", ParseError),
    ("raise ValueError", ParseError),
    ("requests.get(", NetworkError),
    ("requests.post(", NetworkError),
    ("urlopen(", NetworkError),
    ("create_connection(", NetworkError),
    ("getaddrinfo(", NetworkError),
    // Java
    ("Integer.parseInt(", ParseError),
    ("Long.parseLong(", ParseError),
    ("Double.parseDouble(", ParseError),
    ("Integer.valueOf(", ParseError),
    ("Long.valueOf(", ParseError),
    ("new BigDecimal(", ParseError),
    ("Pattern.compile(", ParseError),
    ("throw new NumberFormatException", ParseError),
    ("openConnection(", NetworkError),
    ("new Socket(", NetworkError),
    // JavaScript and TypeScript
    ("JSON.parse(", ParseError),
    ("new URL(", ParseError),
    ("new RegExp(", ParseError),
    ("fetch(", NetworkError),
    // Rust: a panic inside the helper unwinds through the caller.
    ("parse().unwrap()", ParseError),
    ("parse().expect(", ParseError),
];

static AUTOMATON: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(RAISES.iter().map(|(w, _)| *w)).expect("the raisers are plain words")
});

/// How many calls deep a failure is followed back: a helper's helper
/// still fails its caller's caller, further out the trail is thin.
const DEPTH: usize = 3;

/// The functions of a file that raise what [`RAISES`] names, or call a
/// function of the file that does, with no handler of their own: `(name,
/// class)`, sorted, once each.
pub fn raisers(text: &str, index: &FunctionIndex) -> Vec<(String, FailureClass)> {
    // The innermost function holding a span, unless it handles errors
    // (it may handle this one).
    let holder = |start: usize, end: usize| {
        let function = index
            .functions
            .iter()
            .filter(|f| f.range.start <= start && end <= f.range.end)
            .min_by_key(|f| f.range.end - f.range.start)?;
        let body = text.get(function.range.start..function.range.end.min(text.len()))?;
        if ["try", "catch", "except", "recover()"]
            .iter()
            .any(|w| body.contains(w))
        {
            return None;
        }
        Some(short_name(&function.name).to_owned())
    };
    // A word, not the tail of one (`print(` holds `int(`).
    let starts_word = |at: usize| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    let mut found: Vec<(String, FailureClass)> = AUTOMATON
        .find_iter(text)
        .filter(|hit| starts_word(hit.start()))
        .filter_map(|hit| {
            let name = holder(hit.start(), hit.end())?;
            Some((name, RAISES[hit.pattern().as_usize()].1))
        })
        .collect();
    let tidy = |found: &mut Vec<(String, FailureClass)>| {
        found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.as_str().cmp(b.1.as_str())));
        found.dedup();
    };
    tidy(&mut found);
    let mut frontier = found.clone();
    for _ in 1..DEPTH {
        if frontier.is_empty() {
            break;
        }
        let calls: Vec<String> = frontier
            .iter()
            .map(|(name, _)| format!("{name}("))
            .collect();
        let Ok(automaton) = AhoCorasick::new(&calls) else {
            break;
        };
        let mut next = Vec::new();
        for hit in automaton.find_iter(text) {
            if !starts_word(hit.start()) && !text[..hit.start()].ends_with('.') {
                continue;
            }
            let Some(caller) = holder(hit.start(), hit.end()) else {
                continue;
            };
            let callee = &frontier[hit.pattern().as_usize()].0;
            if caller == *callee {
                continue;
            }
            for (name, class) in &frontier {
                if name == callee && !found.iter().any(|(n, c)| *n == caller && c == class) {
                    next.push((caller.clone(), *class));
                }
            }
        }
        tidy(&mut next);
        found.extend(next.iter().cloned());
        tidy(&mut found);
        frontier = next;
    }
    found
}

fn short_name(name: &str) -> &str {
    name.rsplit(['.', ':']).next().unwrap_or(name)
}

impl Scan<'_, '_, '_> {
    /// A call to a helper of this file that raises, made where nothing
    /// catches what it raises.
    pub(super) fn raised_inside(&mut self, node: Node, last: &str) {
        if self.cx.language == Language::Go {
            return; // Go helpers return their errors.
        }
        if short_name(&self.cx.function.name) == last {
            return;
        }
        let classes: Vec<FailureClass> = self
            .raisers
            .iter()
            .filter(|(name, _)| name == last)
            .map(|(_, class)| *class)
            .collect();
        for class in classes {
            if self.caught_here(node, class) {
                continue;
            }
            self.add(
                node,
                class,
                0.08,
                &format!(
                    "`{last}` fails inside on this input ({}) and nothing here catches it",
                    trigger(class)
                ),
            );
        }
    }
}
