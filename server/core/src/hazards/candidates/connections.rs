//! Operations on a connection: every call on a socket, a transport, a
//! client or a remote service's handle (a database pool, a broker, an
//! HTTP client) can find the peer gone (refused, reset, unresolved), and every
//! read or wait on one can find it stalled. Which values are connections
//! the code says by their names (`sock`, `conn`, `transport`,
//! `serverSocket`, `redisClient`), in every language, so the rule needs
//! no list of libraries. It ranks below every candidate a named call or
//! a precise rule gives; a handler of the network's errors (`except
//! OSError`, `catch (IOException e)`, a JavaScript `try`) is a guard, and a
//! function that sets a timeout or a deadline bounds its waits.

use super::*;

/// The base likelihood: below the named network calls of [`Facts::calls`].
const BASE: f32 = 0.03;

impl Scan<'_, '_, '_> {
    /// A method called on a receiver named for a connection.
    pub(super) fn connection_call(&mut self, node: Node, callee: &str, last: &str) {
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return;
        };
        let receiver = module_or_value(receiver);
        let named = does_io(last) && names_a_connection(receiver);
        // A connection's own methods that talk to the peer (`s.
        // sendWindowUpdate()` in yamux's `Stream`, `self.read_response()`
        // in an SMTP client): the type says what the receiver is.
        let own = !named && self.is_own(receiver) && talks_to_peer(last) && self.on_a_connection();
        // A local the function made with a connection's constructor or a
        // dial (`c := newConn(nc, s)`, `Socket s = new Socket(host, port)`).
        let made =
            !named && !own && does_io(last) && self.connection_locals.iter().any(|l| l == receiver);
        if !named && !own && !made {
            return;
        }
        let waits = WAITS.iter().any(|w| last.eq_ignore_ascii_case(w))
            || last.to_lowercase().starts_with("read");
        let class = if waits { Timeout } else { NetworkError };
        if class == Timeout && self.bounds_its_waits() {
            return;
        }
        if self.caught_here(node, class) {
            return;
        }
        // JavaScript reports a connection's failures as 'error' events.
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && class == NetworkError
            && self.handles_network_errors(node)
        {
            return;
        }
        self.add(node, class, BASE, trigger(class));
    }

    /// Whether the method belongs to a type named for a connection or a
    /// peer's stream (`Conn`, `InnerClient`, yamux's `Stream`, `*Session`):
    /// its class, its `impl` or its Go receiver's type.
    fn on_a_connection(&self) -> bool {
        let function = self.cx.function;
        let owner = match &function.receiver {
            Some(receiver) => receiver.trim_start_matches(['*', '&']),
            None => match function.container {
                Some(i) => self.cx.index.containers[i].name.as_str(),
                None => return false,
            },
        };
        // Generic parameters and paths are not the type's own name.
        let owner = owner.split(['<', '[']).next().unwrap_or(owner);
        let owner = owner.rsplit([':', '.']).next().unwrap_or(owner);
        identifier_words(owner)
            .last()
            .is_some_and(|w| CONNECTIONS.contains(&w.as_str()) || w == "stream")
    }

    /// Whether the function bounds how long it waits: a timeout or a
    /// deadline set or passed anywhere in it.
    pub(super) fn bounds_its_waits(&self) -> bool {
        ["timeout", "Timeout", "deadline", "Deadline", "TIMEOUT"]
            .iter()
            .any(|w| self.body.contains(w))
    }
}

/// Words that name a connection, as a whole word of an identifier
/// (`server_socket`, `serverSocket`, `mSock`, `_transport`).
const CONNECTIONS: &[&str] = &[
    "sock",
    "socket",
    "conn",
    "connection",
    "transport",
    "websocket",
    "ws",
    "peer",
    "upstream",
    "remote",
    "raw",
    "tls",
    "ssl",
    "client",
    "channel",
    "session",
    // Remote services and the clients of HTTP, by the names code gives
    // them: a database or broker connection drops like any socket.
    "requests",
    "http",
    "https",
    "httpx",
    "axios",
    "urllib",
    "urllib3",
    "rpc",
    "grpc",
    "stub",
    "api",
    "server",
    "db",
    "pool",
    "redis",
    "mongo",
    "kafka",
    "broker",
    "producer",
    "consumer",
    "smtp",
    "ftp",
];

/// HTTP verbs: a client's `get` is a request, not an accessor.
const VERBS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "request",
];

/// Methods that wait for the peer: a stalled one never lets them return.
const WAITS: &[&str] = &[
    "recv",
    "recvfrom",
    "recv_into",
    "receive",
    "stream",
    "accept",
    "wait",
    "poll",
    "iter_content",
    "iter_lines",
    "getinputstream",
    "getresponse",
    "await",
    "take",
    "next",
];

/// Methods on a connection that touch nothing on the wire: listeners,
/// options, accessors and the timeouts themselves.
const NO_IO: &[&str] = &[
    "on",
    "once",
    "off",
    "emit",
    "addlistener",
    "removelistener",
    "removealllisteners",
    "listeners",
    "setnodelay",
    "setkeepalive",
    "settimeout",
    "setsotimeout",
    "setdeadline",
    "setreaddeadline",
    "setwritedeadline",
    "setblocking",
    "setsockopt",
    "setreuseaddress",
    "fileno",
    "localaddr",
    "remoteaddr",
    "getpeername",
    "getsockname",
    "string",
    "tostring",
    "error",
    "err",
    "close",
    "destroy",
    "unref",
    "ref",
    "release",
    "equals",
    "hashcode",
    "log",
    "debug",
    "info",
    "warn",
];

/// Whether a receiver's last segment is named for a connection, by its
/// last word.
pub(super) fn names_a_connection(receiver: &str) -> bool {
    let last = receiver
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(receiver)
        .trim()
        .trim_start_matches(['_', '*', '&', '$']);
    if last.contains(['(', '[', ' ']) {
        return false;
    }
    // A cheap test first: some word of a connection is in the name.
    let lower = last.to_ascii_lowercase();
    if !CONNECTIONS.iter().any(|w| lower.ends_with(w)) {
        return false;
    }
    // The last word names what it is: `redisClient` is a client,
    // `poolMap` a map.
    identifier_words(last)
        .last()
        .is_some_and(|w| CONNECTIONS.contains(&w.as_str()))
}

/// Locals assigned a connection: from a constructor named for one
/// (`newConn(…)`, `new Socket(…)`, `TcpStream::connect(…)?`,
/// `socket.socket(…)`) or from a dial (`net.Dial(…)`, `tls.connect(…)`,
/// `socket.create_connection(…)`), in any language's declaration form.
pub(super) fn connection_locals(body: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in body.lines() {
        let Some((left, right)) = super::absent::assignment(line.trim()) else {
            continue;
        };
        let name = super::absent::assigned_name(left);
        let name = name.trim_start_matches("mut ");
        // Go's `c, err := …` binds the connection first.
        let name = name.split(',').next().unwrap_or(name).trim();
        let right = right.trim();
        let right = right.strip_prefix("await ").unwrap_or(right);
        let right = right.strip_prefix("new ").unwrap_or(right);
        let Some((callee, _)) = right.split_once('(') else {
            continue;
        };
        let plain = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '$');
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            || callee.is_empty()
            || !callee.chars().all(plain)
        {
            continue;
        }
        let last = callee.rsplit(['.', ':']).next().unwrap_or(callee);
        let words = identifier_words(last);
        let dials = words
            .first()
            .is_some_and(|w| matches!(w.as_str(), "dial" | "connect" | "accept"))
            || last == "create_connection";
        let constructs = words
            .iter()
            .skip_while(|w| *w == "new")
            .last()
            .is_some_and(|w| CONNECTIONS.contains(&w.as_str()));
        if (dials || constructs) && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

/// Parameters declared with a connection's type (`c *Conn`, `stream: &mut
/// TcpStream`, `Socket s`, `sock: socket.socket`): the caller made the
/// connection, the function talks over it.
pub(super) fn connection_parameters(cx: &FnCx) -> Vec<String> {
    let Some(params) = cx.node.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut stack = vec![params];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            stack.push(child);
        }
        let Some(ty) = node.child_by_field_name("type") else {
            continue;
        };
        if !names_a_connection_type(&node_text(ty, cx.rope)) {
            continue;
        }
        let mut cursor = node.walk();
        let mut named: Vec<String> = node
            .children_by_field_name("name", &mut cursor)
            .map(|n| node_text(n, cx.rope))
            .collect();
        for field in ["pattern", "name"] {
            if named.is_empty()
                && let Some(n) = node.child_by_field_name(field)
            {
                named.push(node_text(n, cx.rope));
            }
        }
        // Python's typed parameter holds its name as the first child.
        if named.is_empty()
            && let Some(n) = node.named_child(0).filter(|n| n.kind() == "identifier")
        {
            named.push(node_text(n, cx.rope));
        }
        for name in named {
            let name = name.trim_start_matches("mut ").trim().to_owned();
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Whether a type as written is a connection's: its own name's last word
/// names one (`*Conn`, `net.Conn`, `Socket`, `redis::Client`), or it is a
/// stream over a socket (`TcpStream`, `TlsStream<…>`, `SSLSocket`); a
/// stream alone is as often a file's or a collection's.
fn names_a_connection_type(ty: &str) -> bool {
    let ty = ty.trim().trim_start_matches([':', ' ']);
    let ty = ty
        .trim_start_matches(['*', '&', '[', ']', ' '])
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ")
        .trim_start_matches("impl ");
    let own = ty.split(['<', '[', '|', ' ']).next().unwrap_or(ty);
    let own = own.rsplit(['.', ':']).next().unwrap_or(own);
    let words = identifier_words(own);
    let Some(last) = words.last() else {
        return false;
    };
    if last == "stream" {
        return words.iter().any(|w| {
            matches!(
                w.as_str(),
                "tcp" | "unix" | "tls" | "ssl" | "net" | "socket"
            )
        });
    }
    CONNECTIONS.contains(&last.as_str())
}

/// What a call's receiver names, with TypeScript's non-null assertion
/// and an inline `require` read through: `this.session!` is `this.session`,
/// `require('node:tls')` is `tls`.
fn module_or_value(receiver: &str) -> &str {
    let receiver = receiver.trim_end_matches(['!', '?']);
    if let Some(module) = receiver
        .strip_prefix("require(")
        .and_then(|r| r.strip_suffix(')'))
    {
        let module = module.trim_matches(['\'', '"', '`']);
        return module.rsplit([':', '/']).next().unwrap_or(module);
    }
    receiver
}

/// Words a method's name starts with when it exchanges bytes with the
/// peer: for a connection's own methods, where accessors and bookkeeping
/// (`s.updateState()`, `self.is_closed()`) are most of the calls.
const TALKS: &[&str] = &[
    "read",
    "write",
    "send",
    "recv",
    "receive",
    "flush",
    "greet",
    "handshake",
    "ping",
    "dial",
    "connect",
    "bind",
    "accept",
    "hello",
    "ehlo",
    "auth",
    "login",
    "negotiate",
    "request",
    "fetch",
    "transmit",
    "upgrade",
    "reconnect",
];

/// Whether a method's first word is one of [`TALKS`].
fn talks_to_peer(method: &str) -> bool {
    identifier_words(method)
        .first()
        .is_some_and(|w| TALKS.contains(&w.as_str()))
}

/// Whether a method may touch the wire: not a listener, an option, an
/// accessor or a timeout.
fn does_io(method: &str) -> bool {
    let lower = method.to_lowercase();
    if VERBS.contains(&lower.as_str()) {
        return true;
    }
    !lower.is_empty()
        && !NO_IO.contains(&lower.as_str())
        && (!lower.starts_with("get") || lower == "getinputstream" || lower == "getresponse")
        && !lower.starts_with("set")
        && !lower.starts_with("is")
        && !lower.starts_with("has")
        && !lower.starts_with("with")
}
