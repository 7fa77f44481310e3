//! Broad candidates: every operation in a function that can fail at run
//! time, whether or not a precise rule proves it, each with its class and
//! the runtime's error text, and a low likelihood scored from what the code
//! says about it.
//!
//! The precise rules (the query-backed checks beside this module) stay
//! quiet unless they are sure; they alone become diagnostics. Candidates
//! rank below them and fill a function's top three for the hover, `check`
//! and the model to rank, so a real failure that no precise rule covers
//! still shows up. The rules are written once over a per-language table of
//! facts ([`Facts`]): the node kinds of subscripts, calls and operators, and
//! the names of the calls that parse, decode, touch the clock or the
//! network. Guards count: an operation behind a check of its operands or
//! inside a `try` that catches its error is no candidate.

use ropey::Rope;
use tree_sitter::Node;

use super::guards::{
    caught, go_comma_ok, guarded, guarded_by, guarded_lookup, mentioned_at, mentions, starts_word,
    statement_of,
};
use super::{FnCx, Hazard};
use crate::functions::node_text;
use crate::functions::{Function, FunctionIndex};
use crate::language::Language;
use crate::scenario::{FailureClass, Kind};
use crate::text::one_line;
use tree_sitter::Tree;

mod absent;
mod accumulation;
mod android_platform;
mod arithmetic;
mod backtracking;
mod block_var;
mod boundaries;
mod bounded_queue;
mod buffer_reads;
mod byte_lengths;
mod bytes_str_mix;
mod calendar_steps;
mod call_result;
mod callees;
pub mod caller_arguments;
mod calls;
mod chain_walk;
mod check_then_act;
mod chunked_text;
mod client_timeouts;
mod closed_channel;
mod connections;
mod declarations;
mod decoded_integers;
mod defaulted_later;
mod destructured_lookup;
mod document_positions;
mod domain;
mod empty_collections;
mod empty_vec_write;
mod end_of_input;
mod engine_specific;
mod error_first;
mod exception_subscript;
mod facts;
mod field_chain;
mod fixed_width;
mod getter_chain;
mod go_lifetimes;
mod go_nil_results;
mod handlers;
mod host_globals;
mod in_operator;
mod indexing;
mod input_loop;
mod java_null_habits;
mod keyword_built;
mod late_attributes;
mod late_fields;
mod leaks;
mod local_lock;
mod lock_discipline;
mod lock_leak;
mod loop_capture;
mod memo;
mod messages;
mod missing_console;
mod missing_file;
mod mixed_atomic;
mod modified_while_iterated;
mod naive_utc;
mod narrow_handler;
mod negative_repeat;
mod nesting_depth;
mod nil_map;
mod not_found;
mod not_iterable;
mod panic_on_error;
mod path_of_nothing;
mod pending_ignored;
mod pipe_deadlock;
mod pointer_fields;
mod positional_calls;
mod promise_executor;
mod prototype_keys;
mod quadratic_concat;
mod races;
mod read_modify_write;
mod recursive_descent;
mod recursive_impl;
pub mod relock;
mod returned_shapes;
mod reused_counter;
mod shared_reads;
pub(super) mod sized_allocation;
mod spawns;
mod split_count;
mod spread_arguments;
mod stack_arrays;
mod string_methods;
mod swallowed;
mod tables;
#[cfg(test)]
mod tests;
mod text_conversion;
mod timer_overwritten;
mod toctou;
mod unbounded_cache;
mod unchecked_error;
mod unimported_submodule;
mod unpacked_nothing;
mod unpacked_split;
mod unsupported_mutation;

use FailureClass::*;
use absent::*;
pub use absent::{nullable_calls, nullable_names};
use arithmetic::*;
pub use domain::Domain;
use facts::*;
use messages::*;
use races::*;

/// The highest likelihood a candidate gets: below every precise rule, so
/// candidates never outrank them and never become diagnostics on their own.
pub const MAX_LIKELIHOOD: f32 = 0.14;

/// Names that say a value came from outside: a request, a file, the wire.
const OUTSIDE: &[&str] = &[
    "data", "body", "payload", "json", "response", "resp", "res", "req", "request", "headers",
    "header", "params", "query", "args", "input", "line", "lines", "text", "row", "msg", "message",
    "event", "buf", "buffer", "bytes", "raw", "token", "tokens", "parts", "fields", "value",
    "values", "config", "options", "opts", "environ", "env", "result", "results",
];

/// The identifier `text` ends with (`send` of `self._conn.send`, `$http`
/// of `this.$http`; empty after `f(x) + `): a call's name, read back from
/// its `(`.
fn trailing_identifier(text: &str) -> &str {
    trailing(text, |c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// The run of characters `keep` holds at the end of `text`, cut between
/// characters whatever precedes it (a combining accent is not a letter).
fn trailing(text: &str, keep: impl Fn(char) -> bool) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|&(_, c)| keep(c))
        .last()
        .map_or(text.len(), |(i, _)| i);
    &text[start..]
}

/// The lower-case words of an identifier, split at `_` and at each
/// lower-to-upper change (`serverSocket` → `server`, `socket`); a Java
/// field's `m` prefix (`mSocket`) is dropped.
pub(crate) fn identifier_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '$' || c.is_ascii_digit() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    if words.len() > 1 && words[0] == "m" {
        words.remove(0);
    }
    words
}

/// What a candidate needs besides its node: the function and its words.
struct Scan<'a, 'c, 't> {
    cx: &'c FnCx<'a, 't>,
    facts: &'static Facts,
    parameters: Vec<String>,
    /// Parameters that may be absent: `x=None`, `x?: T`, `x: T | null`.
    optional: Vec<String>,
    /// Names a branch of the function sets to `None`, `null` or `nil`, with
    /// where: used after that without a check, they may be absent.
    set_absent: Vec<(String, usize)>,
    /// Locals a swallowed failure may have left empty, with where
    /// ([`swallowed::swallowed_assignments`]); absent from there on as
    /// those of `set_absent` are ([`Scan::emptied`]).
    swallowed: Vec<(String, usize)>,
    /// What the file compares with null somewhere ([`nullable_names`]).
    nullable: &'c [String],
    /// Java fields only methods set ([`late_fields::late_fields`]).
    late: &'c [late_fields::LateField],
    /// Python attributes not every instance has ([`late_attributes::late_attributes`]).
    late_attributes: &'c [late_attributes::LateAttribute],
    /// Fields the file touches under a lock ([`lock_discipline::guarded_fields`]).
    guarded: &'c [String],
    /// What the file is about ([`Domain`]).
    domain: &'c Domain,
    /// Helpers of the file that raise ([`callees::raisers`]).
    raisers: &'c [(String, FailureClass)],
    /// Calls that recurse through another function ([`callees::cycles`]).
    cycles: &'c [(String, String)],
    /// Functions of the file that return null ([`callees::null_returners`]).
    null_returners: &'c [String],
    /// Calls whose kept result the file checks for null ([`nullable_calls`]).
    nullable_calls: &'c [String],
    /// Python module-level state ([`module_state`]).
    module_state: &'c [String],
    /// Java thread-safe fields ([`concurrent_fields`]).
    concurrent: &'c [String],
    /// Queues the file makes with a bound ([`bounded_queue::bounded_queues`]).
    bounded_queues: &'c [String],
    /// Fixed tables the file writes out ([`tables::table_names`]).
    tables: &'c [String],
    /// Compiled patterns of the file by how they run
    /// ([`backtracking::backtracking_patterns`]).
    patterns: &'c backtracking::PatternNames,
    /// Go maps and Rust constant arrays of the file ([`declarations`]).
    maps: &'c [String],
    constant_arrays: &'c [String],
    /// Functions of the file returning dicts of several shapes
    /// ([`returned_shapes`]).
    returned_shapes: &'c [(String, Vec<String>)],
    /// Locals holding an integer the input decided
    /// ([`decoded_integers::decoded_locals`]).
    decoded: Vec<(String, Vec<String>)>,
    /// Rust locals declared with a narrow integer type
    /// ([`fixed_width::narrow_locals`]).
    narrow: Vec<String>,
    /// [`Scan::stringy`] by text: it reads the whole body, and a long
    /// function asks it of the same few names at every operator.
    stringy_seen: std::cell::RefCell<std::collections::HashMap<String, bool>>,
    /// Whether the function handles dates, read once
    /// ([`Scan::wall_clock_arithmetic`]).
    dated: std::cell::OnceCell<bool>,
    /// Guarded fields already reported in this function: the first
    /// unlocked read says it; the rest repeat it.
    raced: Vec<String>,
    /// Whether the function takes a lock anywhere: without one, no
    /// operation in it runs under a lock (checked once, not per write).
    takes_lock: bool,
    /// Values read from shared state inside a critical section, with the
    /// offset where the lock was released: their fields read after that
    /// race with the writers the lock kept out (`state, ok :=
    /// m.nodeMap[k]; m.mu.Unlock(); use(state.Name)`).
    escaped: Vec<(String, usize)>,
    /// For a closure inside a function that takes a lock, and takes none
    /// itself: the names the closure declares (its parameters and locals).
    /// Everything else it reads, it captured, and it runs later (a timer,
    /// a callback, a goroutine), after the lock is released.
    captured_after_lock: Option<Vec<String>>,
    /// Names the function declares (`Type name = …`), for Java fields.
    declared: Vec<String>,
    /// Locals assigned from a lookup that may find nothing (`x =
    /// d.get(k)`, `m = re.match(…)`, `v := cache.Get(k)`).
    maybe_absent: Vec<String>,
    /// Names the function binds (assigns, declares, loops over), read
    /// once from its text ([`field_chain::bound_names`]).
    bound: std::collections::HashSet<String>,
    /// Locals assigned from one call, with the callee
    /// ([`call_result::assigned_from_calls`]).
    call_assigned: Vec<(String, String)>,
    /// Locals made by a connection's constructor or a dial, and parameters
    /// of a connection's type ([`connections::connection_locals`],
    /// [`connections::connection_parameters`]).
    connection_locals: Vec<String>,
    /// A Go method's receiver name.
    receiver: Option<String>,
    /// Python: names bound to a standard stream chosen at run time
    /// ([`missing_console::stream_locals`]).
    streams: Vec<String>,
    /// The function's text, for the words that mark synchronisation.
    body: String,
    found: Vec<Hazard>,
}

/// What every function's candidates in a file depend on besides their own
/// text, read once per file.
#[derive(Clone, Debug)]
pub struct FileFacts {
    /// What the file compares with null somewhere ([`nullable_names`]).
    pub nullable: Vec<String>,
    /// The failure classes the file is about ([`Domain`]).
    pub domain: Domain,
    /// Fields the file touches under a lock ([`lock_discipline::guarded_fields`]).
    pub guarded: Vec<String>,
    /// Helpers of the file that raise ([`callees::raisers`]).
    pub raisers: Vec<(String, FailureClass)>,
    /// Calls that recurse through another function of the file
    /// ([`callees::cycles`]).
    pub cycles: Vec<(String, String)>,
    /// Functions of the file that return null on some path
    /// ([`callees::null_returners`]).
    pub null_returners: Vec<String>,
    /// Calls whose kept result the file checks for null somewhere
    /// ([`nullable_calls`]).
    pub nullable_calls: Vec<String>,
    /// Python: mutable state at module level, shared by every thread
    /// ([`module_state`]).
    pub module_state: Vec<String>,
    /// Java: fields made thread-safe collections or atomics
    /// ([`concurrent_fields`]).
    pub concurrent: Vec<String>,
    /// Python and Java: queues made with a bound
    /// ([`bounded_queue::bounded_queues`]).
    pub bounded_queues: Vec<String>,
    /// Sequences the file writes out as literals ([`tables::table_names`]).
    pub tables: Vec<String>,
    /// Compiled patterns by name: which backtrack, which only when
    /// searched, which were read and do not
    /// ([`backtracking::backtracking_patterns`]).
    pub patterns: backtracking::PatternNames,
    /// Literal nothing or empty values the file's calls pass its own
    /// functions ([`caller_arguments::passed`]).
    pub arguments: Vec<caller_arguments::Argument>,
    /// Go: names declared as maps ([`declarations::go_maps`]).
    pub maps: Vec<String>,
    /// Rust: constant arrays ([`declarations::rust_constant_arrays`]).
    pub constant_arrays: Vec<String>,
    /// Python: functions returning dicts of more than one shape, with the
    /// keys some lack ([`returned_shapes::partial_keys`]).
    pub returned_shapes: Vec<(String, Vec<String>)>,
    /// JavaScript and TypeScript: the file's optional fields and async
    /// functions, which the property and promise rules read.
    pub(crate) ecma: std::sync::Arc<crate::hazards::ecma::Declarations>,
    /// Methods that take a lock of their receiver ([`relock::lockers`]).
    pub lockers: Vec<relock::Locker>,
    /// Java: the Android APIs the file names whose calls throw unchecked
    /// exceptions ([`android_platform::apis_named`]).
    pub android: Vec<&'static str>,
    /// Java: fields only methods set ([`late_fields::late_fields`]).
    pub late: Vec<late_fields::LateField>,
    /// Python: attributes only some paths set ([`late_attributes::late_attributes`]).
    pub late_attributes: Vec<late_attributes::LateAttribute>,
    /// Go: values the file updates with `sync/atomic`
    /// ([`mixed_atomic::atomic_values`]).
    pub atomics: Vec<String>,
    /// Go: channels the file closes, by last name
    /// ([`closed_channel::closed_channels`]).
    pub closed_channels: Vec<String>,
}

impl FileFacts {
    pub fn of(language: Language, tree: &Tree, rope: &Rope, index: &FunctionIndex) -> FileFacts {
        // One copy of the text for the scans that read all of it.
        let mut text = String::with_capacity(rope.len_bytes());
        for chunk in rope.chunks() {
            text.push_str(chunk);
        }
        let segments = memo::segments(&text, index);
        let summaries = callees::summaries(&text, index);
        FileFacts {
            nullable: nullable_names(language, &segments),
            domain: Domain::of_segments(&segments),
            guarded: lock_discipline::guarded_fields(language, &segments),
            raisers: callees::raisers(index, &summaries),
            cycles: callees::cycles(index, &summaries),
            null_returners: callees::null_returners(index, &summaries),
            nullable_calls: nullable_calls(language, &segments),
            module_state: if language == Language::Python {
                module_state(&text)
            } else {
                Vec::new()
            },
            concurrent: if language == Language::Java {
                concurrent_fields(&text)
            } else {
                Vec::new()
            },
            bounded_queues: bounded_queue::bounded_queues(language, &text),
            tables: tables::table_names(language, &segments),
            patterns: backtracking::backtracking_patterns(language, &segments).run_in(&text),
            arguments: caller_arguments::passed(language, &text, index),
            maps: if language == Language::Go {
                declarations::go_maps(&text)
            } else {
                Vec::new()
            },
            constant_arrays: if language == Language::Rust {
                declarations::rust_constant_arrays(&text)
            } else {
                Vec::new()
            },
            returned_shapes: returned_shapes::partial_keys(language, &text, index),
            lockers: relock::lockers(language, &text, &segments),
            android: android_platform::apis_named(language, &text),
            late: late_fields::late_fields(language, tree, &text, index),
            late_attributes: late_attributes::late_attributes(language, tree, &text, index),
            atomics: mixed_atomic::atomic_values(language, &text),
            closed_channels: closed_channel::closed_channels(language, &text),
            ecma: std::sync::Arc::new(crate::hazards::ecma::Declarations::of(language, tree, rope)),
        }
    }

    /// Adds what the workspace's other files pass this file's functions
    /// ([`caller_arguments::passed_elsewhere`]); hashed like the rest, so a
    /// caller that starts passing `None` re-ranks the callee.
    pub fn with_callers(
        mut self,
        calls: &crate::calls::CallIndex,
        language: Language,
        path: &str,
        index: &FunctionIndex,
    ) -> FileFacts {
        let elsewhere = caller_arguments::passed_elsewhere(calls, language, path, index);
        if !elsewhere.is_empty() {
            self.arguments.extend(elsewhere);
            self.arguments
                .sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            self.arguments.dedup();
        }
        self
    }

    /// Feeds what candidates depend on to a cache key's hasher.
    pub fn hash_into(&self, hasher: &mut xxhash_rust::xxh3::Xxh3) {
        for name in &self.nullable {
            hasher.update(name.as_bytes());
            hasher.update(&[0]);
        }
        self.domain.hash_into(hasher);
        for field in &self.guarded {
            hasher.update(field.as_bytes());
            hasher.update(&[1]);
        }
        for attribute in &self.late_attributes {
            hasher.update(attribute.class_name.as_bytes());
            hasher.update(attribute.name.as_bytes());
            for setter in &attribute.setters {
                hasher.update(&[0x2f]);
                hasher.update(setter.as_bytes());
            }
        }
        for field in &self.late {
            hasher.update(field.name.as_bytes());
            for setter in &field.setters {
                hasher.update(&[0x2e]);
                hasher.update(setter.as_bytes());
            }
        }
        for (name, class) in &self.raisers {
            hasher.update(name.as_bytes());
            hasher.update(class.as_str().as_bytes());
        }
        for name in &self.nullable_calls {
            hasher.update(name.as_bytes());
            hasher.update(&[7]);
        }
        for name in &self.null_returners {
            hasher.update(name.as_bytes());
            hasher.update(&[6]);
        }
        for (caller, callee) in &self.cycles {
            hasher.update(caller.as_bytes());
            hasher.update(&[4]);
            hasher.update(callee.as_bytes());
            hasher.update(&[5]);
        }
        for name in &self.module_state {
            hasher.update(name.as_bytes());
            hasher.update(&[2]);
        }
        for name in &self.concurrent {
            hasher.update(name.as_bytes());
            hasher.update(&[3]);
        }
        for name in &self.bounded_queues {
            hasher.update(name.as_bytes());
            hasher.update(&[4]);
        }
        for (tag, names) in [
            (9, &self.patterns.backtracking),
            (13, &self.patterns.searched_only),
            (14, &self.patterns.plain),
            (15, &self.patterns.run),
        ] {
            for name in names {
                hasher.update(name.as_bytes());
                hasher.update(&[tag]);
            }
        }
        for name in &self.tables {
            hasher.update(name.as_bytes());
            hasher.update(&[8]);
        }
        for name in self.maps.iter().chain(&self.constant_arrays) {
            hasher.update(name.as_bytes());
            hasher.update(&[10]);
        }
        for (function, keys) in &self.returned_shapes {
            hasher.update(function.as_bytes());
            for key in keys {
                hasher.update(&[11]);
                hasher.update(key.as_bytes());
            }
        }
        for argument in &self.arguments {
            hasher.update(format!("{argument:?}").as_bytes());
            hasher.update(&[7]);
        }
        self.ecma.hash_into(hasher);
        for locker in &self.lockers {
            for part in [&locker.owner, &locker.method, &locker.lock] {
                hasher.update(part.as_bytes());
                hasher.update(&[12]);
            }
        }
        for api in &self.android {
            hasher.update(api.as_bytes());
            hasher.update(&[15]);
        }
        for name in &self.atomics {
            hasher.update(name.as_bytes());
            hasher.update(&[16]);
        }
        for name in &self.closed_channels {
            hasher.update(name.as_bytes());
            hasher.update(&[17]);
        }
    }
}

/// Java names declared with a thread-safe collection or an atomic
/// (`Map<K, V> byId = new ConcurrentHashMap<>()`, `List<T> xs =
/// Collections.synchronizedList(…)`, `AtomicLong count = new AtomicLong()`):
/// changing them in place is no race.
fn concurrent_fields(text: &str) -> Vec<String> {
    const SAFE: &[&str] = &[
        "new Concurrent",
        "new CopyOnWrite",
        "Collections.synchronized",
        "BlockingQueue<",
        "BlockingDeque<",
        "new Atomic",
    ];
    let mut names: Vec<String> = text
        .lines()
        .filter(|line| SAFE.iter().any(|s| line.contains(s)))
        .filter_map(|line| {
            let (left, _) = line.split_once('=')?;
            let name = left
                .trim()
                .rsplit(|c: char| c.is_whitespace() || c == '>')
                .next()?;
            (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
                .then(|| name.to_owned())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Python names a module binds at its top level to a mutable value or to
/// `None` (a cache, a registry, a lazily made client): `_CACHE = {}`,
/// `_client = None`, `handlers: list = []`.
fn module_state(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .filter_map(|line| {
            let (left, right) = line.split_once('=')?;
            if right.starts_with('=') {
                return None;
            }
            let name = left.split(':').next()?.trim();
            let value = right.trim();
            let mutable = value == "None"
                || value.starts_with(['{', '['])
                || [
                    "dict(",
                    "set(",
                    "list(",
                    "defaultdict(",
                    "OrderedDict(",
                    "deque(",
                ]
                .iter()
                .any(|c| value.starts_with(c));
            (mutable && !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
                .then(|| name.to_owned())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The broad candidates of one function, most likely first, leaving out
/// what a precise hazard already reports on the same line with the same
/// class, or on the same subscript as a key or a position. `file` is read
/// once per file ([`FileFacts::of`]).
pub fn function_candidates(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    function: &Function,
    index: &FunctionIndex,
    precise: &[Hazard],
    file: &FileFacts,
) -> Vec<Hazard> {
    let Some(cx) = FnCx::new(language, tree, rope, function, index, file) else {
        return Vec::new();
    };
    let line = |offset: usize| Hazard::line_of(offset, function, rope);
    let mut found: Vec<(f32, Hazard)> = candidates(&cx, file)
        .into_iter()
        .filter(|c| {
            // A precise rule that read the same subscript decided whether
            // it looks up a key or counts a position (`m[key]` misses a
            // key, it does not overrun).
            let lookup = |class| matches!(class, IndexOutOfRange | KeyMissing);
            // A finding made as surely by the scan, and likelier, takes the
            // place of the precise rule's ([`merge_promoted`]).
            !precise.iter().any(|p| {
                (p.class == c.class && line(p.start) == line(c.start) && !supersedes(c, p))
                    || (p.start == c.start && p.end == c.end && lookup(p.class) && lookup(c.class))
            })
        })
        .map(|c| (c.likelihood * file.domain.factor(c.class), c))
        .collect();
    // Ranked by the lifted score; the likelihood shown stays under the
    // precise rules' floor.
    found.sort_by(|(a, x), (b, y)| b.total_cmp(a).then(x.start.cmp(&y.start)));
    // One prediction per failure and line: two operations of one class on
    // one line (`a[i][j]`, `x.y.z`) are one thing to look at, and the
    // second would take a place another failure could have.
    let mut seen: Vec<(FailureClass, usize)> = Vec::with_capacity(found.len());
    found.retain(|(_, c)| {
        let key = (c.class, line(c.start));
        let first = !seen.contains(&key);
        if first {
            seen.push(key);
        }
        first
    });
    // A value that is null fails at its first dereference: the later ones
    // of the same value never run with it null, so they repeat the first
    // prediction and rank after every other failure.
    // Only within one stretch of time: a read in a callback (a timer, an
    // event handler) runs later than the reads around it, and repeats none
    // of them.
    let scope = |c: &Hazard| {
        let at = function.range.start + c.start;
        cx.node
            .descendant_for_byte_range(at, at)
            .and_then(|node| handlers::deferred_callback(node, cx.node))
            .map(|callback| callback.id())
    };
    let repeats: Vec<bool> = found
        .iter()
        .map(|(_, c)| {
            null_value(c).is_some_and(|value| {
                found.iter().any(|(_, earlier)| {
                    null_value(earlier) == Some(value)
                        && line(earlier.start) < line(c.start)
                        && scope(earlier) == scope(c)
                })
            })
        })
        .collect();
    if repeats.iter().any(|r| *r) {
        for ((score, _), repeat) in found.iter_mut().zip(&repeats) {
            if *repeat {
                *score *= REPEATED_DEREFERENCE;
            }
        }
        found.sort_by(|(a, x), (b, y)| b.total_cmp(a).then(x.start.cmp(&y.start)));
    }
    // Diversity: a function's top three should name different failures.
    // The same class again on another line is most often the same failure
    // repeated (five `start + timedelta(days=qty)` steps, three field
    // writes), so each repeat keeps less of its score than the one before.
    let mut counts: Vec<(FailureClass, i32)> = Vec::new();
    let mut repeated = false;
    for (score, c) in found.iter_mut() {
        let seen = match counts.iter_mut().find(|(k, _)| *k == c.class) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                counts.push((c.class, 1));
                0
            }
        };
        if seen > 0 {
            *score *= REPEATED_CLASS.powi(seen);
            repeated = true;
        }
    }
    if repeated {
        found.sort_by(|(a, x), (b, y)| b.total_cmp(a).then(x.start.cmp(&y.start)));
    }
    found
        .into_iter()
        .map(|(score, mut c)| {
            if c.rule == CANDIDATE {
                c.likelihood = score.min(MAX_LIKELIHOOD);
            }
            c
        })
        .collect()
}

/// The rule name of a broad candidate; any other name is a finding the
/// candidate scan makes as surely as a precise rule ([`promoted`]).
pub const CANDIDATE: &str = "candidate";

/// Moves the findings among `broad` that are precise into `precise`
/// ([`promoted`]), each taking the place of a precise hazard of the same
/// class on the same line that it outranks (`rs.empty-vec-write` is what
/// `rs.index` guessed at, said for certain).
pub fn merge_promoted(
    precise: &mut Vec<Hazard>,
    broad: &mut Vec<Hazard>,
    function: &Function,
    rope: &Rope,
) {
    let promoted = promoted(broad);
    let line = |offset: usize| Hazard::line_of(offset, function, rope);
    precise.retain(|p| {
        !promoted
            .iter()
            .any(|q| q.class == p.class && line(q.start) == line(p.start) && supersedes(q, p))
    });
    precise.extend(promoted);
}

/// Whether the scan's finding `q`, made as surely as a precise rule's
/// (its rule is not [`CANDIDATE`]), is likelier than the precise `p` it
/// shares a class and a line with, and so takes its place.
fn supersedes(q: &Hazard, p: &Hazard) -> bool {
    q.rule != CANDIDATE && q.likelihood > p.likelihood
}

/// The findings among `found` (a function's candidates) that are precise,
/// taken out of it: the analysis lists them with the precise hazards.
pub fn promoted(found: &mut Vec<Hazard>) -> Vec<Hazard> {
    let (precise, broad): (Vec<Hazard>, Vec<Hazard>) = std::mem::take(found)
        .into_iter()
        .partition(|h| h.rule != CANDIDATE);
    *found = broad;
    precise
}

/// Last words of a name that holds prose or markup: text a person wrote,
/// emoji included.
const PROSE: &[&str] = &[
    "html",
    "markup",
    "body",
    "message",
    "msg",
    "content",
    "title",
    "label",
    "caption",
    "comment",
    "description",
    "summary",
    "snippet",
    "excerpt",
    "word",
    "tweet",
    "subject",
];

/// What each further candidate of a class already in a function's ranking
/// keeps of its score (the second 0.65, the third 0.42, …): chosen on `dev`
/// between 0.4 and 0.8, where 0.6 to 0.7 did best.
const REPEATED_CLASS: f32 = 0.65;

/// What a later dereference of an already dereferenced value keeps of its
/// score.
const REPEATED_DEREFERENCE: f32 = 0.3;

/// The value a null dereference reads through, if `c` is one.
fn null_value(c: &Hazard) -> Option<&str> {
    (c.class == NullOrNone)
        .then(|| dereferenced_value(&c.subject))
        .flatten()
}

/// The value a null dereference's subject reads through: `url` of
/// `url.hostname`, `resp.body` of `resp.body.read`. The function's own
/// object is never null, so it names no value.
fn dereferenced_value(subject: &str) -> Option<&str> {
    let subject = subject.trim().trim_end_matches(['!', '?']);
    let (value, _) = subject.rsplit_once('.')?;
    let value = value.trim_end_matches(['!', '?']);
    let plain = value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'));
    (plain && !matches!(value, "self" | "this" | "cls" | "")).then_some(value)
}

/// The object of a member access when it is a bare name (`rich` of
/// `rich.markup`, `queryArr` of `queryArr.join`), not a chain or a call.
fn bare_object(node: Node) -> Option<Node> {
    node.child_by_field_name("object")
        .filter(|o| o.kind() == "identifier")
}

/// An assignment's or a binary expression's two sides.
fn sides(node: Node) -> Option<(Node, Node)> {
    Some((
        node.child_by_field_name("left")?,
        node.child_by_field_name("right")?,
    ))
}

/// The lines of `text`, each with the byte offset it starts at.
fn lines_at(text: &str) -> Vec<(usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n')
        .map(|line| {
            let at = offset;
            offset += line.len();
            (at, line)
        })
        .collect()
}

/// A call's argument list as written, without its parentheses.
fn arguments(args: &str) -> &str {
    let args = args.trim();
    args.strip_prefix('(')
        .and_then(|a| a.strip_suffix(')'))
        .unwrap_or(args)
}

/// The first argument of a call's argument list as written (`(a, b)` →
/// `a`), empty when there is none.
fn first_argument(args: &str) -> &str {
    arguments(args).split(',').next().unwrap_or_default().trim()
}

/// The value of an integer literal without a type suffix, decimal or hex,
/// with or without `_` separators (`65_534`, `0x8000`).
fn integer_literal(word: &str) -> Option<u64> {
    let word = word.replace('_', "");
    match word.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => word.parse().ok(),
    }
}

/// The broad candidates of one function (not of functions nested in it).
fn candidates(cx: &FnCx, file: &FileFacts) -> Vec<Hazard> {
    let facts = facts(cx.language);
    let mut scan = Scan {
        cx,
        facts,
        parameters: cx.parameters(),
        optional: optional_parameters(cx),
        set_absent: set_absent_in_branches(cx),
        swallowed: Vec::new(),
        nullable: &file.nullable,
        late: &file.late,
        late_attributes: &file.late_attributes,
        guarded: &file.guarded,
        domain: &file.domain,
        raisers: &file.raisers,
        cycles: &file.cycles,
        null_returners: &file.null_returners,
        nullable_calls: &file.nullable_calls,
        module_state: &file.module_state,
        concurrent: &file.concurrent,
        bounded_queues: &file.bounded_queues,
        tables: &file.tables,
        patterns: &file.patterns,
        maps: &file.maps,
        constant_arrays: &file.constant_arrays,
        returned_shapes: &file.returned_shapes,
        raced: Vec::new(),
        decoded: Vec::new(),
        narrow: Vec::new(),
        stringy_seen: Default::default(),
        dated: Default::default(),
        body: cx.own_text().to_owned(),
        takes_lock: false,
        captured_after_lock: None,
        escaped: Vec::new(),
        declared: Vec::new(),
        maybe_absent: Vec::new(),
        bound: Default::default(),
        call_assigned: Vec::new(),
        connection_locals: Vec::new(),
        receiver: field_chain::receiver_name(cx),
        streams: Vec::new(),
        found: Vec::new(),
    };
    // A `with` takes a lock only when it names one: `with open(path)`
    // leaves the function's shared reads as unguarded as they are.
    scan.takes_lock = ["Lock()", "lock()", "acquire(", "synchronized"]
        .iter()
        .any(|w| scan.body.contains(w))
        || scan.body.lines().any(|line| {
            let line = line.trim_start();
            (line.starts_with("with ") || line.starts_with("async with "))
                && scan.facts.sync_words.iter().any(|w| line.contains(w))
        });
    // A parameter a caller of the file passes nothing is as optional as
    // one declared so.
    let short_name = cx
        .function
        .name
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(&cx.function.name);
    let passed_nothing = caller_arguments::parameters_passed(
        &file.arguments,
        short_name,
        &scan.parameters,
        caller_arguments::Passed::Nothing,
    );
    let passed_empty = caller_arguments::parameters_passed(
        &file.arguments,
        short_name,
        &scan.parameters,
        caller_arguments::Passed::Empty,
    );
    for name in &passed_nothing {
        if !scan.optional.contains(name) {
            scan.optional.push(name.clone());
        }
    }
    scan.maybe_absent = maybe_absent_locals(&scan.body);
    scan.swallowed = swallowed::swallowed_assignments(cx, &scan.body);
    scan.streams = missing_console::stream_locals(cx.language, &scan.body);
    scan.decoded = decoded_integers::decoded_locals(cx.language, &scan.body);
    if cx.language == Language::Rust {
        scan.narrow = fixed_width::narrow_locals(&scan.body);
    }
    scan.bound = field_chain::bound_names(&scan.body);
    scan.call_assigned = call_result::assigned_from_calls(&scan.body);
    scan.connection_locals = connections::connection_locals(&scan.body);
    scan.connection_locals
        .extend(connections::connection_parameters(cx));
    if matches!(
        cx.language,
        Language::JavaScript | Language::TypeScript | Language::Tsx
    ) {
        // `obj && …`, `!obj`, `if (obj)`: the function itself doubts that
        // the value is there.
        scan.maybe_absent.extend(truthiness_tested(&scan.body));
    }
    scan.captured_after_lock = closure_under_a_lock(cx, &scan);
    if scan.takes_lock {
        scan.escaped = escaped_from_lock(cx);
    }
    scan.declared = scan
        .body
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            // `for (int i = 0; …)`, `for (String k : keys)`, `try (Reader r
            // = …)`, `catch (IOException e)`: a declaration in a header.
            if let Some(header) = ["for", "try", "catch"]
                .iter()
                .find_map(|k| line.strip_prefix(k))
                .and_then(|rest| rest.trim_start().strip_prefix('('))
            {
                let name = header
                    .split_whitespace()
                    .nth(1)?
                    .trim_end_matches(['=', ';', ':', ')']);
                return Some(name.to_owned());
            }
            let name = line.split_whitespace().nth(1)?.trim_end_matches(['=', ';']);
            (!line.starts_with("return")).then(|| name.to_owned())
        })
        .collect();
    let body = cx.node.child_by_field_name("body").unwrap_or(cx.node);
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        // Nested functions are analysed on their own.
        if node.id() != body.id() && cx.starts_nested_function(node) {
            continue;
        }
        scan.visit(node);
        // Children go on the stack last first, so that the walk meets the
        // body in source order: a rule that names "the first" read or
        // dereference of a value names the first one written.
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    scan.result_before_error();
    scan.received_piece_kept();
    scan.lock_left_held();
    scan.lock_taken_again();
    scan.nesting_unbounded();
    let mut found = scan.found;
    caller_arguments::raise_what_callers_pass(
        cx.language,
        &mut found,
        &passed_nothing,
        &passed_empty,
    );
    // Of two candidates of one class at one spot, the likelier stays.
    found.sort_by(|a, b| {
        (a.start, a.class)
            .cmp(&(b.start, b.class))
            .then(b.likelihood.total_cmp(&a.likelihood))
    });
    found.dedup_by(|a, b| a.start == b.start && a.class == b.class);
    found
}

impl Scan<'_, '_, '_> {
    fn text(&self, node: Node) -> String {
        node_text(node, self.cx.rope)
    }

    /// Whether `receiver` is the method's own object: `self`, `this`,
    /// `cls` or the Go receiver's name.
    fn is_own(&self, receiver: &str) -> bool {
        matches!(receiver, "self" | "this" | "cls") || self.receiver.as_deref() == Some(receiver)
    }

    /// The function's own name, without its type or module (`send` of
    /// `Conn.send`, `fmt` of `Demangle::fmt`).
    fn own_name(&self) -> &str {
        self.cx
            .function
            .name
            .rsplit(['.', ':'])
            .next()
            .unwrap_or_default()
    }

    /// The Rust `impl` block the function is a method of.
    fn enclosing_impl(&self) -> Option<Node<'_>> {
        self.cx
            .node
            .parent()
            .and_then(|list| list.parent())
            .filter(|block| block.kind() == "impl_item")
    }

    /// Whether a call of `callee` (last name `last`) is made on the
    /// function's own object: bare, on `self`, `this`, `cls`, the Go
    /// receiver, `Self`, the object's class (`self.__class__`,
    /// `type(self)`, `Foo.bar` inside `Foo`), and, when `parent_too`, on
    /// `super`. The method of the same name on another object (`c.Conn.
    /// LastError()`, `self.inner.read()`) is a delegation, not a call of
    /// this one; so is `super.close()` for a recursion, while a cycle
    /// through the class's methods runs through its parent's too.
    fn on_own_object(&self, callee: &str, last: &str, parent_too: bool) -> bool {
        let Some((receiver, _)) = callee.rsplit_once(['.', ':']) else {
            return true;
        };
        let receiver = receiver.trim_end_matches(':').trim();
        self.is_own(receiver)
            || ["Self", "self.__class__", "type(self)"].contains(&receiver)
            || (parent_too && matches!(receiver, "super" | "super()"))
            || [".", "::"].iter().any(|sep| {
                let qualified = &self.cx.function.qualified_name;
                qualified.ends_with(&format!("{receiver}{sep}{last}"))
            })
    }

    /// Whether `node` runs once per turn of a loop of the function.
    fn in_loop(&self, node: Node) -> bool {
        self.loop_around(node).is_some()
    }

    /// The innermost loop of the function around `node`, of any kind
    /// (see [`Self::enclosing_loop`] for whether it is counted).
    fn loop_around<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let mut ancestor = node.parent();
        while let Some(parent) = ancestor {
            if parent.id() == self.cx.node.id() {
                return None;
            }
            let kind = parent.kind();
            if kind.contains("for") || kind.contains("while") || kind == "loop_expression" {
                return Some(parent);
            }
            ancestor = parent.parent();
        }
        None
    }

    /// Whether `node` is an argument, or part of one, of a call to `name`
    /// within a few enclosing expressions.
    fn inside_call_to(&self, node: Node, name: &str) -> bool {
        let mut current = node;
        for _ in 0..4 {
            let Some(parent) = current.parent() else {
                return false;
            };
            if parent.id() == self.cx.node.id() {
                return false;
            }
            if self.facts.call.contains(&parent.kind())
                && self.callee(parent).is_some_and(|c| c.ends_with(name))
            {
                return true;
            }
            current = parent;
        }
        false
    }

    /// Whether `node` is the target of an assignment (what is written, not
    /// read).
    fn assigned_to(&self, node: Node) -> bool {
        let is_left = |parent: Node, child: Node| {
            self.facts.assignment.contains(&parent.kind())
                && parent
                    .child_by_field_name("left")
                    .is_some_and(|l| l.id() == child.id())
        };
        node.parent().is_some_and(|parent| {
            is_left(parent, node)
                // Go writes through a list: `m[k], n = v, 1`.
                || (parent.kind() == "expression_list"
                    && parent.parent().is_some_and(|a| is_left(a, parent)))
        })
    }

    fn visit(&mut self, node: Node) {
        let kind = node.kind();
        let facts = self.facts;
        if facts.call.contains(&kind) {
            self.call(node);
        }
        if facts.subscript.contains(&kind) && !self.exception_subscript(node) {
            self.subscript(node);
        }
        if facts.slice.contains(&kind) {
            self.slice(node);
        }
        if facts.binary.contains(&kind) {
            self.binary(node);
            self.fixed_width(node);
            self.bytes_str_mix(node);
        }
        if facts.assignment.contains(&kind) {
            self.shared_write(node);
            self.timer_overwritten(node);
            self.empty_vec_written(node);
        }
        if matches!(kind, "augmented_assignment" | "assignment") {
            self.quadratic_concat(node);
        }
        self.destructured_lookup(node);
        if kind == "attribute" {
            self.late_attribute_read(node);
        }
        self.mixed_atomic(node);
        self.recursive_impl(node);
        self.unpacked_nothing(node);
        self.send_on_closed(node);
        if kind == "delete_statement" {
            let target = self.text(node);
            let target = target.trim_start_matches("del").trim();
            let shared = target.starts_with("self.")
                || target.starts_with("cls.")
                || target.starts_with(|c: char| c.is_ascii_uppercase());
            if target.contains('[') && !self.caught_here(node, KeyMissing) {
                self.add(node, KeyMissing, 0.08, trigger(KeyMissing));
            }
            if shared && !self.locked(node) && !self.in_constructor() {
                self.add(node, RaceCondition, 0.08, trigger(RaceCondition));
            }
        }
        if facts.assertion.contains(&kind) {
            self.add(
                node,
                Assertion,
                0.10,
                "the invariant the assertion states does not hold for this input",
            );
        }
        if facts.cast.contains(&kind) {
            // A numeric cast truncates in Rust and Java (a widening one
            // cannot); elsewhere a cast asserts a type the value may not have.
            let found = match (self.cx.language, kind) {
                (_, "non_null_expression") => Some((NullOrNone, 0.06)),
                (Language::Rust, _) if lossless_rust_cast(&self.text(node)) => None,
                (Language::Rust, _) if self.lossless_from_declared(node) => None,
                // `v, ok := x.(T)` never panics.
                (Language::Go, "type_assertion_expression") if go_comma_ok(node) => None,
                (Language::Rust, _) => Some((Overflow, 0.08)),
                (Language::Java, _) if widening_java_cast(&self.text(node)) => None,
                (Language::Java, _) if numeric_cast(&self.text(node)) => Some((Overflow, 0.08)),
                _ if self.cast_checked(node) => None,
                _ => Some((TypeError, 0.06)),
            };
            if let Some((class, likelihood)) = found {
                self.add(node, class, likelihood, trigger(class));
            }
        }
        if matches!(
            kind,
            "for_statement" | "while_statement" | "while_expression" | "loop_expression"
        ) && self.follows_a_chain(node)
            && !self.stops_at_a_cycle(node)
        {
            self.add_head(node, Timeout, 0.11, "the chain it follows loops back on itself (a cause, parent or next link that points back)");
        }
        self.chain_walked_past_its_end(node);
        self.reused_counter(node);
        if facts.loops.contains(&kind) {
            self.add_head(
                node,
                Timeout,
                0.04,
                "the loop's exit condition is never reached for this input",
            );
        }
        if facts.member.contains(&kind) {
            self.member(node);
            self.unguarded_read(node);
            self.through_a_field(node);
            self.call_result_dereferenced(node);
            let read = self.text(node);
            self.shared_read(node, &read);
            if let Some(object) = node
                .child_by_field_name("object")
                .or_else(|| node.child_by_field_name("operand"))
            {
                self.getter_chain(node, object);
            }
        }
        // Java dereferences mostly by calling a method: `mimeType.equals(…)`
        // throws as `mimeType.length` would.
        if kind == "method_invocation"
            || (kind == "subscript" && self.cx.language == Language::Python)
        {
            self.call_result_dereferenced(node);
        }
        if self.cx.language == Language::Go {
            self.channel(node);
        }
        if kind == "if_statement" {
            self.check_then_act(node);
        }
        self.modified_while_iterated(node);
        self.nil_map_write(node);
        self.client_without_timeout(node);
        self.sized_allocation(node);
        self.stack_array(node);
        self.pending_ignored(node);
        self.pointer_field_dereferenced(node);
        self.var_read_outside_its_block(node);
        self.keyed_write(node);
        self.input_loop(node);
        self.accumulating_listener(node);
        self.characters_as_bytes(node);
        self.go_lifetimes(node);
        self.lock_excludes_nothing(node);
        self.unpacked_split(node);
        self.chunked_text(node);
        self.unbounded_spawn(node);
        self.loop_variable_captured(node);
        self.narrow_handler(node);
        self.regex_literal(node);
        self.iterated_absent(node);
        self.java_listing_iterated(node);
        self.doubted_iterated(node);
        self.used_before_default(node);
        self.go_nil_result_used(node);
        self.unimported_submodule(node);
        self.host_global(node);
        self.in_operator(node);
        if facts.assignment.contains(&kind) {
            self.accumulated_digits(node);
        }
    }

    /// The callee's text (`json.loads`, `strconv.Atoi`, `x.unwrap`).
    fn callee(&self, node: Node) -> Option<String> {
        let callee = node
            .child_by_field_name("function")
            .or_else(|| node.child_by_field_name("constructor"))
            .or_else(|| node.child_by_field_name("type"))
            .or_else(|| node.child_by_field_name("macro"));
        if let Some(callee) = callee {
            return Some(self.text(callee));
        }
        // Java: `object.name(…)`.
        let name = node.child_by_field_name("name")?;
        Some(match node.child_by_field_name("object") {
            Some(object) => format!("{}.{}", self.text(object), self.text(name)),
            None => self.text(name),
        })
    }

    /// Whether a bare name assigned in a Java method is a field: neither a
    /// parameter nor a local declared in the method (`Type name = …`).
    fn field_like(&self, name: &str) -> bool {
        !self.declared.iter().any(|d| d == name)
            && !self.parameters.iter().any(|p| p == name)
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
    }

    fn outside(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        OUTSIDE.iter().any(|w| mentions(&lower, w))
            || self.parameters.iter().any(|p| mentions(text, p))
    }

    /// Whether `text` names text: by its name (`name`, `line`, `host`),
    /// or, in Rust and Go, by the type the function declares it with
    /// (`s: &str`, `s string`).
    fn stringy(&self, text: &str) -> bool {
        if let Some(&known) = self.stringy_seen.borrow().get(text) {
            return known;
        }
        let stringy = self.stringy_uncached(text);
        self.stringy_seen
            .borrow_mut()
            .insert(text.to_owned(), stringy);
        stringy
    }

    fn stringy_uncached(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        let named = [
            "str", "name", "text", "host", "line", "s[", "value", "hash", "input",
        ]
        .iter()
        .any(|w| lower.contains(w));
        // Markup and prose, by the last word of a singular name (`html`,
        // `commitMessage`, `body`); `bodies` or `titles` are lists.
        let prose = identifier_words(text.trim())
            .last()
            .is_some_and(|w| PROSE.contains(&w.as_str()));
        let name = text.trim().trim_start_matches(['&', '*']);
        let typed = match self.cx.language {
            Language::TypeScript | Language::Tsx => self.declares(name, &[": string"]),
            // Or by a method only text has, called on it in the function.
            Language::Rust => {
                self.declares(name, &[": &str", ": String", ": &String", ": &mut String"])
                    || [
                        ".chars()",
                        ".char_indices()",
                        ".parse::<",
                        ".parse()",
                        ".trim()",
                    ]
                    .iter()
                    .any(|m| mentions(&self.body, &format!("{name}{m}")))
            }
            Language::Go => self.declares(name, &[" string"]),
            _ => false,
        };
        named || prose || typed
    }

    /// Whether the function's text declares `name`, as a whole word,
    /// followed by one of `types` (`prices: &HashMap`, `s string`): `ids:
    /// &str` does not declare `s`.
    fn declares(&self, name: &str, types: &[&str]) -> bool {
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        types.iter().any(|ty| {
            let declaration = format!("{name}{ty}");
            self.body
                .match_indices(&declaration)
                .any(|(at, _)| starts_word(&self.body, at))
        })
    }

    /// The text of a statement up to its body: a loop's or an `if`'s
    /// header (`for i := 0; i < n; i++ `, `while True:`).
    fn header_text(&self, node: Node) -> String {
        let end = node
            .child_by_field_name("body")
            .map_or(node.end_byte(), |b| b.start_byte())
            .min(self.cx.rope.len_bytes());
        let start = node.start_byte().min(end);
        self.cx.rope.byte_slice(start..end).to_string()
    }

    /// The innermost loop around `node` in the function: `None` when
    /// there is none, `Some(false)` when it steps a known number of times
    /// (`for i in 0..8`), `Some(true)` when the input decides how often.
    fn enclosing_loop(&self, node: Node) -> Option<bool> {
        for parent in crate::hazards::guards::ancestors(node, self.cx.node) {
            if parent.id() == self.cx.node.id() {
                return None;
            }
            if matches!(
                parent.kind(),
                "for_expression"
                    | "while_expression"
                    | "loop_expression"
                    | "for_statement"
                    | "enhanced_for_statement"
                    | "while_statement"
                    | "do_statement"
            ) {
                let header = self.header_text(parent);
                let range = header.split(" in ").nth(1).unwrap_or_default();
                let counted = crate::hazards::rust::constant_bounds(
                    range.trim().trim_end_matches('{').trim(),
                )
                .is_some();
                return Some(!counted);
            }
        }
        None
    }

    fn add_head(&mut self, node: Node, class: FailureClass, likelihood: f32, trigger: &str) {
        // A `do … while (cond)` tests its exit at the bottom: the line that
        // never lets it go is the condition's.
        if node.kind() == "do_statement"
            && let Some(body) = node.child_by_field_name("body")
        {
            self.push(body.end_byte()..node.end_byte(), class, likelihood, trigger);
            return;
        }
        // The loop's header line, not its whole body.
        let end = node
            .child_by_field_name("body")
            .map_or(node.end_byte(), |b| b.start_byte());
        self.push(
            node.start_byte()..end.max(node.start_byte() + 1),
            class,
            likelihood,
            trigger,
        );
    }

    /// Whether a condition before a cast asks what the value is: `if (x
    /// instanceof Foo)`, `if (!arr.isNull(i)) (JSONObject) arr.get(i)`.
    fn cast_checked(&self, cast: Node) -> bool {
        let operand = cast
            .child_by_field_name("value")
            .or_else(|| cast.child_by_field_name("operand"))
            .or_else(|| cast.named_child(cast.named_child_count().saturating_sub(1) as u32))
            .map(|o| self.text(o))
            .unwrap_or_default();
        let root = operand
            .trim_start_matches('(')
            .split(['.', '(', '[', ')'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        // A type test must name the type cast to: `value instanceof
        // JSONObject` leaves `(JSObject) value`, a subclass, unchecked.
        let target = cast
            .child_by_field_name("type")
            .map(|t| self.text(t))
            .unwrap_or_default();
        !root.is_empty()
            && guarded_by(
                self.cx.language,
                cast,
                self.cx.node,
                self.cx.rope,
                &|text| {
                    mentions(text, &root)
                        && if text.contains("instanceof") {
                            !target.is_empty() && mentions(text, target.trim())
                        } else {
                            ["isNull", "typeof"].iter().any(|w| text.contains(w))
                        }
                },
            )
    }

    /// Whether a Rust cast of a bare local (`size as u64`) widens the
    /// integer type the function declares it with: `let size: u32`, `let
    /// size = u32::from_be_bytes(b)`, `.parse::<u16>()`, a parameter
    /// `size: u8`.
    fn lossless_from_declared(&self, cast: Node) -> bool {
        let text = self.text(cast);
        let Some((source, target)) = text.rsplit_once(" as ") else {
            return false;
        };
        let source = source.trim();
        if source.is_empty() || !source.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        let integer = |ty: &str| {
            matches!(
                ty,
                "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
            )
        };
        // The last declaration before the cast wins.
        let declared = self.before(cast).lines().rev().find_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("let ")
                .map(|r| r.trim_start_matches("mut "))
                .filter(|r| r.starts_with(source))
                .map(|r| &r[source.len()..])
                .or_else(|| {
                    // A parameter: `size: u8,` in the signature.
                    let at = line.find(&format!("{source}:"))?;
                    (at == 0 || !line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
                        .then(|| &line[at + source.len()..])
                })?;
            if !rest.starts_with([':', ' ', '=']) {
                return None;
            }
            if let Some(ty) = rest.trim_start().strip_prefix(':') {
                let ty = ty
                    .trim_start()
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or_default();
                return integer(ty).then(|| ty.to_owned());
            }
            let right = rest.trim_start().strip_prefix('=')?.trim();
            let ty = right.split("::").next().unwrap_or_default();
            if integer(ty) {
                return Some(ty.to_owned());
            }
            let parsed = right.split_once(".parse::<")?.1.split('>').next()?;
            integer(parsed).then(|| parsed.to_owned())
        });
        declared.is_some_and(|ty| lossless_rust_cast(&format!("{source} as {ty} as {target}")))
    }

    /// Whether the function assigns the local (or field) `name` from an
    /// expression `from` holds (`start = datetime.utcnow()`): any of its
    /// assignments, in any language's form.
    fn assigned_from(&self, name: &str, from: impl Fn(&str) -> bool) -> bool {
        self.body.lines().any(|line| {
            absent::assignment(line.trim())
                .is_some_and(|(left, right)| absent::assigned_name(left) == name && from(right))
        })
    }

    /// The function's text before `node`: what the code has said by then.
    fn before(&self, node: Node) -> &str {
        let cut = node.start_byte().saturating_sub(self.cx.node.start_byte());
        self.body.get(..cut).unwrap_or(&self.body)
    }

    /// Up to `bytes` bytes of the text right after `node` (`.unwrap()`
    /// after a call), ending on a character's start: a byte count can
    /// land inside a multi-byte character, where a rope may not be cut.
    fn text_after(&self, node: Node, bytes: usize) -> String {
        let rope = self.cx.rope;
        let end = node.end_byte().min(rope.len_bytes());
        let stop = (end + bytes).min(rope.len_bytes());
        let stop = rope.char_to_byte(rope.byte_to_char(stop)).max(end);
        rope.byte_slice(end..stop).to_string()
    }

    /// Whether Rust unwraps the call at `node` where it stands (`.unwrap()`
    /// or `.expect(` within `bytes` after it, spaces aside): only then does
    /// its `Err` or `None` panic.
    fn unwrapped_after(&self, node: Node, bytes: usize) -> bool {
        let after = self.text_after(node, bytes);
        let after = after.trim_start();
        after.starts_with(".unwrap()") || after.starts_with(".expect(")
    }

    fn add(&mut self, node: Node, class: FailureClass, likelihood: f32, trigger: &str) {
        self.push(node.byte_range(), class, likelihood, trigger);
    }

    /// [`Self::add`], handing back the hazard it added (none when the
    /// operation is suppressed) for a rule that names its own error.
    fn added(
        &mut self,
        node: Node,
        class: FailureClass,
        likelihood: f32,
        trigger: &str,
    ) -> Option<&mut Hazard> {
        let before = self.found.len();
        self.push(node.byte_range(), class, likelihood, trigger);
        self.found.get_mut(before)
    }

    /// A finding as certain as a precise rule's, under its own `rule` and
    /// `summary`: the analysis reports it with the precise hazards, so it
    /// can become a diagnostic.
    /// Hands back the finding (none when suppressed), for a rule that
    /// names its own error.
    fn add_precise(
        &mut self,
        node: Node,
        class: FailureClass,
        likelihood: f32,
        (rule, summary): (&'static str, String),
        trigger: &str,
    ) -> Option<&mut Hazard> {
        let found = self.added(node, class, likelihood, trigger)?;
        found.rule = rule;
        found.summary = summary;
        found.likelihood = likelihood;
        Some(found)
    }

    fn push(
        &mut self,
        range: std::ops::Range<usize>,
        class: FailureClass,
        likelihood: f32,
        trigger: &str,
    ) {
        let rope: &Rope = self.cx.rope;
        let function = &self.cx.function;
        if range.start < function.range.start || range.end > function.range.end {
            return;
        }
        if super::suppressed(rope, range.start, class) {
            return;
        }
        let subject = {
            let end = range.end.min(rope.len_bytes());
            let start = range.start.min(end);
            rope.byte_slice(start..end).to_string()
        };
        let subject = one_line(&subject, 80);
        let (error_type, error) = runtime_error(self.cx.language, class, &subject);
        self.found.push(Hazard {
            class,
            kind: Kind::Latent,
            rule: CANDIDATE,
            start: range.start - function.range.start,
            end: range.end - function.range.start,
            summary: format!(
                "Possible {} at `{}`",
                class.as_str().replace('_', " "),
                one_line(&subject, 50)
            ),
            subject,
            likelihood: likelihood.clamp(0.01, MAX_LIKELIHOOD),
            trigger: trigger.to_owned(),
            error_type,
            error,
            inputs: Vec::new(),
        });
    }
}
