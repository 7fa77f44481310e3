//! `failcast doctor` for the model: is it there, is it the right file, does it
//! load, how fast is it here, and what to do about each problem.
//!
//! The report is plain data; the CLI decides how to print it (`Display` gives
//! a readable default). The speed figures come from a real prediction through
//! the engine, so they measure what the editor will experience.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::catalog::{self, ModelEntry};
use super::engine::{Engine, EngineConfig, EngineEvent, EngineState, Job};
use super::fetch::{self, FetchError};
use super::prompt::{PromptHazard, PromptInput};
use super::remote::{RemoteConfig, RemoteSession};
use failcast_core::scenario::FailureClass;

/// What the doctor should look at.
#[derive(Clone, Debug, Default)]
pub struct DoctorOptions {
    /// A catalog name or a path to a GGUF file; the default model when `None`.
    pub model: Option<String>,
    /// Load the model and time a short prediction (takes a few seconds).
    pub measure_speed: bool,
    /// Threads for the measurement; all cores (up to 8) when `None`.
    pub n_threads: Option<usize>,
    /// The model server of `backend = "openai"`, to ask whether it is up.
    pub server: Option<RemoteConfig>,
}

/// One thing that is wrong, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub what: String,
    pub fix: String,
}

/// The doctor's findings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DoctorReport {
    /// Catalog name, or the file name for a model given by path.
    pub model_name: String,
    pub model_path: PathBuf,
    pub model_found: bool,
    /// `None` when it could not be checked (no file, or no known checksum).
    pub checksum_ok: Option<bool>,
    /// `None` when loading was not attempted.
    pub loads: Option<bool>,
    pub load_ms: Option<u64>,
    /// Prompt evaluation speed in tokens per second.
    pub prompt_tokens_per_second: Option<f64>,
    /// Generation speed in tokens per second.
    pub generation_tokens_per_second: Option<f64>,
    /// `CPU`, `Metal`, `CUDA`, `Vulkan`...: where llama.cpp computes.
    pub backend: String,
    /// The devices llama.cpp sees, as `name (description)`.
    pub devices: Vec<String>,
    pub model_dir: PathBuf,
    pub prediction_cache_dir: PathBuf,
    /// `backend = "openai"`: the endpoint and the models it lists (`None`
    /// when it did not answer).
    pub server: Option<(String, Option<Vec<String>>)>,
    pub problems: Vec<Problem>,
}

impl DoctorReport {
    pub fn is_healthy(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Examines the configured model and the machine.
pub fn diagnose(options: &DoctorOptions) -> DoctorReport {
    let (entry, model_path) = resolve(options.model.as_deref());
    let mut report = DoctorReport {
        model_name: entry.map_or_else(
            || {
                model_path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            },
            |e| e.name.to_string(),
        ),
        model_path: model_path.clone(),
        model_dir: fetch::cache_dir(),
        prediction_cache_dir: fetch::cache_root().join("predictions"),
        ..DoctorReport::default()
    };
    let (backend, devices) = compute_devices();
    report.backend = backend;
    report.devices = devices;
    if let Some(server) = &options.server {
        let mut session = RemoteSession::new(server.clone(), 1);
        match session.probe() {
            Ok(models) => report.server = Some((server.endpoint.clone(), Some(models))),
            Err(error) => {
                report.server = Some((server.endpoint.clone(), None));
                let stand_in = if server.fallback_embedded {
                    "the embedded model below (or static predictions) stands in"
                } else {
                    "static predictions stand in"
                };
                report.problems.push(Problem {
                    what: format!("the model server does not answer: {error}"),
                    fix: format!(
                        "start it, or fix model.endpoint / {}; until then {stand_in}",
                        server.api_key_env
                    ),
                });
            }
        }
    }

    report.model_found = model_path.is_file();
    if !report.model_found {
        report.problems.push(Problem {
            what: format!("model file {} not found", model_path.display()),
            fix: match entry {
                Some(e) => format!("run `failcast model fetch {}`", e.name),
                None => "check the model path in the settings".to_string(),
            },
        });
        return report;
    }
    if let Some(entry) = entry {
        match fetch::verify_entry(&model_path, entry) {
            Ok(()) => report.checksum_ok = Some(true),
            Err(error) => {
                report.checksum_ok = Some(false);
                let fix = match error {
                    FetchError::Io { .. } => "check the file's permissions".to_string(),
                    _ => format!(
                        "delete {} and run `failcast model fetch {}`",
                        model_path.display(),
                        entry.name
                    ),
                };
                report.problems.push(Problem {
                    what: error.to_string(),
                    fix,
                });
                return report;
            }
        }
    }
    if options.measure_speed {
        measure(&mut report, entry, options);
    }
    report
}

fn resolve(model: Option<&str>) -> (Option<&'static ModelEntry>, PathBuf) {
    match model {
        None => {
            let entry = catalog::default_entry();
            (Some(entry), fetch::model_path(entry))
        }
        Some(name) => match catalog::find(name) {
            Some(entry) => (Some(entry), fetch::model_path(entry)),
            None => {
                let path = PathBuf::from(name);
                let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                (catalog::find_by_file_name(file_name), path)
            }
        },
    }
}

/// The compute backend llama.cpp will use: the first GPU-like device, else CPU.
#[cfg(feature = "llama")]
fn compute_devices() -> (String, Vec<String>) {
    use llama_cpp_2::LlamaBackendDeviceType;
    if let Err(error) = super::engine::backend() {
        return (format!("unavailable: {error}"), Vec::new());
    }
    let devices = llama_cpp_2::list_llama_ggml_backend_devices();
    let backend = devices
        .iter()
        .find(|d| {
            matches!(
                d.device_type,
                LlamaBackendDeviceType::Gpu | LlamaBackendDeviceType::IntegratedGpu
            )
        })
        .map_or_else(|| "CPU".to_string(), |d| d.backend.clone());
    let names = devices
        .iter()
        .map(|d| format!("{} ({})", d.name, d.description))
        .collect();
    (backend, names)
}

#[cfg(not(feature = "llama"))]
fn compute_devices() -> (String, Vec<String>) {
    (
        "none: built without the embedded model (cargo feature `llama`)".to_string(),
        Vec::new(),
    )
}

/// A short function with one hazard: enough prompt and output to time.
fn probe_input() -> PromptInput {
    PromptInput {
        language: "python".into(),
        path: "doctor/probe.py".into(),
        function_name: "average".into(),
        first_line: 1,
        source: "def average(values):\n    total = sum(values)\n    return total / len(values)\n"
            .into(),
        hazards: vec![PromptHazard {
            class: FailureClass::DivisionByZero,
            line: 3,
            subject: "total / len(values)".into(),
            trigger: "values is empty".into(),
            error: "ZeroDivisionError: division by zero".into(),
        }],
        callers: vec![],
        incidents: vec![],
    }
}

fn measure(report: &mut DoctorReport, entry: Option<&ModelEntry>, options: &DoctorOptions) {
    let mut config = match entry {
        Some(entry) => EngineConfig::for_entry(entry),
        None => EngineConfig::new(&report.model_path),
    };
    config.model_path = report.model_path.clone();
    config.use_prediction_cache = false;
    config.cache_dir = None;
    config.max_output_tokens = 96;
    if let Some(n) = options.n_threads {
        config.n_threads = n;
    }
    let started = Instant::now();
    let engine = Engine::start(config);
    let events = engine.events();
    let deadline = Duration::from_secs(120);
    let mut submitted = false;
    loop {
        let Some(left) = deadline.checked_sub(started.elapsed()) else {
            report.problems.push(Problem {
                what: "the model did not answer within two minutes".to_string(),
                fix: "check CPU load, or try a smaller model".to_string(),
            });
            return;
        };
        let Ok(event) = events.recv_timeout(left) else {
            continue;
        };
        match event {
            EngineEvent::State(EngineState::Ready { .. }) if !submitted => {
                report.loads = Some(true);
                report.load_ms = Some(started.elapsed().as_millis() as u64);
                engine.submit(Job::new("doctor", 0, 0, probe_input()));
                submitted = true;
            }
            EngineEvent::State(EngineState::Failed { message, hint }) => {
                report.loads = Some(false);
                report.problems.push(Problem {
                    what: message,
                    fix: hint,
                });
                return;
            }
            EngineEvent::Done { stats, .. } => {
                let decoded = stats.prompt_tokens - stats.reused_prompt_tokens;
                report.prompt_tokens_per_second = rate(decoded, stats.prompt_ms);
                report.generation_tokens_per_second =
                    rate(stats.generated_tokens, stats.generate_ms);
                return;
            }
            EngineEvent::Failed { message, .. } => {
                report.problems.push(Problem {
                    what: format!("a test prediction failed: {message}"),
                    fix: "run `failcast doctor` again; report it if it persists".to_string(),
                });
                return;
            }
            _ => {}
        }
    }
}

fn rate(tokens: usize, ms: u64) -> Option<f64> {
    (tokens > 0 && ms > 0).then(|| tokens as f64 * 1000.0 / ms as f64)
}

impl fmt::Display for DoctorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let yes_no = |v: Option<bool>| match v {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "not checked",
        };
        writeln!(f, "model:            {}", self.model_name)?;
        writeln!(f, "path:             {}", self.model_path.display())?;
        writeln!(f, "found:            {}", yes_no(Some(self.model_found)))?;
        writeln!(f, "checksum ok:      {}", yes_no(self.checksum_ok))?;
        writeln!(f, "loads:            {}", yes_no(self.loads))?;
        if let Some(ms) = self.load_ms {
            writeln!(f, "load time:        {ms} ms")?;
        }
        if let Some(tps) = self.prompt_tokens_per_second {
            writeln!(f, "prompt speed:     {tps:.0} tokens/s")?;
        }
        if let Some(tps) = self.generation_tokens_per_second {
            writeln!(f, "generation speed: {tps:.0} tokens/s")?;
        }
        if let Some((endpoint, models)) = &self.server {
            writeln!(f, "model server:     {endpoint}")?;
            match models {
                Some(models) => {
                    writeln!(f, "  answers:        yes, serving {}", models.join(", "))?
                }
                None => writeln!(f, "  answers:        no")?,
            }
        }
        writeln!(f, "backend:          {}", self.backend)?;
        for device in &self.devices {
            writeln!(f, "  device:         {device}")?;
        }
        writeln!(f, "model dir:        {}", self.model_dir.display())?;
        writeln!(
            f,
            "prediction cache: {}",
            self.prediction_cache_dir.display()
        )?;
        if self.problems.is_empty() {
            writeln!(f, "no problems found")?;
        }
        for problem in &self.problems {
            writeln!(f, "problem: {}\n  fix:   {}", problem.what, problem.fix)?;
        }
        Ok(())
    }
}
