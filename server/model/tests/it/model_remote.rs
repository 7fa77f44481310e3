//! The model-server backend (`backend = "openai"`) against a scripted HTTP
//! peer: streaming answers validated like the embedded model's, a refused
//! JSON-schema format downgraded, retries with backoff, timeouts, the
//! circuit breaker with static predictions behind it, cancellation in the
//! middle of a stream, and, with the real default model, the embedded model
//! standing in while the server is down. The test against a real server
//! (llama-cpp-python) is `shared_server.rs`.

use crate::model_remote_support;
use crate::model_support;

use std::time::{Duration, Instant};

use failcast_core::scenario::FailureClass;
use failcast_model::engine::{Engine, EngineConfig, EngineEvent, EngineState, Job};
use failcast_model::prompt::{PromptHazard, PromptInput, SYSTEM_PROMPT};
use failcast_model::remote::RemoteConfig;
use model_remote_support::{Answer, Stub, answer_text, pieces};
use model_support::{expect_done, init_logs, wait_for};
use serde_json::json;

fn input(name: &str) -> PromptInput {
    PromptInput {
        language: "python".into(),
        path: "app/cart.py".into(),
        function_name: name.into(),
        first_line: 1,
        source: "def first(xs):\n    return xs[0]\n".into(),
        hazards: vec![PromptHazard {
            class: FailureClass::IndexOutOfRange,
            line: 2,
            subject: "xs[0]".into(),
            trigger: "xs is empty".into(),
            error: "IndexError: list index out of range".into(),
        }],
        callers: vec![],
        incidents: vec![],
    }
}

fn remote(endpoint: &str, timeout_ms: u64, retries: u32) -> RemoteConfig {
    RemoteConfig {
        endpoint: endpoint.to_string(),
        model: String::new(),
        api_key: Some("sk-test".into()),
        api_key_env: "FAILCAST_API_KEY".into(),
        timeout: Duration::from_millis(timeout_ms),
        retries,
        fallback_embedded: false,
    }
}

/// An engine on the server alone: no model file, no disk cache.
fn engine(remote: RemoteConfig) -> Engine {
    init_logs();
    let config = EngineConfig {
        cache_dir: None,
        remote: Some(remote),
        ..EngineConfig::new("/nonexistent/no-model.gguf")
    };
    Engine::start(config)
}

fn ready(engine: &Engine) -> crossbeam_channel::Receiver<EngineEvent> {
    let events = engine.events();
    wait_for(&events, "the engine to be ready", |e| {
        matches!(e, EngineEvent::State(EngineState::Ready { .. }))
    });
    events
}

fn answer(events: &crossbeam_channel::Receiver<EngineEvent>) -> EngineEvent {
    wait_for(events, "a job's answer", |e| {
        !matches!(e, EngineEvent::State(_) | EngineEvent::Notice(_))
    })
}

fn expect_failed(event: EngineEvent) -> String {
    match event {
        EngineEvent::Failed { message, .. } => message,
        other => panic!("expected Failed, got {other:?}"),
    }
}

fn stream(text: &str) -> Answer {
    Answer::Stream {
        pieces: pieces(text, 7),
        gap: Duration::ZERO,
    }
}

#[test]
fn the_server_answers_with_the_same_prompt_and_schema_and_is_validated() {
    let stub = Stub::start(|_, _| stream(&answer_text()));
    let engine = engine(remote(&stub.endpoint(), 5_000, 0));
    let events = engine.events();
    let state = wait_for(&events, "ready", |e| {
        matches!(e, EngineEvent::State(EngineState::Ready { .. }))
    });
    let EngineEvent::State(EngineState::Ready { model_name, sha256 }) = state else {
        unreachable!()
    };
    assert_eq!(model_name, format!("stub-model at {}", stub.endpoint()));
    assert_eq!(sha256.len(), 64);

    engine.submit(Job::new("a", 1, 0, input("first")));
    let (scenarios, stats) = expect_done(answer(&events));
    assert_eq!(scenarios.len(), 1, "{scenarios:?}");
    assert_eq!(scenarios[0].class, FailureClass::IndexOutOfRange);
    assert_eq!(scenarios[0].line, 2);
    assert_eq!(stats.scenarios_dropped, 1, "the line outside the function");
    assert!(stats.remote && stats.decode_steps == 0 && !stats.from_cache);
    assert_eq!(engine.decode_steps(), 0);

    let requests = stub.completions();
    assert_eq!(requests.len(), 1);
    let body = &requests[0].body;
    assert_eq!(body["model"], "stub-model", "named by GET /models");
    assert_eq!(body["stream"], true);
    assert_eq!(body["temperature"], 0);
    assert_eq!(body["messages"][0]["content"], SYSTEM_PROMPT);
    assert!(
        body["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("2 |     return xs[0]")
    );
    assert_eq!(body["response_format"]["type"], "json_schema");
    let schema = &body["response_format"]["json_schema"]["schema"];
    assert_eq!(
        schema["properties"]["scenarios"]["items"]["properties"]["line"]["enum"],
        json!([2, 1])
    );
    assert_eq!(requests[0].header("authorization"), Some("Bearer sk-test"));

    // The same prompt again is answered from the cache: no request.
    engine.submit(Job::new("b", 1, 0, input("first")));
    let (again, stats) = expect_done(answer(&events));
    assert_eq!(again, scenarios);
    assert!(stats.from_cache);
    assert_eq!(stub.completions().len(), 1);
}

#[test]
fn a_refused_json_schema_format_is_downgraded_once_and_remembered() {
    // llama-cpp-python 0.3.16 takes only `json_object` with a schema and
    // answers `json_schema` with this 500 (copied from the real server).
    let stub = Stub::start(|seen, _| {
        if seen.body["response_format"]["type"] == "json_schema" {
            Answer::Json(
                500,
                json!({"error": {
                "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}",
                "type": "internal_server_error", "param": null, "code": null}}),
            )
        } else {
            stream(&answer_text())
        }
    });
    let engine = engine(remote(&stub.endpoint(), 5_000, 0));
    let events = ready(&engine);
    engine.submit(Job::new("a", 1, 0, input("first")));
    expect_done(answer(&events));
    engine.submit(Job::new("b", 2, 0, input("second")));
    expect_done(answer(&events));
    let formats: Vec<String> = stub
        .completions()
        .iter()
        .map(|s| {
            s.body["response_format"]["type"]
                .as_str()
                .unwrap_or("none")
                .to_string()
        })
        .collect();
    assert_eq!(formats, ["json_schema", "json_object", "json_object"]);
    let second = &stub.completions()[1].body["response_format"];
    assert!(second["schema"]["properties"]["scenarios"].is_object());
}

#[test]
fn transient_failures_are_retried_with_backoff() {
    let stub = Stub::start(|_, n| match n {
        0 => Answer::Json(503, json!({"error": {"message": "loading model"}})),
        1 => Answer::Hangup,
        _ => stream(&answer_text()),
    });
    let engine = engine(remote(&stub.endpoint(), 5_000, 2));
    let events = ready(&engine);
    let started = Instant::now();
    engine.submit(Job::new("a", 1, 0, input("first")));
    let (scenarios, _) = expect_done(answer(&events));
    assert_eq!(scenarios.len(), 1);
    assert_eq!(stub.completions().len(), 3);
    // Backoff of 250 ms then 500 ms between the attempts.
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_silent_server_times_out_without_retries_and_the_job_fails_over_to_static() {
    let stub = Stub::start(|_, _| Answer::Silence(Duration::from_secs(5)));
    let engine = engine(remote(&stub.endpoint(), 400, 3));
    let events = ready(&engine);
    let started = Instant::now();
    engine.submit(Job::new("a", 1, 0, input("first")));
    let message = expect_failed(answer(&events));
    assert!(message.contains("did not answer in time"), "{message}");
    assert!(message.contains("static predictions continue"), "{message}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stub.completions().len(), 1, "a timeout is not retried");
}

#[test]
fn a_down_server_opens_the_breaker_warns_once_and_jobs_fail_fast() {
    // A port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let engine = engine(remote(&format!("http://127.0.0.1:{port}/v1"), 2_000, 2));
    let events = engine.events();
    let mut notices = Vec::new();
    let mut failed = 0;
    let started = Instant::now();
    for i in 0..5 {
        engine.submit(Job::new(format!("job{i}"), i, 0, input(&format!("f{i}"))));
    }
    while failed < 5 {
        match events
            .recv_timeout(Duration::from_secs(30))
            .expect("an event")
        {
            EngineEvent::Notice(message) => notices.push(message),
            EngineEvent::Failed { message, .. } => {
                assert!(message.contains("cannot connect"), "{message}");
                failed += 1;
            }
            EngineEvent::State(EngineState::Failed { message, .. }) => {
                panic!("the engine must not fail: {message}")
            }
            EngineEvent::State(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    // The start-up probe found the server down and opened the breaker:
    // no job waits for connection attempts and backoff.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("is not answering"), "{}", notices[0]);
    assert!(
        notices[0].contains("static predictions continue"),
        "{}",
        notices[0]
    );
    assert!(matches!(engine.state(), EngineState::Ready { .. }));
}

#[test]
fn a_job_cancelled_mid_stream_stops_at_once_and_hangs_up() {
    let stub = Stub::start(|_, _| Answer::Stream {
        pieces: pieces(&answer_text(), 2),
        gap: Duration::from_millis(100),
    });
    let engine = engine(remote(&stub.endpoint(), 60_000, 0));
    let events = ready(&engine);
    engine.submit(Job::new("a", 1, 0, input("first")));
    let deadline = Instant::now() + Duration::from_secs(10);
    while stub.completions().is_empty() {
        assert!(Instant::now() < deadline, "no request reached the server");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let cancelled_at = Instant::now();
    assert!(engine.cancel("a"));
    match answer(&events) {
        EngineEvent::Cancelled { key, .. } => assert_eq!(key, "a"),
        other => panic!("expected Cancelled, got {other:?}"),
    }
    assert!(
        cancelled_at.elapsed() < Duration::from_millis(500),
        "{:?}",
        cancelled_at.elapsed()
    );
    // The stream had ~20 s to go; the server notices the closed connection.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !stub
        .client_hung_up
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        assert!(Instant::now() < deadline, "the connection stayed open");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn unusable_answers_fail_the_job_and_nothing_reaches_the_user() {
    let stub = Stub::start(|_, n| match n {
        0 => Answer::Json(
            200,
            json!({"choices": [{"message": {"content": "<html>not json</html>"}}]}),
        ),
        1 => Answer::Json(200, json!({"unexpected": true})),
        2 => stream("data that is not the schema"),
        _ => Answer::Json(401, json!({"error": {"message": "invalid api key"}})),
    });
    let engine = engine(remote(&stub.endpoint(), 5_000, 0));
    let events = ready(&engine);
    engine.submit(Job::new("a", 1, 0, input("a")));
    let (scenarios, stats) = expect_done(answer(&events));
    assert!(scenarios.is_empty() && stats.output_truncated);
    engine.submit(Job::new("b", 2, 0, input("b")));
    assert!(expect_failed(answer(&events)).contains("no message content"));
    engine.submit(Job::new("c", 3, 0, input("c")));
    let (scenarios, _) = expect_done(answer(&events));
    assert!(scenarios.is_empty());
    engine.submit(Job::new("d", 4, 0, input("d")));
    let message = expect_failed(answer(&events));
    assert!(
        message.contains("refused the API key") && message.contains("FAILCAST_API_KEY"),
        "{message}"
    );
}

/// With the real default model: the server goes down, and the embedded
/// model answers instead (its own decode steps, `remote: false`).
#[test]
fn the_embedded_model_stands_in_while_the_server_is_down() {
    let _heavy = model_support::heavy();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut config = model_support::config();
    config.max_output_tokens = 96;
    config.remote = Some(RemoteConfig {
        fallback_embedded: true,
        ..remote(&format!("http://127.0.0.1:{port}/v1"), 2_000, 1)
    });
    let engine = Engine::start(config);
    let events = engine.events();
    engine.submit(Job::new("a", 1, 0, input("first")));
    let mut notice = None;
    let done = wait_for(&events, "the fallback's answer", |e| {
        if let EngineEvent::Notice(message) = e {
            notice = Some(message.clone());
        }
        matches!(e, EngineEvent::Done { .. } | EngineEvent::Failed { .. })
    });
    let (_, stats) = expect_done(done);
    assert!(!stats.remote && stats.decode_steps > 0, "{stats:?}");
    let notice = notice.expect("one notice that the server is down");
    assert!(notice.contains("the embedded model"), "{notice}");
}
