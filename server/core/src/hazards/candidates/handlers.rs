//! Whether an operation's error is handled where it happens: a `try`
//! that catches its class, or a handler that does not just raise again.

use super::*;

/// Decoders that throw on text they cannot decode, where their language's
/// others replace it.
const THROWING_DECODERS: &[&str] = &[
    "decodeURIComponent",
    "decodeURI",
    "atob(",
    "URLDecoder.decode",
    ".newDecoder()",
    "fatal: true",
];

/// Stems of the types libraries raise for text they cannot read: toml's
/// `TomlDecodeError`, Java's `URISyntaxException`, `MalformedURLException`
/// and `InvalidProtocolBufferException`, PyYAML's `ParserError`.
const PARSE_STEMS: &[&str] = &[
    "Invalid",
    "Parse",
    "Parser",
    "Decode",
    "Syntax",
    "Malformed",
    "Format",
];

/// Whether a handler's head names a parse failure by the conventions
/// libraries name theirs: a stem above in an `…Error` or `…Exception`, or
/// a name that starts with `Invalid` (packaging's `InvalidMarker` and
/// `InvalidVersion`, decimal's `InvalidOperation`).
fn names_a_parse_failure(head: &str) -> bool {
    head.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| {
            word.starts_with("Invalid")
                || (word.ends_with("Error") || word.ends_with("Exception"))
                    && PARSE_STEMS.iter().any(|stem| word.contains(stem))
        })
}

impl Scan<'_, '_, '_> {
    /// Whether `subject` may be null at `node`: no check of it guards the
    /// use, and no handler around it catches the null dereference.
    pub(super) fn null_unguarded(&self, node: Node, subject: &str) -> bool {
        // A field of the object read in a callback is read when the
        // callback runs: a check made before it was scheduled no longer
        // holds (`destroy()` emptied it meanwhile).
        let boundary = if subject.starts_with("this.") {
            deferred_callback(node, self.cx.node).unwrap_or(self.cx.node)
        } else {
            self.cx.node
        };
        !guarded(self.cx.language, node, boundary, self.cx.rope, &[subject])
            && !self.caught_here(node, FailureClass::NullOrNone)
            && !self.defaulted_before(node, subject)
            && !self.filled_before(node, subject)
    }

    /// Whether the function gave `name` a value of its own before `node`
    /// (`this._ws = new WebSocket(url)`, `self.conn = connect()`): what
    /// the rest of the file does with it, it holds something here.
    fn filled_before(&self, node: Node, name: &str) -> bool {
        // Only fills after the last point where the value may have become
        // absent again (a branch that emptied it, a swallowed failure).
        let emptied = self
            .emptied(name, node)
            .max()
            .map_or(0, |at| at.saturating_sub(self.cx.node.start_byte()));
        let before = self.before(node);
        before.get(emptied..).unwrap_or(before).lines().any(|line| {
            let Some((left, right)) = absent::assignment(line) else {
                return false;
            };
            let right = right.trim().trim_end_matches(';').trim();
            absent::assigned_name(left) == name
                && !right.is_empty()
                // `x = x == null ? null : x` may leave nothing still.
                && !absent::NOTHING
                    .iter()
                    .any(|nothing| crate::hazards::guards::mentions(right, nothing))
                && !lookups().any(|l| right.contains(l))
                // A call the file checks the answer of for null elsewhere.
                && !self.nullable_call(right)
        })
    }

    /// Whether the function gives `name` a value when it has none, before
    /// `node`: `if executor is None: executor = default()`, `if (opts ==
    /// null) { opts = {}; }`, `if x == nil { x = … }`, `name = name or
    /// {}`, `name ??= {}`, `name ||= []`. After it the name holds
    /// something, whoever passed nothing.
    pub(super) fn defaulted_before(&self, node: Node, name: &str) -> bool {
        let name = name.trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$'))
        {
            return false;
        }
        let start = self.cx.node.start_byte();
        let before = node.start_byte().saturating_sub(start);
        let Some(text) = self.body.get(..before) else {
            return false;
        };
        let tests_nothing = |line: &str| {
            [
                format!("{name} is None"),
                format!("{name} == None"),
                format!("not {name}"),
                format!("{name} == null"),
                format!("{name} === null"),
                format!("{name} == undefined"),
                format!("{name} === undefined"),
                format!("!{name}"),
                format!("{name} == nil"),
                format!("null == {name}"),
                format!("{name}.is_none()"),
            ]
            .iter()
            .any(|t| {
                line.match_indices(t.as_str()).any(|(at, _)| {
                    !line[at + t.len()..]
                        .starts_with(|c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '('))
                })
            })
        };
        let assigned = |line: &str| {
            let line = line.trim_start().trim_start_matches(['{', ' ']);
            line.strip_prefix(name)
                .map(str::trim_start)
                .is_some_and(|rest| {
                    (rest.starts_with('=') && !rest.starts_with("=="))
                        || rest.starts_with("??=")
                        || rest.starts_with("||=")
                })
        };
        let lines: Vec<&str> = text.lines().collect();
        lines.iter().enumerate().any(|(i, line)| {
            let code = line.trim();
            // `name = name or default`, `name = name ?? default`.
            let or_default =
                assigned(code) && [" or ", " ?? ", " || "].iter().any(|op| code.contains(op));
            // `if name is None:` with the assignment on its line or one of
            // the next two (a brace may stand between).
            let conditional = (code.starts_with("if ") || code.starts_with("if("))
                && tests_nothing(code)
                && (code
                    .split_once([':', '{', ')'])
                    .is_some_and(|(_, rest)| assigned(rest))
                    || lines[i + 1..].iter().take(2).any(|next| assigned(next)));
            // `x = x == null ? "" : x`, `x = d if x is None else x`: a
            // conditional whose only nothing is the one it tests for.
            let nothings = absent::NOTHING
                .iter()
                .map(|n| code.matches(n).count())
                .sum::<usize>();
            let ternary = assigned(code)
                && (code.contains(" ? ") || code.contains(" if ") && code.contains(" else "))
                && tests_nothing(code)
                && nothings == 1;
            or_default || conditional || ternary || code.starts_with(&format!("{name} ??="))
        })
    }

    /// Whether an enclosing `try` catches the error `class` raises.
    pub(super) fn caught_here(&self, node: Node, class: FailureClass) -> bool {
        // A wrong hour or a lost update raises nothing a handler could
        // catch; nor do corrupted text and a wrapped number outside Python
        // (Java, Go and JavaScript replace bad bytes and wrap integers).
        // The decoders that throw on bad text instead are the exception:
        // `decodeURIComponent` (URIError), `atob`, Java's `URLDecoder` and
        // a charset's own decoder (CharacterCodingException).
        let throws = class == Encoding && {
            let text = self.text(node);
            THROWING_DECODERS.iter().any(|d| text.contains(d))
        };
        let silent = matches!(class, TimezoneDst | RaceCondition)
            || (matches!(class, Encoding | Overflow)
                && self.cx.language != Language::Python
                && !throws);
        if silent {
            return false;
        }
        let errors: &[&str] = match (self.cx.language, class) {
            (Language::Python, KeyMissing) => &["KeyError", "LookupError"],
            (Language::Python, IndexOutOfRange) => &["IndexError", "LookupError"],
            (Language::Python, ParseError) => &["ValueError", "JSONDecodeError"],
            (Language::Python, Encoding) => &[
                "UnicodeError",
                "UnicodeDecodeError",
                "UnicodeEncodeError",
                "ValueError",
            ],
            (Language::Python, DivisionByZero) => &["ZeroDivisionError", "ArithmeticError"],
            // The standard library's and the common clients' own network
            // errors (urllib3, requests, aiohttp, httpx, websocket-client,
            // http.client) handle a failed exchange; only a timeout's own
            // types (or their bases) handle a wait that ran out: `except
            // IncompleteRead` lets `socket.timeout` through.
            (Language::Python, NetworkError) => &[
                "OSError",
                // Python 3's aliases of OSError.
                "IOError",
                "EnvironmentError",
                "socket.error",
                "socket.gaierror",
                "RemoteDisconnected",
                "ClientConnectionError",
                "ClientOSError",
                "ServerDisconnectedError",
                "ConnectError",
                "NetworkError",
                "ConnectionError",
                "RequestException",
                "ProtocolError",
                "SSLError",
                "HTTPError",
                "URLError",
                "HTTPException",
                "IncompleteRead",
                "ClientError",
                "TransportError",
                "WebSocketException",
                "MaxRetryError",
                "NewConnectionError",
            ],
            (Language::Python, Timeout) => &[
                "OSError",
                "IOError",
                "EnvironmentError",
                "socket.error",
                "socket.timeout",
                "TimeoutError",
                // requests' and httpx's own bases of their timeouts.
                "Timeout",
                "TimeoutException",
                "ConnectionError",
                "RequestException",
                "ReadTimeout",
                "ConnectTimeout",
            ],
            (Language::Python, NullOrNone | TypeError) => &["TypeError", "AttributeError"],
            (Language::Python, Overflow) => &["OverflowError", "ArithmeticError"],
            (Language::Java, NullOrNone) => &["NullPointerException"],
            // NumberFormatException is an IllegalArgumentException, and
            // URI.create and UUID.fromString throw the latter; org.json
            // throws JSONException for text that is no JSON.
            (Language::Java, ParseError) => &[
                "NumberFormatException",
                "ParseException",
                "IllegalArgumentException",
                "JSONException",
                "DateTimeParseException",
            ],
            (Language::Java, IndexOutOfRange) => &[
                "IndexOutOfBoundsException",
                "ArrayIndexOutOfBoundsException",
                "StringIndexOutOfBoundsException",
            ],
            (Language::Java, Assertion) => &["IllegalArgumentException", "IllegalStateException"],
            (Language::Java, TypeError) => &["ClassCastException"],
            (Language::Java, DivisionByZero) => &["ArithmeticException"],
            // org.json's getters throw JSONException for a missing key;
            // Currency.getInstance and Enum.valueOf an
            // IllegalArgumentException for a name they lack.
            (Language::Java, KeyMissing) => &[
                "NoSuchElementException",
                "NullPointerException",
                "JSONException",
                "IllegalArgumentException",
            ],
            // IOException's subclasses name the failure they handle.
            (Language::Java, NetworkError) => &[
                "IOException",
                "SocketException",
                "ConnectException",
                "UnknownHostException",
                "SSLException",
                "SocketTimeoutException",
            ],
            (Language::Java, Timeout) => &[
                "IOException",
                "SocketTimeoutException",
                "InterruptedIOException",
                "TimeoutException",
                "HttpTimeoutException",
            ],
            (Language::Java, Encoding) => &[
                "CharacterCodingException",
                "IllegalArgumentException",
                "UnsupportedEncodingException",
                "IOException",
            ],
            // Too deep a recursion: RecursionError, StackOverflowError, and
            // in JavaScript `RangeError: Maximum call stack size exceeded`.
            (Language::Python, ResourceExhaustion) => &["RecursionError", "MemoryError"],
            (Language::Java, ResourceExhaustion) => &["StackOverflowError", "OutOfMemoryError"],
            (Language::JavaScript | Language::TypeScript | Language::Tsx, ResourceExhaustion) => {
                &["RangeError"]
            }
            _ => &[],
        };
        let parse =
            class == ParseError && matches!(self.cx.language, Language::Python | Language::Java);
        crate::hazards::guards::caught_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &|head| {
                errors.iter().any(|e| mentions(head, e)) || parse && names_a_parse_failure(head)
            },
        )
    }

    /// Whether the call's failure is handled where it happens: in Rust, a
    /// `Result` or `Option` that is not unwrapped (`?`, `.ok()`,
    /// `unwrap_or…`, `match`) cannot panic; elsewhere, a call on a receiver
    /// an enclosing condition checks (`if rv.Type().Comparable()`, `if x
    /// is not None`).
    pub(super) fn handled(&self, node: Node, class: FailureClass) -> bool {
        if self.cx.language == Language::Rust
            && matches!(class, ParseError | Encoding | Overflow | NullOrNone)
        {
            let callee = self.callee(node).unwrap_or_default();
            let panics_itself = callee.ends_with("unwrap")
                || callee.ends_with("expect")
                || callee.ends_with("from_ymd")
                || callee.ends_with("seconds")
                || callee.ends_with("milliseconds")
                || callee.ends_with("from_secs_f64")
                || callee.ends_with("from_secs_f32")
                || callee.ends_with("Duration::new")
                // "Panics if any argument to the process is not valid
                // Unicode"; `args_os` and `var` return what they found.
                || callee.ends_with("env::args")
                || callee.ends_with("env::vars");
            return !(panics_itself || self.unwrapped_after(node, 40));
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
                let source = self.mapped_from(collection);
                return [Some(collection), source.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|c| guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[c]));
            }
        }
        false
    }

    /// The collection `name` was built from by an unfiltered comprehension
    /// (`rule_methods = [f(r) for r in rules]`): it is empty exactly when
    /// that one is, so a check of either guards both.
    fn mapped_from(&self, name: &str) -> Option<String> {
        let at = self.body.find(&format!("{name} = ["))?;
        let rest = &self.body[at + name.len() + 4..];
        let mut depth = 1;
        let end = rest.char_indices().find_map(|(i, c)| {
            match c {
                '[' | '(' | '{' => depth += 1,
                ']' | ')' | '}' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })?;
        let comprehension = &rest[..end];
        if !comprehension.contains(" for ") || comprehension.contains(" if ") {
            return None;
        }
        let (_, source) = comprehension.rsplit_once(" in ")?;
        let source = source.trim();
        (!source.is_empty()
            && source
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.')))
        .then(|| source.to_owned())
    }
}

/// The innermost function literal passed to a call that holds `node`,
/// below `top` (`setTimeout(() => …)`, `conn.on('close', function () {
/// … })`): code that runs later than the code around it.
pub(super) fn deferred_callback<'t>(node: Node<'t>, top: Node<'t>) -> Option<Node<'t>> {
    let mut at = node.parent();
    while let Some(candidate) = at {
        if candidate.id() == top.id() {
            return None;
        }
        if matches!(
            candidate.kind(),
            "arrow_function" | "function_expression" | "function"
        ) && candidate.parent().is_some_and(|p| p.kind() == "arguments")
        {
            return Some(candidate);
        }
        at = candidate.parent();
    }
    None
}
