//! Calls: the ones whose name says how they fail (parsing, decoding, the
//! network, the clock), recursion, channel operations, and emitters with no
//! 'error' listener.

use super::*;

/// Node calls that return an event emitter which emits 'error'.
pub(super) const EMITTERS: &[&str] = &[
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

/// Calls that allocate as much as their size argument asks.
const ALLOCATIONS: &[&str] = &[
    "make",
    "with_capacity",
    "reserve",
    "resize",
    "alloc",
    "Array",
    "repeat",
    "Grow",
];

/// Calls that read a reader to its end, however long it is.
const READS_TO_THE_END: &[&str] = &[
    "io.ReadAll",
    "ioutil.ReadAll",
    "ReadAll",
    "read_to_end",
    "read_to_string",
    "readAllBytes",
    "toByteArray",
    "to_bytes",
    "ReadString",
    "ReadBytes",
    "json.NewDecoder",
];

/// Calls that inflate compressed input, by name: what they produce is as
/// large as the input says, not as large as the input is.
const DECOMPRESSORS: &[&str] = &[
    "decompress",
    "Decompress",
    "unzip",
    "gunzip",
    "inflate",
    "NewReader",
    "Decoder::new",
    "GZIPInputStream",
    "InflaterInputStream",
];

/// What caps a reader: a read to its end then stops at the limit.
const LIMITS: &[&str] = &[
    "LimitReader",
    "LimitedReader",
    "MaxBytesReader",
    ".take(",
    "BoundedInputStream",
    "Limited::new",
    "BoundedReader",
];

/// How a call asks for IPv6 by name.
const IPV6: &[&str] = &["AF_INET6", "\"udp6\"", "\"tcp6\"", "\"ip6", "Inet6Address"];

impl Scan<'_, '_, '_> {
    /// Whether the function wraps `reader` in a limit before it is read to
    /// the end: `let body = Limited::new(body, MAX)`, `r = io.LimitReader(r,
    /// n)`.
    fn limited_before(&self, reader: &str) -> bool {
        let reader = reader
            .trim()
            .trim_start_matches(['&', '*'])
            .trim_start_matches("mut ");
        !reader.is_empty()
            && reader.chars().all(|c| c.is_alphanumeric() || c == '_')
            && self.body.lines().any(|line| {
                let line = line.trim();
                let Some((left, right)) = line.split_once('=') else {
                    return false;
                };
                left.split_whitespace().last() == Some(reader)
                    && LIMITS.iter().any(|l| right.contains(l))
            })
    }

    /// A Python call handed a value that may be None where None raises:
    /// `int(msg.get("code", 1000))` (the key present with a null value),
    /// `unescape(block[0].text)` (an empty XML element's text is None).
    pub(super) fn python_absent_argument(&mut self, node: Node, callee: &str, args: &str) {
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
        // The environment holds text only: with a default, its lookup
        // gives text (`os.environ.get("RETRIES", "3")`).
        let environment_defaulted = inner
            .find("environ.get(")
            .and_then(|at| inner[at..].split(')').next())
            .is_some_and(|call| call.contains(','));
        let lookup = STRICT.contains(&callee)
            && first.contains(".get(")
            && !environment_defaulted
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
            && self.null_unguarded(node, subject)
        {
            self.add(node, NullOrNone, 0.11, trigger(NullOrNone));
        }
    }

    /// Whether this call's failure is handled where it is made: an
    /// 'error' listener in the function, or a rejection handler chained on
    /// the call's own statement. (An enclosing `try` is [`Self::caught_here`]'s;
    /// a `.catch` on another promise handles nothing here.)
    pub(super) fn handles_network_errors(&self, node: Node) -> bool {
        if ["'error'", "\"error\"", "`error`"]
            .iter()
            .any(|w| self.body.contains(w))
        {
            return true;
        }
        let statement = crate::hazards::guards::statement_of(self.cx.language, node);
        self.text(statement).contains(".catch(")
    }

    /// Whether the function listens for a request's or socket's
    /// 'timeout' event.
    fn listens_for_timeout(&self) -> bool {
        ["'timeout'", "\"timeout\"", "`timeout`"]
            .iter()
            .any(|w| self.body.contains(w))
    }

    /// Whether the file loads Node's own `http` or `https` module, not a
    /// client that only shares the name (Angular's `this.http.get`).
    fn imports_node_http(&self) -> bool {
        let text = self.cx.file_text();
        ["http", "https", "node:http", "node:https"]
            .iter()
            .any(|m| text.contains(&format!("'{m}'")) || text.contains(&format!("\"{m}\"")))
    }

    /// Whether the function ends a request itself (`req.destroy(err)`,
    /// `req.abort()`).
    fn ends_requests(&self) -> bool {
        self.body.contains(".destroy(") || self.body.contains(".abort(")
    }

    /// Whether the function attaches an 'error' listener or a rejection
    /// handler.
    pub(super) fn listens_for_errors(&self) -> bool {
        ["'error'", "\"error\"", "`error`", ".catch(", "try {"]
            .iter()
            .any(|w| self.body.contains(w))
    }

    /// A Go channel send or receive outside a `select`: when the other side
    /// has returned (an error path, a cancelled request), it blocks the
    /// goroutine forever.
    pub(super) fn channel(&mut self, node: Node) {
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
        // A send on a channel the function made with a buffer (`errc :=
        // make(chan error, 2)`, one slot per sender) does not wait for a
        // receiver.
        if node.kind() == "send_statement"
            && let Some(channel) = node.child_by_field_name("channel")
        {
            let channel = self.text(channel);
            let channel = channel.trim();
            let buffered = self.go_assigned(channel).any(|value| {
                let Some(rest) = value.strip_prefix("make(chan ") else {
                    return false;
                };
                // `error, 2)`: the size, up to the call's end; a named
                // size counts as a buffer.
                let call = rest.split(')').next().unwrap_or_default();
                call.rsplit_once(',').is_some_and(|(_, size)| {
                    let size = size.trim();
                    size.parse::<u64>().map_or(!size.is_empty(), |n| n > 0)
                })
            });
            if buffered {
                return;
            }
        }
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

    pub(super) fn call(&mut self, node: Node) {
        let Some(callee) = self.callee(node) else {
            return;
        };
        let callee = callee.trim().trim_end_matches('!');
        let last = callee.rsplit(['.', ':']).next().unwrap_or(callee).trim();
        let args = node
            .child_by_field_name("arguments")
            .map(|a| self.text(a))
            .unwrap_or_default();
        // A recursive call: unbounded depth on self-referencing input. A
        // call of the same name on another object (`c.Conn.LastError()`,
        // `self.inner.read()`, `super.close()`) delegates; it is not the
        // function calling itself.
        let on_itself = self.on_own_object(callee, last, false);
        if !last.is_empty()
            && self.own_name() == last
            && on_itself
            && !self.depth_limited(node)
            && !self.caught_here(node, ResourceExhaustion)
        {
            self.add(
                node,
                ResourceExhaustion,
                0.12,
                "the input nests deeper than the stack allows, or refers back to itself",
            );
        }
        self.path_of_nothing(node, callee);
        // A method called on a receiver that may be absent: one the file
        // checks for null elsewhere, or a local a lookup may have left empty.
        if let Some((receiver, _)) = callee.rsplit_once('.') {
            let receiver = receiver.trim();
            // A call chained on a lookup's result fails the same way; not
            // in Rust, where the lookup's `Option` has only methods that
            // cannot fail but `unwrap` and `expect` (their own candidates).
            let absent = self.doubted(receiver, node)
                || (receiver.ends_with(')')
                    && self.cx.language != Language::Rust
                    && lookups().any(|l| receiver.contains(l)));
            if absent && self.null_unguarded(node, receiver) {
                let (likelihood, why) = self.absent_dereference(receiver, node);
                self.add(node, NullOrNone, likelihood, why);
            } else if !absent && !self.late_field_dereferenced(node, receiver) {
                self.result_before_error_checked(node, receiver);
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
            && !self.size_checked(node, last, &args)
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
            // A thread-safe collection changes in place safely, unless the
            // function tested it first (`containsKey` then `put`: a
            // check-then-act no collection makes atomic).
            let safe = self
                .concurrent
                .iter()
                .any(|c| receiver == c || receiver == format!("this.{c}"))
                && !["containsKey(", "contains(", "get(", "isEmpty(", "size("]
                    .iter()
                    .any(|test| self.body.contains(&format!("{receiver}.{test}")));
            // JavaScript runs one callback at a time: a change with no
            // `await` in its function cannot interleave with another.
            let interleaves = !matches!(
                self.cx.language,
                Language::JavaScript | Language::TypeScript | Language::Tsx
            ) || self.body.contains("await ");
            if shared
                && interleaves
                && self.cx.language != Language::Rust
                && !own_field
                && !safe
                && !self.locked(node)
            {
                let likelihood = if self.in_constructor() { 0.10 } else { 0.07 };
                self.add(node, RaceCondition, likelihood, trigger(RaceCondition));
            }
        }
        if self.cx.language == Language::Python {
            self.python_absent_argument(node, last, &args);
            self.mapped_conversion(node, callee, &args);
        }
        self.checked_then_used(node, callee, last, &args);
        self.cut_at_a_position(node, callee, last, &args);
        self.regex_argument(node, last, &args);
        self.precompiled_pattern(node, callee, last, &args);
        self.document_position(node, callee, last, &args);
        self.not_found_position(node, last, &args);
        self.pattern_from_input(node, callee, last, &args);
        self.raised_inside(node, last);
        self.connection_call(node, callee, last);
        self.split_to_count(node, callee, last, &args);
        self.blocking_put(node, callee, last, &args);
        self.engine_specific(node, callee);
        self.keyword_built(node, callee, &args);
        self.text_conversion(node, callee, last, &args);
        self.calendar_step(node, callee, last);
        self.mutual_recursion(node, callee, last);
        self.wait_before_reading(node, callee);
        self.pipes_read_in_turn(node);
        self.missing_file(node, callee, &args);
        self.positional_call(node, callee, last, &args);
        self.naive_utc_read_as_local(node, callee, last, &args);
        self.buffer_read(node, callee, last, &args);
        self.end_of_input_unseen(node, callee, last);
        self.leaked(node, callee, last);
        self.empty_collection(node, callee, last, &args);
        self.promise_never_settled(node, callee, &args);
        self.spread_arguments(node, callee, &args);
        self.negative_repeat(node, callee, last, &args);
        self.missing_console(node, callee, last);
        self.prototype_key(node, callee);
        self.prototype_builtin_called(node, callee);
        self.read_modify_write(node, last);
        self.java_null_habits(node, callee, last, &args);
        self.android_platform_call(node, last);
        self.string_method_on_unknown(node, callee, last);
        self.unsupported_mutation(node, callee, last);
        self.object_of_nothing(node, callee, &args);
        self.panic_on_error(node, callee);
        if matches!(last, "set" | "put" | "Store" | "setdefault")
            && let Some((receiver, _)) = callee.rsplit_once('.')
        {
            let args = args.trim();
            let inner = args
                .strip_prefix('(')
                .and_then(|a| a.strip_suffix(')'))
                .unwrap_or(args);
            if let Some((key, _)) = inner.split_once(',') {
                self.unbounded_cache(node, receiver, key);
            }
        }
        // Java: `a.getB().c()` has no member node between the calls.
        if self.cx.language == Language::Java
            && let Some(object) = node.child_by_field_name("object")
        {
            self.getter_chain(node, object);
        }
        if self.cx.language == Language::Java
            && let Some(object) = node.child_by_field_name("object")
            && object.kind() == "identifier"
        {
            let object = self.text(object);
            self.shared_read(node, &object);
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
        // Node's request functions check the URL and the headers before
        // anything is sent and throw on the spot, before an 'error'
        // listener can exist: `ERR_UNESCAPED_CHARACTERS` for a path with
        // raw non-ASCII characters, `ERR_INVALID_CHAR` for a header value
        // holding a newline. request's `self.httpModule.request(…)` threw
        // on a URL typed in Hebrew. A `try` around the call is the guard.
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && matches!(last, "request" | "get")
            && callee.rsplit_once('.').is_some_and(|(receiver, _)| {
                let module = receiver.rsplit('.').next().unwrap_or(receiver);
                identifier_words(module)
                    .first()
                    .is_some_and(|w| matches!(w.as_str(), "http" | "https"))
            })
            && !arguments(&args).trim().is_empty()
            && !constant_arguments(&args)
            && self.imports_node_http()
            && !caught(self.cx.language, node, self.cx.node, self.cx.rope, &[])
        {
            // An HTTP/2 session's `request` also throws once the session
            // is closing: the server sent GOAWAY (fastify-reply-from).
            let trigger = if callee.to_lowercase().contains("http2") || callee.contains("session") {
                "the HTTP/2 session is closing or closed (the server sent GOAWAY), or a header holds characters HTTP does not allow, and the call throws before any 'error' listener exists"
            } else {
                "the URL or a header holds characters HTTP does not allow (an unescaped non-ASCII path, a newline in a header value), and the call throws before any 'error' listener exists"
            };
            self.add(node, NetworkError, 0.07, trigger);
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
        // Helpers named for the check they make throw when it fails:
        // `invariant(x, …)`, `notUndefined(v)`, `checkNotNull(ref)`,
        // `assertValid(…)`, `ensure_ready()`.
        const CHECKERS: &[&str] = &[
            "assert",
            "invariant",
            "notundefined",
            "notnull",
            "nonnull",
            "requirenonnull",
            "checknotnull",
            "ensure",
            "verify",
        ];
        if CHECKERS.iter().any(|c| lower.starts_with(c))
            && !self.caught_here(node, Assertion)
            && !self.cx.function.name.to_lowercase().starts_with("test")
        {
            self.add(
                node,
                Assertion,
                0.08,
                "the condition the helper checks does not hold for this input, and it throws",
            );
        }
        // Named for the throw it makes when what it looks up is absent:
        // `getColumnIndexOrThrow(column)`, `getOrThrow(key)`.
        if last.len() > "OrThrow".len()
            && last.ends_with("OrThrow")
            && last != "orElseThrow"
            && !self.caught_here(node, KeyMissing)
        {
            self.add(
                node,
                KeyMissing,
                0.07,
                "what it looks up (a column, a key, an entry) is absent for this input, and it throws",
            );
        }
        // Node's `timeout` on a request or socket only emits an event: with
        // no listener that ends the request, a peer that never answers
        // holds it (and its callback) forever.
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && matches!(
            callee,
            "http.request"
                | "https.request"
                | "http.get"
                | "https.get"
                | "net.connect"
                | "net.createConnection"
                | "tls.connect"
        ) && self.body.contains("timeout")
            && !(self.listens_for_timeout()
                || self.ends_requests()
                || self.body.contains("AbortSignal"))
        {
            self.add(
                node,
                Timeout,
                0.09,
                "the peer never answers: the request's `timeout` only emits an event, and with no listener to end the request it waits forever",
            );
        }
        // Reads bounded and connecting not: on a host that drops the
        // attempt (a firewall, an address gone), connecting waits for the
        // system's default, minutes.
        if matches!(
            last,
            "readTimeout" | "setReadTimeout" | "timeout_read" | "read_timeout"
        ) && !["onnectTimeout", "connect_timeout", "timeout_connect"]
            .iter()
            .any(|w| self.body.contains(w))
            && !self.caught_here(node, Timeout)
        {
            self.add(
                node,
                Timeout,
                0.10,
                "the host drops the connection attempt (a firewall, an address that is gone) and only reads have a timeout, so connecting waits for the system's default",
            );
        }
        // A Rust function called by its module's path (`reqwest::blocking::
        // get(url)`, `fs::remove_file(p)`) is no method of a collection.
        let module_function = self.cx.language == Language::Rust
            && !callee.contains('.')
            && crate::hazards::guards::module_function(callee);
        for &(name, class, base) in self.facts.calls {
            let hit = if name.contains(['.', ':']) {
                callee == name
                    || callee.ends_with(&format!(".{name}"))
                    || callee.ends_with(&format!("::{name}"))
            } else {
                last == name && !(module_function && matches!(class, KeyMissing | IndexOutOfRange))
            };
            if !hit {
                continue;
            }
            // The module runs once, when it is loaded: a call there given
            // only constants (`re.compile(r"…", re.I)`, `int("8080")`)
            // fails on every start or never, and the first start showed
            // which. What it reaches outside (a file, a host) still may.
            if self.cx.is_module()
                && (matches!(
                    class,
                    ParseError
                        | IndexOutOfRange
                        | KeyMissing
                        | Overflow
                        | DivisionByZero
                        | TypeError
                ) || last == "compile")
                && constant_arguments(&args)
            {
                continue;
            }
            let mut likelihood = base;
            // A bounded or guarded call is not the failure.
            match class {
                // A slice of literal length into the array of that length
                // (`buf[0..4].try_into().unwrap()`), the idiom for
                // `u32::from_be_bytes`.
                Overflow | NullOrNone
                    if matches!(name, "try_into" | "unwrap")
                        && callee
                            .trim_end_matches(".unwrap")
                            .strip_suffix(".try_into()")
                            .or_else(|| callee.strip_suffix(".try_into"))
                            .is_some_and(crate::hazards::rust::constant_slice) =>
                {
                    continue;
                }
                // A timeout bounds the wait; the peer can still refuse.
                Timeout if args.contains("timeout") || args.contains("Timeout") => {
                    continue;
                }
                // A wait with no bound takes nothing to look up, join or
                // wait for: a queue's `get()` (or `get(True)`,
                // `get(block=True)`), a thread's `join()`, Python's
                // `event.wait()`. With an argument, `get` is a lookup
                // (`dict.get("k")`, `map.get(key)`) and `join` builds a
                // string (`", ".join(parts)`, `String.join(",", xs)`,
                // `parts.join("/")`), both at once; or the argument is the
                // bound (`t.join(5)`, `f.get(5, SECONDS)`, `e.wait(30)`).
                // Rust's `Condvar::wait(guard)` takes its guard, not a bound.
                Timeout if self.timeout_set_on(node, callee) => continue,
                // An `Optional`'s `get()` waits for nothing.
                Timeout if self.optional_receiver(callee) => continue,
                // A pattern the file spells out linear, or one run on text
                // whose length was bounded first.
                Timeout
                    if matches!(last, "exec" | "test")
                        && (self.plain_pattern(callee)
                            || self.length_bounded(node, first_argument(&args))) =>
                {
                    continue;
                }
                Timeout
                    if (last == "get"
                        || last == "join"
                        || last == "wait" && self.cx.language == Language::Python)
                        && !matches!(
                            args.trim()
                                .trim_start_matches('(')
                                .trim_end_matches(')')
                                .trim(),
                            "" | "True" | "block=True"
                        ) =>
                {
                    continue;
                }
                ResourceExhaustion
                    if matches!(name, "read" | "readlines") && args.trim() != "()" =>
                {
                    continue;
                }
                // A decompression given its bound (`{ maxOutputLength }`,
                // `decompress(data, max_length)`), or a decompressor whose
                // output the function reads through a limit.
                ResourceExhaustion
                    if DECOMPRESSORS.iter().any(|d| name.contains(d))
                        && (args.to_lowercase().contains("max")
                            || args.contains("limit")
                            || LIMITS.iter().any(|l| self.body.contains(l))) =>
                {
                    continue;
                }
                // A step the code spells out (`timedelta(days=1)`).
                Overflow if name == "timedelta" && literal_arguments(&args) => continue,
                // Arguments a check tested together first (`if
                // secs.checked_add(nanos / N).is_none() { return … }`).
                Overflow if self.arguments_checked(node, &args) => continue,
                // `int(x)` of a float overflows only when it is infinite; a
                // test for infinity first (`x == float('inf')`,
                // `math.isfinite(x)`) is the fix.
                Overflow if name == "int" && self.infinity_checked(node, &args) => continue,
                // A divisor the function checks first (`b.signum() != 0`,
                // `b.compareTo(ZERO) != 0`) or a constant one.
                DivisionByZero
                    if name == "divide"
                        && (self.divisor_checked(node, first_argument(&args))
                            || first_argument(&args).rsplit('.').next().is_some_and(|c| {
                                c.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                            })) =>
                {
                    continue;
                }
                // `Fraction(1, 3)`, `Fraction("0.5")`, `Fraction(x)`: a
                // denominator spelled out, or none.
                DivisionByZero
                    if name == "Fraction"
                        && (literal_arguments(&args) || !arguments(&args).contains([',', '*'])) =>
                {
                    continue;
                }
                // `random.choice(["a", "b"])`: a sequence the code spells.
                IndexOutOfRange
                    if matches!(name, "choice" | "heappop")
                        && first_argument(&args)
                            .trim_start()
                            .starts_with(['[', '(', '"']) =>
                {
                    continue;
                }
                // Node code that ends the request on its 'timeout' event
                // bounds every wait on it.
                Timeout
                    if matches!(
                        self.cx.language,
                        Language::JavaScript | Language::TypeScript | Language::Tsx
                    ) && self.listens_for_timeout()
                        && self.ends_requests() =>
                {
                    continue;
                }
                // `BigInt(10)`, `BigInt(0x1f)`: a number the code spells.
                ParseError if name == "BigInt" && literal_arguments(&args) => continue,
                // Now is a valid date (`new Date().toISOString()`), and a
                // date the code tests for validity first (`isNaN(d)`,
                // `isNaN(d.getTime())`, `isValid(d)`) is one too.
                ParseError
                    if name == "toISOString"
                        && (callee.contains("new Date()")
                            || callee.contains("Date.now()")
                            || self.body.contains("isNaN(")
                            || self.body.contains("isValid(")) =>
                {
                    continue;
                }
                // A code point the code spells (`chr(0x01)`) or takes from
                // a character or a length (`chr(ord(c) + 1)`, `chr(len(u))`).
                Overflow
                    if name == "chr"
                        && (literal_arguments(&args)
                            || args.contains("ord(")
                            || args.contains("len(")) =>
                {
                    continue;
                }
                // A character of a string is one character; only what a
                // read returned can be empty.
                TypeError if name == "ord" && !self.read_result(first_argument(&args)) => {
                    continue;
                }
                // An allocation capped by a limit (`n.min(MAX)`, `min(n, MAX)`).
                ResourceExhaustion if args.contains("min(") => continue,
                // An allocation whose size the function checks first (`if n
                // > maxFrame { return … }` before `make([]byte, n)`), or a
                // constant one.
                ResourceExhaustion
                    if ALLOCATIONS.contains(&name) && self.size_checked(node, name, &args) =>
                {
                    continue;
                }
                // `io.ReadFull(r, hdr[:])` fills a fixed array: its size is
                // the code's, not the input's.
                ResourceExhaustion
                    if name == "ReadFull" && arguments(&args).trim_end().ends_with("[:]") =>
                {
                    continue;
                }
                // A read to the end of a reader that a limit wraps
                // (`io.LimitReader(r, n)`, `r.take(n)`, `MaxBytesReader`).
                ResourceExhaustion
                    if READS_TO_THE_END.contains(&name)
                        && (LIMITS
                            .iter()
                            .any(|l| callee.contains(l) || args.contains(l))
                            || self.limited_before(first_argument(&args))) =>
                {
                    continue;
                }
                // Node code that listens for 'error' handles the failure.
                NetworkError
                    if matches!(
                        self.cx.language,
                        Language::JavaScript | Language::TypeScript | Language::Tsx
                    ) && self.handles_network_errors(node) =>
                {
                    continue;
                }
                // A step the fixes write: a calendar day stepped in local
                // time, or a result the zone corrects.
                TimezoneDst if self.safe_step(node, last) => continue,
                // A clock read in a named zone (`datetime.now(timezone.utc)`,
                // `now(tz=…)`, `ZonedDateTime.now(ZoneOffset.UTC)`).
                TimezoneDst
                    if matches!(name, "now" | "today" | "LocalDateTime.now")
                        && ["tz", "timezone", "utc", "UTC", "Zone", "zone"]
                            .iter()
                            .any(|z| args.contains(z)) =>
                {
                    continue;
                }
                // A time made, read or converted in UTC (`astimezone(
                // timezone.utc)`, `new Date(Date.UTC(…))`, `moment.utc(…)`,
                // `fromtimestamp(ts, tz=timezone.utc)`) has no daylight
                // saving: converting to it is the fix.
                TimezoneDst
                    if args.to_lowercase().contains("utc")
                        || callee.to_lowercase().contains("utc") && last != "utcOffset"
                        || self.zoned_receiver(callee) =>
                {
                    continue;
                }
                // Go: comparing `Interface()` values panics only for a type
                // that is not comparable, which a `Comparable()` test rules
                // out.
                TypeError
                    if name == "Interface"
                        && guarded_by(
                            self.cx.language,
                            node,
                            self.cx.node,
                            self.cx.rope,
                            &|c| c.contains("Comparable()"),
                        ) =>
                {
                    continue;
                }
                // Go's `string(r)` of runes the function made (`[]rune(s)`)
                // is whole characters.
                Encoding if name == "string" && self.boundary_aware() => continue,
                // `max(xs, default=…)` of an empty sequence is the default.
                IndexOutOfRange if matches!(name, "max" | "min") && args.contains("default=") => {
                    continue;
                }
                // A file opened with its encoding named (a literal: a
                // variable may hold None, the locale's), or as bytes.
                Encoding
                    if name == "open"
                        && (args.contains("encoding=\"")
                            || args.contains("encoding='")
                            || [
                                "\"rb\"", "'rb'", "\"wb\"", "'wb'", "\"ab\"", "'ab'", "\"r+b\"",
                                "'r+b'",
                            ]
                            .iter()
                            .any(|m| args.contains(m))) =>
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
                // Code units read to check for a surrogate pair are the check.
                Encoding
                    if matches!(name, "charCodeAt" | "codePointAt" | "fromCharCode")
                        && self.boundary_aware() =>
                {
                    continue;
                }
                // `new String(chars)` copies characters; only bytes decode.
                Encoding if name == "String" && self.declared_chars(&args) => continue,
                // A streaming decoder keeps a character cut at a chunk's end
                // for the next chunk (`decoder.decode(chunk, { stream: true })`).
                Encoding
                    if matches!(name, "decode" | "encode")
                        && (args.contains("errors")
                            || args.contains("ignore")
                            || args.contains("replace")
                            || args.contains("stream: true")) =>
                {
                    continue;
                }
                // A replacer is how code gives JSON a form for what it has
                // none for (`typeof v === 'bigint' ? v.toString() : v`, a
                // `WeakSet` of objects already seen).
                TypeError
                    if name == "JSON.stringify"
                        && arguments(&args)
                            .split(',')
                            .nth(1)
                            .is_some_and(|r| !matches!(r.trim(), "" | "null" | "undefined")) =>
                {
                    continue;
                }
                // A constant parses, converts or names the same way every
                // time: `new BigDecimal("0.5")`, `ZoneInfo("UTC")`. (A
                // constant key is no such thing: the data lacks it or not.)
                ParseError | TypeError | TimezoneDst
                    if !arguments(&args).trim().is_empty() && constant_arguments(&args) =>
                {
                    continue;
                }
                ParseError | NullOrNone | Encoding | IndexOutOfRange if self.outside(&args) => {
                    likelihood += 0.02;
                }
                // A socket of IPv6's family, asked for by name: hosts and
                // containers with IPv6 turned off refuse to make one
                // (EAFNOSUPPORT), where the IPv4 default would work.
                NetworkError if IPV6.iter().any(|w| args.contains(w)) => {
                    likelihood += 0.05;
                }
                _ => {}
            }
            if self.caught_here(node, class) || self.handled(node, class) {
                continue;
            }
            self.add(node, class, likelihood, trigger(class));
        }
    }

    /// `map(int, version.split("."))`: each element converted, and the
    /// first that is no number (an empty field, `"1rc1"`) raises.
    fn mapped_conversion(&mut self, node: Node, callee: &str, args: &str) {
        let converter = first_argument(args).trim();
        if callee != "map" || !matches!(converter, "int" | "float" | "Decimal" | "complex") {
            return;
        }
        if self.caught_here(node, ParseError) {
            return;
        }
        let mut likelihood = 0.08;
        if self.outside(args) {
            likelihood += 0.02;
        }
        self.add(
            node,
            ParseError,
            likelihood,
            "an element is not a number: an empty field, a word, a suffix like \"1rc1\"",
        );
    }

    /// Whether one check before `node` bounds every name passed to it
    /// (`secs` and `nanos` of `Duration::new(secs, nanos)`) by testing for
    /// the overflow itself, not that it is there (`is not None`).
    fn arguments_checked(&self, node: Node, args: &str) -> bool {
        let names: Vec<&str> = arguments(args)
            .split(',')
            .map(|a| a.trim().trim_start_matches(['&', '*']))
            .filter(|a| {
                !a.is_empty()
                    && a.starts_with(|c: char| c.is_alphabetic() || c == '_')
                    && a.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
            .collect();
        // A comparison is no bound here: the guard machinery reads an
        // `else` under its `if`, and the else of `0x80 <= n <= 0x9F` is
        // every other number.
        const BOUNDS: &[&str] = &["checked_", "overflow", "MAX", "MIN", "finite", "isinf"];
        self.tested_for(node, &names, true, BOUNDS)
    }

    /// Whether the size of the allocation at `node` (`make([]T, n)`'s last
    /// argument, the first of the others) is a constant or is checked
    /// before it.
    fn size_checked(&self, node: Node, name: &str, args: &str) -> bool {
        let size = if name == "make" {
            arguments(args)
                .rsplit(',')
                .next()
                .unwrap_or_default()
                .trim()
        } else {
            first_argument(args)
        };
        let size = size.trim_start_matches(['&', '*']);
        size.is_empty()
            || size.parse::<i64>().is_ok()
            || size
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
            || self.size_bounded(node, size)
    }

    /// Whether the receiver of the call at `node` had a timeout or a
    /// deadline set earlier in the function (`sock.settimeout(5)`,
    /// `conn.SetReadDeadline(t)`, `c.setReadTimeout(5000)`,
    /// `stream.set_read_timeout(d)`, `socket.setTimeout(ms)`), or every
    /// socket did (`socket.setdefaulttimeout(5)`): its waits are bounded.
    pub(super) fn timeout_set_on(&self, node: Node, callee: &str) -> bool {
        let start = self.cx.node.start_byte();
        let before = node
            .start_byte()
            .checked_sub(start)
            .and_then(|at| self.body.get(..at))
            .unwrap_or_default();
        if before.contains("setdefaulttimeout(") {
            return true;
        }
        let Some((receiver, _)) = callee.rsplit_once(['.', ':']) else {
            return false;
        };
        let receiver = receiver.trim().trim_end_matches(':');
        if receiver.is_empty() {
            return false;
        }
        let prefix = format!("{receiver}.");
        before.match_indices(&prefix).any(|(at, _)| {
            // The receiver as a whole name, not the tail of a longer one.
            let whole = starts_word(before, at);
            let method: String = before[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
                .to_lowercase();
            // `settimeout(None)`, `setSoTimeout(0)`, `SetDeadline(time.Time{})`
            // take the bound away: the wait is forever again.
            let argument = before[at + prefix.len()..]
                .split_once('(')
                .and_then(|(_, rest)| rest.split_once(')'))
                .map_or("", |(argument, _)| argument.trim());
            let unbounded = matches!(argument, "None" | "0" | "null" | "time.Time{}");
            whole
                && method.starts_with("set")
                && (method.contains("timeout") || method.contains("deadline"))
                && !unbounded
        })
    }

    /// Whether a recursive call is bounded: made through a wrapper that
    /// counts depth (`self.recursion_checked(|de| de.parse_value(v))`), or
    /// behind a check of a depth or nesting level (`if depth > MAX {
    /// return Err(…) }`).
    pub(super) fn depth_limited(&self, node: Node) -> bool {
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
        if guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &says) {
            return true;
        }
        // A count taken before the call: a helper named for it
        // (`m.recursiveCall()`, `p.enterDepth()`, `self._check_depth()`),
        // or a depth compared with its bound (`if depth > MAX_DEPTH`).
        // From the body on: the function's own name (`Depth()`) counts
        // nothing.
        let from = self
            .cx
            .node
            .child_by_field_name("body")
            .map_or(self.cx.node.start_byte(), |b| b.start_byte());
        let before = node
            .start_byte()
            .checked_sub(self.cx.node.start_byte())
            .zip(from.checked_sub(self.cx.node.start_byte()))
            .and_then(|(at, from)| self.body.get(from.min(at)..at))
            .unwrap_or_default();
        let counted_by_a_call = before.match_indices('(').any(|(at, _)| {
            let name = trailing_identifier(&before[..at]);
            let own = self.own_name() == name;
            let lower = name.to_lowercase();
            !own && (lower.contains("recurs") || lower.contains("depth"))
        });
        let compared = before
            .to_lowercase()
            .split("depth")
            .skip(1)
            .any(|rest| rest.trim_start().starts_with(['>', '<']));
        counted_by_a_call || compared
    }

    /// Whether a Java call's first argument is declared a `char[]` (or a
    /// `StringBuilder`, `CharSequence`) in the function.
    pub(super) fn declared_chars(&self, args: &str) -> bool {
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
    pub(super) fn checks_eof(&self, node: Node) -> bool {
        let statement = crate::hazards::guards::statement_of(self.cx.language, node);
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
}

/// How Python spells a test for infinity.
const INFINITY_TESTS: &[&str] = &[
    "float('inf')",
    "float(\"inf\")",
    "float('-inf')",
    "float(\"-inf\")",
    "math.inf",
    "isinf(",
    "isfinite(",
];

impl Scan<'_, '_, '_> {
    /// Whether a condition or early exit before `node` tests a value the
    /// call's arguments read for infinity.
    fn infinity_checked(&self, node: Node, args: &str) -> bool {
        let values: Vec<&str> = args
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.')))
            .filter(|w| w.len() > 1 && w.starts_with(|c: char| c.is_alphabetic() || c == '_'))
            .collect();
        self.tested_for(node, &values, false, INFINITY_TESTS)
    }

    /// Whether a condition or early exit before `node` names `names` (all
    /// of them, or any) and says one of `tests`.
    fn tested_for(&self, node: Node, names: &[&str], all: bool, tests: &[&str]) -> bool {
        !names.is_empty()
            && guarded_by(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &|text| {
                    tests.iter().any(|t| text.contains(t))
                        && if all {
                            names.iter().all(|n| mentions(text, n))
                        } else {
                            names.iter().any(|n| mentions(text, n))
                        }
                },
            )
    }
}

/// Whether every argument is a number, a string written out or a named
/// constant (`re.DOTALL | re.M`, `MAX_SIZE`). A lone string argument is
/// taken whole, since a pattern's commas and `=` (`a{1,3}`, `(?P<k>=)`)
/// are no argument separators; Go's raw strings, Python's prefixed ones
/// (`r"…"`, `b"…"`) and JavaScript's template literals without `${` are
/// strings too.
fn constant_arguments(args: &str) -> bool {
    let quoted = |value: &str| {
        let value = value.trim_start_matches(['r', 'b', 'u', 'R', 'B', 'U']);
        value.len() >= 2
            && ['"', '\'', '`'].iter().any(|q| {
                value.starts_with(*q)
                    && value.ends_with(*q)
                    && !value[1..value.len() - 1].contains(*q)
                    && !(*q == '`' && value.contains("${"))
            })
    };
    if quoted(arguments(args).trim()) {
        return true;
    }
    arguments(args).split(',').all(|a| {
        let value = a.rsplit('=').next().unwrap_or(a).trim();
        let named = |value: &str| {
            value.split('|').all(|part| {
                let name = part.trim().rsplit('.').next().unwrap_or_default();
                name.chars().any(|c| c.is_ascii_uppercase())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            })
        };
        quoted(value) || literal_arguments(value) || named(value)
    })
}

/// Whether every argument of a call is a number as written, by position
/// or by keyword (`(days=1, hours=2.5)`), in decimal or hex (`0x1f`).
fn literal_arguments(args: &str) -> bool {
    arguments(args).split(',').all(|a| {
        let value = a.rsplit('=').next().unwrap_or(a).trim();
        let value = value.trim_start_matches('-');
        value.is_empty()
            || value.parse::<f64>().is_ok()
            || value
                .strip_prefix("0x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
    })
}
