//! A scripted OpenAI-compatible HTTP peer for the protocol tests of the
//! model-server backend: it answers what each test tells it to (a stream,
//! an error status, silence, a dropped connection) and records every
//! request. Only what the real-server test cannot show on demand —
//! timeouts, retries, refused formats, the breaker — is tested against it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// One request as the stub saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to answer.
pub enum Answer {
    /// A status and a JSON body.
    Json(u16, Value),
    /// Server-sent events: these content pieces, one chunk each, `gap` apart.
    Stream { pieces: Vec<String>, gap: Duration },
    /// Read the request, then say nothing for this long.
    Silence(Duration),
    /// Close the connection without an answer.
    Hangup,
}

type Script = dyn Fn(&Seen, usize) -> Answer + Send + Sync;

pub struct Stub {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    /// Set when a streaming answer could not be written: the client hung up.
    pub client_hung_up: Arc<AtomicBool>,
}

impl Stub {
    /// Serves on a free loopback port; `script(request, n)` decides the
    /// answer to the n-th chat-completions request (0-based). `GET /models`
    /// always lists one model, `stub-model`.
    pub fn start(script: impl Fn(&Seen, usize) -> Answer + Send + Sync + 'static) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let hung_up = Arc::new(AtomicBool::new(false));
        let script: Arc<Script> = Arc::new(script);
        let (seen2, stop2, hung_up2) = (seen.clone(), stop.clone(), hung_up.clone());
        std::thread::spawn(move || {
            let completions = Arc::new(Mutex::new(0usize));
            for stream in listener.incoming() {
                if stop2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (seen, script, hung_up, completions) = (
                    seen2.clone(),
                    script.clone(),
                    hung_up2.clone(),
                    completions.clone(),
                );
                std::thread::spawn(move || {
                    serve(stream, &seen, &*script, &hung_up, &completions);
                });
            }
        });
        Stub {
            port,
            seen,
            stop,
            client_hung_up: hung_up,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The chat-completions requests so far.
    pub fn completions(&self) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.path.ends_with("/chat/completions"))
            .collect()
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(
    stream: TcpStream,
    seen: &Mutex<Vec<Seen>>,
    script: &Script,
    hung_up: &AtomicBool,
    completions: &Mutex<usize>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            let value = value.trim().to_string();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().unwrap_or(0);
            }
            headers.push((name.to_string(), value));
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Seen {
        method,
        path,
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    seen.lock().unwrap().push(request.clone());
    let mut out = stream;
    if request.path.ends_with("/models") {
        let body = json!({"object": "list", "data": [{"id": "stub-model", "object": "model"}]});
        write_json(&mut out, 200, &body);
        return;
    }
    let n = {
        let mut count = completions.lock().unwrap();
        *count += 1;
        *count - 1
    };
    match script(&request, n) {
        Answer::Json(status, body) => write_json(&mut out, status, &body),
        Answer::Stream { pieces, gap } => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
            if out.write_all(head.as_bytes()).is_err() {
                hung_up.store(true, Ordering::Relaxed);
                return;
            }
            for piece in pieces {
                let chunk = json!({"choices": [{"index": 0, "delta": {"content": piece}}]});
                let event = format!("data: {chunk}\n\n");
                if out
                    .write_all(event.as_bytes())
                    .and_then(|_| out.flush())
                    .is_err()
                {
                    hung_up.store(true, Ordering::Relaxed);
                    return;
                }
                std::thread::sleep(gap);
            }
            let _ = out.write_all(b"data: [DONE]\n\n");
        }
        Answer::Silence(time) => std::thread::sleep(time),
        Answer::Hangup => {}
    }
}

fn write_json(out: &mut TcpStream, status: u16, body: &Value) {
    let text = body.to_string();
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        text.len()
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(text.as_bytes());
}

/// `text` cut into pieces of about `size` characters, as a server streams it.
pub fn pieces(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(size.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

/// A valid answer for a function on lines 1-2 plus one scenario on a line
/// outside it, which validation must drop.
pub fn answer_text() -> String {
    json!({"scenarios": [
        {"class": "index_out_of_range", "line": 2, "trigger": "xs is empty",
         "error": "IndexError: list index out of range", "likelihood": 0.7,
         "log": "ERROR first item of an empty list"},
        {"class": "timeout", "line": 40, "trigger": "t", "error": "e", "likelihood": 0.5, "log": "l"}
    ]})
    .to_string()
}
