//! Input kept whole: every piece a read loop or a stream's `'data'`
//! listener gets is appended to what it already holds (`chunks.append(
//! chunk)`, `body += chunk`, `buf = append(buf, b...)`), and nothing
//! checks how much that is. A client that sends a gigabyte, or never
//! stops, fills the memory at that line. [`input_loop`](super::input_loop)
//! names the loop's head; this names the line that grows. A size or count
//! checked against a limit anywhere in the function is the guard.

use super::*;

/// How an append is spelled, in every language: a method, an operator or
/// Go's `append`.
const APPENDS: &[&str] = &[
    ".append(",
    ".extend(",
    ".push(",
    ".push_str(",
    ".extend_from_slice(",
    ".write(",
    ".Write(",
    ".concat(",
    "= append(",
    "+=",
];

/// Whether `text` counts what it keeps against a limit: the words of
/// [`input_loop`](super::input_loop)'s, and JavaScript's `.length`.
fn limited(text: &str) -> bool {
    super::input_loop::LIMITS
        .iter()
        .chain(&[".length"])
        .any(|w| text.contains(w))
}

/// The likelihood: below the named calls, like the loop head's.
const BASE: f32 = 0.04;

const TRIGGER: &str =
    "the peer sends more than memory holds, or never stops, and every piece is kept";

/// `buf = buf + piece`: an append spelled as an assignment of the
/// target plus something.
fn grows_itself(line: &str) -> bool {
    let Some((left, right)) = line.split_once('=') else {
        return false;
    };
    let target = left.trim();
    !target.is_empty()
        && !right.starts_with('=')
        && right
            .trim()
            .strip_prefix(target)
            .is_some_and(|rest| rest.trim_start().starts_with('+'))
}

/// Methods a framework calls with each piece a peer sends: asyncio's and
/// Twisted's protocols, Netty's handlers, Node's stream implementations.
const RECEIVERS: &[&str] = &[
    "data_received",
    "dataReceived",
    "rawDataReceived",
    "channelRead",
    "_transform",
    "_write",
    "onData",
    "on_data",
];

impl Scan<'_, '_, '_> {
    /// A method the framework calls with each piece received
    /// ([`RECEIVERS`]) that appends the piece to what it keeps between
    /// calls, with no limit in the method: the protocol's buffer grows as
    /// long as the peer sends (Twisted's SSH transport kept a version line
    /// that never ended).
    pub(super) fn received_piece_kept(&mut self) {
        let name = self.own_name();
        if !RECEIVERS.contains(&name) || limited(&self.body) {
            return;
        }
        let pieces: Vec<String> = self
            .parameters
            .iter()
            .filter(|p| !matches!(p.as_str(), "self" | "ctx" | "encoding" | "callback" | "cb"))
            .cloned()
            .collect();
        let body = self
            .cx
            .node
            .child_by_field_name("body")
            .unwrap_or(self.cx.node);
        if let Some(grows) = self.first_append_of(body, &pieces) {
            // Kept between calls: on the object, not in a local.
            let kept = self.text(grows);
            if ["self.", "this."].iter().any(|o| kept.contains(o)) {
                self.add(grows, ResourceExhaustion, BASE, TRIGGER);
            }
        }
    }

    /// An endless loop that reads (see [`input_loop`](super::input_loop)):
    /// the first statement of its body that appends what it read.
    pub(super) fn accumulated_in_loop(&mut self, node: Node, pieces: &[String]) {
        if limited(&self.body) {
            return;
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        if let Some(grows) = self.first_append_of(body, pieces) {
            self.add(grows, ResourceExhaustion, BASE, TRIGGER);
        }
    }

    /// A call that passes a stream's `'data'` listener (`req.on('data',
    /// (chunk) => { body += chunk; })`): where the listener appends its
    /// piece.
    pub(super) fn accumulating_listener(&mut self, call: Node) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || !matches!(call.kind(), "call_expression")
        {
            return;
        }
        let callee = call
            .child_by_field_name("function")
            .map(|f| self.text(f))
            .unwrap_or_default();
        if !["on", "once", "addListener"]
            .iter()
            .any(|on| callee.ends_with(&format!(".{on}")))
        {
            return;
        }
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        let arguments: Vec<Node> = arguments.named_children(&mut cursor).collect();
        let [event, listener, ..] = arguments.as_slice() else {
            return;
        };
        if !matches!(self.text(*event).as_str(), "'data'" | "\"data\"")
            || !matches!(
                listener.kind(),
                "arrow_function" | "function_expression" | "function"
            )
        {
            return;
        }
        let listener_text = self.text(*listener);
        if limited(&listener_text) {
            return;
        }
        let piece = crate::hazards::guards::parameters(self.cx.language, *listener, self.cx.rope);
        let Some(piece) = piece.first() else {
            return;
        };
        let body = listener.child_by_field_name("body").unwrap_or(*listener);
        if let Some(grows) = self.first_append_of(body, std::slice::from_ref(piece)) {
            self.add(grows, ResourceExhaustion, BASE, TRIGGER);
        }
    }

    /// The first statement under `node` that appends one of `pieces`
    /// (named as a whole word) to something.
    fn first_append_of<'t>(&self, node: Node<'t>, pieces: &[String]) -> Option<Node<'t>> {
        // In source order: the first one written, the outer of two nested.
        crate::hazards::tree::descendants(node)
            .into_iter()
            .find(|n| {
                if !n.kind().ends_with("statement") {
                    return false;
                }
                let text = self.text(*n);
                let first_line = text.lines().next().unwrap_or_default();
                (APPENDS.iter().any(|a| first_line.contains(a)) || grows_itself(first_line))
                    && pieces.iter().any(|piece| mentions(first_line, piece))
            })
    }
}
