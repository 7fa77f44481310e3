//! Failures that surface at a call: a helper in the same file that parses,
//! compiles a pattern or talks to the network raises from inside, and the
//! caller's line is where its frame meets the exception. `isInRange(version,
//! getRange(jdk))` fails with the `NumberFormatException` of the
//! `Integer.parseInt` inside it. The helpers are read once per file, with
//! one automaton over its text.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use aho_corasick::AhoCorasick;

use super::memo::Memo;
use super::*;
use crate::error_class::classify;

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
    // ProseMirror: a position past the end of the document.
    ("doc.resolve(", IndexOutOfRange),
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

/// What one function's own text (nested functions left out) says: what it
/// raises, whether it handles errors, and the names it calls.
#[derive(Default)]
pub(super) struct Summary {
    raises: Vec<FailureClass>,
    /// What it raises itself (`raise ParserError(…)`, `throw new
    /// IllegalStateException(…)`, `panic!(…)`): a handler elsewhere in it
    /// does not catch its own raise, so these escape even when it handles.
    throws: Vec<FailureClass>,
    handles: bool,
    calls: Vec<String>,
    /// The calls made on the function's own object or on none
    /// ([`is_own_call`]).
    own_calls: Vec<String>,
    /// Whether it returns null on some path and a value on another
    /// ([`returns_null`]).
    returns_null: bool,
}

/// The classes of the exceptions a function's text raises itself, named
/// by their type and message as a runtime would report them
/// ([`classify`]). A bare `raise`, a thrown variable and what names no
/// failure (`NotImplementedError`, a plain `RuntimeError`) say nothing.
fn explicit_throws(own: &str) -> Vec<FailureClass> {
    let mut classes = Vec::new();
    for line in own.lines() {
        let line = line.trim_start();
        let thrown = if let Some(rest) = line.strip_prefix("raise ") {
            rest
        } else if let Some(rest) = line.strip_prefix("throw new ") {
            rest
        } else if let Some(rest) = ["panic!(", "unreachable!(", "panic("]
            .iter()
            .find_map(|p| line.strip_prefix(p))
        {
            // A panic names no type: its message says what failed, and
            // a message that names nothing is an assertion.
            let class = classify("panic", rest);
            classes.push(if class == Other { Assertion } else { class });
            continue;
        } else {
            continue;
        };
        let (kind, message) = thrown.split_once('(').unwrap_or((thrown, ""));
        let kind = kind.trim();
        // `raise err`, `throw e`: a value caught or made elsewhere.
        let named = kind.rsplit('.').next().unwrap_or(kind);
        if !named.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        let class = classify(kind, message);
        if class != Other {
            classes.push(class);
        }
    }
    classes
}

/// Summaries by the text they were read from.
static SUMMARIES: Memo<Arc<Summary>> = Memo::new();

fn summarise(own: &str) -> Summary {
    // A word, not the tail of one (`print(` holds `int(`).
    let mut raises: Vec<FailureClass> = AUTOMATON
        .find_iter(own)
        .filter(|hit| starts_word(own, hit.start()))
        .map(|hit| RAISES[hit.pattern().as_usize()].1)
        .collect();
    raises.sort_by_key(|c| c.as_str());
    raises.dedup();
    let mut throws = explicit_throws(own);
    throws.sort_by_key(|c| c.as_str());
    throws.dedup();
    let handles = ["try", "catch", "except", "recover()"]
        .iter()
        .any(|w| own.contains(w));
    // `name(` and `.name(`: the names called; and of those, the calls of
    // the function's own kind (`name(`, `self.name(`, `p.name(` on a Go
    // receiver), not another object's method of the same name
    // (`self._conn.send(` inside a `send`).
    let mut calls = Vec::new();
    let mut own_calls = Vec::new();
    let bytes = own.as_bytes();
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'(', &bytes[at..]) {
        let end = at + open;
        let start = end - trailing_identifier(&own[..end]).len();
        if start < end {
            let name = own[start..end].to_owned();
            if is_own_call(&own[..start]) {
                own_calls.push(name.clone());
            }
            calls.push(name);
        }
        at = end + 1;
    }
    calls.sort();
    calls.dedup();
    own_calls.sort();
    own_calls.dedup();
    Summary {
        raises,
        throws,
        handles,
        calls,
        own_calls,
        returns_null: returns_null(own),
    }
}

/// Whether a function's own text returns null on one path (`return None`,
/// `return null`, `return undefined`, or a bare `return` / `return;`) and
/// a value on another: its callers get null when that path runs.
fn returns_null(own: &str) -> bool {
    let mut null = false;
    let mut value = false;
    for (at, _) in own.match_indices("return") {
        // The keyword, not part of a name (`returned`, `on_return`).
        if !starts_word(own, at) {
            continue;
        }
        let rest = &own[at + "return".len()..];
        if !rest.is_empty() && !rest.starts_with([' ', ';', '\n', '\r']) {
            continue;
        }
        let returned = rest
            .split(['\n', ';', '}'])
            .next()
            .unwrap_or_default()
            .trim();
        match returned {
            "" | "None" | "null" | "undefined" => null = true,
            _ => value = true,
        }
    }
    null && value
}

/// The functions of the file that return null on some path and a value
/// on another, by short name: a caller that dereferences what they return
/// fails on that path. Sorted, once each.
pub(super) fn null_returners(index: &FunctionIndex, summaries: &[Arc<Summary>]) -> Vec<String> {
    let mut names: Vec<String> = index
        .functions
        .iter()
        .zip(summaries)
        .filter(|(_, summary)| summary.returns_null)
        .map(|(f, _)| short_name(&f.name).to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Whether a call whose name starts where `before` ends is made on the
/// function's own object or on none: a bare name, `self.`, `this.`,
/// `cls.`, `Self::`, `super().`, or a Go receiver (one or two lower-case
/// letters: `p.parseValue()`).
fn is_own_call(before: &str) -> bool {
    if before.ends_with("super().") {
        return true;
    }
    let Some(object) = before
        .strip_suffix('.')
        .or_else(|| before.strip_suffix("::"))
    else {
        // A bare call, or one a keyword or operator precedes.
        return !before.ends_with([':', '>', '$', '#']);
    };
    let receiver = trailing_identifier(object);
    let outer = &object[..object.len() - receiver.len()];
    // The whole object, not the last link of a chain (`self.conn.send`).
    let whole = !outer.ends_with(['.', ':', ')', ']']);
    whole
        && (matches!(receiver, "self" | "this" | "cls" | "Self" | "super")
            || (!receiver.is_empty()
                && receiver.len() <= 2
                && receiver.chars().all(|c| c.is_ascii_lowercase())))
}

/// Each function's summary, read from its own text: its range minus its
/// nested functions'. Read once per file; the summaries feed
/// [`raisers`], [`cycles`] and [`null_returners`].
pub(super) fn summaries(text: &str, index: &FunctionIndex) -> Vec<Arc<Summary>> {
    let functions = &index.functions;
    functions
        .iter()
        .enumerate()
        .map(|(i, f)| {
            // The module's code calls and raises, but no caller calls it.
            if f.is_module() {
                return Arc::default();
            }
            let mut own = String::new();
            let mut at = f.range.start;
            for child in functions.iter().filter(|c| c.parent == Some(i)) {
                own.push_str(text.get(at..child.range.start).unwrap_or_default());
                at = child.range.end;
            }
            own.push_str(
                text.get(at..f.range.end.min(text.len()))
                    .unwrap_or_default(),
            );
            SUMMARIES.get(&own, |own| Arc::new(summarise(own)))
        })
        .collect()
}

/// The calls of the file that close a cycle: `(caller, callee)` by short
/// name, where the callee, a function of the file, calls the caller back
/// within [`DEPTH`] calls (`_parse_value` → `_parse_array` →
/// `_parse_value`). Each such call recurses once per level of the input.
/// Sorted, once each.
pub(super) fn cycles(index: &FunctionIndex, summaries: &[Arc<Summary>]) -> Vec<(String, String)> {
    let functions = &index.functions;
    // What each name calls, over every function of that name.
    let mut calls: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (f, summary) in functions.iter().zip(summaries) {
        let name = short_name(&f.name);
        let entry = calls.entry(name).or_default();
        for call in &summary.own_calls {
            if call != name {
                entry.insert(call.as_str());
            }
        }
    }
    // The names each function reaches within DEPTH calls, through the
    // file's own functions: read once per callee, not once per caller.
    let reach = |from: &str| -> HashSet<&str> {
        let mut reached: HashSet<&str> = HashSet::new();
        let mut frontier: Vec<&str> = vec![from];
        let mut seen: HashSet<&str> = HashSet::from([from]);
        for _ in 0..DEPTH {
            let mut next = Vec::new();
            for name in frontier {
                for &callee in calls.get(name).into_iter().flatten() {
                    reached.insert(callee);
                    if calls.contains_key(callee) && seen.insert(callee) {
                        next.push(callee);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        reached
    };
    let mut reached: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut found: Vec<(String, String)> = Vec::new();
    for (&caller, callees) in &calls {
        for &callee in callees {
            if !calls.contains_key(callee) {
                continue;
            }
            let from_callee = reached.entry(callee).or_insert_with(|| reach(callee));
            if from_callee.contains(caller) {
                found.push((caller.to_owned(), callee.to_owned()));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The functions of a file that raise what [`RAISES`] names, or call a
/// function of the file that does, with no handler of their own: `(name,
/// class)`, sorted, once each.
pub(super) fn raisers(
    index: &FunctionIndex,
    summaries: &[Arc<Summary>],
) -> Vec<(String, FailureClass)> {
    let functions = &index.functions;
    let name_of = |f: usize| short_name(&functions[f].name);
    let mut found: HashSet<(usize, FailureClass)> = summaries
        .iter()
        .enumerate()
        .flat_map(|(f, s)| {
            let raised = if s.handles { &[][..] } else { &s.raises[..] };
            raised.iter().chain(&s.throws).map(move |class| (f, *class))
        })
        .collect();
    let mut frontier: Vec<(usize, FailureClass)> = found.iter().copied().collect();
    for _ in 1..DEPTH {
        let mut raised: HashMap<&str, Vec<FailureClass>> = HashMap::new();
        for (f, class) in &frontier {
            raised.entry(name_of(*f)).or_default().push(*class);
        }
        if raised.is_empty() {
            break;
        }
        let mut next = Vec::new();
        for (caller, summary) in summaries.iter().enumerate() {
            if summary.handles {
                continue;
            }
            for call in &summary.calls {
                if call == name_of(caller) {
                    continue;
                }
                for class in raised.get(call.as_str()).into_iter().flatten() {
                    if found.insert((caller, *class)) {
                        next.push((caller, *class));
                    }
                }
            }
        }
        frontier = next;
    }
    let mut raisers: Vec<(String, FailureClass)> = found
        .into_iter()
        .map(|(f, class)| (name_of(f).to_owned(), class))
        .collect();
    raisers.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.as_str().cmp(b.1.as_str())));
    raisers.dedup();
    raisers
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
        // A size checked before the call (`if (pos > doc.content.size)
        // … else this.updateOverlay()`) bounds the positions it takes.
        let sized = |text: &str| {
            ["size", "length", "len(", ".len()", "Len("]
                .iter()
                .any(|w| text.contains(w))
        };
        for class in classes {
            if self.caught_here(node, class)
                || class == IndexOutOfRange
                    && guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &sized)
            {
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
