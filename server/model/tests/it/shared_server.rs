//! `backend = "openai"` against a real server nobody here wrote:
//! llama-cpp-python's OpenAI-compatible server (from PyPI, built once into a
//! cached virtualenv by `scripts/llama-server-env.sh`) serving the default
//! GGUF on loopback. The configuration goes through `[model]` as a user
//! writes it; answers come from the server, are schema-valid and lie inside
//! the function; then the server is killed in the middle of a streamed
//! answer and the embedded model stands in, with one notice.

use crate::model_support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use failcast_core::config::{Backend, Config};
use failcast_model::doctor::{DoctorOptions, diagnose};
use failcast_model::engine::{Engine, EngineEvent, EngineState, Job};
use model_support::{fixtures, heavy, init_logs, model_path, wait_for};

/// The server's python, installing it on first use.
fn server_python() -> PathBuf {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/llama-server-env.sh"
    );
    let output = Command::new(script)
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/llama-server-env.sh");
    assert!(output.status.success(), "llama-server-env.sh failed");
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(python: &PathBuf) -> Server {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("failcast-llama-server-{port}.log"));
        let log_file = std::fs::File::create(&log).unwrap();
        let child = Command::new(python)
            .args(["-m", "llama_cpp.server", "--model"])
            .arg(model_path())
            .args(["--model_alias", "smollm2-135m", "--host", "127.0.0.1"])
            .args([
                "--port",
                &port.to_string(),
                "--n_ctx",
                "2048",
                "--n_threads",
                "2",
            ])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .expect("start llama_cpp.server");
        let server = Server { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = stream.write_all(b"GET /v1/models HTTP/1.0\r\n\r\n");
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200") {
                    return server;
                }
            }
            assert!(
                Instant::now() < deadline,
                "llama_cpp.server did not start:\n{}",
                std::fs::read_to_string(&server.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Forwards one port to another and reports when an answer has started to
/// come back, so the test can kill the server in the middle of it.
struct Tap {
    port: u16,
    answering: Arc<AtomicBool>,
}

impl Tap {
    fn start(target: u16) -> Tap {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let answering = Arc::new(AtomicBool::new(false));
        let flag = answering.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    // The server is gone: refuse as it would.
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || pipe(c2, s2, None));
                let flag = flag.clone();
                std::thread::spawn(move || pipe(server, client, Some(flag)));
            }
        });
        Tap { port, answering }
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, seen: Option<Arc<AtomicBool>>) {
    let mut buffer = [0u8; 4096];
    loop {
        match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if let Some(flag) = &seen
                    && buffer[..n].windows(6).any(|w| w == b"delta\"")
                {
                    flag.store(true, Ordering::Relaxed);
                }
                if to.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

#[test]
fn a_real_model_server_answers_and_the_embedded_model_stands_in_when_it_dies() {
    let _heavy = heavy();
    init_logs();
    let python = server_python();
    let mut server = Server::start(&python);
    let tap = Tap::start(server.port);

    // Configured as a user writes it in failcast.toml.
    let mut config = Config::default();
    let toml = format!(
        "[model]\nbackend = \"openai\"\nendpoint = \"http://127.0.0.1:{}\"\nretries = 1\ntimeout_ms = 60000\n",
        tap.port
    );
    let errors = config.merge_toml(&toml, "failcast.toml");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(config.model.backend, Backend::OpenAi);
    let mut engine_config = failcast_model::predict::engine_config(&config.model).unwrap();
    engine_config.model_path = model_path();
    engine_config.n_threads = 2;
    engine_config.cache_dir = None;
    let remote = engine_config.remote.clone().expect("a remote backend");
    assert_eq!(remote.endpoint, format!("http://127.0.0.1:{}/v1", tap.port));
    assert!(remote.fallback_embedded);

    // `failcast doctor` sees the server and what it serves.
    let report = diagnose(&DoctorOptions {
        server: Some(remote.clone()),
        ..DoctorOptions::default()
    });
    assert_eq!(
        report.server,
        Some((
            remote.endpoint.clone(),
            Some(vec!["smollm2-135m".to_string()])
        )),
        "{report}"
    );

    let engine = Engine::start(engine_config);
    let events = engine.events();
    let state = wait_for(&events, "ready", |e| {
        matches!(e, EngineEvent::State(EngineState::Ready { .. }))
    });
    let EngineEvent::State(EngineState::Ready { model_name, .. }) = state else {
        unreachable!()
    };
    assert!(model_name.starts_with("smollm2-135m at "), "{model_name}");

    // Answers from the server: validated, inside the function.
    let fixtures = fixtures::all();
    let mut with_scenarios = 0;
    for (i, fixture) in fixtures.iter().take(6).enumerate() {
        engine.submit(Job::new(fixture.name, i as u64, 0, fixture.input.clone()));
        let answer = wait_for(&events, fixture.name, |e| {
            matches!(e, EngineEvent::Done { .. } | EngineEvent::Failed { .. })
        });
        let EngineEvent::Done {
            scenarios, stats, ..
        } = answer
        else {
            panic!(
                "{}: {answer:?}\nserver log:\n{}",
                fixture.name,
                std::fs::read_to_string(&server.log).unwrap_or_default()
            );
        };
        assert!(stats.remote && stats.decode_steps == 0, "{stats:?}");
        assert!(stats.generated_tokens > 0, "{stats:?}");
        let lines = fixture.input.lines();
        for scenario in &scenarios {
            assert!(
                lines.contains(&scenario.line),
                "{}: {scenario:?}",
                fixture.name
            );
        }
        with_scenarios += usize::from(!scenarios.is_empty());
        eprintln!(
            "{}: {} scenarios, {} tokens in {} ms (server)",
            fixture.name,
            scenarios.len(),
            stats.generated_tokens,
            stats.generate_ms
        );
    }
    // The small default model writes poor scenarios, often cut short; this
    // shows the server's output reaches validation in schema shape.
    assert!(
        with_scenarios >= 2,
        "only {with_scenarios} of 6 fixtures got scenarios"
    );

    // Kill the server while it streams an answer.
    let last = fixtures.last().unwrap();
    engine.submit(Job::new("killed", 100, 0, last.input.clone()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !tap.answering.load(Ordering::Relaxed) {
        assert!(Instant::now() < deadline, "the answer never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    let mut notices = Vec::new();
    let answer = wait_for(&events, "the fallback's answer", |e| {
        if let EngineEvent::Notice(message) = e {
            notices.push(message.clone());
        }
        matches!(e, EngineEvent::Done { .. } | EngineEvent::Failed { .. })
    });
    let EngineEvent::Done { key, stats, .. } = answer else {
        panic!("the job in flight must be answered by the fallback: {answer:?}");
    };
    assert_eq!(key, "killed");
    assert!(!stats.remote && stats.decode_steps > 0, "{stats:?}");

    // The next job finds the server down too: the breaker opens and the
    // user is told once what stands in.
    // (A fixture not asked before: the others are in the prediction cache.)
    engine.submit(Job::new("after", 101, 0, fixtures[10].input.clone()));
    let answer = wait_for(&events, "the next answer", |e| {
        if let EngineEvent::Notice(message) = e {
            notices.push(message.clone());
        }
        matches!(e, EngineEvent::Done { .. } | EngineEvent::Failed { .. })
    });
    assert!(matches!(answer, EngineEvent::Done { stats, .. } if !stats.remote));
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].contains("is not answering") && notices[0].contains("embedded model"),
        "{}",
        notices[0]
    );
    assert!(matches!(engine.state(), EngineState::Ready { .. }));
}
