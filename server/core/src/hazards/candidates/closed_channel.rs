//! A Go channel the file closes in one function and sends on in another:
//! `close(tun.events)` in `Close`, `tun.events <- EventMTUUpdate` in
//! `ForceMTU`. A send on a closed channel panics (`send on closed
//! channel`), and nothing orders a call that comes after `Close`
//! (wireguard-go's Windows tun). A test of a closed flag or a done channel
//! before the send, with an early exit, is the guard; so is the send in
//! the very function that closes, which sees its own order.

use super::*;

/// The fields and variables the file closes, by their last name (`events`
/// of `close(tun.events)`): each method names its receiver its own way.
pub(super) fn closed_channels(language: Language, text: &str) -> Vec<String> {
    if language != Language::Go {
        return Vec::new();
    }
    let mut names: Vec<String> = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), "close(") {
        // `close(`, not `Close(` or `xclose(`.
        if text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        let inside = &text[at + "close(".len()..];
        let Some(channel) = inside.split(')').next() else {
            continue;
        };
        let last = channel.rsplit('.').next().unwrap_or(channel).trim();
        if !last.is_empty()
            && last.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !names.iter().any(|n| n == last)
        {
            names.push(last.to_owned());
        }
    }
    names
}

impl Scan<'_, '_, '_> {
    pub(super) fn send_on_closed(&mut self, node: Node) {
        if self.cx.language != Language::Go
            || node.kind() != "send_statement"
            || self.cx.file.closed_channels.is_empty()
        {
            return;
        }
        let Some(channel) = node.child_by_field_name("channel") else {
            return;
        };
        let channel = self.text(channel);
        let last = channel.rsplit('.').next().unwrap_or(&channel).trim();
        if !self.cx.file.closed_channels.iter().any(|c| c == last)
            || self.body.contains(&format!("close({channel})"))
        {
            return;
        }
        let tests_closed = |text: &str| {
            [
                "close", "Close", "done", "Done", "ctx.Err", "shutdown", "stopped",
            ]
            .iter()
            .any(|w| text.contains(w))
        };
        if crate::hazards::guards::guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &tests_closed,
        ) || self.locked(node) && self.body.contains("closed")
        {
            return;
        }
        if let Some(found) = self.added(
            node,
            Other,
            0.10,
            "the channel was closed (the value shut down) before this send, and a send on a closed channel panics",
        ) {
            found.error_type = "panic".to_owned();
            found.error = "panic: send on closed channel".to_owned();
        }
    }
}
