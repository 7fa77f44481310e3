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

use super::guards::{caught, guarded, guarded_by, mentions};
use super::{FnCx, Hazard};
use crate::functions::node_text;
use crate::functions::{Function, FunctionIndex};
use crate::language::Language;
use crate::scenario::{FailureClass, Kind};
use crate::text::one_line;
use tree_sitter::Tree;

/// The highest likelihood a candidate gets: below every precise rule, so
/// candidates never outrank them and never become diagnostics on their own.
pub const MAX_LIKELIHOOD: f32 = 0.14;

/// Calls whose name says what can go wrong in them: `(name, class, base)`.
/// A name matches the callee's last segment (`loads` in `json.loads`) or,
/// with a dot, its tail (`json.loads`).
type CallFacts = &'static [(&'static str, FailureClass, f32)];

/// How one language spells what the rules look for.
struct Facts {
    call: &'static [&'static str],
    subscript: &'static [&'static str],
    slice: &'static [&'static str],
    binary: &'static [&'static str],
    member: &'static [&'static str],
    assignment: &'static [&'static str],
    assertion: &'static [&'static str],
    cast: &'static [&'static str],
    loops: &'static [&'static str],
    /// Words that mark a lock or other synchronisation in a function.
    sync_words: &'static [&'static str],
    calls: CallFacts,
}

use FailureClass::*;

const PYTHON: Facts = Facts {
    call: &["call"],
    subscript: &["subscript"],
    slice: &[],
    binary: &["binary_operator", "augmented_assignment"],
    member: &["attribute"],
    assignment: &["assignment", "augmented_assignment"],
    assertion: &["assert_statement"],
    cast: &[],
    loops: &["while_statement"],
    sync_words: &["Lock", "lock", "RLock", "Semaphore", "Condition", "Queue"],
    calls: &[
        ("int", ParseError, 0.10),
        ("float", ParseError, 0.08),
        ("json.loads", ParseError, 0.12),
        ("json.load", ParseError, 0.10),
        ("Decimal", ParseError, 0.08),
        ("strptime", ParseError, 0.10),
        ("fromisoformat", ParseError, 0.10),
        ("literal_eval", ParseError, 0.10),
        ("urlparse", ParseError, 0.04),
        ("re.compile", Timeout, 0.06),
        ("decode", Encoding, 0.11),
        ("encode", Encoding, 0.07),
        ("b64decode", Encoding, 0.09),
        ("unquote", Encoding, 0.06),
        ("now", TimezoneDst, 0.07),
        ("utcnow", TimezoneDst, 0.08),
        ("fromtimestamp", TimezoneDst, 0.09),
        ("utcfromtimestamp", TimezoneDst, 0.08),
        ("localize", TimezoneDst, 0.11),
        ("normalize", TimezoneDst, 0.06),
        ("astimezone", TimezoneDst, 0.09),
        ("mktime", TimezoneDst, 0.09),
        ("localtime", TimezoneDst, 0.08),
        ("timedelta", TimezoneDst, 0.05),
        ("replace", TimezoneDst, 0.03),
        ("read", ResourceExhaustion, 0.06),
        ("readlines", ResourceExhaustion, 0.06),
        ("recv", Timeout, 0.09),
        ("accept", Timeout, 0.07),
        ("connect", NetworkError, 0.09),
        ("create_connection", NetworkError, 0.09),
        ("getaddrinfo", NetworkError, 0.09),
        ("urlopen", NetworkError, 0.10),
        ("request", NetworkError, 0.07),
        ("send", NetworkError, 0.05),
        ("sendall", NetworkError, 0.06),
        ("wait", Timeout, 0.07),
        ("join", Timeout, 0.03),
        ("acquire", Timeout, 0.06),
        ("get", Timeout, 0.02),
        ("open", Encoding, 0.05),
        ("pop", KeyMissing, 0.07),
        ("remove", KeyMissing, 0.05),
        ("index", IndexOutOfRange, 0.07),
        ("max", IndexOutOfRange, 0.05),
        ("min", IndexOutOfRange, 0.05),
        ("next", IndexOutOfRange, 0.06),
        ("len", NullOrNone, 0.04),
        ("fromtimestamp", Overflow, 0.05),
        ("sleep", Overflow, 0.03),
        ("int", Overflow, 0.04),
        ("getattr", NullOrNone, 0.04),
        // HTTP clients with no timeout wait forever on a stalled server.
        ("requests.get", Timeout, 0.10),
        ("requests.post", Timeout, 0.10),
        ("requests.put", Timeout, 0.09),
        ("requests.request", Timeout, 0.09),
        ("session.get", Timeout, 0.08),
        ("session.post", Timeout, 0.08),
        ("urlopen", Timeout, 0.08),
        ("getresponse", Timeout, 0.08),
        ("communicate", Timeout, 0.07),
        ("check_output", Timeout, 0.05),
        ("gethostbyname", NetworkError, 0.09),
        ("wrap_socket", NetworkError, 0.08),
        ("do_handshake", NetworkError, 0.08),
        ("read_text", Encoding, 0.06),
        ("fromhex", ParseError, 0.07),
    ],
};

const ECMA: Facts = Facts {
    call: &["call_expression", "new_expression"],
    subscript: &["subscript_expression"],
    slice: &[],
    binary: &["binary_expression", "augmented_assignment_expression"],
    member: &["member_expression"],
    assignment: &["assignment_expression", "augmented_assignment_expression"],
    assertion: &[],
    cast: &["as_expression", "non_null_expression"],
    loops: &["while_statement", "do_statement"],
    sync_words: &["mutex", "Mutex", "lock", "queue"],
    calls: &[
        ("JSON.parse", ParseError, 0.12),
        ("parseInt", ParseError, 0.07),
        ("parseFloat", ParseError, 0.06),
        ("URL", ParseError, 0.09),
        ("Date", TimezoneDst, 0.07),
        ("decodeURIComponent", Encoding, 0.10),
        ("decodeURI", Encoding, 0.09),
        ("encodeURIComponent", Encoding, 0.07),
        ("toString", Encoding, 0.04),
        ("fromCharCode", Encoding, 0.07),
        ("charCodeAt", Encoding, 0.06),
        ("codePointAt", Encoding, 0.06),
        ("setEncoding", Encoding, 0.08),
        ("TextDecoder", Encoding, 0.08),
        ("decode", Encoding, 0.08),
        ("RegExp", Timeout, 0.10),
        ("exec", Timeout, 0.05),
        ("test", Timeout, 0.04),
        ("setHours", TimezoneDst, 0.10),
        ("setDate", TimezoneDst, 0.08),
        ("setMinutes", TimezoneDst, 0.07),
        ("getTimezoneOffset", TimezoneDst, 0.10),
        ("getHours", TimezoneDst, 0.06),
        ("tz", TimezoneDst, 0.08),
        ("utcOffset", TimezoneDst, 0.08),
        ("add", TimezoneDst, 0.02),
        ("setTimeout", Overflow, 0.05),
        ("setInterval", Overflow, 0.04),
        ("fetch", NetworkError, 0.10),
        ("request", NetworkError, 0.08),
        ("connect", NetworkError, 0.08),
        ("createConnection", NetworkError, 0.08),
        ("write", NetworkError, 0.03),
        ("pipe", NetworkError, 0.05),
        ("on", NetworkError, 0.02),
        ("end", Timeout, 0.04),
        ("concat", ResourceExhaustion, 0.05),
        ("repeat", ResourceExhaustion, 0.06),
        ("push", ResourceExhaustion, 0.02),
        ("Array", ResourceExhaustion, 0.06),
        ("alloc", ResourceExhaustion, 0.07),
        ("assert", Assertion, 0.10),
        ("ok", Assertion, 0.06),
        ("toLowerCase", NullOrNone, 0.05),
        ("split", NullOrNone, 0.04),
        ("slice", Encoding, 0.05),
        ("substring", Encoding, 0.05),
        ("substr", Encoding, 0.05),
        ("btoa", Encoding, 0.10),
        ("atob", Encoding, 0.09),
        ("unescape", Encoding, 0.06),
        ("listen", NetworkError, 0.07),
        ("lookup", NetworkError, 0.07),
        ("send", NetworkError, 0.05),
    ],
};

const GO: Facts = Facts {
    call: &["call_expression"],
    subscript: &["index_expression"],
    slice: &["slice_expression"],
    binary: &["binary_expression"],
    member: &["selector_expression"],
    assignment: &["assignment_statement", "inc_statement", "dec_statement"],
    assertion: &[],
    cast: &["type_assertion_expression"],
    loops: &["for_statement"],
    sync_words: &["Lock", "RLock", "Mutex", "atomic", "sync."],
    calls: &[
        ("strconv.Atoi", ParseError, 0.10),
        ("strconv.ParseInt", ParseError, 0.10),
        ("strconv.ParseUint", ParseError, 0.10),
        ("strconv.ParseFloat", ParseError, 0.09),
        ("json.Unmarshal", ParseError, 0.10),
        ("time.Parse", ParseError, 0.10),
        ("url.Parse", ParseError, 0.08),
        ("Unmarshal", ParseError, 0.07),
        ("Decode", ParseError, 0.05),
        ("time.Now", TimezoneDst, 0.05),
        ("time.Date", TimezoneDst, 0.09),
        ("In", TimezoneDst, 0.06),
        ("LoadLocation", TimezoneDst, 0.08),
        ("AddDate", TimezoneDst, 0.08),
        ("Truncate", TimezoneDst, 0.05),
        ("io.ReadAll", ResourceExhaustion, 0.10),
        ("ioutil.ReadAll", ResourceExhaustion, 0.10),
        ("make", ResourceExhaustion, 0.06),
        ("append", ResourceExhaustion, 0.02),
        ("Grow", ResourceExhaustion, 0.05),
        ("ReadFull", ResourceExhaustion, 0.05),
        ("net.Dial", NetworkError, 0.10),
        ("Dial", NetworkError, 0.09),
        ("DialContext", NetworkError, 0.09),
        ("http.Get", Timeout, 0.10),
        ("http.Post", Timeout, 0.10),
        ("Do", NetworkError, 0.06),
        ("Wait", Timeout, 0.07),
        ("Read", Timeout, 0.04),
        ("Close", RaceCondition, 0.04),
        ("utf8.DecodeRuneInString", Encoding, 0.06),
        ("string", Encoding, 0.03),
        ("regexp.MustCompile", Timeout, 0.04),
        ("regexp.Compile", ParseError, 0.06),
        ("panic", Assertion, 0.10),
        ("SetMapIndex", TypeError, 0.09),
        ("Interface", TypeError, 0.07),
        ("Elem", NullOrNone, 0.06),
        ("FieldByIndex", NullOrNone, 0.08),
        ("Index", IndexOutOfRange, 0.05),
        ("Reset", NullOrNone, 0.05),
        ("HasPrefix", Encoding, 0.03),
        ("LookupHost", NetworkError, 0.09),
        ("ResolveTCPAddr", NetworkError, 0.08),
        ("ListenAndServe", NetworkError, 0.07),
        ("Listen", NetworkError, 0.07),
        ("Accept", Timeout, 0.06),
        ("ReadString", Timeout, 0.05),
        ("ReadFrom", Timeout, 0.05),
        ("Write", NetworkError, 0.03),
        ("ToUpper", Encoding, 0.03),
        ("ToLower", Encoding, 0.03),
    ],
};

const JAVA: Facts = Facts {
    call: &["method_invocation", "object_creation_expression"],
    subscript: &["array_access"],
    slice: &[],
    binary: &["binary_expression"],
    member: &["field_access"],
    assignment: &["assignment_expression", "update_expression"],
    assertion: &["assert_statement"],
    cast: &["cast_expression"],
    loops: &["while_statement", "do_statement"],
    sync_words: &[
        "synchronized",
        "Lock",
        "lock()",
        "Atomic",
        "volatile",
        "Concurrent",
    ],
    calls: &[
        ("parseInt", ParseError, 0.11),
        ("parseLong", ParseError, 0.11),
        ("parseDouble", ParseError, 0.09),
        ("valueOf", ParseError, 0.05),
        ("parse", ParseError, 0.08),
        ("URI", ParseError, 0.08),
        ("URL", ParseError, 0.07),
        ("getObject", TypeError, 0.05),
        ("substring", IndexOutOfRange, 0.09),
        ("charAt", IndexOutOfRange, 0.08),
        ("subList", IndexOutOfRange, 0.08),
        ("String", Encoding, 0.06),
        ("getBytes", Encoding, 0.08),
        ("write", Encoding, 0.03),
        ("Charset", Encoding, 0.05),
        ("TimeZone", TimezoneDst, 0.08),
        ("getTimeZone", TimezoneDst, 0.09),
        ("getRawOffset", TimezoneDst, 0.11),
        ("getOffset", TimezoneDst, 0.08),
        ("setTimeInMillis", TimezoneDst, 0.08),
        ("getInstance", TimezoneDst, 0.04),
        ("SimpleDateFormat", RaceCondition, 0.08),
        ("Date", TimezoneDst, 0.05),
        ("connect", NetworkError, 0.09),
        ("Socket", NetworkError, 0.09),
        ("ServerSocket", NetworkError, 0.08),
        ("bind", NetworkError, 0.09),
        ("InetSocketAddress", NetworkError, 0.07),
        ("openConnection", NetworkError, 0.08),
        ("enqueue", Assertion, 0.06),
        ("read", Timeout, 0.05),
        ("await", Timeout, 0.06),
        ("take", Timeout, 0.06),
        ("join", Timeout, 0.04),
        ("readAllBytes", ResourceExhaustion, 0.09),
        ("createBitmap", ResourceExhaustion, 0.09),
        ("decodeFile", ResourceExhaustion, 0.09),
        ("toByteArray", ResourceExhaustion, 0.07),
        ("checkState", Assertion, 0.09),
        ("checkArgument", Assertion, 0.08),
        ("IllegalStateException", Assertion, 0.07),
        ("IllegalArgumentException", Assertion, 0.06),
        ("substring", Encoding, 0.04),
        ("newInstance", NullOrNone, 0.06),
        ("isEmpty", RaceCondition, 0.03),
        ("decrementAndGet", RaceCondition, 0.05),
        ("getInputStream", Timeout, 0.07),
        ("getOutputStream", NetworkError, 0.06),
        ("readLine", Timeout, 0.05),
        ("accept", Timeout, 0.07),
        ("execute", NetworkError, 0.05),
        ("getByName", NetworkError, 0.08),
        ("toLowerCase", Encoding, 0.05),
        ("toUpperCase", Encoding, 0.05),
        ("FileReader", Encoding, 0.08),
        ("FileWriter", Encoding, 0.07),
        ("InputStreamReader", Encoding, 0.05),
        ("URLDecoder.decode", Encoding, 0.09),
        ("charAt", Encoding, 0.03),
    ],
};

const RUST: Facts = Facts {
    call: &["call_expression", "macro_invocation"],
    subscript: &["index_expression"],
    slice: &[],
    binary: &["binary_expression", "compound_assignment_expr"],
    member: &["field_expression"],
    assignment: &["assignment_expression", "compound_assignment_expr"],
    assertion: &[],
    cast: &["type_cast_expression"],
    loops: &["loop_expression", "while_expression"],
    sync_words: &["Mutex", "RwLock", "lock()", "Atomic", "Ordering::"],
    calls: &[
        ("unwrap", NullOrNone, 0.10),
        ("expect", NullOrNone, 0.09),
        ("parse", ParseError, 0.09),
        ("from_str", ParseError, 0.08),
        ("from_utf8", Encoding, 0.10),
        ("to_str", Encoding, 0.08),
        ("split_at", IndexOutOfRange, 0.10),
        ("remove", IndexOutOfRange, 0.06),
        ("swap_remove", IndexOutOfRange, 0.06),
        ("insert", IndexOutOfRange, 0.03),
        ("with_capacity", ResourceExhaustion, 0.08),
        ("reserve", Overflow, 0.06),
        ("resize", ResourceExhaustion, 0.06),
        ("read_to_end", ResourceExhaustion, 0.09),
        ("read_to_string", ResourceExhaustion, 0.08),
        ("Local::now", TimezoneDst, 0.08),
        ("from_local_datetime", TimezoneDst, 0.10),
        ("and_hms", TimezoneDst, 0.08),
        ("with_timezone", TimezoneDst, 0.08),
        ("single", TimezoneDst, 0.06),
        ("connect", NetworkError, 0.09),
        ("lookup_host", NetworkError, 0.08),
        ("to_socket_addrs", NetworkError, 0.08),
        ("recv", Timeout, 0.06),
        ("read", Timeout, 0.04),
        ("lock", RaceCondition, 0.04),
        ("load", RaceCondition, 0.05),
        ("store", RaceCondition, 0.05),
        ("fetch_add", Overflow, 0.05),
        ("assert", Assertion, 0.10),
        ("assert_eq", Assertion, 0.09),
        ("debug_assert", Assertion, 0.08),
        ("unreachable", Assertion, 0.09),
        ("panic", Assertion, 0.09),
        ("downcast", TypeError, 0.07),
        ("try_into", Overflow, 0.08),
        ("seconds", Overflow, 0.07),
        ("milliseconds", Overflow, 0.06),
        ("from_ymd", NullOrNone, 0.09),
        ("borrow", RaceCondition, 0.05),
        ("borrow_mut", RaceCondition, 0.06),
        ("fetch_or", RaceCondition, 0.06),
        ("fill_buf", ResourceExhaustion, 0.06),
        ("read_exact", NetworkError, 0.05),
        ("write_all", NetworkError, 0.04),
        ("accept", Timeout, 0.06),
        ("send", NetworkError, 0.05),
        ("from_u32", Encoding, 0.06),
        ("nth", Encoding, 0.03),
    ],
};

fn facts(language: Language) -> &'static Facts {
    match language {
        Language::Python => &PYTHON,
        Language::Go => &GO,
        Language::Java => &JAVA,
        Language::Rust => &RUST,
        Language::JavaScript | Language::TypeScript | Language::Tsx => &ECMA,
    }
}

/// Names that say a value came from outside: a request, a file, the wire.
const OUTSIDE: &[&str] = &[
    "data", "body", "payload", "json", "response", "resp", "res", "req", "request", "headers",
    "header", "params", "query", "args", "input", "line", "lines", "text", "row", "msg", "message",
    "event", "buf", "buffer", "bytes", "raw", "token", "tokens", "parts", "fields", "value",
    "values", "config", "options", "opts", "environ", "env", "result", "results",
];

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
    /// What the file compares with null somewhere ([`nullable_names`]).
    nullable: &'c [String],
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
    /// The function's text, for the words that mark synchronisation.
    body: String,
    found: Vec<Hazard>,
}

/// The broad candidates of one function, most likely first, leaving out
/// what a precise hazard already reports on the same line with the same
/// class. `nullable` comes from [`nullable_names`] over the whole file.
pub fn function_candidates(
    language: Language,
    tree: &Tree,
    rope: &Rope,
    function: &Function,
    index: &FunctionIndex,
    precise: &[Hazard],
    nullable: &[String],
) -> Vec<Hazard> {
    let Some(cx) = FnCx::new(language, tree, rope, function, index) else {
        return Vec::new();
    };
    let line = |offset: usize| Hazard::line_of(offset, function, rope);
    let mut found: Vec<Hazard> = candidates(&cx, nullable)
        .into_iter()
        .filter(|c| {
            !precise
                .iter()
                .any(|p| p.class == c.class && line(p.start) == line(c.start))
        })
        .collect();
    found.sort_by(|a, b| {
        b.likelihood
            .total_cmp(&a.likelihood)
            .then(a.start.cmp(&b.start))
    });
    found
}

/// Expressions the file compares with `nil`, `null`, `None` or
/// `undefined` somewhere: the code itself says they can be absent, so a
/// dereference of one that nothing checks is a likely null failure.
pub fn nullable_names(language: Language, rope: &Rope) -> Vec<String> {
    let text = rope.to_string();
    let absent: &[&str] = match language {
        Language::Python => &[" is None", " is not None", " == None", " != None"],
        Language::Go => &[" == nil", " != nil"],
        Language::Java => &[" == null", " != null"],
        Language::JavaScript | Language::TypeScript | Language::Tsx => &[
            " == null",
            " != null",
            " === null",
            " !== null",
            " === undefined",
            " !== undefined",
        ],
        Language::Rust => &[],
    };
    let mut names: Vec<String> = Vec::new();
    for marker in absent {
        for (at, _) in text.match_indices(marker) {
            let before = &text[..at];
            let start = before
                .rfind(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '$')))
                .map_or(0, |i| i + 1);
            let name = before[start..].trim_start_matches('.');
            if name.len() > 1 && !matches!(name, "err" | "self" | "this" | "e" | "ok") {
                names.push(name.to_owned());
            }
        }
    }
    // Fields and globals assigned from a lookup that finds nothing
    // sometimes (`mWifi = (WifiManager) ctx.getSystemService(…)`): every
    // method dereferencing them inherits the doubt.
    if language != Language::Rust {
        names.extend(absent_fields(&text));
    }
    // Python strips docstrings under -OO: `__doc__` is then None.
    if language == Language::Python && text.contains("__doc__") {
        names.push("__doc__".to_owned());
    }
    names.sort();
    names.dedup();
    names
}

/// Fields assigned from a [`LOOKUPS`] call anywhere in `text`; an
/// assignment wrapped after its `=` is read up to its `;` (at most three
/// more lines). Only lines assigning a field-like name are searched for a
/// lookup: this runs over the whole file on every edit.
fn absent_fields(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some((left, right)) = assignment(line) else {
            continue;
        };
        let name = assigned_name(left);
        let field = name.starts_with("self.") || name.starts_with("this.") || is_field_name(name);
        if !field
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$'))
        {
            continue;
        }
        let mut statement = right.to_owned();
        if right.trim().is_empty() || !right.trim_end().ends_with([';', ')']) {
            for next in lines.by_ref().take(3) {
                statement.push(' ');
                statement.push_str(next.trim());
                if next.trim_end().ends_with([';', '{', '}']) {
                    break;
                }
            }
        }
        if may_find_nothing(&statement) {
            names.push(name.to_owned());
        }
    }
    names
}

/// Whether a bare name reads like a field (`mWifiManager`, `_cache`,
/// `sock`): Java's `m` prefix or a leading underscore; a plain local
/// (`name`, `value`) does not.
fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some('m'), Some(c)) => c.is_ascii_uppercase(),
        (Some('_'), Some(c)) => c.is_alphabetic(),
        _ => false,
    }
}

/// The broad candidates of one function (not of functions nested in it).
/// `nullable` comes from [`nullable_names`] over the whole file.
fn candidates(cx: &FnCx, nullable: &[String]) -> Vec<Hazard> {
    let facts = facts(cx.language);
    let mut scan = Scan {
        cx,
        facts,
        parameters: cx.parameters(),
        optional: optional_parameters(cx),
        set_absent: set_absent_in_branches(cx),
        nullable,
        body: node_text(cx.node, cx.rope),
        takes_lock: false,
        captured_after_lock: None,
        escaped: Vec::new(),
        declared: Vec::new(),
        maybe_absent: Vec::new(),
        found: Vec::new(),
    };
    scan.takes_lock = ["Lock()", "lock()", "acquire(", "synchronized", "with "]
        .iter()
        .any(|w| scan.body.contains(w));
    scan.maybe_absent = maybe_absent_locals(&scan.body);
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
            let name = line.split_whitespace().nth(1)?.trim_end_matches(['=', ';']);
            (!line.starts_with("return")).then(|| name.to_owned())
        })
        .collect();
    let body = cx.node.child_by_field_name("body").unwrap_or(cx.node);
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        // Nested functions are analysed on their own.
        if node.id() != body.id()
            && cx
                .index
                .function_at(node.start_byte())
                .is_some_and(|f| f.id != cx.function.id && f.range.start == node.start_byte())
        {
            continue;
        }
        scan.visit(node);
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            stack.push(child);
        }
    }
    let mut found = scan.found;
    found.sort_by_key(|h| (h.start, h.class));
    found.dedup_by(|a, b| a.start == b.start && a.class == b.class);
    found
}

impl Scan<'_, '_, '_> {
    fn text(&self, node: Node) -> String {
        node_text(node, self.cx.rope)
    }

    fn visit(&mut self, node: Node) {
        let kind = node.kind();
        let facts = self.facts;
        if facts.call.contains(&kind) {
            self.call(node);
        }
        if facts.subscript.contains(&kind) {
            self.subscript(node);
        }
        if facts.slice.contains(&kind) {
            self.slice(node);
        }
        if facts.binary.contains(&kind) {
            self.binary(node);
        }
        if facts.assignment.contains(&kind) {
            self.shared_write(node);
        }
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
            // A numeric cast truncates in Rust and Java; elsewhere a cast
            // asserts a type the value may not have.
            let (class, likelihood) = match (self.cx.language, kind) {
                (_, "non_null_expression") => (NullOrNone, 0.06),
                (Language::Rust, _) => (Overflow, 0.08),
                (Language::Java, _) if numeric_cast(&self.text(node)) => (Overflow, 0.08),
                _ => (TypeError, 0.06),
            };
            self.add(node, class, likelihood, trigger(class));
        }
        if matches!(
            kind,
            "for_statement" | "while_statement" | "while_expression" | "loop_expression"
        ) && self.follows_a_chain(node)
        {
            self.add_head(node, Timeout, 0.11, "the chain it follows loops back on itself (a cause, parent or next link that points back)");
        }
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
        }
        if self.cx.language == Language::Go {
            self.channel(node);
        }
    }

    /// A Python call handed a value that may be None where None raises:
    /// `int(msg.get("code", 1000))` (the key present with a null value),
    /// `unescape(block[0].text)` (an empty XML element's text is None).
    fn python_absent_argument(&mut self, node: Node, callee: &str, args: &str) {
        const STRICT: &[&str] = &[
            "int",
            "float",
            "len",
            "Decimal",
            "loads",
            "fromisoformat",
            "strptime",
            "b64decode",
            "unquote",
            "urlparse",
            "open",
            "Path",
            "fromtimestamp",
            "encode",
            "decode",
        ];
        let inner = args.trim().trim_start_matches('(').trim_end_matches(')');
        let first = inner.split(',').next().unwrap_or_default().trim();
        let lookup = STRICT.contains(&callee)
            && first.contains(".get(")
            && !first.contains(" or ")
            && !first.contains(" if ");
        let xml = self.body.contains(".tag")
            || self.body.contains(".iter(")
            || self.body.contains(".findall(")
            || self.body.contains("etree");
        let element_text = inner
            .split(',')
            .map(str::trim)
            .find(|a| xml && (a.ends_with(".text") || a.ends_with(".tail")));
        let subject = if lookup { Some(first) } else { element_text };
        if let Some(subject) = subject
            && !guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[subject],
            )
            && !self.caught_here(node, NullOrNone)
        {
            self.add(node, NullOrNone, 0.11, trigger(NullOrNone));
        }
    }

    /// Whether the function attaches an 'error' listener or a rejection
    /// handler.
    fn listens_for_errors(&self) -> bool {
        ["'error'", "\"error\"", "`error`", ".catch(", "try {"]
            .iter()
            .any(|w| self.body.contains(w))
    }

    /// A Go channel send or receive outside a `select`: when the other side
    /// has returned (an error path, a cancelled request), it blocks the
    /// goroutine forever.
    fn channel(&mut self, node: Node) {
        let blocking = match node.kind() {
            "send_statement" => true,
            "unary_expression" => node
                .child_by_field_name("operator")
                .is_some_and(|o| self.text(o) == "<-"),
            _ => false,
        };
        if !blocking {
            return;
        }
        let text = self.text(node);
        // Timers and cancellation fire on their own.
        if [
            "Done()", "After(", "Tick", "ctx", "ticker", "timer", "signal", "quit", "stop",
        ]
        .iter()
        .any(|w| text.contains(w))
        {
            return;
        }
        let mut ancestor = node.parent();
        while let Some(parent) = ancestor {
            if matches!(parent.kind(), "select_statement" | "communication_case") {
                return;
            }
            if parent.id() == self.cx.node.id() {
                break;
            }
            ancestor = parent.parent();
        }
        self.add(
            node,
            Timeout,
            0.07,
            "the goroutine on the other end has returned (an error path, a cancelled request), so nothing ever sends or receives",
        );
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

    fn call(&mut self, node: Node) {
        let Some(callee) = self.callee(node) else {
            return;
        };
        let callee = callee.trim().trim_end_matches('!');
        let last = callee.rsplit(['.', ':']).next().unwrap_or(callee).trim();
        let args = node
            .child_by_field_name("arguments")
            .map(|a| self.text(a))
            .unwrap_or_default();
        // A recursive call: unbounded depth on self-referencing input.
        let own_name = self.cx.function.name.rsplit(['.', ':']).next();
        if !last.is_empty() && own_name == Some(last) && !self.depth_limited(node) {
            self.add(
                node,
                ResourceExhaustion,
                0.12,
                "the input nests deeper than the stack allows, or refers back to itself",
            );
        }
        // A method called on a receiver that may be absent: one the file
        // checks for null elsewhere, or a local a lookup may have left empty.
        if let Some((receiver, _)) = callee.rsplit_once('.') {
            let receiver = receiver.trim();
            // A call chained on a lookup's result fails the same way.
            let absent = self.nullable.iter().any(|n| n == receiver)
                || self.maybe_absent.iter().any(|n| n == receiver)
                || self.optional.iter().any(|n| n == receiver)
                || self.absent_before(receiver, node)
                || (receiver.ends_with(')') && LOOKUPS.iter().any(|l| receiver.contains(l)));
            if absent
                && !guarded(
                    self.cx.language,
                    node,
                    self.cx.node,
                    self.cx.rope,
                    &[receiver],
                )
                && !self.caught_here(node, NullOrNone)
            {
                self.add(node, NullOrNone, 0.12, trigger(NullOrNone));
            }
        }
        // A Go conversion to a narrower integer truncates.
        if self.cx.language == Language::Go
            && callee == last
            && matches!(
                last,
                "int8"
                    | "int16"
                    | "int32"
                    | "uint8"
                    | "uint16"
                    | "uint32"
                    | "byte"
                    | "int"
                    | "uint"
            )
        {
            self.add(node, Overflow, 0.09, trigger(Overflow));
        }
        // A shared collection changed in place: a race when two threads or
        // tasks do it at once, or one iterates while another changes it.
        if matches!(
            last,
            "add"
                | "append"
                | "remove"
                | "discard"
                | "pop"
                | "clear"
                | "update"
                | "put"
                | "delete"
                | "insert"
                | "push"
                | "set"
                | "extend"
        ) {
            let receiver = callee.rsplit_once('.').map_or("", |(r, _)| r);
            let shared = ["self.", "cls.", "this."]
                .iter()
                .any(|p| receiver.starts_with(p))
                || (self.cx.language == Language::Python
                    && receiver.starts_with(|c: char| c.is_ascii_uppercase()))
                || (self.cx.language == Language::Java
                    && !receiver.is_empty()
                    && self.field_like(receiver));
            // A constructor's own fields are not shared yet; a collection
            // it did not create (a class attribute such as a registry of
            // instances) is.
            let own_field = self.in_constructor()
                && (!receiver.starts_with("self.") && !receiver.starts_with("this.")
                    || self.body.contains(&format!("{receiver} =")));
            if shared && self.cx.language != Language::Rust && !own_field && !self.locked(node) {
                let likelihood = if self.in_constructor() { 0.10 } else { 0.07 };
                self.add(node, RaceCondition, likelihood, trigger(RaceCondition));
            }
        }
        if self.cx.language == Language::Python {
            self.python_absent_argument(node, last, &args);
        }
        // Node: a socket, request, stream or child process with no 'error'
        // listener throws the error event and ends the process.
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && EMITTERS.iter().any(|e| {
            callee == *e || callee.ends_with(&format!(".{e}")) || callee == format!("new {e}")
        }) && !self.listens_for_errors()
        {
            self.add(
                node,
                NetworkError,
                0.11,
                "the connection fails (refused, reset, a DNS error) and nothing listens for 'error', so Node throws it and the process exits",
            );
        }
        // Helpers named for decoding (`to_unicode`, `_decode_value`)
        // decode too.
        let lower = last.to_lowercase();
        if (lower.contains("decode") || lower.contains("unicode"))
            && lower != "decode"
            && !self.caught_here(node, Encoding)
        {
            self.add(node, Encoding, 0.08, trigger(Encoding));
        }
        for &(name, class, base) in self.facts.calls {
            let hit = if name.contains(['.', ':']) {
                callee == name
                    || callee.ends_with(&format!(".{name}"))
                    || callee.ends_with(&format!("::{name}"))
            } else {
                last == name
            };
            if !hit {
                continue;
            }
            let mut likelihood = base;
            // A bounded or guarded call is not the failure.
            match class {
                Timeout | NetworkError if args.contains("timeout") || args.contains("Timeout") => {
                    continue;
                }
                ResourceExhaustion
                    if matches!(name, "read" | "readlines") && args.trim() != "()" =>
                {
                    continue;
                }
                // Node code that listens for 'error' handles the failure.
                NetworkError
                    if matches!(
                        self.cx.language,
                        Language::JavaScript | Language::TypeScript | Language::Tsx
                    ) && self.listens_for_errors() =>
                {
                    continue;
                }
                // Java names the locale or charset it means.
                Encoding
                    if self.cx.language == Language::Java
                        && ["Locale", "Charset", "UTF_8", "UTF-8", "StandardCharsets"]
                            .iter()
                            .any(|w| args.contains(w)) =>
                {
                    continue;
                }
                // A read that checks for the end of its input (`Ok(buf) if
                // buf.is_empty() => return …`) cannot spin on it.
                ResourceExhaustion if self.checks_eof(node) => continue,
                // `new String(chars)` copies characters; only bytes decode.
                Encoding if name == "String" && self.declared_chars(&args) => continue,
                Encoding
                    if matches!(name, "decode" | "encode")
                        && (args.contains("errors")
                            || args.contains("ignore")
                            || args.contains("replace")) =>
                {
                    continue;
                }
                ParseError | NullOrNone | Encoding | IndexOutOfRange if self.outside(&args) => {
                    likelihood += 0.02;
                }
                _ => {}
            }
            if self.caught_here(node, class) || self.handled(node, class) {
                continue;
            }
            self.add(node, class, likelihood, trigger(class));
        }
    }

    fn subscript(&mut self, node: Node) {
        let object = node
            .child_by_field_name("value")
            .or_else(|| node.child_by_field_name("object"))
            .or_else(|| node.child_by_field_name("operand"))
            .or_else(|| node.child_by_field_name("array"))
            .or_else(|| node.named_child(0));
        let index = node
            .child_by_field_name("subscript")
            .or_else(|| node.child_by_field_name("index"))
            .or_else(|| node.named_child(1));
        let (Some(object), Some(index)) = (object, index) else {
            return;
        };
        // An assignment target creates the key; it cannot be missing.
        if let Some(parent) = node.parent()
            && self.facts.assignment.contains(&parent.kind())
            && parent
                .child_by_field_name("left")
                .is_some_and(|l| l.id() == node.id())
        {
            return;
        }
        let object_text = self.text(object);
        let index_text = self.text(index);
        let index_word = index_text.trim();
        let literal_index = index_word.parse::<i64>().is_ok();
        let clamped = ["min(", "max(", "clamp(", "%", "len(", ".length", "Len("]
            .iter()
            .any(|w| index_word.contains(w) && !index_word.contains(" + "));
        // A constant index is guarded by a check of the collection (`if
        // not buf: return`); a computed one by a check of the index.
        let guard_word = if literal_index {
            object_text.as_str()
        } else {
            index_word
        };
        if clamped
            || guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[guard_word],
            )
        {
            return;
        }
        let is_string_key = super::guards::string_contents(&index_text).is_some();
        let ranged = index_text.contains(':') && self.cx.language == Language::Python
            || index_text.contains("..");
        if ranged && self.cx.language == Language::Python {
            return; // Python slices never raise.
        }
        let (class, mut likelihood) = if is_string_key {
            (KeyMissing, 0.09)
        } else if ranged && self.cx.language == Language::Rust {
            (IndexOutOfRange, 0.09)
        } else {
            let looks_like_key = !index_text
                .trim()
                .starts_with(|c: char| c.is_ascii_digit() || c == '-')
                && matches!(
                    self.cx.language,
                    Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx
                )
                && !index_text.contains(['+', '-'])
                && !["i", "j", "k", "n", "idx", "index", "pos", "offset"]
                    .contains(&index_text.trim());
            if looks_like_key {
                (KeyMissing, 0.06)
            } else {
                (IndexOutOfRange, 0.08)
            }
        };
        if object_text.contains("split(")
            || object_text.contains("Split(")
            || object_text.contains("split_whitespace")
        {
            likelihood += 0.04;
        }
        if self.outside(&object_text) {
            likelihood += 0.02;
        }
        if index_text.trim() == "0" || index_text.trim() == "-1" {
            likelihood += 0.01;
        }
        if self.caught_here(node, class) {
            return;
        }
        self.add(node, class, likelihood, trigger(class));
        if ranged && self.cx.language == Language::Rust && self.stringy(&object_text) {
            self.add(node, Encoding, 0.10, trigger(Encoding));
        }
    }

    fn slice(&mut self, node: Node) {
        let text = self.text(node);
        if self.caught_here(node, IndexOutOfRange) {
            return;
        }
        // Like an index: computed bounds are guarded by a check of the
        // bounds (`if begin < end`), constant ones by a check of the
        // operand's length (`if len(buf) < 1 { return }`).
        let bounds: Vec<String> = ["start", "end", "capacity"]
            .iter()
            .filter_map(|f| node.child_by_field_name(f))
            .map(|b| self.text(b).trim().to_owned())
            .filter(|b| b.parse::<i64>().is_err())
            .collect();
        let operand = node
            .child_by_field_name("operand")
            .map(|o| self.text(o))
            .unwrap_or_default();
        let words: Vec<&str> = if bounds.is_empty() {
            vec![operand.trim()]
        } else {
            bounds.iter().map(String::as_str).collect()
        };
        // A bounds check does not keep a byte offset off a character's middle.
        let in_bounds = words
            .iter()
            .any(|w| guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[w]));
        if !in_bounds {
            let mut likelihood = 0.08;
            if self.outside(&text) {
                likelihood += 0.02;
            }
            self.add(node, IndexOutOfRange, likelihood, trigger(IndexOutOfRange));
        }
        if self.stringy(&text) {
            self.add(node, Encoding, 0.07, trigger(Encoding));
        }
    }

    fn binary(&mut self, node: Node) {
        let Some(operator) = node.child_by_field_name("operator") else {
            return;
        };
        let op = self.text(operator);
        let right = node.child_by_field_name("right");
        let right_text = right.map(|r| self.text(r)).unwrap_or_default();
        let literal = |t: &str| t.trim().parse::<f64>().is_ok();
        match op.trim() {
            "%" | "%=" if self.formats(node) => {}
            "/" | "//" | "%" | "/=" | "//=" | "%=" if !literal(&right_text) => {
                if self.divisor_checked(node, &right_text) || self.caught_here(node, DivisionByZero)
                {
                    return;
                }
                self.add(node, DivisionByZero, 0.10, trigger(DivisionByZero));
            }
            "*" | "+" | "<<" | "*=" | "+=" | "<<=" | "-" | "-=" => {
                if matches!(
                    self.cx.language,
                    Language::Rust | Language::Go | Language::Java
                ) && !literal(&right_text)
                {
                    let text = self.text(node);
                    let sizey = [
                        "len", "size", "count", "length", "offset", "cap", "total", "num", "width",
                        "height", "secs", "millis", "duration",
                    ]
                    .iter()
                    .any(|w| text.to_lowercase().contains(w));
                    let left_operand = node
                        .child_by_field_name("left")
                        .map(|l| self.text(l))
                        .unwrap_or_default();
                    // `if a >= b { a - b }`: a check of both operands.
                    let checked = guarded(
                        self.cx.language,
                        node,
                        self.cx.node,
                        self.cx.rope,
                        &[left_operand.trim(), right_text.trim()],
                    );
                    if sizey && !checked {
                        // `n - s.len()` on usize: below zero when `s` is the longer.
                        let base = if op.trim().starts_with('-') {
                            if self.cx.language == Language::Rust
                                && (right_text.contains(".len()") || right_text.contains("size"))
                            {
                                0.11
                            } else {
                                0.05
                            }
                        } else {
                            0.07
                        };
                        self.add(node, Overflow, base, trigger(Overflow));
                    }
                }
                let left_text = node
                    .child_by_field_name("left")
                    .map(|l| self.text(l))
                    .unwrap_or_default();
                let absent = self
                    .optional
                    .iter()
                    .find(|o| **o == left_text.trim() || **o == right_text.trim())
                    .cloned()
                    .or_else(|| {
                        [left_text.trim(), right_text.trim()]
                            .into_iter()
                            .find(|n| {
                                self.absent_before(n, node)
                                    || self.cx.language == Language::Python
                                        && self.nullable.iter().any(|x| x == n)
                            })
                            .map(str::to_owned)
                    });
                if let Some(name) = absent {
                    let words = [name.as_str()];
                    if !guarded(self.cx.language, node, self.cx.node, self.cx.rope, &words) {
                        self.add(node, NullOrNone, 0.12, trigger(NullOrNone));
                    }
                    return;
                }
                if self.cx.language == Language::Python && op.trim().starts_with(['*', '+']) {
                    // `None * 2`, `"a" + 1`: a value of an unexpected type.
                    let operands = self.text(node);
                    let unchecked = self.parameters.iter().any(|p| {
                        mentions(&operands, p)
                            && !guarded(
                                self.cx.language,
                                node,
                                self.cx.node,
                                self.cx.rope,
                                &[p.as_str()],
                            )
                    });
                    if unchecked {
                        self.add(node, NullOrNone, 0.05, trigger(NullOrNone));
                        self.add(node, TypeError, 0.04, trigger(TypeError));
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether the only check in front of a dereference of `name` is
    /// `typeof name === 'object'`, which null passes.
    fn only_typeof_object(&self, node: Node, name: &str) -> bool {
        if name.is_empty() || !self.body.contains("typeof") {
            return false;
        }
        let typeof_object = |text: &str| {
            ["'object'", "\"object\""].iter().any(|o| {
                [" === ", " == "]
                    .iter()
                    .any(|eq| text.contains(&format!("typeof {name}{eq}{o}")))
            })
        };
        let excludes_null = |text: &str| {
            [
                format!("{name} !== null"),
                format!("{name} != null"),
                format!("{name} === null"),
                format!("{name} == null"),
                format!("!{name}"),
            ]
            .iter()
            .any(|t| text.contains(t.as_str()))
                || truthiness_test(text, name)
        };
        guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &|text| typeof_object(text) && !excludes_null(text),
        ) && !guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &excludes_null,
        )
    }

    /// Whether a branch before `node` set `name` to nothing.
    fn absent_before(&self, name: &str, node: Node) -> bool {
        self.set_absent
            .iter()
            .any(|(n, at)| n == name && *at < node.start_byte())
    }

    /// Whether a recursive call is bounded: made through a wrapper that
    /// counts depth (`self.recursion_checked(|de| de.parse_value(v))`), or
    /// behind a check of a depth or nesting level (`if depth > MAX {
    /// return Err(…) }`).
    fn depth_limited(&self, node: Node) -> bool {
        const WORDS: &[&str] = &["recurs", "depth", "nest", "level"];
        let says = |text: &str| {
            let lower = text.to_lowercase();
            WORDS.iter().any(|w| lower.contains(w))
        };
        let mut ancestor = node.parent();
        while let Some(parent) = ancestor {
            if parent.id() == self.cx.node.id() {
                break;
            }
            if self.facts.call.contains(&parent.kind())
                && self.callee(parent).is_some_and(|c| says(&c))
            {
                return true;
            }
            ancestor = parent.parent();
        }
        guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &says)
    }

    /// Whether a Java call's first argument is declared a `char[]` (or a
    /// `StringBuilder`, `CharSequence`) in the function.
    fn declared_chars(&self, args: &str) -> bool {
        let first = args
            .trim()
            .trim_start_matches('(')
            .split([',', ')'])
            .next()
            .unwrap_or_default()
            .trim();
        !first.is_empty()
            && [
                "char[] ",
                "char ",
                "StringBuilder ",
                "CharSequence ",
                "StringBuffer ",
            ]
            .iter()
            .any(|t| self.body.contains(&format!("{t}{first}")))
    }

    /// Whether the statement holding a read looks at the end of input.
    fn checks_eof(&self, node: Node) -> bool {
        let statement = super::guards::statement_of(self.cx.language, node);
        let text = self.text(statement);
        [
            "is_empty()",
            "== 0",
            "Ok(0)",
            "EOF",
            "== -1",
            "!= -1",
            "<= 0",
            "< 1",
        ]
        .iter()
        .any(|w| text.contains(w))
    }

    /// Whether `left % right` formats a string (Python's `"%s" % x`)
    /// rather than taking a remainder.
    fn formats(&self, node: Node) -> bool {
        self.cx.language == Language::Python
            && node.child_by_field_name("left").is_some_and(|l| {
                matches!(l.kind(), "string" | "concatenated_string")
                    || (l.kind() == "identifier" && {
                        let name = self.text(l);
                        ["\"", "'"]
                            .iter()
                            .any(|q| self.body.contains(&format!("{name} = {q}")))
                    })
            })
    }

    /// Whether a check before a division keeps its divisor off zero: one
    /// that names the divisor (`if n:`), what it counts (`if not
    /// sg.Samples`, for `uint64(len(sg.Samples))`), or a predicate named
    /// for it (`if !sg.HasSamples() { return }`).
    fn divisor_checked(&self, node: Node, divisor: &str) -> bool {
        let (language, boundary, rope) = (self.cx.language, self.cx.node, self.cx.rope);
        let counted = counted_operand(divisor);
        if [divisor.trim(), counted]
            .iter()
            .any(|w| guarded(language, node, boundary, rope, &[w]))
        {
            return true;
        }
        // The counted field's name inside a longer identifier: `HasSamples`,
        // `samples_count`, `isEmptySamples`.
        let field = counted
            .rsplit(['.', ':'])
            .next()
            .unwrap_or_default()
            .trim_start_matches(['*', '&'])
            .to_lowercase();
        if field.len() < 4 || !field.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        guarded_by(language, node, boundary, rope, &|text| {
            text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word.len() > field.len() && word.to_lowercase().contains(&field))
        })
    }

    /// A write to state other calls share (a field, a global), in a
    /// function that takes no lock: a race when two threads or tasks get
    /// there at once.
    fn shared_write(&mut self, node: Node) {
        let Some(left) = node
            .child_by_field_name("left")
            .or_else(|| node.named_child(0))
        else {
            return;
        };
        // Rust's borrow checker rules out data races on `&mut self`; a
        // constructor's object is not shared yet.
        if self.cx.language == Language::Rust || self.in_constructor() {
            return;
        }
        let target = self.text(left);
        let shared = ["self.", "this.", "cls."]
            .iter()
            .any(|p| target.starts_with(p))
            || (self.cx.language == Language::Go && target.contains('.'))
            || (self.cx.language == Language::Java
                && !target.contains('.')
                && !target.contains('[')
                && self.field_like(&target))
            || target.starts_with("static ");
        if !shared {
            return;
        }
        if self.locked(node) {
            return;
        }
        let mut likelihood = 0.06;
        if target.contains('[') {
            likelihood += 0.02;
        }
        self.add(node, RaceCondition, likelihood, trigger(RaceCondition));
    }

    /// A field access off a value that may be absent: a lookup's result or
    /// a field of outside data, read without a check.
    fn member(&mut self, node: Node) {
        let Some(object) = node
            .child_by_field_name("object")
            .or_else(|| node.child_by_field_name("operand"))
            .or_else(|| node.child_by_field_name("value"))
        else {
            return;
        };
        // Only the outermost access of a chain, and only reads.
        if node
            .parent()
            .is_some_and(|p| self.facts.member.contains(&p.kind()))
        {
            return;
        }
        let object_text = self.text(object);
        let text = self.text(node);
        if text.contains("?.") {
            return;
        }
        if let Some(root) = object_text.split(['.', '[']).next()
            && self
                .escaped
                .iter()
                .any(|(name, after)| name == root.trim() && node.start_byte() > *after)
            && !self.locked(node)
        {
            self.add(
                node,
                RaceCondition,
                0.12,
                "another goroutine or thread changes the shared value once the lock is released, while this code still reads it",
            );
        }
        if let Some(own) = &self.captured_after_lock {
            let root = object_text
                .split(['.', '[', '('])
                .next()
                .unwrap_or_default()
                .trim();
            let called = node.parent().is_some_and(|p| {
                self.facts.call.contains(&p.kind())
                    && p.child_by_field_name("function")
                        .is_some_and(|f| f.id() == node.id())
            });
            if !called
                && !root.is_empty()
                && !own.iter().any(|o| o == root)
                && !root.starts_with(|c: char| c.is_ascii_uppercase())
            {
                self.add(
                    node,
                    RaceCondition,
                    0.11,
                    "the callback runs later, after the lock its enclosing function held is released, while another goroutine or thread updates what it reads",
                );
            }
        }
        // A receiver the file checks for null elsewhere, dereferenced here
        // without a check.
        let receiver = object_text.trim();
        // `typeof x === 'object' && x.y`: `typeof null` is 'object' too.
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && self.only_typeof_object(node, receiver)
        {
            self.add(node, NullOrNone, 0.13, trigger(NullOrNone));
            return;
        }
        if self.nullable.iter().any(|n| n == receiver) {
            let words = [receiver];
            if !guarded(self.cx.language, node, self.cx.node, self.cx.rope, &words)
                && !self.caught_here(node, NullOrNone)
            {
                self.add(node, NullOrNone, 0.12, trigger(NullOrNone));
                return;
            }
        }
        // A local that a lookup may have left empty, used unchecked.
        if self.maybe_absent.iter().any(|n| n == receiver) {
            let words = [receiver];
            if !guarded(self.cx.language, node, self.cx.node, self.cx.rope, &words)
                && !self.caught_here(node, NullOrNone)
            {
                self.add(node, NullOrNone, 0.12, trigger(NullOrNone));
                return;
            }
        }
        // In `__getattr__`, reading an attribute of `self` that is not set
        // calls `__getattr__` again.
        if self.cx.language == Language::Python
            && self.cx.function.name.ends_with("__getattr__")
            && object_text.starts_with("self")
        {
            self.add(node, ResourceExhaustion, 0.13, trigger(ResourceExhaustion));
        }
        if self.optional.iter().any(|o| *o == object_text.trim())
            || self.absent_before(object_text.trim(), node)
        {
            let words = [object_text.trim()];
            if !guarded(self.cx.language, node, self.cx.node, self.cx.rope, &words) {
                self.add(node, NullOrNone, 0.12, trigger(NullOrNone));
            }
            return;
        }
        let depth = text.matches('.').count();
        let from_lookup = [
            "get(", "find(", "Get(", "Find(", "lookup(", "match(", "search(", "first(", "last(",
            "pop(",
        ]
        .iter()
        .any(|w| object_text.contains(w));
        let root = object_text
            .split(['.', '[', '('])
            .next()
            .unwrap_or_default()
            .trim();
        let outside = self.outside(root);
        let parameter = self.parameters.iter().any(|p| p == root);
        if !(from_lookup || (depth >= 2 && (outside || parameter))) {
            return;
        }
        let words = [root];
        if guarded(self.cx.language, node, self.cx.node, self.cx.rope, &words)
            || self.caught_here(node, NullOrNone)
        {
            return;
        }
        let mut likelihood = if from_lookup { 0.09 } else { 0.05 };
        if outside {
            likelihood += 0.02;
        }
        let class = if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && outside
            && !from_lookup
        {
            KeyMissing
        } else {
            NullOrNone
        };
        self.add(node, class, likelihood, trigger(class));
    }

    /// Whether `node` runs while a lock is held: inside a `with …lock…`,
    /// a `synchronized` block or method, or after a `Lock()` (Go, Java)
    /// that no `Unlock()` released before it in an enclosing block.
    fn locked(&self, node: Node) -> bool {
        if !self.takes_lock {
            return false;
        }
        let words = self.facts.sync_words;
        let header = |n: Node| {
            let text = self.text(n);
            let end = text.find([':', '{']).unwrap_or(text.len());
            text[..end].to_owned()
        };
        if self.cx.language == Language::Java && header(self.cx.node).contains("synchronized") {
            return true;
        }
        let mut child = node;
        while let Some(parent) = child.parent() {
            let held = match parent.kind() {
                "synchronized_statement" => true,
                "with_statement" => words.iter().any(|w| header(parent).contains(w)),
                _ => false,
            };
            if held {
                return true;
            }
            // Earlier statements of the same block: a lock taken and not
            // yet released.
            let mut sibling = child.prev_named_sibling();
            let mut released = false;
            while let Some(statement) = sibling {
                let text = self.text(statement);
                if text.contains("Unlock()") && !text.contains("defer") {
                    released = true;
                }
                if !released
                    && (text.contains(".Lock()")
                        || text.contains(".lock()")
                        || text.contains(".RLock()")
                        || text.contains(".acquire()"))
                {
                    return true;
                }
                sibling = statement.prev_named_sibling();
            }
            if parent.id() == self.cx.node.id() {
                break;
            }
            child = parent;
        }
        false
    }

    /// Whether a loop walks a linked structure: `t = t.getCause()`,
    /// `node = node.parent`, `cur = cur.next`.
    fn follows_a_chain(&self, node: Node) -> bool {
        let text = self.text(node);
        text.split([';', '\n', ',']).any(|part| {
            let Some((left, right)) = part.split_once('=') else {
                return false;
            };
            let left = left.trim().rsplit(' ').next().unwrap_or_default();
            let right = right.trim();
            !left.is_empty()
                && left.chars().all(|c| c.is_alphanumeric() || c == '_')
                && right.starts_with(&format!("{left}."))
                && !right.contains(['(', '['])
                || right.starts_with(&format!("{left}.get")) && right.ends_with("()")
        })
    }

    /// Whether the function builds its object (`__init__`, `constructor`,
    /// a Java constructor, Go's `New…`), so nothing else sees it yet.
    fn in_constructor(&self) -> bool {
        let name = self
            .cx
            .function
            .name
            .rsplit(['.', ':'])
            .next()
            .unwrap_or_default();
        matches!(name, "__init__" | "__new__" | "constructor" | "new")
            || name.starts_with("New")
            || self.cx.node.kind() == "constructor_declaration"
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

    fn stringy(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        [
            "str", "name", "text", "host", "line", "s[", "value", "hash", "input",
        ]
        .iter()
        .any(|w| lower.contains(w))
    }

    /// Whether an enclosing `try` catches the error `class` raises.
    fn caught_here(&self, node: Node, class: FailureClass) -> bool {
        // A wrong hour or a lost update raises nothing a handler could
        // catch; nor do corrupted text and a wrapped number outside Python
        // (Java, Go and JavaScript replace bad bytes and wrap integers).
        let silent = matches!(class, TimezoneDst | RaceCondition)
            || (matches!(class, Encoding | Overflow) && self.cx.language != Language::Python);
        if silent {
            return false;
        }
        let errors: &[&str] = match (self.cx.language, class) {
            (Language::Python, KeyMissing) => &["KeyError", "LookupError"],
            (Language::Python, IndexOutOfRange) => &["IndexError", "LookupError"],
            (Language::Python, ParseError) => &["ValueError", "JSONDecodeError"],
            (Language::Python, Encoding) => &["UnicodeError", "UnicodeDecodeError", "ValueError"],
            (Language::Python, DivisionByZero) => &["ZeroDivisionError", "ArithmeticError"],
            (Language::Python, NetworkError | Timeout) => &[
                "OSError",
                "socket.error",
                "ConnectionError",
                "RequestException",
            ],
            (Language::Python, NullOrNone | TypeError) => &["TypeError", "AttributeError"],
            (Language::Python, Overflow) => &["OverflowError", "ArithmeticError"],
            (Language::Java, NullOrNone) => &["NullPointerException"],
            (Language::Java, ParseError) => &["NumberFormatException", "ParseException"],
            (Language::Java, IndexOutOfRange) => &[
                "IndexOutOfBoundsException",
                "ArrayIndexOutOfBoundsException",
                "StringIndexOutOfBoundsException",
            ],
            (Language::Java, Assertion) => &["IllegalArgumentException", "IllegalStateException"],
            (Language::Java, TypeError) => &["ClassCastException"],
            (Language::Java, DivisionByZero) => &["ArithmeticException"],
            (Language::Java, KeyMissing) => &["NoSuchElementException", "NullPointerException"],
            (Language::Java, NetworkError | Timeout) => &["IOException"],
            _ => &[],
        };
        caught(self.cx.language, node, self.cx.node, self.cx.rope, errors)
    }

    /// Whether the call's failure is handled where it happens: in Rust, a
    /// `Result` or `Option` that is not unwrapped (`?`, `.ok()`,
    /// `unwrap_or…`, `match`) cannot panic; elsewhere, a call on a receiver
    /// an enclosing condition checks (`if rv.Type().Comparable()`, `if x
    /// is not None`).
    fn handled(&self, node: Node, class: FailureClass) -> bool {
        if self.cx.language == Language::Rust
            && matches!(class, ParseError | Encoding | Overflow | NullOrNone)
        {
            let after = {
                let end = node.end_byte().min(self.cx.rope.len_bytes());
                let stop = (end + 40).min(self.cx.rope.len_bytes());
                self.cx.rope.byte_slice(end..stop).to_string()
            };
            let callee = self.callee(node).unwrap_or_default();
            let panics_itself = callee.ends_with("unwrap")
                || callee.ends_with("expect")
                || callee.ends_with("from_ymd")
                || callee.ends_with("seconds")
                || callee.ends_with("milliseconds");
            let unwrapped = after.trim_start().starts_with(".unwrap()")
                || after.trim_start().starts_with(".expect(");
            return !(panics_itself || unwrapped);
        }
        if matches!(
            class,
            TypeError | NullOrNone | IndexOutOfRange | KeyMissing | Assertion
        ) {
            let Some(callee) = self.callee(node) else {
                return false;
            };
            let root = callee
                .split(['.', '(', '['])
                .next()
                .unwrap_or_default()
                .trim();
            if root.len() > 1
                && !matches!(root, "self" | "this")
                && guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[root])
            {
                return true;
            }
            // `max(len(r) for r in rules)` after `if not rules: return`.
            let args = node
                .child_by_field_name("arguments")
                .map(|a| self.text(a))
                .unwrap_or_default();
            if let Some(collection) = iterated(&args) {
                return guarded(
                    self.cx.language,
                    node,
                    self.cx.node,
                    self.cx.rope,
                    &[collection],
                );
            }
        }
        false
    }

    fn add_head(&mut self, node: Node, class: FailureClass, likelihood: f32, trigger: &str) {
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

    fn add(&mut self, node: Node, class: FailureClass, likelihood: f32, trigger: &str) {
        self.push(node.byte_range(), class, likelihood, trigger);
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
            rule: "candidate",
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

/// The collection a call's arguments walk: `rules` in `(len(r) for r in
/// rules)`, `values` in `(values)` or `(iter(values), None)`.
fn iterated(args: &str) -> Option<&str> {
    let inner = args.trim().strip_prefix('(')?.strip_suffix(')')?;
    let word = match inner.rsplit_once(" in ") {
        Some((_, rest)) => rest.split([' ', ')', ',']).next()?,
        None => counted_operand(inner.split(',').next()?),
    };
    let word = word.trim();
    (!word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.')))
    .then_some(word)
}

/// What a divisor counts or converts: `sg.Samples` for
/// `uint64(len(sg.Samples))`, `items` for `items.len()` or `items.length`.
fn counted_operand(divisor: &str) -> &str {
    let mut text = divisor.trim();
    loop {
        let unwrapped = text
            .strip_suffix(')')
            .and_then(|t| t.split_once('('))
            .filter(|(callee, _)| {
                !callee.is_empty() && callee.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
            .map(|(_, inner)| inner.trim());
        let stripped = unwrapped
            .or_else(|| text.strip_suffix(".len()"))
            .or_else(|| text.strip_suffix(".length"))
            .or_else(|| text.strip_suffix(".size()"))
            .or_else(|| text.strip_prefix('(').and_then(|t| t.strip_suffix(')')));
        match stripped {
            Some(inner) if !inner.is_empty() => text = inner.trim(),
            _ => return text,
        }
    }
}

/// Node calls that return an event emitter which emits 'error'.
const EMITTERS: &[&str] = &[
    "http.request",
    "https.request",
    "http.get",
    "https.get",
    "net.connect",
    "net.createConnection",
    "tls.connect",
    "WebSocket",
    "fs.createReadStream",
    "fs.createWriteStream",
    "child_process.spawn",
    "spawn",
    "createReadStream",
    "createWriteStream",
];

/// Calls that return nothing (`None`, `null`, `undefined`, a nil) when
/// they find nothing.
const LOOKUPS: &[&str] = &[
    ".get(",
    ".Get(",
    "getattr(",
    ".find(",
    ".Find(",
    "re.match(",
    "re.search(",
    ".match(",
    ".exec(",
    ".lookup(",
    ".Lookup(",
    ".pop(",
    "getElementById(",
    "querySelector(",
    ".getString(",
    ".optString(",
    "getSystemService(",
    ".first(",
    ".last(",
    "environ.get(",
];

/// `(left, right)` of a line that assigns (`x = …`, `x := …`, `Type x =
/// …`), not one that compares; `left` without the `:` of `:=`.
fn assignment(line: &str) -> Option<(&str, &str)> {
    let (left, right) = line.split_once('=')?;
    if right.starts_with('=') || left.ends_with(['!', '<', '>', '=']) {
        return None;
    }
    Some((left.trim_end().trim_end_matches(':'), right))
}

/// The name an assignment's left side binds: its last word (`x` in `const
/// x`, `String x`, `var x`).
fn assigned_name(left: &str) -> &str {
    left.trim().rsplit(' ').next().unwrap_or_default()
}

/// Whether a right-hand side is a [`LOOKUPS`] call with no fallback (`or`,
/// `??`, `||`, a ternary): what it assigns may be absent.
fn may_find_nothing(right: &str) -> bool {
    LOOKUPS.iter().any(|l| right.contains(l))
        && !["??", "||", " or ", " ? "]
            .iter()
            .any(|w| right.contains(w))
}

/// Locals assigned from a [`LOOKUPS`] call, in any language's declaration
/// form (`x = …`, `const x = …`, `Type x = …`, `x := …`).
fn maybe_absent_locals(body: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in body.lines() {
        let Some((left, right)) = assignment(line) else {
            continue;
        };
        if !may_find_nothing(right) {
            continue;
        }
        let name = assigned_name(left);
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            names.push(name.to_owned());
        }
    }
    names
}

/// Whether a Java cast's target is a numeric type (`(int) x`).
fn numeric_cast(text: &str) -> bool {
    let target = text
        .trim_start_matches('(')
        .split(')')
        .next()
        .unwrap_or_default()
        .trim();
    matches!(target, "int" | "short" | "byte" | "char" | "long" | "float")
}

/// Names a JavaScript function tests for truthiness on their own (`x &&`,
/// `!x`, `if (x)`, `x ?`), which says they may be null or undefined.
fn truthiness_tested(body: &str) -> Vec<String> {
    let is_ident = |c: char| c.is_alphanumeric() || matches!(c, '_' | '$');
    let mut names: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(found) = body[from..].find(|c: char| c.is_alphabetic() || c == '_' || c == '$') {
        let at = from + found;
        let before = body[..at].trim_end();
        let tail = &body[at..];
        let len = tail.find(|c: char| !is_ident(c)).unwrap_or(tail.len());
        let name = &tail[..len];
        let after = tail[len..].trim_start();
        let opens = before.ends_with("if (") || before.ends_with('!') && !before.ends_with("!!");
        let closes = after.starts_with("&&") || after.starts_with(") {") || after.starts_with("? ");
        let leads = before.ends_with("if (")
            || before.ends_with('(')
            || before.ends_with('=')
            || before.ends_with("return")
            || before.ends_with('!');
        if name.len() > 1
            && !tail[len..].starts_with(['.', '(', '['])
            && !matches!(
                name,
                "true" | "false" | "null" | "undefined" | "this" | "typeof" | "return"
            )
            && (opens
                && (after.starts_with(')') || after.starts_with("&&") || after.starts_with("||"))
                || leads && closes)
        {
            names.push(name.to_owned());
        }
        from = at + len.max(1);
        while !body.is_char_boundary(from) {
            from += 1;
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Whether `text` tests `name` for truthiness on its own: `x && …`,
/// `… && x`, `(x)`, `x ? … : …`.
fn truthiness_test(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || matches!(c, '_' | '$' | '.');
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].trim_end();
        let after = text[at + name.len()..].trim_start();
        let starts = before.is_empty() || before.ends_with(['(', '&', '|', '!']);
        let ends = after.is_empty() || after.starts_with(['&', '|', ')', '?']);
        starts && ends && !text[at + name.len()..].starts_with(is_ident)
    })
}

/// Names assigned from shared state between a lock and its release in the
/// function's own lines, each with the byte offset of the release.
fn escaped_from_lock(cx: &FnCx) -> Vec<(String, usize)> {
    let text = node_text(cx.node, cx.rope);
    let mut offset = cx.node.start_byte();
    let (mut held, mut inside): (bool, Vec<String>) = (false, Vec::new());
    let mut escaped = Vec::new();
    for line in text.split_inclusive('\n') {
        let code = line.trim();
        let deferred = code.starts_with("defer ");
        if !deferred
            && [".Lock()", ".RLock()", ".lock()", ".acquire()"]
                .iter()
                .any(|w| code.contains(w))
        {
            held = true;
        } else if !deferred
            && [".Unlock()", ".RUnlock()", ".unlock()", ".release()"]
                .iter()
                .any(|w| code.contains(w))
        {
            if held {
                escaped.extend(inside.drain(..).map(|n| (n, offset)));
            }
            held = false;
        } else if held
            && let Some((left, right)) = assignment(code)
            && right.contains(['.', '['])
            && !right.contains('(')
        {
            inside.extend(
                left.split(',')
                    .map(assigned_name)
                    .filter(|n| n.len() > 1 && n.chars().all(|c| c.is_alphanumeric() || c == '_'))
                    .map(str::to_owned),
            );
        }
        offset += line.len();
    }
    escaped
}

/// For a closure defined in a function that takes a lock (and that takes
/// none itself), the names the closure declares: parameters and locals.
fn closure_under_a_lock(cx: &FnCx, scan: &Scan) -> Option<Vec<String>> {
    if scan.takes_lock {
        return None;
    }
    let parent = cx.index.functions.get(cx.function.parent?)?;
    let end = parent.range.end.min(cx.rope.len_bytes());
    let outer = cx
        .rope
        .byte_slice(parent.range.start.min(end)..end)
        .to_string();
    let locks = [
        ".Lock()",
        ".RLock()",
        ".lock()",
        ".acquire()",
        "synchronized",
    ]
    .iter()
    .any(|w| outer.contains(w));
    if !locks {
        return None;
    }
    let mut own = scan.parameters.clone();
    // Packages and modules the file imports are no captured values.
    let file = cx.rope.to_string();
    for line in file.lines() {
        let line = line.trim();
        let quoted = line.trim_start_matches("import").trim();
        if let Some(path) = quoted.strip_prefix('"').and_then(|q| q.split('"').next()) {
            own.extend(path.rsplit('/').next().map(str::to_owned));
        } else if let Some(names) = line.strip_prefix("import ") {
            own.extend(names.split([',', ' ', '.']).map(|n| n.trim().to_owned()));
        }
    }
    for line in scan.body.lines() {
        for op in [":=", "="] {
            if let Some((left, _)) = line.split_once(op) {
                own.extend(
                    left.split(',')
                        .map(|n| n.trim().trim_start_matches("var ").trim())
                        .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))
                        .map(str::to_owned),
                );
            }
        }
    }
    Some(own)
}

/// Names set to nothing (`x = None`, `x = null`, `x = nil`) in a branch
/// of the function, deeper than its top level (`if total and n > total:
/// total = None`), with the byte offset of that assignment: the code itself
/// says that on some path the value is gone. A top-level `x = None` is
/// usually an initialisation the function fills in before use.
fn set_absent_in_branches(cx: &FnCx) -> Vec<(String, usize)> {
    let Some(body) = cx.node.child_by_field_name("body") else {
        return Vec::new();
    };
    let text = node_text(body, cx.rope);
    let indent = |line: &str| line.len() - line.trim_start().len();
    // The top level's indentation: the first statement's line.
    let Some(top) = text
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty() && !l.trim().starts_with(['#', '/', '*', '"', '\'']))
        .map(indent)
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut offset = body.start_byte();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim().trim_end_matches(';');
        if let Some((left, right)) = trimmed.split_once('=')
            && matches!(right.trim(), "None" | "null" | "nil" | "undefined")
            && indent(line) > top
        {
            let name = left.trim().trim_end_matches(':');
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
            {
                found.push((name.to_owned(), offset));
            }
        }
        offset += line.len();
    }
    found
}

/// The parameters the signature allows to be absent: a `None` default in
/// Python, `?` or a `null`/`undefined` union in TypeScript.
fn optional_parameters(cx: &FnCx) -> Vec<String> {
    let Some(params) = cx
        .node
        .child_by_field_name("parameters")
        .or_else(|| cx.node.child_by_field_name("parameter"))
    else {
        return Vec::new();
    };
    let text = node_text(params, cx.rope);
    let text = text.trim_start_matches('(').trim_end_matches(')');
    text.split(',')
        .filter(|piece| {
            let compact: String = piece.split_whitespace().collect();
            compact.ends_with("=None")
                || compact.contains("Optional[")
                || compact.contains("?:")
                || compact.contains("|null")
                || compact.contains("|undefined")
        })
        .filter_map(|piece| {
            let name: String = piece
                .trim()
                .trim_start_matches(['*', '&'])
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                .collect();
            (!name.is_empty() && name != "self").then_some(name)
        })
        .collect()
}

/// The input or environment condition behind each class, one sentence.
fn trigger(class: FailureClass) -> &'static str {
    match class {
        IndexOutOfRange => {
            "the collection is shorter than the code assumes (an empty list, a line with fewer fields)"
        }
        NullOrNone => "the value is absent (a lookup found nothing, an optional field was omitted)",
        KeyMissing => {
            "the data has no such key (another server's or an older client's payload omits it)"
        }
        DivisionByZero => "the divisor is zero (an empty collection, a zero count or duration)",
        ParseError => {
            "the text is not in the expected format (empty, localised, or garbage from another system)"
        }
        TypeError => "the value has another type at run time than the code assumes",
        Timeout => {
            "the peer or the input never lets the call finish (a stalled server, a pathological input)"
        }
        NetworkError => {
            "the network call fails (DNS failure, connection refused or reset) and the error is not handled"
        }
        RaceCondition => "two threads or tasks reach this shared state at once",
        Overflow => "the value is larger than the type or the API allows",
        Encoding => {
            "the bytes are not valid in the assumed encoding, or a multi-byte character is cut"
        }
        TimezoneDst => "the clock crosses a daylight-saving change or runs in another time zone",
        ResourceExhaustion => "the input is huge, or nests or repeats without bound",
        Assertion => "the invariant the code asserts does not hold for this input",
        Other => "an unexpected input",
    }
}

/// The runtime's error type and message for a class, as each language
/// prints it.
fn runtime_error(language: Language, class: FailureClass, subject: &str) -> (String, String) {
    let pick = |python: &str, ecma: &str, go: &str, java: &str, rust: &str| -> String {
        match language {
            Language::Python => python,
            Language::JavaScript | Language::TypeScript | Language::Tsx => ecma,
            Language::Go => go,
            Language::Java => java,
            Language::Rust => rust,
        }
        .to_owned()
    };
    let error_type = match class {
        IndexOutOfRange => pick(
            "IndexError",
            "RangeError",
            "panic",
            "java.lang.IndexOutOfBoundsException",
            "panic",
        ),
        NullOrNone => pick(
            "AttributeError",
            "TypeError",
            "panic",
            "java.lang.NullPointerException",
            "panic",
        ),
        KeyMissing => pick(
            "KeyError",
            "TypeError",
            "panic",
            "java.lang.NullPointerException",
            "panic",
        ),
        DivisionByZero => pick(
            "ZeroDivisionError",
            "RangeError",
            "panic",
            "java.lang.ArithmeticException",
            "panic",
        ),
        ParseError => pick(
            "ValueError",
            "SyntaxError",
            "error",
            "java.lang.NumberFormatException",
            "panic",
        ),
        TypeError => pick(
            "TypeError",
            "TypeError",
            "panic",
            "java.lang.ClassCastException",
            "panic",
        ),
        Timeout => pick(
            "TimeoutError",
            "hang",
            "hang",
            "java.net.SocketTimeoutException",
            "hang",
        ),
        NetworkError => pick(
            "ConnectionError",
            "Error",
            "error",
            "java.net.ConnectException",
            "panic",
        ),
        RaceCondition => pick(
            "RuntimeError",
            "Error",
            "fatal error",
            "java.util.ConcurrentModificationException",
            "panic",
        ),
        Overflow => pick(
            "OverflowError",
            "RangeError",
            "panic",
            "java.lang.ArithmeticException",
            "panic",
        ),
        Encoding => pick(
            "UnicodeDecodeError",
            "URIError",
            "error",
            "java.nio.charset.MalformedInputException",
            "panic",
        ),
        TimezoneDst => pick(
            "ValueError",
            "Date",
            "wrong result",
            "java.time.DateTimeException",
            "panic",
        ),
        ResourceExhaustion => pick(
            "RecursionError",
            "RangeError",
            "fatal error",
            "java.lang.StackOverflowError",
            "panic",
        ),
        Assertion => pick(
            "AssertionError",
            "AssertionError",
            "panic",
            "java.lang.AssertionError",
            "panic",
        ),
        Other => pick(
            "Exception",
            "Error",
            "panic",
            "java.lang.RuntimeException",
            "panic",
        ),
    };
    let short = one_line(subject, 40);
    let message = match class {
        IndexOutOfRange => pick(
            "list index out of range",
            "Invalid array length",
            "runtime error: index out of range",
            "Index out of range",
            "index out of bounds",
        ),
        NullOrNone => pick(
            "'NoneType' object has no attribute",
            "Cannot read properties of undefined",
            "runtime error: invalid memory address or nil pointer dereference",
            "null",
            "called `Option::unwrap()` on a `None` value",
        ),
        KeyMissing => pick(
            &short,
            "Cannot read properties of undefined",
            "assignment to entry in nil map",
            "null",
            "key not found",
        ),
        DivisionByZero => pick(
            "division by zero",
            "Division by zero",
            "runtime error: integer divide by zero",
            "/ by zero",
            "attempt to divide by zero",
        ),
        ParseError => pick(
            "invalid literal",
            "Unexpected token",
            "invalid syntax",
            "For input string",
            "called `Result::unwrap()` on an `Err` value: ParseIntError",
        ),
        Overflow => pick(
            "integer overflow",
            "Invalid time value",
            "runtime error: makeslice: len out of range",
            "integer overflow",
            "attempt to multiply with overflow",
        ),
        Encoding => pick(
            "'utf-8' codec can't decode byte",
            "URI malformed",
            "invalid UTF-8",
            "Input length = 1",
            "byte index is not a char boundary",
        ),
        ResourceExhaustion => pick(
            "maximum recursion depth exceeded",
            "Maximum call stack size exceeded",
            "runtime: goroutine stack exceeds 1000000000-byte limit",
            "",
            "memory allocation failed",
        ),
        RaceCondition => pick(
            "dictionary changed size during iteration",
            "stale state",
            "concurrent map writes",
            "",
            "data race",
        ),
        _ => short.clone(),
    };
    let error = if message.is_empty() {
        error_type.clone()
    } else if error_type.starts_with("java.")
        || language == Language::Python
        || matches!(
            language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        )
    {
        format!("{error_type}: {message}")
    } else {
        message
    };
    (error_type, error)
}

#[cfg(test)]
mod tests {
    use ropey::Rope;

    use crate::analysis::analyze;
    use crate::calls::CallIndex;
    use crate::config::Config;
    use crate::context::Context;
    use crate::language::Language;
    use crate::scenario::FailureClass::{self, *};

    /// What the static pass finds in every function of `source`, precise
    /// hazards and all candidates, as (class, 1-based line).
    fn candidates_of(language: Language, path: &str, source: &str) -> Vec<(FailureClass, usize)> {
        let rope = Rope::from_str(source);
        let tree = crate::syntax::parse_str(language, source).expect("parses");
        let index = crate::functions::index_functions(language, &tree, &rope, path);
        let nullable = super::nullable_names(language, &rope);
        let mut found = Vec::new();
        for function in &index.functions {
            let precise = super::super::function_hazards(language, &tree, &rope, function, &index);
            let broad = super::function_candidates(
                language, &tree, &rope, function, &index, &precise, &nullable,
            );
            for hazard in precise.iter().chain(&broad) {
                let line = super::Hazard::line_of(hazard.start, function, &rope) + 1;
                found.push((hazard.class, line));
            }
        }
        found
    }

    /// Each pair is a real shape of bug and the fix that removed it: the
    /// candidate must be on the bug and gone from the fix.
    fn flags_bug_not_fix(
        language: Language,
        path: &str,
        bug: &str,
        fix: &str,
        expected: (FailureClass, usize),
    ) {
        let on_bug = candidates_of(language, path, bug);
        assert!(
            on_bug.contains(&expected),
            "{expected:?} not among {on_bug:?} in\n{bug}"
        );
        let on_fix = candidates_of(language, path, fix);
        assert!(
            !on_fix.iter().any(|(class, _)| *class == expected.0),
            "{:?} still flagged after the fix: {on_fix:?} in\n{fix}",
            expected.0
        );
    }

    #[test]
    fn go_slice_after_a_length_check() {
        flags_bug_not_fix(
            Language::Go,
            "frame.go",
            "package p\n\nfunc body(buf []byte) []byte {\n\treturn buf[1:]\n}\n",
            "package p\n\nfunc body(buf []byte) []byte {\n\tif len(buf) < 1 {\n\t\treturn nil\n\t}\n\treturn buf[1:]\n}\n",
            (IndexOutOfRange, 4),
        );
        flags_bug_not_fix(
            Language::Go,
            "frame.go",
            "package p\n\nfunc inner(b []byte, i, j int) []byte {\n\treturn b[i:j]\n}\n",
            "package p\n\nfunc inner(b []byte, i, j int) []byte {\n\tif i < j {\n\t\treturn b[i:j]\n\t}\n\treturn nil\n}\n",
            (IndexOutOfRange, 4),
        );
    }

    #[test]
    fn division_behind_a_predicate_named_for_what_it_counts() {
        flags_bug_not_fix(
            Language::Go,
            "stats.go",
            "package p\n\nfunc (g *Group) Mean() int64 {\n\treturn g.sum / int64(len(g.Points))\n}\n",
            "package p\n\nfunc (g *Group) Mean() int64 {\n\tif !g.HasPoints() {\n\t\treturn 0\n\t}\n\treturn g.sum / int64(len(g.Points))\n}\n",
            (DivisionByZero, 4),
        );
    }

    #[test]
    fn python_percent_formatting_is_no_division() {
        let found = candidates_of(
            Language::Python,
            "msg.py",
            "def describe(name, n):\n    fmt = '%s: %d'\n    return 'in %s' % name, fmt % (name, n)\n",
        );
        assert!(
            !found.iter().any(|(c, _)| *c == DivisionByZero),
            "{found:?}"
        );
        let found = candidates_of(
            Language::Python,
            "m.py",
            "def bucket(x, n):\n    return x % n\n",
        );
        assert!(found.contains(&(DivisionByZero, 2)), "{found:?}");
    }

    #[test]
    fn java_handlers_of_the_exception_a_call_throws() {
        flags_bug_not_fix(
            Language::Java,
            "Downloads.java",
            "class D {\n  void start(Request r) {\n    manager.enqueue(r);\n  }\n}\n",
            "class D {\n  void start(Request r) {\n    try {\n      manager.enqueue(r);\n    } catch (IllegalArgumentException e) {\n      return;\n    }\n  }\n}\n",
            (Assertion, 3),
        );
    }

    #[test]
    fn python_decoding_helper_inside_a_handler() {
        flags_bug_not_fix(
            Language::Python,
            "args.py",
            "def argument(value):\n    return to_unicode(value)\n",
            "def argument(value):\n    try:\n        return to_unicode(value)\n    except UnicodeDecodeError:\n        raise BadRequest(value)\n",
            (Encoding, 2),
        );
    }

    #[test]
    fn python_max_of_a_collection_checked_for_emptiness() {
        flags_bug_not_fix(
            Language::Python,
            "table.py",
            "def width(rows):\n    return max(len(r.name) for r in rows)\n",
            "def width(rows):\n    if not rows:\n        return 0\n    return max(len(r.name) for r in rows)\n",
            (IndexOutOfRange, 2),
        );
    }

    #[test]
    fn rust_recursion_through_a_depth_counting_wrapper() {
        flags_bug_not_fix(
            Language::Rust,
            "de.rs",
            "impl De {\n    fn value(&mut self) -> R {\n        match self.next() {\n            0xc0 => self.value(),\n            _ => self.leaf(),\n        }\n    }\n}\n",
            "impl De {\n    fn value(&mut self) -> R {\n        match self.next() {\n            0xc0 => self.recursion_checked(|de| de.value()),\n            _ => self.leaf(),\n        }\n    }\n}\n",
            (ResourceExhaustion, 4),
        );
        flags_bug_not_fix(
            Language::Python,
            "tree.py",
            "def walk(node, depth=0):\n    for child in node.children:\n        walk(child, depth + 1)\n",
            "def walk(node, depth=0):\n    if depth > MAX_DEPTH:\n        raise TooDeep()\n    for child in node.children:\n        walk(child, depth + 1)\n",
            (ResourceExhaustion, 3),
        );
    }

    #[test]
    fn rust_read_loop_that_checks_for_the_end_of_input() {
        flags_bug_not_fix(
            Language::Rust,
            "skip.rs",
            "fn skip<R: BufRead>(r: &mut R, mut n: usize) -> io::Result<()> {\n    while n > 0 {\n        let got = r.fill_buf()?.len().min(n);\n        r.consume(got);\n        n -= got;\n    }\n    Ok(())\n}\n",
            "fn skip<R: BufRead>(r: &mut R, mut n: usize) -> io::Result<()> {\n    while n > 0 {\n        let got = match r.fill_buf()? {\n            b if b.is_empty() => return Err(eof()),\n            b => b.len().min(n),\n        };\n        r.consume(got);\n        n -= got;\n    }\n    Ok(())\n}\n",
            (ResourceExhaustion, 3),
        );
    }

    #[test]
    fn java_string_from_chars_decodes_nothing() {
        flags_bug_not_fix(
            Language::Java,
            "Chunks.java",
            "class C {\n  void emit(InputStream in, byte[] buffer) throws IOException {\n    in.read(buffer);\n    send(new String(buffer));\n  }\n}\n",
            "class C {\n  void emit(Reader in) throws IOException {\n    char[] buffer = new char[4096];\n    in.read(buffer);\n    send(new String(buffer));\n  }\n}\n",
            (Encoding, 4),
        );
    }

    #[test]
    fn a_value_one_branch_sets_to_nothing() {
        flags_bug_not_fix(
            Language::Python,
            "meter.py",
            "def scaled(total, n, scale):\n    if total and n > total:\n        total = None\n    if scale:\n        total *= scale\n    return total\n",
            "def scaled(total, n, scale):\n    if total and n > total:\n        total = None\n    if scale and total:\n        total *= scale\n    return total\n",
            (NullOrNone, 5),
        );
        // Set at the top and filled in before use: an initialisation.
        let found = candidates_of(
            Language::Python,
            "m.py",
            "def first(items):\n    best = None\n    for i in items:\n        best = i\n    return best.name\n",
        );
        assert!(!found.contains(&(NullOrNone, 5)), "{found:?}");
    }

    #[test]
    fn javascript_typeof_object_lets_null_through() {
        flags_bug_not_fix(
            Language::JavaScript,
            "keys.js",
            "function valueOf(key, obj) {\n  return typeof key === 'object' && typeof key.value !== 'undefined' ? key.value : obj[key];\n}\n",
            "function valueOf(key, obj) {\n  return typeof key === 'object' && key && typeof key.value !== 'undefined' ? key.value : obj[key];\n}\n",
            (NullOrNone, 2),
        );
    }

    #[test]
    fn the_right_of_or_runs_when_the_left_fails() {
        let found = candidates_of(
            Language::JavaScript,
            "is.js",
            "function isStream(obj) {\n  const pipes = 1;\n  return obj && obj.pipe || typeof obj.read === 'function';\n}\nfunction absent(obj) {\n  return obj == null;\n}\n",
        );
        assert!(found.contains(&(NullOrNone, 3)), "{found:?}");
        let found = candidates_of(
            Language::JavaScript,
            "is.js",
            "function isStream(obj) {\n  const pipes = obj && obj.pipe;\n  return !obj || typeof obj.read === 'function';\n}\nfunction absent(obj) {\n  return obj == null;\n}\n",
        );
        assert!(!found.contains(&(NullOrNone, 3)), "{found:?}");
    }

    #[test]
    fn rust_length_subtracted_from_a_usize() {
        flags_bug_not_fix(
            Language::Rust,
            "truncate.rs",
            "fn keep(length: usize, ellipsis: &str) -> usize {\n    length - ellipsis.len()\n}\n",
            "fn keep(length: usize, ellipsis: &str) -> usize {\n    if length >= ellipsis.len() {\n        length - ellipsis.len()\n    } else {\n        0\n    }\n}\n",
            (Overflow, 2),
        );
    }

    #[test]
    fn go_value_read_under_a_lock_used_after_the_unlock() {
        flags_bug_not_fix(
            Language::Go,
            "members.go",
            "package p\n\nfunc (m *M) expire(id string) {\n\tm.mu.Lock()\n\tnode, ok := m.nodes[id]\n\tm.mu.Unlock()\n\tif ok {\n\t\tm.report(node.Name)\n\t}\n}\n",
            "package p\n\nfunc (m *M) expire(id string) {\n\tm.mu.Lock()\n\tnode, ok := m.nodes[id]\n\tname := node.Name\n\tm.mu.Unlock()\n\tif ok {\n\t\tm.report(name)\n\t}\n}\n",
            (RaceCondition, 8),
        );
    }

    #[test]
    fn go_callback_reads_what_its_enclosing_function_locked() {
        let found = candidates_of(
            Language::Go,
            "timers.go",
            "package p\n\nimport \"time\"\n\nfunc (m *M) arm(s *State) {\n\tm.mu.Lock()\n\tdefer m.mu.Unlock()\n\tfn := func() {\n\t\tm.fail(s.Name)\n\t}\n\ttime.AfterFunc(time.Second, fn)\n}\n",
        );
        assert!(found.contains(&(RaceCondition, 9)), "{found:?}");
        // A callback that takes the lock itself reads under it.
        let found = candidates_of(
            Language::Go,
            "timers.go",
            "package p\n\nimport \"time\"\n\nfunc (m *M) arm(s *State) {\n\tm.mu.Lock()\n\tdefer m.mu.Unlock()\n\tfn := func() {\n\t\tm.mu.Lock()\n\t\tm.fail(s.Name)\n\t\tm.mu.Unlock()\n\t}\n\ttime.AfterFunc(time.Second, fn)\n}\n",
        );
        assert!(!found.iter().any(|(c, _)| *c == RaceCondition), "{found:?}");
    }

    #[test]
    fn python_constructor_changing_a_class_wide_collection() {
        flags_bug_not_fix(
            Language::Python,
            "bars.py",
            "class Bar:\n    _instances = set()\n\n    def __init__(self, disable):\n        if disable:\n            self._instances.discard(self)\n            return\n",
            "class Bar:\n    _instances = set()\n\n    def __init__(self, disable):\n        if disable:\n            with self._lock:\n                self._instances.discard(self)\n            return\n",
            (RaceCondition, 6),
        );
        // Its own new collection is no one else's yet.
        let found = candidates_of(
            Language::Python,
            "bars.py",
            "class Bar:\n    def __init__(self, items):\n        self.items = []\n        self.items.append(items)\n",
        );
        assert!(!found.iter().any(|(c, _)| *c == RaceCondition), "{found:?}");
    }

    #[test]
    fn go_channel_operation_outside_a_select() {
        flags_bug_not_fix(
            Language::Go,
            "fetch.go",
            "package p\n\nfunc first(results chan int) int {\n\treturn <-results\n}\n",
            "package p\n\nfunc first(results chan int, ctx Ctx) int {\n\tselect {\n\tcase r := <-results:\n\t\treturn r\n\tcase <-ctx.Done():\n\t\treturn 0\n\t}\n}\n",
            (Timeout, 4),
        );
    }

    #[test]
    fn node_emitter_without_an_error_listener() {
        flags_bug_not_fix(
            Language::JavaScript,
            "upload.js",
            "function upload(opts, body) {\n  const req = http.request(opts);\n  req.end(body);\n}\n",
            "function upload(opts, body) {\n  const req = http.request(opts);\n  req.on('error', (err) => log(err));\n  req.end(body);\n}\n",
            (NetworkError, 2),
        );
    }

    #[test]
    fn python_http_call_without_a_timeout() {
        flags_bug_not_fix(
            Language::Python,
            "client.py",
            "import requests\n\ndef fetch(url):\n    return requests.get(url).json()\n",
            "import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=10).json()\n",
            (Timeout, 4),
        );
    }

    #[test]
    fn java_case_conversion_without_a_locale() {
        flags_bug_not_fix(
            Language::Java,
            "Keys.java",
            "class K {\n  String key(String name) {\n    return name.toLowerCase();\n  }\n}\n",
            "class K {\n  String key(String name) {\n    return name.toLowerCase(Locale.ROOT);\n  }\n}\n",
            (Encoding, 3),
        );
    }

    #[test]
    fn java_field_from_a_lookup_that_can_find_nothing() {
        flags_bug_not_fix(
            Language::Java,
            "Receiver.java",
            "class C {\n    private final WifiManager mWifiManager;\n    C(Context c) {\n        mWifiManager =\n            (WifiManager) c.getSystemService(Context.WIFI_SERVICE);\n    }\n    void f() {\n        if (granted()) {\n            boolean e = mWifiManager.isWifiEnabled();\n        }\n    }\n}\n",
            "class C {\n    private final WifiManager mWifiManager;\n    C(Context c) {\n        mWifiManager =\n            (WifiManager) c.getSystemService(Context.WIFI_SERVICE);\n    }\n    void f() {\n        if (granted() && mWifiManager != null) {\n            boolean e = mWifiManager.isWifiEnabled();\n        }\n    }\n}\n",
            (NullOrNone, 9),
        );
    }

    #[test]
    fn javascript_value_the_function_itself_tests_for_truthiness() {
        flags_bug_not_fix(
            Language::JavaScript,
            "is.js",
            "function isStream(obj) {\n  return obj && obj.readable || typeof obj.pipe === 'function';\n}\n",
            "function isStream(obj) {\n  return !!obj && (obj.readable || typeof obj.pipe === 'function');\n}\n",
            (NullOrNone, 2),
        );
    }

    #[test]
    fn python_none_handed_to_a_call_that_raises_on_it() {
        flags_bug_not_fix(
            Language::Python,
            "ws.py",
            "def close_code(message):\n    return int(message.get('code', 1000))\n",
            "def close_code(message):\n    return int(message.get('code') or 1000)\n",
            (NullOrNone, 2),
        );
        flags_bug_not_fix(
            Language::Python,
            "blocks.py",
            "def code_blocks(root, unescape):\n    for pre in root.iter('pre'):\n        if pre[0].tag == 'code':\n            yield unescape(pre[0].text)\n",
            "def code_blocks(root, unescape):\n    for pre in root.iter('pre'):\n        if pre[0].tag == 'code' and pre[0].text:\n            yield unescape(pre[0].text)\n",
            (NullOrNone, 4),
        );
    }

    #[test]
    fn python_docstring_is_none_under_optimisation() {
        flags_bug_not_fix(
            Language::Python,
            "codes.py",
            "def _init():\n    global __doc__\n    __doc__ = __doc__ + '\\n' + table()\n",
            "def _init():\n    global __doc__\n    if __doc__ is not None:\n        __doc__ = __doc__ + '\\n' + table()\n",
            (NullOrNone, 3),
        );
    }

    #[test]
    fn a_handler_that_raises_again_handles_nothing() {
        let found = candidates_of(
            Language::Python,
            "ws.py",
            "def close_code(message):\n    try:\n        return int(message.get('code', 1000))\n    except Exception as exc:\n        log(exc)\n        raise exc\n",
        );
        assert!(found.contains(&(NullOrNone, 3)), "{found:?}");
        let found = candidates_of(
            Language::Python,
            "ws.py",
            "def close_code(message):\n    try:\n        return int(message.get('code', 1000))\n    except Exception as exc:\n        log(exc)\n        return 1011\n",
        );
        assert!(!found.contains(&(NullOrNone, 3)), "{found:?}");
    }

    #[test]
    fn python_optional_parameter_used_unchecked() {
        flags_bug_not_fix(
            Language::Python,
            "meter.py",
            "def scale(total=None, unit=2):\n    total *= unit\n    return total\n",
            "def scale(total=None, unit=2):\n    if total:\n        total *= unit\n    return total\n",
            (NullOrNone, 2),
        );
    }

    #[test]
    fn python_lookup_result_dereferenced() {
        flags_bug_not_fix(
            Language::Python,
            "parse.py",
            "import re\n\ndef version(text):\n    m = re.match(r'v(\\d+)', text)\n    return m.group(1)\n",
            "import re\n\ndef version(text):\n    m = re.match(r'v(\\d+)', text)\n    if m is None:\n        return None\n    return m.group(1)\n",
            (NullOrNone, 5),
        );
    }

    #[test]
    fn go_shared_map_written_outside_the_lock() {
        flags_bug_not_fix(
            Language::Go,
            "cache.go",
            "package cache\n\nfunc (c *Cache) Put(k string, v int) {\n\tc.items[k] = v\n}\n",
            "package cache\n\nfunc (c *Cache) Put(k string, v int) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.items[k] = v\n}\n",
            (RaceCondition, 4),
        );
    }

    #[test]
    fn rust_parse_unwrapped_but_not_when_handled() {
        flags_bug_not_fix(
            Language::Rust,
            "src/port.rs",
            "fn port(s: &str) -> u16 {\n    s.parse().unwrap()\n}\n",
            "fn port(s: &str) -> u16 {\n    s.parse().unwrap_or(80)\n}\n",
            (ParseError, 2),
        );
    }

    #[test]
    fn java_field_checked_for_null_elsewhere() {
        flags_bug_not_fix(
            Language::Java,
            "Net.java",
            "class Net {\n  WifiManager wifi;\n  boolean on() {\n    return wifi.isWifiEnabled();\n  }\n  void off() {\n    if (wifi != null) { wifi.disconnect(); }\n  }\n}\n",
            "class Net {\n  WifiManager wifi;\n  boolean on() {\n    return wifi != null && wifi.isWifiEnabled();\n  }\n  void off() {\n    if (wifi != null) { wifi.disconnect(); }\n  }\n}\n",
            (NullOrNone, 4),
        );
    }

    #[test]
    fn javascript_json_parse_outside_a_try() {
        flags_bug_not_fix(
            Language::JavaScript,
            "body.js",
            "function id(body) {\n  const data = JSON.parse(body);\n  return data;\n}\n",
            "function id(body) {\n  try {\n    const data = JSON.parse(body);\n    return data;\n  } catch (e) {\n    return null;\n  }\n}\n",
            (ParseError, 2),
        );
    }

    #[test]
    fn python_getattr_recursion() {
        let found = candidates_of(
            Language::Python,
            "proxy.py",
            "class Proxy:\n    def __getattr__(self, name):\n        return getattr(self._target, name)\n",
        );
        assert!(found.contains(&(ResourceExhaustion, 3)), "{found:?}");
    }

    #[test]
    fn candidates_never_reach_the_diagnostic_threshold() {
        let source = "def f(data, n):\n    x = data['a'][0]\n    return int(x) / n\n";
        let rope = Rope::from_str(source);
        let tree = crate::syntax::parse_str(Language::Python, source).unwrap();
        let config = Config::default();
        let calls = CallIndex::default();
        let analysis = analyze(
            "f.py",
            Language::Python,
            0,
            &rope,
            &tree,
            None,
            &Context::new(&config, &calls),
        );
        for candidate in analysis.candidates.iter().flatten() {
            assert!(
                candidate.likelihood <= super::MAX_LIKELIHOOD,
                "{candidate:?}"
            );
        }
        let lowest_scenario = analysis
            .scenarios
            .iter()
            .flatten()
            .map(|s| s.likelihood)
            .fold(1.0, f32::min);
        assert!(lowest_scenario > super::MAX_LIKELIHOOD);
    }
}
