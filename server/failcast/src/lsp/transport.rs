//! The stdio transport in front of tower-lsp-server: frame validation on the
//! way in, a single ordered writer on the way out.
//!
//! tower-lsp-server decodes with tokio-util's `FramedRead`, which ends the
//! stream on the first decode error: one frame whose body is not JSON, not
//! UTF-8 or not a JSON-RPC message stops the server (measured on 0.23). So
//! `FrameGuard` reads the raw bytes first, passes only frames the codec will
//! accept, answers the others with a JSON-RPC error (-32700 parse error or
//! -32600 invalid request) and resynchronises on the next `Content-Length`
//! header. Error replies and the server's own output share one channel to
//! the writer, so frames never interleave.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, BytesMut};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::mpsc::UnboundedSender;

/// Bodies larger than this are refused: far beyond a 50 MB buffer's JSON,
/// small enough that a lying header cannot make us allocate without bound.
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
/// A header block longer than this is garbage.
const MAX_HEADER_BYTES: usize = 8 * 1024;

const HEADER_NAME: &[u8] = b"content-length";

/// Counts of what the guard refused, for logs and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuardStats {
    pub passed: u64,
    pub rejected: u64,
}

/// An `AsyncRead` that yields only well-formed LSP frames.
pub struct FrameGuard<R> {
    inner: R,
    input: BytesMut,
    output: BytesMut,
    replies: UnboundedSender<Vec<u8>>,
    eof: bool,
    stats: GuardStats,
}

impl<R> FrameGuard<R> {
    pub fn new(inner: R, replies: UnboundedSender<Vec<u8>>) -> FrameGuard<R> {
        FrameGuard {
            inner,
            input: BytesMut::with_capacity(64 * 1024),
            output: BytesMut::new(),
            replies,
            eof: false,
            stats: GuardStats::default(),
        }
    }

    pub fn stats(&self) -> GuardStats {
        self.stats
    }

    /// Moves every complete frame from `input` to `output` (or answers it
    /// with an error). Returns when more input is needed.
    fn process(&mut self) {
        loop {
            match next_frame(&self.input) {
                Frame::Incomplete => return,
                Frame::Garbage { skip, reason } => {
                    tracing::warn!("dropping {skip} bytes of malformed input: {reason}");
                    self.reject(error_reply(
                        Value::Null,
                        -32700,
                        &format!("Parse error: {reason}"),
                    ));
                    self.input.advance(skip);
                }
                Frame::Complete {
                    header_len,
                    body_len,
                } => {
                    let body = &self.input[header_len..header_len + body_len];
                    match validate(body) {
                        Ok(()) => {
                            self.output.extend_from_slice(
                                format!("Content-Length: {body_len}\r\n\r\n").as_bytes(),
                            );
                            self.output.extend_from_slice(body);
                            self.stats.passed += 1;
                            self.input.advance(header_len + body_len);
                        }
                        Err(reply) => {
                            // A truncated body swallows the start of the next
                            // frame; resume at that frame's header if we see one.
                            let consumed = find_header(body, 1)
                                .map_or(header_len + body_len, |at| header_len + at);
                            tracing::warn!("refusing a malformed message ({body_len} bytes)");
                            self.reject(reply);
                            self.input.advance(consumed);
                        }
                    }
                }
            }
        }
    }

    fn reject(&mut self, reply: Value) {
        self.stats.rejected += 1;
        let body = reply.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        // If the writer is gone the client is gone too; nothing to tell.
        let _ = self.replies.send(frame.into_bytes());
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for FrameGuard<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.output.is_empty() {
                let n = this.output.len().min(buf.remaining());
                buf.put_slice(&this.output[..n]);
                this.output.advance(n);
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            let mut chunk = [0u8; 64 * 1024];
            let mut chunk_buf = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut chunk_buf) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Ready(Ok(())) => {
                    let filled = chunk_buf.filled();
                    if filled.is_empty() {
                        this.eof = true;
                        if !this.input.is_empty() {
                            tracing::warn!(
                                "input ended inside a frame; dropping {} bytes",
                                this.input.len()
                            );
                            this.input.clear();
                        }
                    } else {
                        this.input.extend_from_slice(filled);
                        this.process();
                    }
                }
            }
        }
    }
}

enum Frame {
    Incomplete,
    Garbage { skip: usize, reason: String },
    Complete { header_len: usize, body_len: usize },
}

/// Finds a `Content-Length` header name (case-insensitive) at or after `from`.
fn find_header(bytes: &[u8], from: usize) -> Option<usize> {
    if bytes.len() < HEADER_NAME.len() {
        return None;
    }
    (from..=bytes.len() - HEADER_NAME.len())
        .find(|&i| bytes[i..i + HEADER_NAME.len()].eq_ignore_ascii_case(HEADER_NAME))
}

fn next_frame(input: &[u8]) -> Frame {
    if input.is_empty() {
        return Frame::Incomplete;
    }
    // Stray bytes before a header (a previous frame's tail, a newline some
    // clients add) are skipped up to the next header.
    match find_header(input, 0) {
        Some(0) => {}
        Some(at) => {
            return Frame::Garbage {
                skip: at,
                reason: "bytes outside any frame".to_owned(),
            };
        }
        None if input.len() > MAX_HEADER_BYTES => {
            let keep = HEADER_NAME.len() - 1;
            return Frame::Garbage {
                skip: input.len() - keep,
                reason: "no Content-Length header".to_owned(),
            };
        }
        None => {
            if input.iter().all(u8::is_ascii_whitespace) && input.len() > 4 {
                return Frame::Garbage {
                    skip: input.len(),
                    reason: "blank input".to_owned(),
                };
            }
            return Frame::Incomplete;
        }
    }
    let (header_end, terminator) = match (
        memchr::memmem::find(input, b"\r\n\r\n"),
        memchr::memmem::find(input, b"\n\n"),
    ) {
        (Some(a), Some(b)) if b + 1 < a => (b, 2),
        (Some(a), _) => (a, 4),
        (None, Some(b)) => (b, 2),
        (None, None) if input.len() > MAX_HEADER_BYTES => {
            return Frame::Garbage {
                skip: find_header(input, 1).unwrap_or(input.len()),
                reason: "header block never ends".to_owned(),
            };
        }
        (None, None) => return Frame::Incomplete,
    };
    let header_len = header_end + terminator;
    let skip_header = || find_header(input, 1).map_or(header_len, |at| at.min(header_len));
    let Ok(headers) = std::str::from_utf8(&input[..header_end]) else {
        return Frame::Garbage {
            skip: skip_header(),
            reason: "header is not text".to_owned(),
        };
    };
    let mut length = None;
    for line in headers.lines() {
        let Some((name, value)) = line.split_once(':') else {
            return Frame::Garbage {
                skip: skip_header(),
                reason: format!("malformed header line {line:?}"),
            };
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
            if length.is_none() {
                return Frame::Garbage {
                    skip: skip_header(),
                    reason: format!("invalid Content-Length {:?}", value.trim()),
                };
            }
        }
    }
    match length {
        None => Frame::Garbage {
            skip: skip_header(),
            reason: "missing Content-Length".to_owned(),
        },
        Some(len) if len > MAX_BODY_BYTES => Frame::Garbage {
            skip: skip_header(),
            reason: format!("Content-Length {len} exceeds the {MAX_BODY_BYTES} byte limit"),
        },
        Some(len) if input.len() < header_len + len => Frame::Incomplete,
        Some(len) => Frame::Complete {
            header_len,
            body_len: len,
        },
    }
}

/// Checks that a body is a message tower-lsp-server's codec will accept;
/// otherwise returns the error reply to send.
fn validate(body: &[u8]) -> Result<(), Value> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(error_reply(
            Value::Null,
            -32700,
            "Parse error: body is not UTF-8",
        ));
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            return Err(error_reply(
                Value::Null,
                -32700,
                &format!("Parse error: {err}"),
            ));
        }
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let method = value
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    // The codec's message type is an untagged enum of these two.
    let is_response =
        serde_json::from_value::<tower_lsp_server::jsonrpc::Response>(value.clone()).is_ok();
    let is_request =
        !is_response && serde_json::from_value::<tower_lsp_server::jsonrpc::Request>(value).is_ok();
    if is_request && method.starts_with("$/") && matches!(id, Value::Number(_) | Value::String(_)) {
        // The LSP spec wants a `$/` request the server does not know answered
        // with MethodNotFound; tower-lsp-server drops it, and the client
        // would wait for its reply forever. No `$/` method is a request.
        return Err(error_reply(
            id,
            -32601,
            &format!("Method not found: {method}"),
        ));
    }
    if is_response || is_request {
        Ok(())
    } else {
        let id = match id {
            Value::Number(_) | Value::String(_) => id,
            _ => Value::Null,
        };
        Err(error_reply(
            id,
            -32600,
            "Invalid Request: not a JSON-RPC 2.0 request, notification or response",
        ))
    }
}

fn error_reply(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id})
}

/// A `textDocument/publishDiagnostics` notification as a whole frame, from
/// its diagnostics already serialised as a JSON array. The analysis worker
/// serialises them once, straight from the diagnostics, and hashes the
/// same bytes to tell a change; going through the client would build a
/// `serde_json::Value` of every diagnostic first, then serialise that.
pub fn publish_diagnostics_frame(uri: &str, version: i32, diagnostics: &[u8]) -> Vec<u8> {
    let uri = serde_json::to_string(uri).unwrap_or_else(|_| "\"\"".to_owned());
    let head = format!(
        "{{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{{\"uri\":{uri},\"diagnostics\":"
    );
    let tail = format!(",\"version\":{version}}}}}");
    let length = head.len() + diagnostics.len() + tail.len();
    let header = format!("Content-Length: {length}\r\n\r\n");
    let mut frame = Vec::with_capacity(header.len() + length);
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(head.as_bytes());
    frame.extend_from_slice(diagnostics);
    frame.extend_from_slice(tail.as_bytes());
    frame
}

/// The `AsyncWrite` handed to tower-lsp-server: it cuts the byte stream into
/// whole frames and queues them for the writer.
pub struct FrameSink {
    pending: BytesMut,
    frames: UnboundedSender<Vec<u8>>,
}

impl FrameSink {
    pub fn new(frames: UnboundedSender<Vec<u8>>) -> FrameSink {
        FrameSink {
            pending: BytesMut::new(),
            frames,
        }
    }

    fn flush_frames(&mut self) -> io::Result<()> {
        while let Frame::Complete {
            header_len,
            body_len,
        } = next_frame(&self.pending)
        {
            let frame = self.pending.split_to(header_len + body_len);
            self.frames
                .send(frame.to_vec())
                .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "writer stopped"))?;
        }
        Ok(())
    }
}

impl AsyncWrite for FrameSink {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.pending.extend_from_slice(buf);
        Poll::Ready(this.flush_frames().map(|()| buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Writes queued frames to `out` in order, flushing whenever the queue runs dry.
pub async fn write_frames(
    mut frames: tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    mut out: impl AsyncWrite + Unpin,
) {
    while let Some(frame) = frames.recv().await {
        if let Err(err) = out.write_all(&frame).await {
            tracing::error!("cannot write to the client: {err}");
            return;
        }
        if frames.is_empty()
            && let Err(err) = out.flush().await
        {
            tracing::error!("cannot flush output to the client: {err}");
            return;
        }
    }
    let _ = out.flush().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// Feeds `input` through a guard; returns what passed and what was answered.
    async fn run(input: Vec<u8>) -> (String, Vec<String>) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut guard = FrameGuard::new(&input[..], tx);
        let mut passed = Vec::new();
        guard.read_to_end(&mut passed).await.unwrap();
        drop(guard);
        let mut replies = Vec::new();
        while let Some(reply) = rx.recv().await {
            let text = String::from_utf8(reply).unwrap();
            replies.push(text.split_once("\r\n\r\n").unwrap().1.to_owned());
        }
        (String::from_utf8(passed).unwrap(), replies)
    }

    #[tokio::test]
    async fn passes_good_frames_and_answers_bad_ones() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let mut input = Vec::new();
        input.extend(frame("{nope").into_bytes());
        input.extend(frame(good).into_bytes());
        input.extend(b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc");
        input.extend(frame(r#"{"jsonrpc":"2.0","id":7,"method":5}"#).into_bytes());
        input.extend(frame("[1,2]").into_bytes());
        input.extend(b"Content-Type: text/plain\r\n\r\n");
        input.extend(b"garbage before a frame ");
        input.extend(frame(good).into_bytes());
        // A body that claims 100 bytes but is cut short by the next frame.
        input.extend(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":");
        input.extend(frame(good).into_bytes());
        input.extend(b"Content-Length: 99999999999\r\n\r\n");
        input.extend(frame(good).into_bytes());
        input.extend(frame(r#"{"jsonrpc":"2.0","id":9,"method":"$/weird"}"#).into_bytes());
        let (passed, replies) = run(input).await;
        assert_eq!(passed, frame(good).repeat(4));
        insta::assert_snapshot!(replies.join("\n"), @r#"
        {"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error: key must be a string at line 1 column 2"},"id":null}
        {"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error: body is not UTF-8"},"id":null}
        {"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request: not a JSON-RPC 2.0 request, notification or response"},"id":7}
        {"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request: not a JSON-RPC 2.0 request, notification or response"},"id":null}
        {"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error: bytes outside any frame"},"id":null}
        {"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error: expected value at line 1 column 12"},"id":null}
        {"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error: Content-Length 99999999999 exceeds the 268435456 byte limit"},"id":null}
        {"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found: $/weird"},"id":9}
        "#);
    }

    /// A publication written straight to the wire reads as the client's
    /// would: the same notification, parameters and diagnostics.
    #[test]
    fn publish_frames_match_the_clients_notification() {
        use tower_lsp_server::ls_types::{
            Diagnostic, Position, PublishDiagnosticsParams, Range, Uri,
        };
        let uri: Uri = "file:///work/app%20one/handlers.py".parse().unwrap();
        let diagnostics = vec![Diagnostic {
            range: Range::new(Position::new(3, 4), Position::new(3, 9)),
            message: "KeyError \"id\"\nTrigger: é".to_owned(),
            ..Diagnostic::default()
        }];
        let json = serde_json::to_vec(&diagnostics).unwrap();
        let frame = publish_diagnostics_frame(uri.as_str(), 7, &json);
        let text = String::from_utf8(frame).unwrap();
        let (header, body) = text.split_once("\r\n\r\n").unwrap();
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let sent: Value = serde_json::from_str(body).unwrap();
        let params = PublishDiagnosticsParams::new(uri, diagnostics, Some(7));
        assert_eq!(
            sent,
            json!({
                "jsonrpc": "2.0",
                "method": "textDocument/publishDiagnostics",
                "params": serde_json::to_value(params).unwrap(),
            })
        );
    }

    #[tokio::test]
    async fn frames_split_across_reads() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = frame(good).repeat(3).into_bytes();
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        // A reader that hands out one byte at a time.
        let reader = tokio_test_reader(input);
        let mut guard = FrameGuard::new(reader, tx);
        let mut passed = Vec::new();
        guard.read_to_end(&mut passed).await.unwrap();
        assert_eq!(String::from_utf8(passed).unwrap(), frame(good).repeat(3));
    }

    fn tokio_test_reader(bytes: Vec<u8>) -> impl AsyncRead + Unpin {
        struct OneByte(std::collections::VecDeque<u8>);
        impl AsyncRead for OneByte {
            fn poll_read(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                if let Some(b) = self.0.pop_front() {
                    buf.put_slice(&[b]);
                }
                Poll::Ready(Ok(()))
            }
        }
        OneByte(bytes.into())
    }
}
