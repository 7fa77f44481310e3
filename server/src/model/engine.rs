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

use std::num::NonZeroU32;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaLoraAdapter, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
use parking_lot::{Condvar, Mutex};

use super::cache::{self, PredictionCache};
use super::catalog::{self, ModelEntry};
use super::output::{self, JsonStream, ModelScenario};
use super::prompt::{self, PromptInput, RenderedPrompt, SYSTEM_PROMPT};
use super::queue::{JobQueue, Queued};
use super::{fetch, gguf};

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
}

/// A LoRA adapter applied on top of the model.
#[derive(Clone, Debug, PartialEq)]
pub struct LoraConfig {
    pub path: PathBuf,
    pub scale: f32,
}

impl EngineConfig {
    /// Defaults for a model file: all cores up to 8, 2048 tokens of context.
    pub fn new(model_path: impl Into<PathBuf>) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        EngineConfig {
            model_path: model_path.into(),
            expected_sha256: None,
            n_threads: cores.min(8),
            n_ctx: 2048,
            max_prompt_tokens: 1280,
            max_output_tokens: 512,
            lora: None,
            cache_dir: Some(fetch::cache_root()),
            use_prediction_cache: true,
            queue_capacity: 64,
            reuse_system_prompt: true,
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
        }
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
    pub generate_ms: u64,
    pub from_cache: bool,
    /// Scenarios the model wrote that failed validation.
    pub scenarios_dropped: usize,
    /// The output hit `max_output_tokens` (or was otherwise not complete
    /// JSON) and only its complete scenarios were kept.
    pub output_truncated: bool,
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
    Cancelled {
        key: String,
        content_hash: u64,
    },
    /// The queue was full and this job was the last in line.
    Dropped {
        key: String,
        content_hash: u64,
    },
    Failed {
        key: String,
        content_hash: u64,
        message: String,
    },
}

/// The hint shown with a model that cannot be used.
pub const FETCH_HINT: &str =
    "run `failcast model fetch` (or `failcast doctor` to see what is wrong)";
const RESTART_HINT: &str = "restart the model engine; if it happens again, run `failcast doctor`";

/// The process-wide llama.cpp backend. llama.cpp allows one initialisation
/// per process, so engines, the doctor and benchmarks all share this one.
pub fn backend() -> Result<&'static LlamaBackend, String> {
    static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            // llama.cpp logs to stderr by default; route it through tracing so
            // the server's log filter applies and stdout stays JSON-RPC only.
            llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default());
            LlamaBackend::init().map_err(|e| format!("cannot initialise llama.cpp: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

struct RunningJob {
    key: String,
    cancel: Arc<AtomicBool>,
}

struct QueueState {
    queue: JobQueue,
    running: Option<RunningJob>,
    state: EngineState,
}

struct Shared {
    inner: Mutex<QueueState>,
    wake: Condvar,
    events: Sender<EngineEvent>,
    decode_steps: AtomicU64,
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

    /// Total `llama_decode` calls since the engine was created.
    pub fn decode_steps(&self) -> u64 {
        self.shared.decode_steps.load(Ordering::Relaxed)
    }

    /// Number of jobs waiting (not counting the running one).
    pub fn queued(&self) -> usize {
        self.shared.inner.lock().queue.len()
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
            self.shared.send(EngineEvent::Dropped {
                key: dropped.key,
                content_hash: dropped.content_hash,
            });
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
            self.shared.send(EngineEvent::Dropped {
                key: job.key,
                content_hash: job.content_hash,
            });
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
struct Failure {
    message: String,
    hint: String,
}

impl Failure {
    fn fetch(message: impl Into<String>) -> Self {
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

struct LoadedModel {
    model: LlamaModel,
    adapter: Option<LlamaLoraAdapter>,
    name: String,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Checks the file, learns its checksum, loads it. Runs on its own thread so
/// the worker can answer cached jobs meanwhile.
fn load_model(config: &EngineConfig, identity: &dyn Fn(String)) -> Result<LoadedModel, Failure> {
    let path = &config.model_path;
    if !path.exists() {
        return Err(Failure::fetch(format!(
            "model file {} not found",
            path.display()
        )));
    }
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let entry = config
        .expected_sha256
        .as_deref()
        .and_then(catalog::find_by_sha256)
        .or_else(|| catalog::find_by_file_name(file_name));
    let summary = gguf::check(path, entry.map(|e| e.size)).map_err(|message| Failure {
        message,
        hint: format!("the file is damaged: delete it and {FETCH_HINT}"),
    })?;
    let sha256 = match &config.expected_sha256 {
        Some(expected) => {
            fetch::verify(path, expected).map_err(|e| Failure {
                message: e.to_string(),
                hint: format!("the file is not the configured model: delete it and {FETCH_HINT}"),
            })?;
            expected.to_ascii_lowercase()
        }
        None => fetch::sha256_cached(path).map_err(|e| Failure::fetch(e.to_string()))?,
    };
    identity(sha256);

    let backend = backend().map_err(|message| Failure {
        message,
        hint: RESTART_HINT.to_string(),
    })?;
    let params = LlamaModelParams::default();
    let mut model = LlamaModel::load_from_file(backend, path, &params)
        .map_err(|e| Failure::fetch(format!("llama.cpp cannot load {}: {e}", path.display())))?;
    let adapter = match &config.lora {
        Some(lora) => Some(model.lora_adapter_init(&lora.path).map_err(|e| Failure {
            message: format!("cannot load LoRA adapter {}: {e}", lora.path.display()),
            hint: "check the adapter path and that it was trained for this model".to_string(),
        })?),
        None => None,
    };
    let name = summary
        .name
        .or_else(|| entry.map(|e| e.name.to_string()))
        .unwrap_or_else(|| file_name.to_string());
    Ok(LoadedModel {
        model,
        adapter,
        name,
    })
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
}

enum Wake {
    Stop,
    Loader(LoaderMsg),
    Job(Queued),
}

/// How a job that reached the model ended.
enum Outcome {
    Done(Vec<ModelScenario>, JobStats),
    Cancelled,
    /// The engine is stopping; the job goes back in the queue.
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
    let (loader_tx, loader_rx) = crossbeam_channel::unbounded();
    let mut ctx = WorkerCtx {
        shared: Arc::clone(&shared),
        stop,
        model_sha: config
            .expected_sha256
            .as_ref()
            .map(|s| s.to_ascii_lowercase()),
        config: config.clone(),
        cache,
        loader: loader_rx,
    };

    let loader_shared = Arc::clone(&shared);
    let spawned = std::thread::Builder::new()
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
        });
    if let Err(error) = spawned {
        ctx.fail_forever(Failure {
            message: format!("cannot start the model loader: {error}"),
            hint: RESTART_HINT.to_string(),
        });
        return;
    }

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
    let session = catch_unwind(AssertUnwindSafe(|| {
        Session::new(
            &model,
            adapter.as_mut(),
            &ctx.config,
            Arc::clone(&ctx.shared),
        )
    }));
    let mut session = match session {
        Ok(Ok(session)) => session,
        Ok(Err(failure)) => return ctx.fail_forever(failure),
        Err(payload) => {
            return ctx.fail_forever(Failure {
                message: format!("preparing the model panicked: {}", panic_message(&*payload)),
                hint: RESTART_HINT.to_string(),
            });
        }
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
                    drop(session);
                    return ctx.fail_forever(failure);
                }
            }
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

    /// Blocks until there is something to do in this phase.
    fn wait(&self, phase: Phase) -> Wake {
        let mut inner = self.shared.inner.lock();
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Wake::Stop;
            }
            if phase == Phase::Loading
                && let Ok(msg) = self.loader.try_recv()
            {
                return Wake::Loader(msg);
            }
            let next = match phase {
                // Until the model is known, cache keys cannot be computed.
                Phase::Loading if self.model_sha.is_none() => None,
                Phase::Loading => inner.queue.pop_unchecked(),
                Phase::Ready | Phase::Failed => inner.queue.pop(),
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
            self.shared.send(EngineEvent::Dropped {
                key: dropped.key,
                content_hash: dropped.content_hash,
            });
        }
    }

    fn budget_chars(&self) -> usize {
        // About 3 characters per token for numbered source code, after the
        // system prompt and chat template's ~150 tokens.
        self.config.max_prompt_tokens.saturating_sub(160).max(64) * 3
    }

    fn cache_key(&self, rendered: &RenderedPrompt) -> Option<String> {
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
            SYSTEM_PROMPT,
            &rendered.user,
        ]))
    }

    /// Answers the job from the cache if possible.
    fn answer_from_cache(&mut self, job: &Job) -> bool {
        if !self.config.use_prediction_cache {
            return false;
        }
        let rendered = prompt::render(&job.input, self.budget_chars());
        let Some(key) = self.cache_key(&rendered) else {
            return false;
        };
        let Some(scenarios) = self.cache.get(&key) else {
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
        let result = catch_unwind(AssertUnwindSafe(|| {
            session.predict(&job.input, self.budget_chars(), &cancelled)
        }));
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(payload) => {
                let message = format!("the model thread panicked: {}", panic_message(&*payload));
                tracing::error!(%message, key = %job.key, "prediction job panicked");
                self.finish(job, Outcome::Failed(message.clone()));
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
                if self.config.use_prediction_cache {
                    let rendered = prompt::render(&job.input, self.budget_chars());
                    if let Some(key) = self.cache_key(&rendered) {
                        self.cache.insert(&key, &scenarios);
                    }
                }
                self.finish(job, Outcome::Done(scenarios, stats));
            }
            other => self.finish(job, other),
        }
        None
    }
}

/// The model, its context and the cached system prompt: everything a job needs.
struct Session<'m> {
    model: &'m LlamaModel,
    ctx: LlamaContext<'m>,
    template: LlamaChatTemplate,
    /// The system prompt's tokens (what the chat template puts before the
    /// user message), decoded at positions `0..len` of sequence 0.
    system_tokens: Vec<LlamaToken>,
    /// `quote_tokens[id]`: the token's text starts with `"` (closes a JSON string).
    quote_tokens: Vec<bool>,
    /// `close_tokens[id]`: the token's text is `]`, maybe after spaces
    /// (closes the scenario array).
    close_tokens: Vec<bool>,
    /// How many leading `system_tokens` are currently valid in the KV cache.
    kv_system: usize,
    reuse: bool,
    batch: LlamaBatch<'static>,
    n_ctx: usize,
    max_prompt_tokens: usize,
    max_output_tokens: usize,
    counters: Arc<Shared>,
}

const PROMPT_CHUNK: usize = 256;
/// Tokens kept free for closing the answer (`]}` and some slack).
const CLOSING_RESERVE: usize = 8;
/// Stands in for the user message while splitting the chat template around it.
const USER_MARK: &str = "\u{1}FAILCAST-USER\u{1}";

/// The chat template rendered around a user message, split at the message so
/// the message can be tokenized without special-token parsing: source code
/// that contains `<|im_end|>` must stay text, not end the turn.
struct TemplateParts {
    /// Everything before the user message (starts with the system turn).
    before: String,
    after: String,
}

impl<'m> Session<'m> {
    fn new(
        model: &'m LlamaModel,
        adapter: Option<&mut LlamaLoraAdapter>,
        config: &EngineConfig,
        counters: Arc<Shared>,
    ) -> Result<Self, Failure> {
        let backend = backend().map_err(Failure::fetch)?;
        let n_ctx = config.n_ctx.max(256);
        let threads = i32::try_from(config.n_threads.max(1)).unwrap_or(1);
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(n_ctx))
            .with_n_batch(PROMPT_CHUNK as u32)
            .with_n_ubatch(PROMPT_CHUNK as u32)
            .with_n_threads(threads)
            .with_n_threads_batch(threads);
        let mut ctx = model.new_context(backend, params).map_err(|e| Failure {
            message: format!("cannot create a llama.cpp context: {e}"),
            hint: "lower n_ctx or free memory, then restart the model engine".to_string(),
        })?;
        if let (Some(adapter), Some(lora)) = (adapter, &config.lora) {
            ctx.lora_adapter_set(adapter, lora.scale)
                .map_err(|e| Failure {
                    message: format!("cannot apply LoRA adapter {}: {e}", lora.path.display()),
                    hint: "check that the adapter was trained for this model".to_string(),
                })?;
        }
        let template = match model.chat_template(None) {
            Ok(template) => template,
            Err(error) => {
                tracing::warn!(%error, "model has no chat template; using ChatML");
                LlamaChatTemplate::new("chatml").map_err(|e| Failure::fetch(e.to_string()))?
            }
        };
        let vocab = model.vocab();
        let pieces: Vec<Vec<u8>> = (0..model.n_vocab())
            .map(|id| vocab.token_to_piece(LlamaToken(id), false, None))
            .collect();
        let quote_tokens = pieces.iter().map(|p| p.starts_with(b"\"")).collect();
        let close_tokens = pieces
            .iter()
            .map(|p| p.trim_ascii_start().starts_with(b"]"))
            .collect();
        let mut session = Session {
            model,
            ctx,
            template,
            system_tokens: Vec::new(),
            quote_tokens,
            close_tokens,
            kv_system: 0,
            reuse: false,
            batch: LlamaBatch::new(PROMPT_CHUNK, 1),
            n_ctx: n_ctx as usize,
            max_prompt_tokens: config.max_prompt_tokens,
            max_output_tokens: config.max_output_tokens,
            counters,
        };
        session.prepare_system_prompt(config.reuse_system_prompt)?;
        Ok(session)
    }

    fn render(&self, messages: &[(&str, &str)], add_assistant: bool) -> Result<String, String> {
        let chat = messages
            .iter()
            .map(|(role, content)| LlamaChatMessage::new((*role).into(), (*content).into()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        self.model
            .apply_chat_template(&self.template, &chat, add_assistant)
            .map_err(|e| format!("cannot apply the chat template: {e}"))
    }

    fn template_parts(&self) -> Result<TemplateParts, String> {
        let full = self.render(&[("system", SYSTEM_PROMPT), ("user", USER_MARK)], true)?;
        let (before, after) = full
            .split_once(USER_MARK)
            .ok_or_else(|| "the chat template drops the user message".to_string())?;
        Ok(TemplateParts {
            before: before.to_string(),
            after: after.to_string(),
        })
    }

    /// Decides whether the system prompt's KV entries can be shared by all
    /// jobs, and decodes them. Reuse is only correct if every job's prompt
    /// starts with exactly these tokens, so that is checked, not assumed.
    fn prepare_system_prompt(&mut self, want_reuse: bool) -> Result<(), Failure> {
        let broken = |message: String| Failure {
            message,
            hint: "this model's chat template is not supported; try another model".to_string(),
        };
        let system_only = self
            .render(&[("system", SYSTEM_PROMPT)], false)
            .map_err(broken)?;
        let parts = self.template_parts().map_err(broken)?;
        let vocab = self.model.vocab();
        let system_tokens = vocab.tokenize(system_only.as_bytes(), true, true);
        let before_tokens = vocab.tokenize(parts.before.as_bytes(), true, true);
        let prefix_ok = parts.before.starts_with(&system_only)
            && before_tokens.starts_with(&system_tokens)
            && !system_tokens.is_empty();
        self.reuse = want_reuse && prefix_ok;
        if want_reuse && !prefix_ok {
            tracing::warn!(
                "the chat template does not start the prompt with the system turn; \
                 decoding every prompt in full"
            );
        }
        self.system_tokens = system_tokens;
        self.reset()
    }

    /// Clears the KV cache and, when reusing, decodes the system prompt into it.
    fn reset(&mut self) -> Result<(), Failure> {
        self.ctx.clear_kv_cache();
        self.kv_system = 0;
        if self.reuse {
            let tokens = self.system_tokens.clone();
            let never = || false;
            self.decode_prompt(&tokens, 0, &never)
                .map_err(|message| Failure {
                    message,
                    hint: RESTART_HINT.to_string(),
                })?;
            self.kv_system = tokens.len();
        }
        Ok(())
    }

    /// The job's prompt tokens, cut until they fit `max_prompt_tokens`.
    fn prompt_tokens(
        &self,
        input: &PromptInput,
        budget_chars: usize,
    ) -> Result<(Vec<LlamaToken>, RenderedPrompt), String> {
        let parts = self.template_parts()?;
        let vocab = self.model.vocab();
        let mut budget = budget_chars;
        loop {
            let rendered = prompt::render(input, budget);
            let mut tokens = vocab.tokenize(parts.before.as_bytes(), true, true);
            tokens.extend(vocab.tokenize(rendered.user.as_bytes(), false, false));
            tokens.extend(vocab.tokenize(parts.after.as_bytes(), false, true));
            if tokens.len() <= self.max_prompt_tokens {
                return Ok((tokens, rendered));
            }
            if budget < 256 {
                return Err(format!(
                    "the prompt needs {} tokens even cut short; max_prompt_tokens is {}",
                    tokens.len(),
                    self.max_prompt_tokens
                ));
            }
            budget = budget * 3 / 5;
        }
    }

    /// Decodes `tokens` at positions `start..`, in chunks, checking for
    /// cancellation between chunks. Logits are kept for the last token only.
    fn decode_prompt(
        &mut self,
        tokens: &[LlamaToken],
        start: usize,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<bool, String> {
        let mut pos = start;
        for chunk in tokens.chunks(PROMPT_CHUNK) {
            if cancelled() {
                return Ok(false);
            }
            self.batch.clear();
            for (i, token) in chunk.iter().enumerate() {
                let last = pos + i + 1 == start + tokens.len();
                self.batch
                    .add(*token, (pos + i) as i32, &[0], last)
                    .map_err(|e| e.to_string())?;
            }
            self.decode()?;
            pos += chunk.len();
        }
        Ok(true)
    }

    fn decode(&mut self) -> Result<(), String> {
        self.counters.decode_steps.fetch_add(1, Ordering::Relaxed);
        self.ctx
            .decode(&mut self.batch)
            .map_err(|e| format!("llama_decode failed: {e}"))
    }

    /// Runs one prediction.
    fn predict(
        &mut self,
        input: &PromptInput,
        budget_chars: usize,
        cancelled: &dyn Fn() -> bool,
    ) -> Outcome {
        #[cfg(test)]
        if input.function_name == tests::PANIC_FUNCTION {
            panic!("injected test panic");
        }
        let steps_before = self.counters.decode_steps.load(Ordering::Relaxed);
        match self.predict_inner(input, budget_chars, cancelled) {
            Ok(Some((scenarios, mut stats))) => {
                stats.decode_steps =
                    self.counters.decode_steps.load(Ordering::Relaxed) - steps_before;
                Outcome::Done(scenarios, stats)
            }
            Ok(None) => Outcome::Interrupted,
            Err(message) => Outcome::Failed(message),
        }
    }

    fn predict_inner(
        &mut self,
        input: &PromptInput,
        budget_chars: usize,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<(Vec<ModelScenario>, JobStats)>, String> {
        let started = Instant::now();
        let (tokens, rendered) = self.prompt_tokens(input, budget_chars)?;
        if tokens.len() + self.max_output_tokens > self.n_ctx {
            return Err(format!(
                "prompt ({} tokens) plus output ({}) exceeds the context ({})",
                tokens.len(),
                self.max_output_tokens,
                self.n_ctx
            ));
        }
        let schema = prompt::schema(&rendered.lines);
        let grammar = output_grammar(&schema)?;
        let mut sampler = LlamaSampler::grammar(self.model, &grammar, "root")
            .map_err(|e| format!("cannot build the grammar sampler: {e}"))?;

        // Keep the system prompt's KV entries when this prompt starts with
        // them; drop everything after, left over from the previous job.
        let n_sys = self.system_tokens.len();
        // At least one token must be decoded to get logits to sample from.
        let has_system =
            n_sys > 0 && n_sys < tokens.len() && tokens.starts_with(&self.system_tokens);
        let keep = if self.reuse && self.kv_system == n_sys && has_system {
            n_sys
        } else {
            0
        };
        if !self
            .ctx
            .clear_kv_cache_seq(Some(0), Some(keep as u32), None)
            .map_err(|e| e.to_string())?
        {
            self.ctx.clear_kv_cache();
            self.kv_system = 0;
            return Err("cannot trim the KV cache".to_string());
        }
        self.kv_system = self.kv_system.min(keep);
        let mut start = keep;
        if keep == 0 && has_system {
            // Decode the system turn on its own, with the same batch
            // boundaries as when it is reused: llama.cpp's arithmetic is not
            // batch-size invariant, and full decoding must be comparable with
            // reuse bit for bit (and leaves the KV ready for reuse).
            if !self.decode_prompt(&tokens[..n_sys], 0, cancelled)? {
                return Ok(None);
            }
            if self.reuse {
                self.kv_system = n_sys;
            }
            start = n_sys;
        }
        if !self.decode_prompt(&tokens[start..], start, cancelled)? {
            return Ok(None);
        }
        let prompt_ms = started.elapsed().as_millis() as u64;

        let generate_started = Instant::now();
        let vocab = self.model.vocab();
        let mut text = Vec::new();
        let mut stream = JsonStream::default();
        let mut pos = tokens.len();
        let mut logits_index = self.batch.n_tokens() - 1;
        let mut generated = 0;
        // Tokens the longest scenario so far took, to tell whether another
        // one can still finish within max_output_tokens.
        let mut longest_item = 0;
        let mut item_started = 0;
        let mut closing = false;
        while generated < self.max_output_tokens {
            if cancelled() {
                return Ok(None);
            }
            // A string stuck in a loop is closed at once instead of running
            // to its maxLength (the grammar allows a quote at any point), and
            // when another scenario would not fit the budget the array is
            // closed after the current one, so the answer stays complete JSON.
            let force = if closing && stream.depth() == 2 && !stream.string_loops() {
                Some(self.close_tokens.as_slice())
            } else if stream.string_loops() {
                Some(self.quote_tokens.as_slice())
            } else {
                None
            };
            let token = sample_with_grammar(&self.ctx, logits_index, &mut sampler, force);
            if vocab.is_eog(token) {
                break;
            }
            sampler
                .try_accept(token)
                .map_err(|e| format!("the grammar rejected a sampled token: {e}"))?;
            generated += 1;
            let piece = vocab.token_to_piece(token, false, None);
            text.extend_from_slice(&piece);
            let items_before = stream.items_closed();
            if stream.push(&piece) {
                break;
            }
            if stream.items_closed() > items_before {
                longest_item = longest_item.max(generated - item_started);
                item_started = generated;
                closing = generated + longest_item + CLOSING_RESERVE > self.max_output_tokens;
            }
            self.batch.clear();
            self.batch
                .add(token, pos as i32, &[0], true)
                .map_err(|e| e.to_string())?;
            self.decode()?;
            pos += 1;
            logits_index = 0;
        }
        let generate_ms = generate_started.elapsed().as_millis() as u64;
        let text = String::from_utf8_lossy(&text);
        tracing::trace!(output = %text, "model output");
        let parsed = output::parse(&text, input.lines());
        Ok(Some((
            parsed.scenarios,
            JobStats {
                prompt_tokens: tokens.len(),
                reused_prompt_tokens: keep,
                generated_tokens: generated,
                decode_steps: 0,
                prompt_ms,
                generate_ms,
                from_cache: false,
                scenarios_dropped: parsed.dropped,
                output_truncated: parsed.salvaged,
            },
        )))
    }
}

/// The grammar for the answer schema, with JSON whitespace reduced to at
/// most one space: llama.cpp's default allows newlines and indentation, which
/// a small model happily spends a third of its tokens on.
fn output_grammar(schema: &serde_json::Value) -> Result<String, String> {
    let grammar = llama_cpp_2::json_schema_to_grammar(&schema.to_string())
        .map_err(|e| format!("cannot build the output grammar: {e}"))?;
    let mut replaced = false;
    let lines: Vec<String> = grammar
        .lines()
        .map(|line| {
            if line.starts_with("space ::=") {
                replaced = true;
                "space ::= \" \"?".to_string()
            } else {
                line.to_string()
            }
        })
        .collect();
    if !replaced {
        tracing::debug!("output grammar has no `space` rule; keeping it as generated");
    }
    Ok(lines.join("\n"))
}

/// Greedy sampling under a grammar, without running the grammar over the
/// whole vocabulary on every step: the unconstrained best token is tried
/// first and the full vocabulary is filtered only when the grammar rejects
/// it. The result is the same token as filtering first (llama.cpp's common
/// sampler does the same), at a fraction of the cost. With `only`, the best
/// grammar-allowed token among those marked is taken, if there is one.
fn sample_with_grammar(
    ctx: &LlamaContext<'_>,
    index: i32,
    grammar: &mut LlamaSampler,
    only: Option<&[bool]>,
) -> LlamaToken {
    if only.is_none() {
        let logits = ctx.get_logits_ith(index);
        let (best, best_logit) = argmax(logits.iter().copied());
        let mut single = LlamaTokenDataArray::new(
            vec![LlamaTokenData::new(
                LlamaToken(best as i32),
                best_logit,
                0.0,
            )],
            false,
        );
        single.apply_sampler(grammar);
        if single.data[0].logit() > f32::NEG_INFINITY {
            return LlamaToken(best as i32);
        }
    }
    let mut all = ctx.token_data_array_ith(index);
    all.apply_sampler(grammar);
    if let Some(mask) = only {
        let marked = all
            .data
            .iter()
            .filter(|d| d.logit() > f32::NEG_INFINITY)
            .filter(|d| mask.get(d.id().0 as usize).copied().unwrap_or(false))
            .max_by(|a, b| a.logit().total_cmp(&b.logit()));
        if let Some(token) = marked {
            return token.id();
        }
    }
    let (i, _) = argmax(all.data.iter().map(LlamaTokenData::logit));
    all.data[i].id()
}

/// Index and value of the first maximum (the tie rule of llama.cpp's greedy sampler).
fn argmax(values: impl Iterator<Item = f32>) -> (usize, f32) {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::scenario::FailureClass;

    /// A job for a function of this name panics on the model thread.
    pub(crate) const PANIC_FUNCTION: &str = "__failcast_injected_panic__";

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
            }],
            callers: vec![],
            incidents: vec![],
        }
    }

    fn answer(events: &Receiver<EngineEvent>) -> EngineEvent {
        loop {
            match events.recv_timeout(Duration::from_secs(120)) {
                Ok(EngineEvent::State(EngineState::Failed { message, .. })) => {
                    panic!("engine failed: {message}")
                }
                Ok(EngineEvent::State(_)) => {}
                Ok(event) => return event,
                Err(_) => panic!("timed out waiting for a job's answer"),
            }
        }
    }

    #[test]
    fn output_grammar_is_compact_and_bounded() {
        let grammar = output_grammar(&prompt::schema(&[3, 1, 2])).unwrap();
        assert!(grammar.contains("space ::= \" \"?"), "{grammar}");
        assert!(!grammar.contains("\\n\"{1,2}"), "{grammar}");
        assert!(grammar.contains("\"3\" | \"1\" | \"2\""), "{grammar}");
    }

    #[test]
    fn a_panicking_job_fails_alone_and_the_engine_keeps_working() {
        let entry = catalog::default_entry();
        let path = fetch::fetch(entry, &mut |_| {}).expect("fetch the default model");
        let config = EngineConfig {
            model_path: path,
            n_threads: 2,
            cache_dir: None,
            max_output_tokens: 48,
            ..EngineConfig::for_entry(entry)
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
}
