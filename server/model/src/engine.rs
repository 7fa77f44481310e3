//! The inference engine: one thread that owns llama.cpp and answers prediction jobs.
//!
//! `LlamaContext` is not `Send`, and a language server must never wait on a
//! model, so the engine is a dedicated OS thread. Callers submit jobs into a
//! bounded priority queue and read `EngineEvent`s from a channel; every job
//! gets exactly one answer (`Done`, `Cancelled`, `Dropped` or `Failed`).
//!
//! The thread goes through three phases. *Loading*: a helper thread checks and
//! loads the model file while this one already answers jobs whose prediction
//! is cached. *Ready*: jobs run one at a time, highest priority first. The
//! fixed system prompt is decoded into the KV cache once; each job removes
//! the KV entries after it and decodes only its own part. *Failed*: the model
//! is unusable (missing, corrupt, panicked); cache hits are still answered,
//! other jobs fail with the reason, and `restart` tries again. A panic while
//! running a job is caught; it fails that job and never the process.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use parking_lot::{Condvar, Mutex};

use super::cache::{self, PredictionCache};
use super::catalog::ModelEntry;
use super::fetch;
#[cfg(feature = "llama")]
pub use super::llama::backend;
#[cfg(feature = "llama")]
pub use super::llama::next_token_logits;
#[cfg(feature = "llama")]
use super::llama::{AdapterHandle, LoadedModel, ModelHandle, Session, load_model};
#[cfg(not(feature = "llama"))]
pub use super::llama_off::next_token_logits;
#[cfg(not(feature = "llama"))]
use super::llama_off::{AdapterHandle, LoadedModel, ModelHandle, Session, load_model};
use super::output::ModelScenario;
use super::prompt::{self, PromptInput, RenderedPrompt, SYSTEM_PROMPT};
use super::queue::{JobQueue, Queued};
use super::remote::{Breaker, Gate, RemoteConfig, RemoteOutcome, RemoteSession};

/// What to run and how.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineConfig {
    pub model_path: PathBuf,
    /// When set, the file must hash to this (checked once, then remembered
    /// by the sidecar), and cache hits are served before the model loads.
    pub expected_sha256: Option<String>,
    pub n_threads: usize,
    /// Context size in tokens: system prompt + job prompt + output.
    pub n_ctx: u32,
    /// The job's prompt (system included) is cut to fit this.
    pub max_prompt_tokens: usize,
    pub max_output_tokens: usize,
    pub lora: Option<LoraConfig>,
    /// Root of the prediction cache (`<dir>/predictions/`); `None` keeps
    /// predictions in memory only.
    pub cache_dir: Option<PathBuf>,
    pub use_prediction_cache: bool,
    pub queue_capacity: usize,
    /// Decode the system prompt once and reuse its KV entries for every job.
    /// Off only to measure or test the reuse against full decoding.
    pub reuse_system_prompt: bool,
    /// Ask a shared model server instead of the embedded model; the model
    /// file above is then only the fallback (`RemoteConfig::fallback_embedded`).
    pub remote: Option<RemoteConfig>,
}

/// Half the cores, one to four. llama.cpp's threads wait for each other at
/// every step of a token; when another process (a build, the editor) takes
/// a core one of them is waiting on, each step stalls for a time slice.
/// Measured on two cores beside one busy process: 18 functions took 46 s
/// with one thread and 215 s with two. Small models are memory-bound, so
/// the threads left out cost little on an idle machine.
pub fn default_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores / 2).clamp(1, 4)
}

/// Threads for a batch run (`failcast check`), which nothing waits on
/// but its own output: the cores idle right now, one to four, so that a
/// check on an otherwise idle machine decodes on every core while one
/// beside a build keeps to what is free (see [`default_threads`] for what
/// a taken core costs). Measured on two idle cores, the sample project's
/// 18 functions took 31.6 s on two threads against 50.1 s on one. Where
/// idleness cannot be read (not Linux), [`default_threads`].
pub fn batch_threads() -> usize {
    idle_cores(std::time::Duration::from_millis(200))
        .map_or_else(default_threads, |idle| idle.clamp(1, 4))
}

/// How many cores were idle over `window`, from `/proc/stat`, rounded.
fn idle_cores(window: std::time::Duration) -> Option<usize> {
    // The "cpu" line: user nice system idle iowait irq softirq steal, in
    // ticks summed over every core.
    fn sample() -> Option<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let ticks: Vec<u64> = stat
            .lines()
            .next()?
            .strip_prefix("cpu ")?
            .split_whitespace()
            .take(8)
            .map(|t| t.parse().ok())
            .collect::<Option<_>>()?;
        let idle = *ticks.get(3)? + *ticks.get(4)?;
        Some((idle, ticks.iter().sum()))
    }
    let cores = std::thread::available_parallelism().ok()?.get();
    let (idle_before, total_before) = sample()?;
    std::thread::sleep(window);
    let (idle_after, total_after) = sample()?;
    let total = total_after.checked_sub(total_before).filter(|t| *t > 0)?;
    let idle = idle_after.saturating_sub(idle_before) as f64 / total as f64;
    Some((idle * cores as f64).round() as usize)
}

/// A LoRA adapter applied on top of the model.
#[derive(Clone, Debug, PartialEq)]
pub struct LoraConfig {
    pub path: PathBuf,
    pub scale: f32,
}

impl EngineConfig {
    /// Defaults for a model file: [`default_threads`], 2048 tokens of context.
    pub fn new(model_path: impl Into<PathBuf>) -> Self {
        EngineConfig {
            model_path: model_path.into(),
            expected_sha256: None,
            n_threads: default_threads(),
            n_ctx: 2048,
            max_prompt_tokens: 1280,
            max_output_tokens: 512,
            lora: None,
            cache_dir: Some(fetch::cache_root()),
            use_prediction_cache: true,
            queue_capacity: 64,
            reuse_system_prompt: true,
            remote: None,
        }
    }

    /// Defaults for a catalog model in the model cache directory.
    pub fn for_entry(entry: &ModelEntry) -> Self {
        EngineConfig {
            expected_sha256: Some(entry.sha256.to_string()),
            ..EngineConfig::new(fetch::model_path(entry))
        }
    }
}

/// What a job asks of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// Rank the static candidates shown in the prompt: one prefill, then a
    /// few tokens per candidate. Nothing is written.
    Rank,
    /// Rank, then write scenarios in prose (trigger, error, log line).
    RankAndWrite,
    /// Only decode the prompt into the KV cache and answer nothing: asked
    /// for the function under the cursor while the editor waits out the
    /// debounce, so that the ranking job that follows (same prompt, or the
    /// same up to the edit) decodes only what changed. Never cached; a
    /// model server has no KV cache to fill, so there it does nothing.
    Prefill,
}

impl Work {
    fn as_str(self) -> &'static str {
        match self {
            Work::Rank => "rank",
            Work::RankAndWrite => "rank+write",
            Work::Prefill => "prefill",
        }
    }
}

/// One function to predict.
#[derive(Clone, Debug)]
pub struct Job {
    /// Identifies what the job is about (e.g. `uri#function-id`); a newer job
    /// with the same key replaces this one.
    pub key: String,
    /// The content hash of the function version, echoed in every answer.
    pub content_hash: u64,
    /// Higher runs first.
    pub priority: i64,
    pub input: PromptInput,
    /// Set to stop the job; checked between decode steps.
    pub cancel: Arc<AtomicBool>,
    /// Report scenarios as they complete (`EngineEvent::Partial`), before
    /// the whole answer is written.
    pub partial: bool,
    pub work: Work,
}

impl Job {
    pub fn new(
        key: impl Into<String>,
        content_hash: u64,
        priority: i64,
        input: PromptInput,
    ) -> Self {
        Job {
            key: key.into(),
            content_hash,
            priority,
            input,
            cancel: Arc::new(AtomicBool::new(false)),
            partial: false,
            work: Work::RankAndWrite,
        }
    }

    /// Asks for `work` instead of ranking and writing.
    pub fn with_work(mut self, work: Work) -> Self {
        self.work = work;
        self
    }

    /// Asks for `EngineEvent::Partial` as each scenario completes.
    pub fn with_partial(mut self) -> Self {
        self.partial = true;
        self
    }
}

/// Where the engine is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineState {
    Loading,
    Ready { model_name: String, sha256: String },
    Failed { message: String, hint: String },
}

/// Numbers about one answered job.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobStats {
    /// Tokens of the whole prompt (system included).
    pub prompt_tokens: usize,
    /// Of those, tokens whose KV entries were reused instead of decoded.
    pub reused_prompt_tokens: usize,
    pub generated_tokens: usize,
    /// `llama_decode` calls made for this job.
    pub decode_steps: u64,
    pub prompt_ms: u64,
    /// Time spent scoring the candidates after the prompt.
    pub rank_ms: u64,
    /// Candidates the model ranked.
    pub ranked: usize,
    pub generate_ms: u64,
    /// From the start of the job until its first scenario was complete in
    /// the output (what a user waits for with partial answers).
    pub first_scenario_ms: Option<u64>,
    pub from_cache: bool,
    /// Scenarios the model wrote that failed validation.
    pub scenarios_dropped: usize,
    /// The output hit `max_output_tokens` (or was otherwise not complete
    /// JSON) and only its complete scenarios were kept.
    pub output_truncated: bool,
    /// The model server answered, not the embedded model.
    pub remote: bool,
}

/// What the engine reports.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineEvent {
    State(EngineState),
    Done {
        key: String,
        content_hash: u64,
        scenarios: Vec<ModelScenario>,
        stats: JobStats,
    },
    /// A job asked `with_partial` has this many scenarios complete so far
    /// (validated like the final answer). `Done` or `Cancelled` follows.
    Partial {
        key: String,
        content_hash: u64,
        scenarios: Vec<ModelScenario>,
    },
    Cancelled {
        key: String,
        content_hash: u64,
    },
    /// The queue was full and this job was the last in line.
    Dropped {
        key: String,
        content_hash: u64,
        /// The job's priority, so it can be submitted again in its place.
        priority: i64,
    },
    Failed {
        key: String,
        content_hash: u64,
        message: String,
    },
    /// Something degraded but the engine goes on (a job panicked, the cache
    /// cannot be written, the model server is down): worth telling the user
    /// once, not worth failing for.
    Notice(String),
}

impl EngineEvent {
    /// The event for a job the full queue dropped.
    fn dropped(job: Job) -> EngineEvent {
        EngineEvent::Dropped {
            key: job.key,
            content_hash: job.content_hash,
            priority: job.priority,
        }
    }
}

/// The hint shown with a model that cannot be used.
pub const FETCH_HINT: &str =
    "run `failcast model fetch` (or `failcast doctor` to see what is wrong)";
pub(super) const RESTART_HINT: &str =
    "restart the model engine; if it happens again, run `failcast doctor`";

struct RunningJob {
    key: String,
    cancel: Arc<AtomicBool>,
}

struct QueueState {
    queue: JobQueue,
    running: Option<RunningJob>,
    state: EngineState,
}

pub(super) struct Shared {
    inner: Mutex<QueueState>,
    wake: Condvar,
    events: Sender<EngineEvent>,
    pub(super) decode_steps: AtomicU64,
}

impl Shared {
    fn send(&self, event: EngineEvent) {
        // A dropped receiver means nobody listens any more; nothing to do.
        let _ = self.events.send(event);
    }

    fn set_state(&self, state: EngineState) {
        self.inner.lock().state = state.clone();
        self.send(EngineEvent::State(state));
    }
}

/// Handle to the inference thread. Dropping it shuts the thread down.
pub struct Engine {
    shared: Arc<Shared>,
    events: Receiver<EngineEvent>,
    worker: Option<Worker>,
    config: EngineConfig,
}

struct Worker {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("model", &self.config.model_path)
            .field("state", &self.state())
            .finish()
    }
}

impl Engine {
    /// Starts the inference thread; the model loads in the background and
    /// the outcome arrives as `EngineEvent::State`.
    pub fn start(config: EngineConfig) -> Engine {
        let (tx, rx) = crossbeam_channel::unbounded();
        let shared = Arc::new(Shared {
            inner: Mutex::new(QueueState {
                queue: JobQueue::new(config.queue_capacity),
                running: None,
                state: EngineState::Loading,
            }),
            wake: Condvar::new(),
            events: tx,
            decode_steps: AtomicU64::new(0),
        });
        let mut engine = Engine {
            shared,
            events: rx,
            worker: None,
            config,
        };
        engine.spawn();
        engine
    }

    fn spawn(&mut self) {
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::clone(&self.shared);
        let config = self.config.clone();
        let worker_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("failcast-model".into())
            .spawn(move || run_worker(shared, config, worker_stop))
            .expect("cannot spawn the model thread");
        self.worker = Some(Worker { stop, thread });
    }

    /// The events of this engine (one consumer; the channel survives restarts).
    pub fn events(&self) -> Receiver<EngineEvent> {
        self.events.clone()
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The latest state, as last reported.
    pub fn state(&self) -> EngineState {
        self.shared.inner.lock().state.clone()
    }

    /// Total `llama_decode` calls made for jobs since the engine was created
    /// (not the system prompt's one-time decode at load).
    pub fn decode_steps(&self) -> u64 {
        self.shared.decode_steps.load(Ordering::Relaxed)
    }

    /// Number of jobs waiting (not counting the running one).
    pub fn queued(&self) -> usize {
        self.shared.inner.lock().queue.len()
    }

    /// How many jobs can be submitted before the queue drops one.
    pub fn room(&self) -> usize {
        self.shared.inner.lock().queue.room()
    }

    /// Queues a job. A queued or running job with the same key is cancelled
    /// and replaced. Never blocks on inference.
    pub fn submit(&self, job: Job) {
        let mut inner = self.shared.inner.lock();
        if let Some(running) = &inner.running
            && running.key == job.key
        {
            running.cancel.store(true, Ordering::Relaxed);
        }
        let outcome = inner.queue.push(job);
        if let Some(old) = outcome.replaced {
            old.cancel.store(true, Ordering::Relaxed);
            self.shared.send(EngineEvent::Cancelled {
                key: old.key,
                content_hash: old.content_hash,
            });
        }
        if let Some(dropped) = outcome.dropped {
            self.shared.send(EngineEvent::dropped(dropped));
        }
        self.shared.wake.notify_all();
    }

    /// Cancels the queued or running job with this key. Returns false when
    /// there is none (it may have just finished).
    pub fn cancel(&self, key: &str) -> bool {
        let mut inner = self.shared.inner.lock();
        if let Some(job) = inner.queue.remove_key(key) {
            job.cancel.store(true, Ordering::Relaxed);
            self.shared.send(EngineEvent::Cancelled {
                key: job.key,
                content_hash: job.content_hash,
            });
            return true;
        }
        match &inner.running {
            Some(running) if running.key == key => {
                running.cancel.store(true, Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    /// Stops the thread and starts it again with `config` (a new model, new
    /// settings, or the same after a failure). Queued jobs are kept; the
    /// running one is put back in the queue.
    pub fn restart(&mut self, config: EngineConfig) {
        self.stop_worker();
        let dropped = self
            .shared
            .inner
            .lock()
            .queue
            .set_capacity(config.queue_capacity);
        for job in dropped {
            self.shared.send(EngineEvent::dropped(job));
        }
        self.config = config;
        self.spawn();
    }

    /// Stops the thread; queued jobs are answered `Cancelled`.
    pub fn shutdown(mut self) {
        self.shutdown_in_place();
    }

    fn shutdown_in_place(&mut self) {
        self.stop_worker();
        let jobs = self.shared.inner.lock().queue.drain();
        for job in jobs {
            self.shared.send(EngineEvent::Cancelled {
                key: job.key,
                content_hash: job.content_hash,
            });
        }
    }

    fn stop_worker(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.stop.store(true, Ordering::Relaxed);
            {
                let _guard = self.shared.inner.lock();
                self.shared.wake.notify_all();
            }
            if worker.thread.join().is_err() {
                tracing::error!("the model thread panicked outside a job");
            }
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shutdown_in_place();
    }
}

/// Why the model cannot be used, with what to do about it.
#[derive(Clone, Debug)]
pub(super) struct Failure {
    pub(super) message: String,
    pub(super) hint: String,
}

impl Failure {
    #[cfg_attr(not(feature = "llama"), allow(dead_code))]
    pub(super) fn fetch(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: FETCH_HINT.to_string(),
        }
    }
}

/// Messages from the loader thread.
enum LoaderMsg {
    /// The model's sha256 is known: cache keys can be computed.
    Identity(String),
    Loaded(Result<LoadedModel, Failure>),
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// The inference thread's state outside of llama.cpp.
struct WorkerCtx {
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    config: EngineConfig,
    cache: PredictionCache,
    /// The model's sha256, once known.
    model_sha: Option<String>,
    loader: Receiver<LoaderMsg>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Loading,
    Ready,
    Failed,
    /// Asking a model server.
    Remote,
    /// Asking a model server while the fallback loads: jobs put back for
    /// the fallback wait for it.
    RemoteLoading,
}

enum Wake {
    Stop,
    Loader(LoaderMsg),
    Job(Queued),
}

/// Fault injection for tests: a job for the function named by
/// `FAILCAST_INJECT_PANIC` panics on the model thread, as a bug in llama.cpp
/// bindings or in our decoding loop would. Debug builds only, so a release
/// build has no way to crash itself on purpose.
fn inject_panic(input: &PromptInput) {
    #[cfg(test)]
    if input.function_name == tests::PANIC_FUNCTION {
        panic!("injected test panic");
    }
    #[cfg(debug_assertions)]
    if std::env::var("FAILCAST_INJECT_PANIC").is_ok_and(|name| name == input.function_name) {
        panic!("injected panic (FAILCAST_INJECT_PANIC)");
    }
    #[cfg(not(debug_assertions))]
    let _ = input;
}

/// How a job that reached the model ended.
pub(super) enum Outcome {
    Done(Vec<ModelScenario>, JobStats),
    Cancelled,
    /// The engine is stopping; the job goes back in the queue.
    #[cfg_attr(not(feature = "llama"), allow(dead_code))]
    Interrupted,
    Failed(String),
}

fn run_worker(shared: Arc<Shared>, config: EngineConfig, stop: Arc<AtomicBool>) {
    shared.set_state(EngineState::Loading);
    let cache = match (&config.cache_dir, config.use_prediction_cache) {
        (Some(dir), true) => PredictionCache::open(
            &dir.join("predictions"),
            cache::DEFAULT_MEMORY_ENTRIES,
            cache::DEFAULT_DISK_BYTES,
        ),
        _ => PredictionCache::memory_only(cache::DEFAULT_MEMORY_ENTRIES),
    };
    // With a model server the model file is only the fallback, loaded when
    // it is wanted and there; without one it is the engine.
    let remote = config.remote.clone();
    let wants_model = match &remote {
        None => true,
        Some(remote) => remote.fallback_embedded && config.model_path.exists(),
    };
    let loader = if wants_model {
        spawn_loader(&shared, &config)
    } else {
        // A channel with no sender: the loader never reports.
        Ok(crossbeam_channel::never())
    };
    let mut ctx = WorkerCtx {
        shared: Arc::clone(&shared),
        stop,
        model_sha: config
            .expected_sha256
            .as_ref()
            .map(|s| s.to_ascii_lowercase()),
        config,
        cache,
        loader: crossbeam_channel::never(),
    };
    match loader {
        Ok(loader) => ctx.loader = loader,
        Err(failure) if remote.is_none() => return ctx.fail_forever(failure),
        Err(failure) => tracing::warn!(message = %failure.message, "no fallback model"),
    }
    match remote {
        Some(remote) => run_remote(ctx, remote, wants_model),
        None => run_embedded(ctx),
    }
}

/// Checks and loads the model file on its own thread, so the worker can
/// answer cached jobs meanwhile.
fn spawn_loader(
    shared: &Arc<Shared>,
    config: &EngineConfig,
) -> Result<Receiver<LoaderMsg>, Failure> {
    let (loader_tx, loader_rx) = crossbeam_channel::unbounded();
    let loader_shared = Arc::clone(shared);
    let config = config.clone();
    std::thread::Builder::new()
        .name("failcast-model-load".into())
        .spawn(move || {
            let notify = |msg: LoaderMsg| {
                let _ = loader_tx.send(msg);
                let _guard = loader_shared.inner.lock();
                loader_shared.wake.notify_all();
            };
            let result = catch_unwind(AssertUnwindSafe(|| {
                load_model(&config, &|sha| notify(LoaderMsg::Identity(sha)))
            }))
            .unwrap_or_else(|payload| {
                Err(Failure {
                    message: format!("loading the model panicked: {}", panic_message(&*payload)),
                    hint: RESTART_HINT.to_string(),
                })
            });
            notify(LoaderMsg::Loaded(result));
        })
        .map_err(|error| Failure {
            message: format!("cannot start the model loader: {error}"),
            hint: RESTART_HINT.to_string(),
        })?;
    Ok(loader_rx)
}

/// Builds the llama.cpp session for a loaded model, catching panics.
fn open_session<'m>(
    ctx: &WorkerCtx,
    model: &'m ModelHandle,
    adapter: Option<&mut AdapterHandle>,
) -> Result<Session<'m>, Failure> {
    catch_unwind(AssertUnwindSafe(|| {
        Session::new(model, adapter, &ctx.config, Arc::clone(&ctx.shared))
    }))
    .unwrap_or_else(|payload| {
        Err(Failure {
            message: format!("preparing the model panicked: {}", panic_message(&*payload)),
            hint: RESTART_HINT.to_string(),
        })
    })
}

/// The embedded model is the engine: load it, then answer jobs with it.
fn run_embedded(mut ctx: WorkerCtx) {
    let loaded = loop {
        match ctx.wait(Phase::Loading) {
            Wake::Stop => return,
            Wake::Loader(LoaderMsg::Identity(sha)) => ctx.model_sha = Some(sha),
            Wake::Loader(LoaderMsg::Loaded(result)) => break result,
            Wake::Job(queued) => {
                let _ = ctx.handle(queued, Phase::Loading, None);
            }
        }
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(failure) => return ctx.fail_forever(failure),
    };
    let LoadedModel {
        model,
        mut adapter,
        name,
    } = loaded;
    let mut session = match open_session(&ctx, &model, adapter.as_mut()) {
        Ok(session) => session,
        Err(failure) => return ctx.fail_forever(failure),
    };
    ctx.shared.set_state(EngineState::Ready {
        model_name: name,
        sha256: ctx.model_sha.clone().unwrap_or_default(),
    });
    loop {
        match ctx.wait(Phase::Ready) {
            Wake::Stop => return,
            Wake::Loader(_) => {}
            Wake::Job(queued) => {
                if let Some(failure) = ctx.handle(queued, Phase::Ready, Some(&mut session)) {
                    // The stand-in session without llama.cpp owns nothing.
                    #[cfg_attr(not(feature = "llama"), allow(clippy::drop_non_drop))]
                    drop(session);
                    return ctx.fail_forever(failure);
                }
            }
        }
    }
}

/// Jobs that found the server down, in a row, before the breaker opens.
const BREAKER_THRESHOLD: u32 = 2;
const BREAKER_COOLDOWN: Duration = Duration::from_secs(15);
const BREAKER_MAX_COOLDOWN: Duration = Duration::from_secs(300);

/// The model server, its breaker, and what stands in when it is down.
struct RemoteCtx {
    client: RemoteSession,
    breaker: Breaker,
    retries: u32,
    /// Why the server was last found unavailable.
    down_reason: String,
    /// The user was told the server is down (and not yet that it is back).
    told_down: bool,
    /// The fallback model is still loading: jobs the server cannot take wait.
    fallback_pending: bool,
    /// The embedded model, once loaded, and its cache identity.
    fallback_name: Option<String>,
    fallback_sha: Option<String>,
}

impl RemoteCtx {
    fn stand_in(&self) -> String {
        match &self.fallback_name {
            Some(name) => format!("the embedded model ({name}) stands in"),
            None => "static predictions continue".to_string(),
        }
    }
}

/// A model server answers jobs; the embedded model, when there, stands in
/// while it is down.
fn run_remote(mut ctx: WorkerCtx, config: RemoteConfig, fallback_coming: bool) {
    let mut remote = RemoteCtx {
        client: RemoteSession::new(config.clone(), ctx.config.max_output_tokens),
        breaker: Breaker::new(BREAKER_THRESHOLD, BREAKER_COOLDOWN, BREAKER_MAX_COOLDOWN),
        retries: config.retries,
        down_reason: String::new(),
        told_down: false,
        fallback_pending: false,
        fallback_name: None,
        fallback_sha: None,
    };
    let reachable = remote.client.probe();
    ctx.model_sha = Some(config.identity(remote.client.model()));
    let model = match remote.client.model() {
        "" => "the server's model".to_string(),
        name => name.to_string(),
    };
    ctx.shared.set_state(EngineState::Ready {
        model_name: format!("{model} at {}", config.endpoint),
        sha256: ctx.model_sha.clone().unwrap_or_default(),
    });
    if let Err(reason) = reachable {
        remote.breaker.trip(Instant::now());
        remote.down_reason = reason;
        tracing::warn!(reason = %remote.down_reason, "model server not reachable at start");
    }
    // Until the fallback has loaded (or failed to), a job the server cannot
    // take waits for it, as jobs wait for the embedded model to load.
    remote.fallback_pending = fallback_coming;
    let loaded = if fallback_coming {
        loop {
            match ctx.wait(Phase::RemoteLoading) {
                Wake::Stop => return,
                Wake::Loader(LoaderMsg::Identity(sha)) => remote.fallback_sha = Some(sha),
                Wake::Loader(LoaderMsg::Loaded(result)) => break Some(result),
                Wake::Job(queued) => ctx.handle_remote(queued, &mut remote, &mut None),
            }
        }
    } else {
        None
    };
    remote.fallback_pending = false;
    let parts = match loaded {
        Some(Ok(parts)) => Some(parts),
        Some(Err(failure)) => {
            tracing::warn!(message = %failure.message, "the fallback model cannot be used");
            None
        }
        None => None,
    };
    let Some(LoadedModel {
        model,
        mut adapter,
        name,
    }) = parts
    else {
        if remote.breaker.is_open() {
            ctx.notice_down(&mut remote);
        }
        return ctx.remote_loop(&mut remote, None);
    };
    match open_session(&ctx, &model, adapter.as_mut()) {
        Ok(mut session) => {
            remote.fallback_name = Some(name);
            if remote.breaker.is_open() {
                ctx.notice_down(&mut remote);
            }
            ctx.remote_loop(&mut remote, Some(&mut session));
        }
        Err(failure) => {
            tracing::warn!(message = %failure.message, "the fallback model cannot be used");
            if remote.breaker.is_open() {
                ctx.notice_down(&mut remote);
            }
            ctx.remote_loop(&mut remote, None);
        }
    }
}

impl WorkerCtx {
    fn fail_forever(&mut self, failure: Failure) {
        tracing::warn!(message = %failure.message, "model engine failed");
        self.shared.set_state(EngineState::Failed {
            message: failure.message.clone(),
            hint: failure.hint.clone(),
        });
        let message = format!("{} ({})", failure.message, failure.hint);
        loop {
            match self.wait(Phase::Failed) {
                Wake::Stop => return,
                Wake::Loader(_) => {}
                Wake::Job(queued) => {
                    let failed = Outcome::Failed(message.clone());
                    if !self.answer_from_cache(&queued.job) {
                        self.finish(&queued.job, failed);
                    }
                }
            }
        }
    }

    /// Answers jobs through the model server until the engine stops.
    fn remote_loop(&mut self, remote: &mut RemoteCtx, mut fallback: Option<&mut Session<'_>>) {
        loop {
            match self.wait(Phase::Remote) {
                Wake::Stop => return,
                Wake::Loader(_) => {}
                Wake::Job(queued) => self.handle_remote(queued, remote, &mut fallback),
            }
        }
    }

    /// Tells the user once that the server is down and what stands in.
    fn notice_down(&self, remote: &mut RemoteCtx) {
        if remote.told_down {
            return;
        }
        remote.told_down = true;
        self.shared.send(EngineEvent::Notice(format!(
            "the model server at {} is not answering ({}); {} until it does",
            remote.client.endpoint(),
            remote.down_reason,
            remote.stand_in()
        )));
    }

    /// One job with a model server: the cache, then the server unless its
    /// breaker is open, then the fallback (the embedded model, or a failed
    /// job, which leaves the static predictions).
    fn handle_remote(
        &mut self,
        queued: Queued,
        remote: &mut RemoteCtx,
        fallback: &mut Option<&mut Session<'_>>,
    ) {
        if queued.job.cancel.load(Ordering::Relaxed) {
            self.finish(&queued.job, Outcome::Cancelled);
            return;
        }
        if queued.job.work == Work::Prefill {
            self.finish(&queued.job, Outcome::Done(Vec::new(), JobStats::default()));
            return;
        }
        if self.answer_from_cache(&queued.job) {
            return;
        }
        let gate = remote.breaker.gate(Instant::now());
        if gate != Gate::Open {
            let attempts = if gate == Gate::Probe {
                1
            } else {
                1 + remote.retries
            };
            let job = &queued.job;
            let budget = self.budget_chars();
            let stop = &self.stop;
            let cancelled = || job.cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                inject_panic(&job.input);
                remote
                    .client
                    .predict(&job.input, budget, attempts, &cancelled)
            }))
            .unwrap_or_else(|payload| {
                RemoteOutcome::Failed(format!(
                    "asking the model server panicked: {}",
                    panic_message(&*payload)
                ))
            });
            match outcome {
                RemoteOutcome::Done(scenarios, stats) => {
                    if remote.breaker.success() || remote.told_down {
                        remote.told_down = false;
                        tracing::info!(
                            endpoint = remote.client.endpoint(),
                            "model server answers again"
                        );
                        self.shared.send(EngineEvent::Notice(format!(
                            "the model server at {} answers again",
                            remote.client.endpoint()
                        )));
                    }
                    self.store(&queued.job, &scenarios);
                    self.finish(&queued.job, Outcome::Done(scenarios, stats));
                    return;
                }
                RemoteOutcome::Cancelled if self.stop.load(Ordering::Relaxed) => {
                    return self.requeue(queued, true);
                }
                RemoteOutcome::Cancelled => return self.finish(&queued.job, Outcome::Cancelled),
                RemoteOutcome::Failed(message) => {
                    tracing::warn!(%message, "the model server's answer is unusable");
                    return self.finish(&queued.job, Outcome::Failed(message));
                }
                RemoteOutcome::Unavailable(reason) => {
                    tracing::warn!(%reason, "model server unavailable");
                    remote.down_reason = reason;
                    // With the fallback still loading, the notice waits to say
                    // whether it stands in.
                    if remote.breaker.failure(Instant::now()) && !remote.fallback_pending {
                        self.notice_down(remote);
                    }
                }
            }
        }
        match fallback {
            Some(session) => {
                // The embedded model's answers are cached under its own identity.
                let server = std::mem::replace(&mut self.model_sha, remote.fallback_sha.clone());
                let failure = self.handle(queued, Phase::Ready, Some(&mut **session));
                self.model_sha = server;
                if let Some(failure) = failure {
                    tracing::warn!(message = %failure.message, "the fallback model failed; static predictions only");
                    remote.fallback_name = None;
                    *fallback = None;
                }
            }
            None if remote.fallback_pending => self.requeue(queued, true),
            None => {
                let message = format!("{}; static predictions continue", remote.down_reason);
                self.finish(&queued.job, Outcome::Failed(message));
            }
        }
    }

    /// Blocks until there is something to do in this phase.
    fn wait(&self, phase: Phase) -> Wake {
        let mut inner = self.shared.inner.lock();
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Wake::Stop;
            }
            if matches!(phase, Phase::Loading | Phase::RemoteLoading)
                && let Ok(msg) = self.loader.try_recv()
            {
                return Wake::Loader(msg);
            }
            let next = match phase {
                // Until the model is known, cache keys cannot be computed.
                Phase::Loading if self.model_sha.is_none() => None,
                Phase::Loading | Phase::RemoteLoading => inner.queue.pop_unchecked(),
                Phase::Ready | Phase::Failed | Phase::Remote => inner.queue.pop(),
            };
            if let Some(queued) = next {
                inner.running = Some(RunningJob {
                    key: queued.job.key.clone(),
                    cancel: Arc::clone(&queued.job.cancel),
                });
                return Wake::Job(queued);
            }
            self.shared.wake.wait(&mut inner);
        }
    }

    /// Answers the job with its final event. The cancel flag is read under
    /// the queue lock, the same lock `Engine::cancel` takes, so a job that
    /// `cancel` reported as cancelled never also gets a result.
    fn finish(&self, job: &Job, outcome: Outcome) {
        let mut inner = self.shared.inner.lock();
        inner.running = None;
        let key = job.key.clone();
        let content_hash = job.content_hash;
        let event = if job.cancel.load(Ordering::Relaxed) {
            EngineEvent::Cancelled { key, content_hash }
        } else {
            match outcome {
                Outcome::Done(scenarios, stats) => EngineEvent::Done {
                    key,
                    content_hash,
                    scenarios,
                    stats,
                },
                Outcome::Cancelled | Outcome::Interrupted => {
                    EngineEvent::Cancelled { key, content_hash }
                }
                Outcome::Failed(message) => EngineEvent::Failed {
                    key,
                    content_hash,
                    message,
                },
            }
        };
        self.shared.send(event);
    }

    /// Puts a job back in line (model still loading, or engine restarting).
    fn requeue(&self, mut queued: Queued, cache_checked: bool) {
        let mut inner = self.shared.inner.lock();
        inner.running = None;
        if queued.job.cancel.load(Ordering::Relaxed) {
            self.shared.send(EngineEvent::Cancelled {
                key: queued.job.key.clone(),
                content_hash: queued.job.content_hash,
            });
            return;
        }
        queued.cache_checked = cache_checked;
        if let Some(dropped) = inner.queue.reinsert(queued) {
            self.shared.send(EngineEvent::dropped(dropped));
        }
    }

    fn budget_chars(&self) -> usize {
        // About 3 characters per token for numbered source code, after the
        // system prompt and chat template's ~350 tokens.
        self.config.max_prompt_tokens.saturating_sub(350).max(64) * 3
    }

    fn cache_key(&self, rendered: &RenderedPrompt, work: Work) -> Option<String> {
        let sha = self.model_sha.as_deref()?;
        let lora = self
            .config
            .lora
            .as_ref()
            .map(|l| format!("{}@{}", l.path.display(), l.scale))
            .unwrap_or_default();
        Some(cache::cache_key(&[
            sha,
            &lora,
            &self.config.max_output_tokens.to_string(),
            &self.config.max_prompt_tokens.to_string(),
            work.as_str(),
            SYSTEM_PROMPT,
            &rendered.user,
        ]))
    }

    fn report_cache_notices(&mut self) {
        for notice in self.cache.take_notices() {
            self.shared.send(EngineEvent::Notice(notice));
        }
    }

    /// Caches a job's answer under the current model identity.
    fn store(&mut self, job: &Job, scenarios: &[ModelScenario]) {
        if !self.config.use_prediction_cache || job.work == Work::Prefill {
            return;
        }
        let rendered = prompt::render(&job.input, self.budget_chars());
        if let Some(key) = self.cache_key(&rendered, job.work) {
            self.cache.insert(&key, scenarios);
            self.report_cache_notices();
        }
    }

    /// Answers the job from the cache if possible.
    fn answer_from_cache(&mut self, job: &Job) -> bool {
        if !self.config.use_prediction_cache {
            return false;
        }
        let rendered = prompt::render(&job.input, self.budget_chars());
        if job.work == Work::Prefill {
            // Nothing to fill when the answer the prefill prepares for is
            // already kept.
            let kept = [Work::Rank, Work::RankAndWrite].into_iter().any(|work| {
                self.cache_key(&rendered, work)
                    .is_some_and(|key| self.cache.get(&key).is_some())
            });
            self.report_cache_notices();
            if kept {
                self.finish(job, Outcome::Done(Vec::new(), JobStats::default()));
            }
            return kept;
        }
        let Some(key) = self.cache_key(&rendered, job.work) else {
            return false;
        };
        let found = self.cache.get(&key);
        self.report_cache_notices();
        let Some(scenarios) = found else {
            return false;
        };
        let stats = JobStats {
            from_cache: true,
            ..JobStats::default()
        };
        self.finish(job, Outcome::Done(scenarios, stats));
        true
    }

    /// Handles one job; returns a failure when the session is unusable afterwards.
    fn handle(
        &mut self,
        queued: Queued,
        phase: Phase,
        session: Option<&mut Session<'_>>,
    ) -> Option<Failure> {
        if queued.job.cancel.load(Ordering::Relaxed) {
            self.finish(&queued.job, Outcome::Cancelled);
            return None;
        }
        if self.answer_from_cache(&queued.job) {
            return None;
        }
        let session = match (phase, session) {
            (Phase::Ready, Some(session)) => session,
            _ => {
                self.requeue(queued, true);
                return None;
            }
        };
        let job = &queued.job;
        let cancelled = || job.cancel.load(Ordering::Relaxed) || self.stop.load(Ordering::Relaxed);
        let shared = &self.shared;
        let partial = |scenarios: Vec<ModelScenario>| {
            shared.send(EngineEvent::Partial {
                key: job.key.clone(),
                content_hash: job.content_hash,
                scenarios,
            });
        };
        let report: Option<&dyn Fn(Vec<ModelScenario>)> = job.partial.then_some(&partial);
        let budget = self.budget_chars();
        let result = catch_unwind(AssertUnwindSafe(|| {
            inject_panic(&job.input);
            session.predict(&job.input, job.work, budget, &cancelled, report)
        }));
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(payload) => {
                let message = format!("the model thread panicked: {}", panic_message(&*payload));
                tracing::error!(%message, key = %job.key, "prediction job panicked");
                self.finish(job, Outcome::Failed(message.clone()));
                self.shared.send(EngineEvent::Notice(format!(
                    "{message}; the model was reset and static predictions continue"
                )));
                // The context may hold a half-decoded prompt; rebuild the
                // system prompt's KV entries before trusting it again.
                let recovered = catch_unwind(AssertUnwindSafe(|| session.reset()));
                return match recovered {
                    Ok(Ok(())) => None,
                    Ok(Err(failure)) => Some(failure),
                    Err(_) => Some(Failure {
                        message,
                        hint: RESTART_HINT.to_string(),
                    }),
                };
            }
        };
        match outcome {
            Outcome::Interrupted if !job.cancel.load(Ordering::Relaxed) => {
                self.requeue(queued, false);
            }
            Outcome::Done(scenarios, stats) => {
                self.store(job, &scenarios);
                self.finish(job, Outcome::Done(scenarios, stats));
            }
            other => self.finish(job, other),
        }
        None
    }
}

// The tests run the embedded model; without it nothing but the panic hook's
// function name is used.
#[cfg(test)]
#[cfg_attr(not(feature = "llama"), allow(unused_imports, dead_code))]
pub(crate) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::catalog;
    use failcast_core::scenario::FailureClass;

    /// A job for a function of this name panics on the model thread.
    pub(crate) const PANIC_FUNCTION: &str = "__failcast_injected_panic__";

    #[test]
    #[cfg(target_os = "linux")]
    fn idle_cores_are_read_and_never_more_than_the_machine_has() {
        let cores = std::thread::available_parallelism().unwrap().get();
        let idle = idle_cores(Duration::from_millis(50)).expect("/proc/stat reads");
        assert!(idle <= cores, "{idle} idle of {cores}");
        assert!((1..=4).contains(&batch_threads()));
    }

    fn input(function_name: &str) -> PromptInput {
        PromptInput {
            language: "python".into(),
            path: "a.py".into(),
            function_name: function_name.into(),
            first_line: 1,
            source: "def f(xs):\n    return xs[0]\n".into(),
            hazards: vec![prompt::PromptHazard {
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

    /// The real default model, on two threads, with no disk cache.
    fn default_model() -> EngineConfig {
        let entry = catalog::default_entry();
        let path = fetch::fetch(entry, &mut |_| {}).expect("fetch the default model");
        EngineConfig {
            model_path: path,
            n_threads: 2,
            cache_dir: None,
            ..EngineConfig::for_entry(entry)
        }
    }

    fn answer(events: &Receiver<EngineEvent>) -> EngineEvent {
        loop {
            match events.recv_timeout(Duration::from_secs(120)) {
                Ok(EngineEvent::State(EngineState::Failed { message, .. })) => {
                    panic!("engine failed: {message}")
                }
                Ok(EngineEvent::State(_) | EngineEvent::Notice(_)) => {}
                Ok(event) => return event,
                Err(_) => panic!("timed out waiting for a job's answer"),
            }
        }
    }

    #[cfg(feature = "llama")]
    #[test]
    fn a_panicking_job_fails_alone_and_the_engine_keeps_working() {
        let config = EngineConfig {
            max_output_tokens: 48,
            ..default_model()
        };
        let engine = Engine::start(config);
        let events = engine.events();
        engine.submit(Job::new("panic", 1, 0, input(PANIC_FUNCTION)));
        match answer(&events) {
            EngineEvent::Failed { key, message, .. } => {
                assert_eq!(key, "panic");
                assert!(message.contains("panicked"), "{message}");
            }
            other => panic!("expected Failed, got {other:?}"),
        }
        engine.submit(Job::new("after", 2, 0, input("f")));
        assert!(matches!(
            answer(&events),
            EngineEvent::Done {
                content_hash: 2,
                ..
            }
        ));
        assert!(matches!(engine.state(), EngineState::Ready { .. }));
    }

    /// A function long enough that its prompt spans several decode chunks,
    /// with two candidates to rank.
    fn long_input() -> PromptInput {
        let mut source = String::from("def f(rows, url):\n");
        for i in 0..40 {
            source.push_str(&format!("    total_{i} = rows[{i}][\"amount\"] * {i}\n"));
        }
        source.push_str("    return requests.get(url).json()[\"id\"]\n");
        PromptInput {
            source,
            hazards: vec![
                prompt::PromptHazard {
                    class: FailureClass::KeyMissing,
                    line: 42,
                    subject: "json()[\"id\"]".into(),
                    trigger: "the response has no id".into(),
                    error: "KeyError: 'id'".into(),
                },
                prompt::PromptHazard {
                    class: FailureClass::IndexOutOfRange,
                    line: 2,
                    subject: "rows[0]".into(),
                    trigger: "rows is empty".into(),
                    error: "IndexError: list index out of range".into(),
                },
            ],
            ..input("f")
        }
    }

    fn done(event: EngineEvent) -> (Vec<ModelScenario>, JobStats) {
        match event {
            EngineEvent::Done {
                scenarios, stats, ..
            } => (scenarios, stats),
            other => panic!("expected Done, got {other:?}"),
        }
    }

    /// A prefill answers nothing and leaves the prompt in the KV cache: the
    /// ranking job after it decodes only the prompt's last chunk, and ranks
    /// exactly as an engine that was not prefilled.
    #[cfg(feature = "llama")]
    #[test]
    fn a_prefill_leaves_the_prompt_decoded_for_the_ranking_after_it() {
        let config = EngineConfig {
            use_prediction_cache: false,
            ..default_model()
        };
        let ranked = |prefill: bool| {
            let engine = Engine::start(config.clone());
            let events = engine.events();
            if prefill {
                engine.submit(Job::new("prefill", 1, 0, long_input()).with_work(Work::Prefill));
                let (scenarios, stats) = done(answer(&events));
                assert!(scenarios.is_empty(), "{scenarios:?}");
                assert!(stats.prompt_tokens > 600, "{stats:?}");
            }
            engine.submit(Job::new("rank", 2, 0, long_input()).with_work(Work::Rank));
            done(answer(&events))
        };
        let (cold, cold_stats) = ranked(false);
        let (warm, warm_stats) = ranked(true);
        assert_eq!(cold_stats.prompt_tokens, warm_stats.prompt_tokens);
        let decoded = warm_stats.prompt_tokens - warm_stats.reused_prompt_tokens;
        assert!(
            decoded <= 256
                && cold_stats.reused_prompt_tokens + 256 < warm_stats.reused_prompt_tokens,
            "cold {cold_stats:?}, after a prefill {warm_stats:?}"
        );
        assert_eq!(cold.len(), 2, "{cold:?}");
        let order = |s: &[ModelScenario]| {
            s.iter()
                .map(|a| (a.class, a.line, a.likelihood))
                .collect::<Vec<_>>()
        };
        assert_eq!(order(&cold), order(&warm));
    }
}
