//! Configuration: the defaults, then `failcast.toml`, then the editor's
//! `initializationOptions`, then `workspace/didChangeConfiguration`, then
//! the environment; later layers win key by key.
//!
//! A layer is read into `Options`, derived with serde as ruff's options
//! are: every field optional (`null` is unset), unknown keys refused. It is
//! read one setting at a time, so a bad value is reported with its full key
//! and left out, and the layers below keep theirs: one typo never resets
//! the rest. Keys may be written in snake_case (as in the TOML) or
//! camelCase (as VS Code settings are).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::{Error as _, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

use crate::language::Language;
use crate::scenario::{FailureClass, Kind};

/// The name of the configuration file at the workspace root.
pub const CONFIG_FILE: &str = "failcast.toml";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    #[serde(alias = "info")]
    Information,
    Hint,
    #[serde(alias = "none")]
    Off,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// llama.cpp in-process.
    Embedded,
    /// An OpenAI-compatible chat-completions server.
    OpenAi,
    /// Static predictions only.
    Off,
}

/// What answers while the model server is down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fallback {
    /// The embedded model, if its file is in the cache; else static predictions.
    Embedded,
    /// Static predictions only.
    Static,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelConfig {
    pub name: String,
    pub path: Option<PathBuf>,
    pub backend: Backend,
    pub endpoint: String,
    pub remote_model: String,
    pub api_key_env: String,
    pub timeout_ms: u64,
    /// Extra attempts of a request the model server failed (connection
    /// refused or reset, 5xx, 429), with backoff.
    pub retries: u32,
    /// What stands in while the model server is down.
    pub fallback: Fallback,
    pub threads: u32,
    pub max_prompt_tokens: u32,
    pub max_output_tokens: u32,
    /// Jobs waiting for the model at most; more wait outside the queue,
    /// one entry per function, and are asked as room frees up.
    pub queue_capacity: u32,
    pub lora: Option<PathBuf>,
    pub lora_scale: f32,
    /// How much the model's ranking of a function's static predictions
    /// counts against their static likelihood: 0 ignores the model, 1 ranks
    /// by the model alone. Unset, each model's own weight, measured on the
    /// real-bug benchmark (the model catalog's `rank_weight`).
    pub rank_weight: Option<f32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    pub model: ModelConfig,
    pub debounce_ms: u64,
    /// How many caller frames a synthetic trace shows.
    pub trace_depth: usize,
    pub latent: Severity,
    pub manifest: Severity,
    pub class_severity: BTreeMap<FailureClass, Severity>,
    /// At most this many diagnostics per function, the most likely first
    /// (`severity.max_per_function`; 0: no limit), so that a dense file
    /// never floods the editor.
    pub max_per_function: usize,
    pub languages: Vec<Language>,
    pub ignore: Vec<String>,
    pub include_tests: bool,
    pub corpus_path: PathBuf,
    /// `[corpus] url`: a PostgreSQL URL for a team's shared corpus; empty
    /// for the SQLite file at `corpus_path`. It may carry a password:
    /// failcast-corpus shows it only redacted.
    pub corpus_url: String,
    /// `service.name` of synthetic telemetry; empty: the workspace's name.
    pub service_name: String,
    /// `[[handlers]]`: event schemas of handler functions.
    pub handlers: Vec<HandlerConfig>,
}

/// A compiled `functions` glob; equal when the patterns are.
#[derive(Clone, Debug)]
pub struct FunctionGlob(pub globset::GlobMatcher);

impl PartialEq for FunctionGlob {
    fn eq(&self, other: &FunctionGlob) -> bool {
        self.0.glob() == other.0.glob()
    }
}

/// One `[[handlers]]` entry: which functions, and the schema of their event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HandlerConfig {
    /// A glob over function ids (`lambdas/*.py::handler`) or paths.
    pub functions: String,
    #[serde(skip)]
    pub glob: Option<FunctionGlob>,
    /// The JSON Schema or OpenAPI document, as configured.
    pub schema: PathBuf,
    /// A JSON pointer into the document (for OpenAPI, the request body's schema).
    pub pointer: String,
    /// The platform's payload limit, when it is not AWS Lambda's.
    pub max_payload_bytes: Option<u64>,
    /// The parsed document.
    pub document: Option<Arc<Value>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            model: ModelConfig {
                name: "smollm2-135m".to_owned(),
                path: None,
                backend: Backend::Embedded,
                endpoint: String::new(),
                remote_model: String::new(),
                api_key_env: "FAILCAST_API_KEY".to_owned(),
                timeout_ms: 30_000,
                retries: 2,
                fallback: Fallback::Embedded,
                threads: 0,
                max_prompt_tokens: 1536,
                max_output_tokens: 320,
                queue_capacity: 64,
                lora: None,
                lora_scale: 1.0,
                rank_weight: None,
            },
            debounce_ms: 300,
            trace_depth: 3,
            latent: Severity::Information,
            manifest: Severity::Warning,
            class_severity: BTreeMap::new(),
            max_per_function: 3,
            languages: Language::ALL.to_vec(),
            ignore: Vec::new(),
            include_tests: false,
            corpus_path: PathBuf::from(".failcast/corpus.db"),
            corpus_url: String::new(),
            service_name: String::new(),
            handlers: Vec::new(),
        }
    }
}

/// A configuration problem, naming the key and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {}", describe(.key, .message))]
pub struct ConfigError {
    /// Where the layer came from: a file path, `initializationOptions`, ….
    pub origin: String,
    /// The full key, e.g. `model.max_output_tokens`; empty for the whole layer.
    pub key: String,
    pub message: String,
}

fn describe(key: &str, message: &str) -> String {
    if key.is_empty() {
        message.to_owned()
    } else {
        format!("`{key}` {message}; keeping the previous value")
    }
}

impl Config {
    /// How many diagnostics a function gets at most.
    pub fn diagnostics_limit(&self) -> usize {
        match self.max_per_function {
            0 => usize::MAX,
            n => n,
        }
    }

    /// The severity a scenario's diagnostics get.
    pub fn severity(&self, class: FailureClass, kind: Kind) -> Severity {
        self.class_severity
            .get(&class)
            .copied()
            .unwrap_or(match kind {
                Kind::Latent => self.latent,
                Kind::Manifest => self.manifest,
            })
    }

    /// Applies environment overrides, the last layer: `FAILCAST_MODEL_BACKEND`
    /// (`embedded`, `openai`, `off`) and `FAILCAST_MODEL_PATH`. Tests and CI
    /// use them to choose the model without writing a config file.
    pub fn apply_env(&mut self) -> Vec<ConfigError> {
        let mut model = serde_json::Map::new();
        for (key, var) in [
            ("backend", "FAILCAST_MODEL_BACKEND"),
            ("path", "FAILCAST_MODEL_PATH"),
        ] {
            if let Ok(value) = std::env::var(var) {
                model.insert(key.to_owned(), Value::String(value));
            }
        }
        if model.is_empty() {
            return Vec::new();
        }
        self.merge_json(&json!({ "model": model }), "environment")
    }

    /// Loads `failcast.toml` from `root` on top of the defaults.
    pub fn load(root: &Path) -> (Config, Vec<ConfigError>) {
        let mut config = Config::default();
        let errors = config.merge_file(&root.join(CONFIG_FILE));
        (config, errors)
    }

    /// Merges a TOML file if it exists.
    pub fn merge_file(&mut self, path: &Path) -> Vec<ConfigError> {
        let origin = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => self.merge_toml_in(&text, &origin, path.parent()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(err) => Layer::new(&origin, None).fail(format!("cannot be read: {err}")),
        }
    }

    pub fn merge_toml(&mut self, text: &str, origin: &str) -> Vec<ConfigError> {
        self.merge_toml_in(text, origin, None)
    }

    fn merge_toml_in(&mut self, text: &str, origin: &str, dir: Option<&Path>) -> Vec<ConfigError> {
        match toml::from_str::<toml::Value>(text) {
            Ok(value) => match serde_json::to_value(value) {
                Ok(json) => self.merge_json_in(&json, origin, dir),
                Err(err) => Layer::new(origin, dir).fail(err.to_string()),
            },
            Err(err) => {
                Layer::new(origin, dir).fail(format!("is not valid TOML: {}", err.message()))
            }
        }
    }

    /// Merges one layer. A `failcast` key at the top is unwrapped, since
    /// clients send `{"failcast": {...}}` in `didChangeConfiguration`.
    pub fn merge_json(&mut self, value: &Value, origin: &str) -> Vec<ConfigError> {
        self.merge_json_in(value, origin, None)
    }

    fn merge_json_in(
        &mut self,
        value: &Value,
        origin: &str,
        dir: Option<&Path>,
    ) -> Vec<ConfigError> {
        let mut layer = Layer::new(origin, dir);
        match value.get("failcast").unwrap_or(value) {
            Value::Null => {}
            value @ Value::Object(_) => {
                let options = layer.read(value);
                layer.apply(options, self);
            }
            _ => layer.error("", "must be a table of settings"),
        }
        layer.errors
    }
}

/// One layer's settings, as written (`failcast.toml`'s keys and nesting).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct Options {
    model: Option<ModelOptions>,
    predict: Option<PredictOptions>,
    severity: Option<SeverityOptions>,
    files: Option<FilesOptions>,
    corpus: Option<CorpusOptions>,
    service: Option<ServiceOptions>,
    handlers: Option<Vec<HandlerOptions>>,
    /// Client-side settings (server path, tracing) that editors send along.
    #[serde(rename = "server")]
    _server: Option<IgnoredAny>,
    #[serde(rename = "trace")]
    _trace: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct ModelOptions {
    name: Option<String>,
    path: Option<String>,
    backend: Option<Backend>,
    endpoint: Option<String>,
    remote_model: Option<String>,
    api_key_env: Option<String>,
    timeout_ms: Option<Bounded<u64, 100, 600_000>>,
    retries: Option<Bounded<u32, 0, 10>>,
    fallback: Option<Fallback>,
    threads: Option<Bounded<u32, 0, 256>>,
    max_prompt_tokens: Option<Bounded<u32, 128, 32_768>>,
    max_output_tokens: Option<Bounded<u32, 16, 4096>>,
    queue_capacity: Option<Bounded<u32, 1, 4096>>,
    lora: Option<String>,
    lora_scale: Option<UpTo<4>>,
    rank_weight: Option<UpTo<1>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct PredictOptions {
    debounce_ms: Option<Bounded<u64, 0, 60_000>>,
    trace_depth: Option<Bounded<usize, 0, 32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct SeverityOptions {
    latent: Option<Severity>,
    manifest: Option<Severity>,
    classes: Option<BTreeMap<Class, Severity>>,
    max_per_function: Option<Bounded<usize, 0, 1000>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct FilesOptions {
    languages: Option<Vec<LanguageName>>,
    ignore: Option<Vec<String>>,
    include_tests: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct CorpusOptions {
    path: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct ServiceOptions {
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct HandlerOptions {
    functions: Option<String>,
    schema: Option<String>,
    pointer: Option<String>,
    max_payload_bytes: Option<Bounded<u64, 1, { u64::MAX }>>,
}

/// A whole number from `MIN` to `MAX`.
struct Bounded<T, const MIN: u64, const MAX: u64>(T);

impl<'de, T: TryFrom<u64>, const MIN: u64, const MAX: u64> Deserialize<'de>
    for Bounded<T, MIN, MAX>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        value
            .as_u64()
            .filter(|n| (MIN..=MAX).contains(n))
            .and_then(|n| T::try_from(n).ok())
            .map(Bounded)
            .ok_or_else(|| {
                D::Error::custom(format!(
                    "must be a whole number from {MIN} to {MAX}, not {value}"
                ))
            })
    }
}

/// A number from 0 to `MAX` (`model.lora_scale`, `model.rank_weight`).
#[derive(Deserialize)]
#[serde(try_from = "Value")]
struct UpTo<const MAX: u64>(f32);

impl<const MAX: u64> TryFrom<Value> for UpTo<MAX> {
    type Error = String;

    fn try_from(value: Value) -> Result<UpTo<MAX>, String> {
        match value.as_f64() {
            Some(n) if (0.0..=MAX as f64).contains(&n) => Ok(UpTo(n as f32)),
            _ => Err(format!("must be a number from 0 to {MAX}, not {value}")),
        }
    }
}

/// A `[severity.classes]` key.
#[derive(PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
struct Class(FailureClass);

impl TryFrom<String> for Class {
    type Error = &'static str;

    fn try_from(name: String) -> Result<Class, Self::Error> {
        FailureClass::parse(&name)
            .map(Class)
            .ok_or("is not a failure class")
    }
}

/// A `files.languages` entry: a name or an LSP language id.
#[derive(Deserialize)]
#[serde(try_from = "String")]
struct LanguageName(Language);

impl TryFrom<String> for LanguageName {
    type Error = String;

    fn try_from(name: String) -> Result<LanguageName, String> {
        Language::from_name(&name)
            .or_else(|| Language::from_language_id(&name))
            .map(LanguageName)
            .ok_or_else(|| {
                let known = Language::ALL.map(Language::name).join(", ");
                format!("names an unknown language (known: {known})")
            })
    }
}

/// One layer being merged, and the problems found in it.
struct Layer<'a> {
    origin: &'a str,
    /// The directory relative paths in this layer are resolved against.
    dir: Option<&'a Path>,
    errors: Vec<ConfigError>,
}

impl<'a> Layer<'a> {
    fn new(origin: &'a str, dir: Option<&'a Path>) -> Layer<'a> {
        Layer {
            origin,
            dir,
            errors: Vec::new(),
        }
    }

    fn error(&mut self, key: &str, message: impl Into<String>) {
        let error = ConfigError {
            origin: self.origin.to_owned(),
            key: key.to_owned(),
            message: message.into(),
        };
        if !self.errors.contains(&error) {
            self.errors.push(error);
        }
    }

    /// The layer as a whole is unusable.
    fn fail(mut self, message: String) -> Vec<ConfigError> {
        self.error("", message);
        self.errors
    }

    /// Reads a layer one setting at a time: each value that is not a table
    /// is deserialized alone, under its keys; those that fail are reported
    /// and left out, the rest deserialize together.
    fn read(&mut self, value: &Value) -> Options {
        let mut settings = Vec::new();
        leaves(&snake_keys(value), &mut Vec::new(), &mut settings);
        let mut valid = json!({});
        for (path, value) in settings {
            let alone = path
                .iter()
                .rev()
                .fold(value.clone(), |inner, step| match step {
                    Step::Key(key) => json!({ key: inner }),
                    Step::Entry(_) => json!([inner]),
                });
            match Options::deserialize(&alone) {
                Ok(_) => *path.iter().fold(&mut valid, Step::follow) = value,
                Err(err) => {
                    let (key, message) = explain(&err, &path, &value);
                    self.error(&key, message);
                }
            }
        }
        Options::deserialize(&valid).unwrap_or_else(|err| {
            self.error("", err.to_string());
            Options::default()
        })
    }

    /// Sets what the layer sets.
    fn apply(&mut self, options: Options, config: &mut Config) {
        if let Some(o) = options.model {
            let model = &mut config.model;
            set(&mut model.name, o.name);
            set(&mut model.path, o.path.map(non_empty));
            set(&mut model.backend, o.backend);
            set(&mut model.endpoint, o.endpoint);
            set(&mut model.remote_model, o.remote_model);
            set(&mut model.api_key_env, o.api_key_env);
            set(&mut model.timeout_ms, o.timeout_ms.map(|n| n.0));
            set(&mut model.retries, o.retries.map(|n| n.0));
            set(&mut model.fallback, o.fallback);
            set(&mut model.threads, o.threads.map(|n| n.0));
            set(
                &mut model.max_prompt_tokens,
                o.max_prompt_tokens.map(|n| n.0),
            );
            set(
                &mut model.max_output_tokens,
                o.max_output_tokens.map(|n| n.0),
            );
            set(&mut model.queue_capacity, o.queue_capacity.map(|n| n.0));
            set(&mut model.lora, o.lora.map(non_empty));
            set(&mut model.lora_scale, o.lora_scale.map(|s| s.0));
            set(&mut model.rank_weight, o.rank_weight.map(|w| Some(w.0)));
        }
        if let Some(o) = options.predict {
            set(&mut config.debounce_ms, o.debounce_ms.map(|n| n.0));
            set(&mut config.trace_depth, o.trace_depth.map(|n| n.0));
        }
        if let Some(o) = options.severity {
            set(&mut config.latent, o.latent);
            set(&mut config.manifest, o.manifest);
            set(
                &mut config.max_per_function,
                o.max_per_function.map(|n| n.0),
            );
            let classes = o.classes.into_iter().flatten();
            config
                .class_severity
                .extend(classes.map(|(class, severity)| (class.0, severity)));
        }
        if let Some(o) = options.files {
            let languages = o
                .languages
                .map(|names| names.into_iter().map(|l| l.0).collect());
            set(&mut config.languages, languages);
            set(&mut config.ignore, o.ignore);
            set(&mut config.include_tests, o.include_tests);
        }
        let (corpus_path, corpus_url) = options
            .corpus
            .map_or((None, None), |o| (o.path.and_then(non_empty), o.url));
        set(&mut config.corpus_path, corpus_path);
        // An empty url is allowed: it turns a configured URL back off.
        set(&mut config.corpus_url, corpus_url);
        set(
            &mut config.service_name,
            options.service.and_then(|o| o.name),
        );
        if let Some(entries) = options.handlers {
            config.handlers = entries
                .into_iter()
                .enumerate()
                .filter_map(|(i, entry)| self.handler(&format!("handlers[{i}]"), entry))
                .collect();
        }
    }

    /// A `[[handlers]]` entry with its glob compiled and its schema read.
    /// A schema that cannot be read or parsed is reported, and the entry
    /// kept without one (it then yields no scenarios).
    fn handler(&mut self, key: &str, entry: HandlerOptions) -> Option<HandlerConfig> {
        let functions = entry.functions.filter(|f| !f.is_empty());
        let (Some(functions), Some(schema)) = (functions, entry.schema.and_then(non_empty)) else {
            self.error(key, "needs `functions` and `schema`");
            return None;
        };
        let glob = match globset::GlobBuilder::new(&functions)
            .literal_separator(false)
            .build()
        {
            Ok(glob) => Some(FunctionGlob(glob.compile_matcher())),
            Err(err) => {
                self.error(&format!("{key}.functions"), format!("is not a glob: {err}"));
                None
            }
        };
        let pointer = entry.pointer.unwrap_or_default();
        let path = match self.dir {
            Some(dir) if schema.is_relative() => dir.join(&schema),
            _ => schema.clone(),
        };
        let document = std::fs::read_to_string(&path)
            .map_err(|err| format!("{} cannot be read: {err}", path.display()))
            .and_then(|text| {
                serde_json::from_str::<Value>(&text)
                    .map_err(|err| format!("{} is not JSON: {err}", path.display()))
            });
        let document = match document {
            Ok(document) => {
                if !pointer.is_empty() && document.pointer(&pointer).is_none() {
                    let message = format!("{pointer} is not in {}", path.display());
                    self.error(&format!("{key}.pointer"), message);
                }
                Some(Arc::new(document))
            }
            Err(message) => {
                self.error(&format!("{key}.schema"), message);
                None
            }
        };
        Some(HandlerConfig {
            functions,
            glob,
            schema,
            pointer,
            max_payload_bytes: entry.max_payload_bytes.map(|n| n.0),
            document,
        })
    }
}

/// Overwrites `slot` when the layer sets it.
fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

/// A path setting; blank is none.
fn non_empty(path: String) -> Option<PathBuf> {
    (!path.trim().is_empty()).then(|| PathBuf::from(path))
}

/// `maxOutputTokens` → `max_output_tokens`.
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for ch in key.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// `value` with every key in snake_case.
fn snake_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| (snake_case(key), snake_keys(value)))
            .collect(),
        Value::Array(items) => items.iter().map(snake_keys).collect(),
        other => other.clone(),
    }
}

/// A step down into a layer: a table's key, or an entry of a list of tables.
#[derive(Clone)]
enum Step {
    Key(String),
    Entry(usize),
}

impl Step {
    /// Where this step leads from `node`, made if missing.
    fn follow<'v>(node: &'v mut Value, step: &Step) -> &'v mut Value {
        match step {
            Step::Key(key) => &mut node[key.as_str()],
            Step::Entry(i) => {
                if !node.is_array() {
                    *node = json!([]);
                }
                if let Value::Array(entries) = node
                    && entries.len() <= *i
                {
                    entries.resize(i + 1, json!({}));
                }
                &mut node[*i]
            }
        }
    }
}

/// The full key of a setting, e.g. `model.max_output_tokens` or
/// `handlers[0].schema`.
fn key(path: &[Step]) -> String {
    let key: String = path
        .iter()
        .map(|step| match step {
            Step::Key(name) => format!(".{name}"),
            Step::Entry(i) => format!("[{i}]"),
        })
        .collect();
    key.strip_prefix('.').unwrap_or(&key).to_owned()
}

/// Every setting of a layer, with its path: each value but non-empty
/// tables and lists of tables (`[[handlers]]`), whose keys are settings.
fn leaves(value: &Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Value)>) {
    let steps: Vec<(Step, &Value)> = match value {
        Value::Object(map) if !map.is_empty() => map
            .iter()
            .map(|(key, value)| (Step::Key(key.clone()), value))
            .collect(),
        Value::Array(entries) if !entries.is_empty() && entries.iter().all(Value::is_object) => {
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| (Step::Entry(i), e))
                .collect()
        }
        _ => return out.push((path.clone(), value.clone())),
    };
    for (step, value) in steps {
        path.push(step);
        leaves(value, path, out);
        path.pop();
    }
}

/// The key and message of a setting serde refused, phrased to follow the
/// key: `is not a known setting`, or `must be …, not <value>`.
fn explain(error: &serde_json::Error, path: &[Step], value: &Value) -> (String, String) {
    let message = error.to_string();
    let unknown = |step: &Step| match step {
        Step::Key(key) => message.starts_with(&format!("unknown field `{key}`")),
        Step::Entry(_) => false,
    };
    if let Some(depth) = path.iter().rposition(unknown) {
        return (key(&path[..=depth]), "is not a known setting".to_owned());
    }
    let message = match message.rsplit_once(", expected ") {
        Some((_, expected)) if !message.starts_with("unknown field") => {
            // serde's words for a list, a boolean and an enum's name.
            let expected = match expected {
                "a sequence" => "a list",
                "a boolean" => "true or false",
                "string or map" => "a string",
                expected => expected,
            };
            format!("must be {expected}, not {value}")
        }
        _ => message,
    };
    (key(path), message)
}

/// Puts back, in a new settings layer, the value `key` had in the previous
/// one (or removes it): how an invalid value keeps the previous value.
/// Keys are matched in snake_case or camelCase, with or without the
/// `failcast` wrapper clients send.
pub fn restore_key(layer: &mut Value, previous: Option<&Value>, key: &str) {
    fn unwrap(value: &mut Value) -> &mut Value {
        if value.get("failcast").is_some() {
            &mut value["failcast"]
        } else {
            value
        }
    }
    fn find<'v>(value: &'v Value, segments: &[&str]) -> Option<&'v Value> {
        let Some((first, rest)) = segments.split_first() else {
            return Some(value);
        };
        let map = value.as_object()?;
        let (_, child) = map.iter().find(|(k, _)| snake_case(k) == *first)?;
        find(child, rest)
    }
    let segments: Vec<&str> = key.split('.').collect();
    let Some((last, parents)) = segments.split_last() else {
        return;
    };
    let previous_value = previous
        .map(|p| p.get("failcast").unwrap_or(p))
        .and_then(|p| find(p, &segments))
        .cloned();
    let mut node = unwrap(layer);
    for segment in parents {
        let Some(map) = node.as_object_mut() else {
            return;
        };
        let Some(name) = map.keys().find(|k| snake_case(k) == *segment).cloned() else {
            return;
        };
        node = &mut map[&name];
    }
    let Some(map) = node.as_object_mut() else {
        return;
    };
    let name = map.keys().find(|k| snake_case(k) == *last).cloned();
    if let Some(name) = name {
        match previous_value {
            Some(value) => {
                map.insert(name, value);
            }
            None => {
                map.remove(&name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_merge_key_by_key() {
        let mut config = Config::default();
        let errors = config.merge_toml(
            "[model]\nname = \"qwen2.5-coder-0.5b\"\nmax_output_tokens = 200\n[severity]\nlatent = \"hint\"\nmax_per_function = 5\n[severity.classes]\ntimeout = \"error\"\n",
            "failcast.toml",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let errors = config.merge_json(
            &serde_json::json!({"failcast": {"model": {"maxOutputTokens": "lots", "threads": 2}, "predict": {"debounceMs": 50}}}),
            "didChangeConfiguration",
        );
        assert_eq!(config.model.name, "qwen2.5-coder-0.5b");
        assert_eq!(
            config.model.max_output_tokens, 200,
            "bad value keeps the old one"
        );
        assert_eq!(config.model.threads, 2);
        assert_eq!(config.max_per_function, 5);
        assert_eq!(config.debounce_ms, 50);
        assert_eq!(
            config.severity(FailureClass::Timeout, Kind::Latent),
            Severity::Error
        );
        assert_eq!(
            config.severity(FailureClass::KeyMissing, Kind::Latent),
            Severity::Hint
        );
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(messages.join("\n"), @r#"didChangeConfiguration: `model.max_output_tokens` must be a whole number from 16 to 4096, not "lots"; keeping the previous value"#);
    }

    #[test]
    fn reports_unknown_keys_and_bad_toml() {
        let mut config = Config::default();
        let errors = config.merge_toml(
            "[files]\nlanguages = [\"cobol\"]\n[modle]\n",
            "failcast.toml",
        );
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(messages.join("\n"), @r"
        failcast.toml: `files.languages` names an unknown language (known: rust, python, typescript, tsx, javascript, go, java); keeping the previous value
        failcast.toml: `modle` is not a known setting; keeping the previous value
        ");
        let errors = config.merge_toml("[model\n", "failcast.toml");
        assert!(
            errors[0]
                .to_string()
                .starts_with("failcast.toml: is not valid TOML")
        );
        assert_eq!(config, Config::default());
    }
}

#[cfg(test)]
mod spelling_tests {
    use super::*;

    #[test]
    fn every_key_reads_the_same_in_toml_and_in_camel_case_json() {
        let mut from_toml = Config::default();
        let errors = from_toml.merge_toml(
            r#"
            [model]
            name = "qwen2.5-coder-0.5b"
            path = "/m.gguf"
            backend = "openai"
            endpoint = "http://gpu-box:8080/v1"
            remote_model = "coder"
            api_key_env = "KEY"
            timeout_ms = 1000
            retries = 0
            fallback = "static"
            threads = 4
            max_prompt_tokens = 2048
            max_output_tokens = 100
            queue_capacity = 8
            lora = "adapter.gguf"
            lora_scale = 0.5
            [predict]
            debounce_ms = 0
            trace_depth = 5
            [severity]
            latent = "info"
            manifest = "none"
            [severity.classes]
            timeout = "warning"
            [files]
            languages = ["python", "typescriptreact"]
            ignore = ["vendor/**"]
            include_tests = true
            [corpus]
            path = "c.db"
            url = "postgres://db/corpus"
            [service]
            name = "checkout"
            "#,
            "failcast.toml",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let mut from_json = Config::default();
        let errors = from_json.merge_json(
            &serde_json::json!({"failcast": {
                "model": {"name": "qwen2.5-coder-0.5b", "path": "/m.gguf", "backend": "openai",
                    "endpoint": "http://gpu-box:8080/v1", "remoteModel": "coder", "apiKeyEnv": "KEY",
                    "timeoutMs": 1000, "retries": 0, "fallback": "static", "threads": 4,
                    "maxPromptTokens": 2048, "maxOutputTokens": 100, "queueCapacity": 8,
                    "lora": "adapter.gguf", "loraScale": 0.5},
                "predict": {"debounceMs": 0, "traceDepth": 5},
                "severity": {"latent": "info", "manifest": "none", "classes": {"timeout": "warning"}},
                "files": {"languages": ["python", "typescriptreact"], "ignore": ["vendor/**"], "includeTests": true},
                "corpus": {"path": "c.db", "url": "postgres://db/corpus"},
                "service": {"name": "checkout"},
                "server": {"path": "/bin/failcast", "extraEnv": {"FAILCAST_LOG": "debug"}},
                "trace": {"server": "verbose"},
            }}),
            "initializationOptions",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(from_toml, from_json);
        assert_eq!(from_json.model.backend, Backend::OpenAi);
        assert_eq!(from_json.model.lora_scale, 0.5);
        assert_eq!(from_json.latent, Severity::Information);
        assert_eq!(from_json.manifest, Severity::Off);
        assert_eq!(from_json.languages, [Language::Python, Language::Tsx]);
        assert_eq!(from_json.trace_depth, 5);
    }

    #[test]
    fn a_bad_handler_key_keeps_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("event.json"), r#"{"type": "object"}"#).unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[[handlers]]\nfunctions = \"*.py::handler\"\nschema = \"event.json\"\nfunctons = 1\nmaxPayloadBytes = 0\n[[handlers]]\nschema = \"event.json\"\n",
        )
        .unwrap();
        let (config, errors) = Config::load(dir.path());
        let messages: Vec<String> = errors
            .iter()
            .map(|e| format!("{} {}", e.key, e.message))
            .collect();
        insta::assert_snapshot!(messages.join("\n"), @r"
        handlers[0].functons is not a known setting
        handlers[0].max_payload_bytes must be a whole number from 1 to 18446744073709551615, not 0
        handlers[1] needs `functions` and `schema`
        ");
        assert_eq!(config.handlers.len(), 1);
        assert!(config.handlers[0].glob.is_some() && config.handlers[0].document.is_some());
    }
}

#[cfg(test)]
mod restore_tests {
    use super::*;

    #[test]
    fn invalid_value_keeps_the_previous_one() {
        let previous =
            serde_json::json!({"failcast": {"severity": {"classes": {"timeout": "off"}}}});
        let mut layer = serde_json::json!({"failcast": {"severity": {"classes": {"timeout": "loud"}}, "predict": {"debounceMs": "soon"}}});
        let mut probe = Config::default();
        let errors = probe.merge_json(&layer, "settings");
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["severity.classes.timeout", "predict.debounce_ms"]);
        for key in keys {
            restore_key(&mut layer, Some(&previous), key);
        }
        assert_eq!(
            layer,
            serde_json::json!({"failcast": {"severity": {"classes": {"timeout": "off"}}, "predict": {}}})
        );
        let mut config = Config::default();
        assert!(config.merge_json(&layer, "settings").is_empty());
        assert_eq!(
            config.severity(FailureClass::Timeout, Kind::Latent),
            Severity::Off
        );
    }
}
