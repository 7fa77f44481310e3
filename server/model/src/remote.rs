//! The shared model server: an OpenAI-compatible chat-completions endpoint
//! (llama.cpp's `llama-server`, llama-cpp-python, vLLM, Ollama) asked the
//! same question as the embedded model, with the same prompt and schema.
//!
//! The server is a network peer, so everything about it can fail: it is
//! down, slow, overloaded, or does not understand the JSON-schema
//! `response_format`. Requests stream (`stream: true`) so the job's cancel
//! flag is checked between chunks as it is between decode steps; a refused
//! `response_format` is downgraded (`json_schema` → `json_object` with a
//! schema → none) and remembered; connection errors and 5xx/429 answers are
//! retried with backoff; what comes back is validated by the same parser as
//! the embedded model's output. The engine's [`Breaker`] decides when to
//! stop asking a server that keeps failing.

use std::io::{BufRead, BufReader, Read};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::engine::JobStats;
use super::output::{self, ModelScenario};
use super::prompt::{self, PromptInput, SYSTEM_PROMPT, clip};

/// How to reach the server and how patient to be with it.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteConfig {
    /// Base URL of the API (`http://gpu-box:8080/v1`), normalised by
    /// [`normalize_endpoint`].
    pub endpoint: String,
    /// Model name sent with each request; empty: the first one the server lists.
    pub model: String,
    pub api_key: Option<String>,
    /// The environment variable the key comes from, named in messages.
    pub api_key_env: String,
    /// For one request, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// Extra attempts after a connection error or a 5xx/429 answer.
    pub retries: u32,
    /// While the server is down, run the embedded model (when its file is
    /// there) instead of serving static predictions only.
    pub fallback_embedded: bool,
}

impl RemoteConfig {
    /// What the predictions are cached under: the same prompt to another
    /// server or model is another answer.
    pub fn identity(&self, model: &str) -> String {
        let digest = Sha256::digest(format!("openai\n{}\n{model}", self.endpoint));
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Why `model.endpoint` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("model.endpoint `{0}` is not a URL (e.g. http://gpu-box:8080/v1)")]
    NotAUrl(String),
    #[error("model.endpoint `{0}` must start with http:// or https://")]
    Scheme(String),
    #[error("model.endpoint `{0}` has no host")]
    NoHost(String),
}

/// `http://host:8080` and `http://host:8080/v1/chat/completions` both mean
/// `http://host:8080/v1`: users paste either.
pub fn normalize_endpoint(raw: &str) -> Result<String, EndpointError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return Err(EndpointError::NotAUrl(raw.to_owned()));
    };
    if scheme != "http" && scheme != "https" {
        return Err(EndpointError::Scheme(raw.to_owned()));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err(EndpointError::NoHost(raw.to_owned()));
    }
    let without_call = trimmed.strip_suffix("/chat/completions").unwrap_or(trimmed);
    let has_path = without_call
        .split_once("://")
        .is_some_and(|(_, rest)| rest.contains('/'));
    Ok(if has_path {
        without_call.to_string()
    } else {
        format!("{without_call}/v1")
    })
}

/// How the answer's shape is asked for. Servers differ: OpenAI, vLLM,
/// llama-server and Ollama take `json_schema`; llama-cpp-python only
/// `json_object` with a `schema`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseFormat {
    JsonSchema,
    JsonObjectSchema,
    /// No constraint: the prompt and validation alone.
    Unconstrained,
}

impl ResponseFormat {
    fn body(self, schema: &Value) -> Option<Value> {
        match self {
            ResponseFormat::JsonSchema => Some(json!({
                "type": "json_schema",
                "json_schema": { "name": "failcast_scenarios", "strict": true, "schema": schema },
            })),
            ResponseFormat::JsonObjectSchema => {
                Some(json!({ "type": "json_object", "schema": schema }))
            }
            ResponseFormat::Unconstrained => None,
        }
    }

    fn weaker(self) -> Option<ResponseFormat> {
        match self {
            ResponseFormat::JsonSchema => Some(ResponseFormat::JsonObjectSchema),
            ResponseFormat::JsonObjectSchema => Some(ResponseFormat::Unconstrained),
            ResponseFormat::Unconstrained => None,
        }
    }
}

/// How one prediction on the server ended.
#[derive(Debug)]
pub enum RemoteOutcome {
    Done(Vec<ModelScenario>, JobStats),
    Cancelled,
    /// The server could not be used (down, timed out, refused us): the
    /// breaker counts it and the job falls back.
    Unavailable(String),
    /// The server answered but the answer is unusable; the job fails.
    Failed(String),
}

/// Why one HTTP call failed, and so what to do next.
#[derive(Debug)]
enum CallError {
    /// Worth another attempt (connection refused or reset, 5xx, 429).
    Transient(String),
    /// Not worth another attempt now (timeout, 401, 404).
    Down(String),
    /// The request was refused as malformed (400, 422): try a weaker format.
    Refused(String),
    /// The answer itself is unusable.
    Bad(String),
}

enum Reply {
    Text {
        text: String,
        chunks: usize,
        usage: Option<(usize, usize)>,
    },
    Cancelled,
}

/// Output longer than this is not an answer to our question.
const MAX_REPLY_BYTES: usize = 256 * 1024;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(4);

/// One connection pool to one server, used by the engine's thread only.
pub struct RemoteSession {
    config: RemoteConfig,
    agent: ureq::Agent,
    /// The model name requests carry, once known.
    model: String,
    format: ResponseFormat,
    max_output_tokens: usize,
}

impl RemoteSession {
    pub fn new(config: RemoteConfig, max_output_tokens: usize) -> RemoteSession {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.timeout.min(Duration::from_secs(5))))
            .http_status_as_error(false)
            .user_agent(concat!("failcast/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        RemoteSession {
            model: config.model.clone(),
            config,
            agent,
            format: ResponseFormat::JsonSchema,
            max_output_tokens,
        }
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn endpoint(&self) -> &str {
        &self.config.endpoint
    }

    pub fn format(&self) -> ResponseFormat {
        self.format
    }

    /// Asks the server which models it serves (`GET /models`): tells whether
    /// it is up, and names the model when none is configured.
    pub fn probe(&mut self) -> Result<Vec<String>, String> {
        let url = format!("{}/models", self.config.endpoint);
        let mut request = self
            .agent
            .get(&url)
            .config()
            .timeout_global(Some(self.config.timeout.min(Duration::from_secs(5))))
            .build();
        if let Some(key) = &self.config.api_key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        let response = request.call().map_err(|e| describe_io(&url, &e))?;
        let status = response.status().as_u16();
        let mut body = response.into_body();
        let text = body
            .with_config()
            .limit(MAX_REPLY_BYTES as u64)
            .read_to_string()
            .map_err(|e| describe_io(&url, &e))?;
        if status != 200 {
            return Err(self.status_message(status, &text));
        }
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("{url} answered with no JSON: {e}"))?;
        let ids: Vec<String> = value
            .get("data")
            .and_then(Value::as_array)
            .map(|models| {
                models
                    .iter()
                    .filter_map(|m| m.get("id").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if self.model.is_empty()
            && let Some(first) = ids.first()
        {
            self.model = first.clone();
        }
        Ok(ids)
    }

    /// One prediction. `attempts` is 1 for a probe through a half-open
    /// breaker, else `1 + retries`.
    pub fn predict(
        &mut self,
        input: &PromptInput,
        budget_chars: usize,
        attempts: u32,
        cancelled: &dyn Fn() -> bool,
    ) -> RemoteOutcome {
        let started = Instant::now();
        let rendered = prompt::render(input, budget_chars);
        let schema = prompt::schema(&rendered.lines);
        let mut attempt = 1;
        let mut backoff = FIRST_BACKOFF;
        loop {
            if cancelled() {
                return RemoteOutcome::Cancelled;
            }
            match self.call(&rendered.user, &schema, cancelled) {
                Ok(Reply::Cancelled) => return RemoteOutcome::Cancelled,
                Ok(Reply::Text {
                    text,
                    chunks,
                    usage,
                }) => {
                    tracing::trace!(output = %text, "model server output");
                    let parsed = output::parse(&text, input.lines());
                    let (prompt_tokens, generated_tokens) = usage.unwrap_or((0, chunks));
                    let stats = JobStats {
                        prompt_tokens,
                        generated_tokens,
                        generate_ms: started.elapsed().as_millis() as u64,
                        scenarios_dropped: parsed.dropped,
                        output_truncated: parsed.salvaged,
                        remote: true,
                        ..JobStats::default()
                    };
                    return RemoteOutcome::Done(parsed.scenarios, stats);
                }
                Err(CallError::Refused(message)) => match self.format.weaker() {
                    Some(weaker) => {
                        tracing::info!(
                            %message,
                            from = ?self.format,
                            to = ?weaker,
                            "the model server refused the response format; asking with a weaker one"
                        );
                        self.format = weaker;
                    }
                    None => return RemoteOutcome::Failed(message),
                },
                Err(CallError::Transient(message)) if attempt < attempts => {
                    tracing::debug!(%message, attempt, "model server request failed; retrying");
                    attempt += 1;
                    if !sleep_unless_cancelled(backoff, cancelled) {
                        return RemoteOutcome::Cancelled;
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                Err(CallError::Transient(message) | CallError::Down(message)) => {
                    return RemoteOutcome::Unavailable(message);
                }
                Err(CallError::Bad(message)) => return RemoteOutcome::Failed(message),
            }
        }
    }

    fn call(
        &self,
        user: &str,
        schema: &Value,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Reply, CallError> {
        let url = format!("{}/chat/completions", self.config.endpoint);
        let mut body = json!({
            "messages": [
                { "role": "system", "content": SYSTEM_PROMPT },
                { "role": "user", "content": user },
            ],
            "temperature": 0,
            "max_tokens": self.max_output_tokens,
            "stream": true,
        });
        if !self.model.is_empty() {
            body["model"] = json!(self.model);
        }
        if let Some(format) = self.format.body(schema) {
            body["response_format"] = format;
        }
        let payload = serde_json::to_vec(&body).map_err(|e| CallError::Bad(e.to_string()))?;
        let mut request = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream, application/json");
        if let Some(key) = &self.config.api_key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        let response = request.send(&payload[..]).map_err(|e| classify(&url, &e))?;
        let status = response.status().as_u16();
        let streaming = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let reader = response.into_body().into_reader();
        if status != 200 {
            let text = read_capped(reader, 4096);
            let message = self.status_message(status, &text);
            // llama-cpp-python answers an unknown `response_format` with a
            // 500 whose body names it: that is a refusal, not an outage.
            let about_format =
                self.format != ResponseFormat::Unconstrained && text.contains("response_format");
            return Err(match status {
                400 | 422 => CallError::Refused(message),
                _ if about_format => CallError::Refused(message),
                429 | 500..=599 => CallError::Transient(message),
                _ => CallError::Down(message),
            });
        }
        if streaming {
            read_stream(reader, &url, cancelled)
        } else {
            let text = read_capped(reader, MAX_REPLY_BYTES);
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| CallError::Bad(format!("{url} answered with no JSON: {e}")))?;
            let content = value
                .pointer("/choices/0/message/content")
                .and_then(Value::as_str)
                .ok_or_else(|| CallError::Bad(format!("{url} answered with no message content")))?;
            Ok(Reply::Text {
                text: content.to_string(),
                chunks: 0,
                usage: usage(&value),
            })
        }
    }

    fn status_message(&self, status: u16, body: &str) -> String {
        let detail = error_detail(body);
        match status {
            401 | 403 => format!(
                "the model server refused the API key (HTTP {status}{detail}); set {}",
                self.config.api_key_env
            ),
            404 => format!(
                "{} has no OpenAI-compatible API (HTTP 404{detail}); check model.endpoint",
                self.config.endpoint
            ),
            _ => format!("the model server answered HTTP {status}{detail}"),
        }
    }
}

/// Reads a server-sent-events stream of chat-completion chunks, checking
/// the cancel flag between chunks. Dropping the reader closes the
/// connection, which tells the server to stop generating.
fn read_stream(
    reader: impl Read,
    url: &str,
    cancelled: &dyn Fn() -> bool,
) -> Result<Reply, CallError> {
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    let mut text = String::new();
    let mut chunks = 0;
    let mut usage_seen = None;
    loop {
        if cancelled() {
            return Ok(Reply::Cancelled);
        }
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| CallError::Transient(format!("reading {url}: {e}")))?;
        if read == 0 {
            break;
        }
        let Some(data) = line.trim_end().strip_prefix("data:") else {
            continue;
        };
        let data = data.trim_start();
        if data == "[DONE]" {
            break;
        }
        let Ok(chunk) = serde_json::from_str::<Value>(data) else {
            return Err(CallError::Bad(format!(
                "{url} streamed a chunk that is not JSON: {}",
                clip(data, 120)
            )));
        };
        if let Some(error) = chunk.get("error") {
            return Err(CallError::Transient(format!(
                "the model server failed while answering: {}",
                clip(&error.to_string(), 200)
            )));
        }
        if let Some(piece) = chunk
            .pointer("/choices/0/delta/content")
            .and_then(Value::as_str)
        {
            text.push_str(piece);
            chunks += 1;
        }
        usage_seen = usage(&chunk).or(usage_seen);
        if text.len() > MAX_REPLY_BYTES {
            return Err(CallError::Bad(format!(
                "{url} streamed more than {MAX_REPLY_BYTES} bytes"
            )));
        }
    }
    Ok(Reply::Text {
        text,
        chunks,
        usage: usage_seen,
    })
}

/// `(prompt_tokens, completion_tokens)` when the server reports them.
fn usage(value: &Value) -> Option<(usize, usize)> {
    let usage = value.get("usage")?;
    let count = |key: &str| usage.get(key)?.as_u64().map(|n| n as usize);
    Some((count("prompt_tokens")?, count("completion_tokens")?))
}

fn read_capped(reader: impl Read, max: usize) -> String {
    let mut bytes = Vec::new();
    // A failed read leaves what arrived; the caller reports the status.
    let _ = reader.take(max as u64).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The server's own error message, if its body has one (`{"error": ...}`,
/// `{"detail": ...}`), else the start of the body.
fn error_detail(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return String::new();
    }
    let detail = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            let found = v
                .pointer("/error/message")
                .or_else(|| v.get("error"))
                .or_else(|| v.get("detail"))?;
            Some(match found.as_str() {
                Some(s) => s.to_string(),
                None => found.to_string(),
            })
        })
        .unwrap_or_else(|| body.to_string());
    format!(
        ": {}",
        clip(
            &detail.split_whitespace().collect::<Vec<_>>().join(" "),
            200
        )
    )
}

fn classify(url: &str, error: &ureq::Error) -> CallError {
    match error {
        ureq::Error::Timeout(_) => CallError::Down(describe_io(url, error)),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => CallError::Down(describe_io(url, error)),
        _ => CallError::Transient(describe_io(url, error)),
    }
}

fn describe_io(url: &str, error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => format!("{url} did not answer in time ({error})"),
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
            format!("cannot connect to {url} ({error})")
        }
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::NotConnected
            ) =>
        {
            format!("cannot connect to {url} ({io})")
        }
        _ => format!("{url}: {error}"),
    }
}

/// Sleeps in short steps so a cancelled job stops waiting at once.
fn sleep_unless_cancelled(total: Duration, cancelled: &dyn Fn() -> bool) -> bool {
    let until = Instant::now() + total;
    while Instant::now() < until {
        if cancelled() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20).min(until - Instant::now()));
    }
    !cancelled()
}

/// Whether to ask the server at all. After `threshold` jobs in a row found
/// it unavailable the breaker opens: jobs go straight to the fallback for a
/// cooldown, then one job probes the server (half-open). A successful probe
/// closes the breaker; a failed one reopens it for twice as long, up to a
/// cap, so a server that is gone costs one attempt per few minutes instead
/// of a timeout per job.
#[derive(Clone, Debug)]
pub struct Breaker {
    threshold: u32,
    failures: u32,
    base: Duration,
    max: Duration,
    cooldown: Duration,
    open_until: Option<Instant>,
}

/// What the breaker allows now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Ask the server, retries included.
    Closed,
    /// The cooldown is over: one attempt decides.
    Probe,
    /// Do not ask; use the fallback.
    Open,
}

impl Breaker {
    pub fn new(threshold: u32, base: Duration, max: Duration) -> Breaker {
        Breaker {
            threshold: threshold.max(1),
            failures: 0,
            base,
            max,
            cooldown: base,
            open_until: None,
        }
    }

    pub fn gate(&self, now: Instant) -> Gate {
        match self.open_until {
            None => Gate::Closed,
            Some(until) if now >= until => Gate::Probe,
            Some(_) => Gate::Open,
        }
    }

    pub fn is_open(&self) -> bool {
        self.open_until.is_some()
    }

    /// The server answered; returns whether the breaker was open.
    pub fn success(&mut self) -> bool {
        let was_open = self.open_until.is_some();
        self.failures = 0;
        self.cooldown = self.base;
        self.open_until = None;
        was_open
    }

    /// The server was unavailable; returns whether the breaker just opened.
    pub fn failure(&mut self, now: Instant) -> bool {
        self.failures += 1;
        if self.open_until.is_some() {
            self.cooldown = (self.cooldown * 2).min(self.max);
            self.open_until = Some(now + self.cooldown);
            return false;
        }
        if self.failures >= self.threshold {
            self.open_until = Some(now + self.cooldown);
            return true;
        }
        false
    }

    /// Opens at once (the server was not reachable at start-up).
    pub fn trip(&mut self, now: Instant) -> bool {
        let was_open = self.is_open();
        self.failures = self.failures.max(self.threshold);
        self.open_until = Some(now + self.cooldown);
        !was_open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_normalised_to_the_api_base() {
        let ok = |raw: &str| normalize_endpoint(raw).unwrap();
        assert_eq!(ok("http://gpu-box:8080"), "http://gpu-box:8080/v1");
        assert_eq!(ok("http://gpu-box:8080/"), "http://gpu-box:8080/v1");
        assert_eq!(ok("http://gpu-box:8080/v1/"), "http://gpu-box:8080/v1");
        assert_eq!(
            ok("https://llm.example.com/v1/chat/completions"),
            "https://llm.example.com/v1"
        );
        assert_eq!(
            ok("http://127.0.0.1:11434/api/v1"),
            "http://127.0.0.1:11434/api/v1"
        );
        assert!(
            normalize_endpoint("gpu-box:8080")
                .unwrap_err()
                .to_string()
                .contains("not a URL")
        );
        assert_eq!(
            normalize_endpoint("ftp://x/v1"),
            Err(EndpointError::Scheme("ftp://x/v1".to_owned()))
        );
        assert_eq!(
            normalize_endpoint("http:///v1"),
            Err(EndpointError::NoHost("http:///v1".to_owned()))
        );
    }

    #[test]
    fn identity_depends_on_endpoint_and_model() {
        let config = |endpoint: &str| RemoteConfig {
            endpoint: endpoint.into(),
            model: String::new(),
            api_key: None,
            api_key_env: "K".into(),
            timeout: Duration::from_secs(1),
            retries: 0,
            fallback_embedded: false,
        };
        let a = config("http://a/v1");
        assert_eq!(a.identity("m"), a.identity("m"));
        assert_ne!(a.identity("m"), a.identity("n"));
        assert_ne!(a.identity("m"), config("http://b/v1").identity("m"));
        assert_eq!(a.identity("m").len(), 64);
    }

    #[test]
    fn formats_weaken_to_unconstrained() {
        let schema = json!({"type": "object"});
        let strict = ResponseFormat::JsonSchema;
        assert_eq!(
            strict.body(&schema).unwrap()["json_schema"]["schema"],
            schema
        );
        let object = strict.weaker().unwrap();
        assert_eq!(
            object.body(&schema).unwrap(),
            json!({"type": "json_object", "schema": schema})
        );
        let none = object.weaker().unwrap();
        assert_eq!(none.body(&schema), None);
        assert_eq!(none.weaker(), None);
    }

    #[test]
    fn streams_are_joined_and_usage_read() {
        let stream = concat!(
            ": keep-alive\n\n",
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"scen\"}}]}\n\n",
            "data:{\"choices\":[{\"delta\":{\"content\":\"arios\\\": []}\"}}]}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2}}\n\n",
            "data: [DONE]\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"after done\"}}]}\n\n",
        );
        let never = || false;
        let Ok(Reply::Text {
            text,
            chunks,
            usage,
        }) = read_stream(stream.as_bytes(), "u", &never)
        else {
            panic!("stream not read");
        };
        assert_eq!(text, "{\"scenarios\": []}");
        assert_eq!(chunks, 2);
        assert_eq!(usage, Some((12, 2)));
    }

    #[test]
    fn a_cancelled_stream_stops_and_errors_in_it_are_reported() {
        let always = || true;
        assert!(matches!(
            read_stream("data: {}\n".as_bytes(), "u", &always),
            Ok(Reply::Cancelled)
        ));
        let never = || false;
        let error = "data: {\"error\":{\"message\":\"out of memory\"}}\n";
        let Err(CallError::Transient(message)) = read_stream(error.as_bytes(), "u", &never) else {
            panic!("error chunk not reported");
        };
        assert!(message.contains("out of memory"), "{message}");
        let Err(CallError::Bad(message)) = read_stream("data: <html>\n".as_bytes(), "u", &never)
        else {
            panic!("garbage not reported");
        };
        assert!(message.contains("not JSON"), "{message}");
    }

    #[test]
    fn error_details_come_from_the_body() {
        assert_eq!(error_detail(""), "");
        assert_eq!(
            error_detail(r#"{"error": {"message": "model not found"}}"#),
            ": model not found"
        );
        assert_eq!(
            error_detail(r#"{"detail": [{"loc": 1}]}"#),
            r#": [{"loc":1}]"#
        );
        assert_eq!(
            error_detail("<h1>Bad\n Gateway</h1>"),
            ": <h1>Bad Gateway</h1>"
        );
    }

    #[test]
    fn the_breaker_opens_after_the_threshold_and_backs_off() {
        let start = Instant::now();
        let secs = Duration::from_secs;
        let mut breaker = Breaker::new(2, secs(10), secs(30));
        assert_eq!(breaker.gate(start), Gate::Closed);
        assert!(!breaker.failure(start));
        assert_eq!(breaker.gate(start), Gate::Closed);
        assert!(breaker.failure(start), "second failure opens");
        assert_eq!(breaker.gate(start + secs(9)), Gate::Open);
        assert_eq!(breaker.gate(start + secs(10)), Gate::Probe);
        // A failed probe reopens for twice as long, capped.
        assert!(!breaker.failure(start + secs(10)));
        assert_eq!(breaker.gate(start + secs(29)), Gate::Open);
        assert_eq!(breaker.gate(start + secs(30)), Gate::Probe);
        assert!(!breaker.failure(start + secs(30)));
        assert_eq!(breaker.gate(start + secs(59)), Gate::Open);
        assert_eq!(breaker.gate(start + secs(60)), Gate::Probe);
        // A successful probe closes it and resets the cooldown.
        assert!(breaker.success());
        assert_eq!(breaker.gate(start + secs(60)), Gate::Closed);
        assert!(!breaker.failure(start + secs(61)));
        assert!(breaker.failure(start + secs(61)));
        assert_eq!(breaker.gate(start + secs(71)), Gate::Probe);
        assert!(!breaker.success() || !breaker.is_open());
    }

    #[test]
    fn a_trip_opens_at_once() {
        let now = Instant::now();
        let mut breaker = Breaker::new(3, Duration::from_secs(5), Duration::from_secs(60));
        assert!(breaker.trip(now));
        assert!(!breaker.trip(now));
        assert_eq!(breaker.gate(now), Gate::Open);
    }
}
