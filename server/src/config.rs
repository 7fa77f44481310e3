//! Configuration: `failcast.toml`, then `initializationOptions`, then
//! `workspace/didChangeConfiguration`; later layers win key by key.
//!
//! Every layer is merged as JSON (TOML converts losslessly), key by key: a
//! bad value is reported with its full key and the previous value is kept,
//! so one typo never resets the rest. Keys may be written in snake_case (as
//! in the TOML) or camelCase (as VS Code settings are).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::language::Language;
use crate::scenario::{FailureClass, Kind};

/// The name of the configuration file at the workspace root.
pub const CONFIG_FILE: &str = "failcast.toml";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
    Off,
}

impl Severity {
    fn parse(value: &str) -> Option<Severity> {
        Some(match value {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "information" | "info" => Severity::Information,
            "hint" => Severity::Hint,
            "off" | "none" => Severity::Off,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
    pub languages: Vec<Language>,
    pub ignore: Vec<String>,
    pub include_tests: bool,
    pub corpus_path: PathBuf,
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
    pub document: Option<std::sync::Arc<Value>>,
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
            },
            debounce_ms: 300,
            trace_depth: 3,
            latent: Severity::Information,
            manifest: Severity::Warning,
            class_severity: BTreeMap::new(),
            languages: Language::ALL.to_vec(),
            ignore: Vec::new(),
            include_tests: false,
            corpus_path: PathBuf::from(".failcast/corpus.db"),
            service_name: String::new(),
            handlers: Vec::new(),
        }
    }
}

/// A configuration problem, naming the key and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Where the layer came from: a file path, `initializationOptions`, ….
    pub origin: String,
    /// The full key, e.g. `model.max_output_tokens`.
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.origin, self.message)
        } else {
            write!(
                f,
                "{}: `{}` {}; keeping the previous value",
                self.origin, self.key, self.message
            )
        }
    }
}

impl Config {
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
        let mut layer = serde_json::Map::new();
        if let Ok(backend) = std::env::var("FAILCAST_MODEL_BACKEND") {
            layer.insert("backend".to_owned(), Value::String(backend));
        }
        if let Ok(path) = std::env::var("FAILCAST_MODEL_PATH") {
            layer.insert("path".to_owned(), Value::String(path));
        }
        if layer.is_empty() {
            return Vec::new();
        }
        self.merge_json(
            &serde_json::json!({ "model": Value::Object(layer) }),
            "environment",
        )
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
            Err(err) => vec![ConfigError {
                origin,
                key: String::new(),
                message: format!("cannot be read: {err}"),
            }],
        }
    }

    pub fn merge_toml(&mut self, text: &str, origin: &str) -> Vec<ConfigError> {
        self.merge_toml_in(text, origin, None)
    }

    fn merge_toml_in(&mut self, text: &str, origin: &str, dir: Option<&Path>) -> Vec<ConfigError> {
        match toml::from_str::<toml::Value>(text) {
            Ok(value) => match serde_json::to_value(value) {
                Ok(json) => self.merge_json_in(&json, origin, dir),
                Err(err) => vec![ConfigError {
                    origin: origin.to_owned(),
                    key: String::new(),
                    message: err.to_string(),
                }],
            },
            Err(err) => vec![ConfigError {
                origin: origin.to_owned(),
                key: String::new(),
                message: format!("is not valid TOML: {}", err.message()),
            }],
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
        let mut merger = Merger {
            origin,
            dir,
            errors: Vec::new(),
        };
        let value = match value.get("failcast") {
            Some(inner) => inner,
            None => value,
        };
        match value {
            Value::Object(map) => merger.root(self, map),
            Value::Null => {}
            _ => merger.error("", "must be a table of settings"),
        }
        merger.errors
    }
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

struct Merger<'a> {
    origin: &'a str,
    /// The directory relative paths in this layer are resolved against.
    dir: Option<&'a Path>,
    errors: Vec<ConfigError>,
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

impl Merger<'_> {
    fn error(&mut self, key: &str, message: impl Into<String>) {
        self.errors.push(ConfigError {
            origin: self.origin.to_owned(),
            key: key.to_owned(),
            message: message.into(),
        });
    }

    fn table<'v>(&mut self, key: &str, value: &'v Value) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            _ => {
                self.error(key, "must be a table");
                None
            }
        }
    }

    fn string(&mut self, key: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.error(key, format!("must be a string, not {value}"));
                None
            }
        }
    }

    fn path(&mut self, key: &str, value: &Value) -> Option<Option<PathBuf>> {
        self.string(key, value)
            .map(|s| (!s.trim().is_empty()).then(|| PathBuf::from(s)))
    }

    fn integer(&mut self, key: &str, value: &Value, min: u64, max: u64) -> Option<u64> {
        match value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.error(
                    key,
                    format!("must be a whole number from {min} to {max}, not {value}"),
                );
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.error(key, format!("must be true or false, not {value}"));
                None
            }
        }
    }

    fn severity(&mut self, key: &str, value: &Value) -> Option<Severity> {
        match value.as_str().and_then(Severity::parse) {
            Some(severity) => Some(severity),
            None => {
                self.error(
                    key,
                    format!("must be one of error, warning, information, hint, off, not {value}"),
                );
                None
            }
        }
    }

    fn strings(&mut self, key: &str, value: &Value) -> Option<Vec<String>> {
        match value {
            Value::Array(items) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => {
                self.error(key, format!("must be a list of strings, not {value}"));
                None
            }
        }
    }

    fn root(&mut self, config: &mut Config, map: &Map<String, Value>) {
        for (key, value) in map {
            match snake_case(key).as_str() {
                "model" => {
                    if let Some(map) = self.table("model", value) {
                        self.model(&mut config.model, map);
                    }
                }
                "predict" => {
                    if let Some(map) = self.table("predict", value) {
                        self.predict(config, map);
                    }
                }
                "severity" => {
                    if let Some(map) = self.table("severity", value) {
                        self.severities(config, map);
                    }
                }
                "files" => {
                    if let Some(map) = self.table("files", value) {
                        self.files(config, map);
                    }
                }
                "corpus" => {
                    if let Some(map) = self.table("corpus", value) {
                        for (key, value) in map {
                            match snake_case(key).as_str() {
                                "path" => {
                                    if let Some(Some(path)) = self.path("corpus.path", value) {
                                        config.corpus_path = path;
                                    }
                                }
                                other => {
                                    self.error(&format!("corpus.{other}"), "is not a known setting")
                                }
                            }
                        }
                    }
                }
                "service" => {
                    if let Some(map) = self.table("service", value) {
                        for (key, value) in map {
                            match snake_case(key).as_str() {
                                "name" => {
                                    if let Some(name) = self.string("service.name", value) {
                                        config.service_name = name;
                                    }
                                }
                                other => self
                                    .error(&format!("service.{other}"), "is not a known setting"),
                            }
                        }
                    }
                }
                "handlers" => {
                    if let Some(handlers) = self.handlers(value) {
                        config.handlers = handlers;
                    }
                }
                // Client-side settings (server path, tracing) that editors send along.
                "server" | "trace" => {}
                other => self.error(other, "is not a known setting"),
            }
        }
    }

    /// `[[handlers]]`: the whole list is replaced, entry by entry checked;
    /// a schema that cannot be read or parsed is reported, and its entry
    /// kept without one (it then yields no scenarios).
    fn handlers(&mut self, value: &Value) -> Option<Vec<HandlerConfig>> {
        let Value::Array(entries) = value else {
            self.error("handlers", "must be a list of tables ([[handlers]])");
            return None;
        };
        let mut handlers = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let key = format!("handlers[{i}]");
            let map = self.table(&key, entry)?;
            let mut handler = HandlerConfig {
                functions: String::new(),
                glob: None,
                schema: PathBuf::new(),
                pointer: String::new(),
                max_payload_bytes: None,
                document: None,
            };
            for (name, value) in map {
                let full = format!("{key}.{}", snake_case(name));
                match snake_case(name).as_str() {
                    "functions" => {
                        if let Some(glob) = self.string(&full, value) {
                            match globset::GlobBuilder::new(&glob)
                                .literal_separator(false)
                                .build()
                            {
                                Ok(compiled) => {
                                    handler.glob = Some(FunctionGlob(compiled.compile_matcher()))
                                }
                                Err(err) => self.error(&full, format!("is not a glob: {err}")),
                            }
                            handler.functions = glob;
                        }
                    }
                    "schema" => {
                        if let Some(Some(path)) = self.path(&full, value) {
                            handler.schema = path;
                        }
                    }
                    "pointer" => {
                        if let Some(pointer) = self.string(&full, value) {
                            handler.pointer = pointer;
                        }
                    }
                    "max_payload_bytes" => {
                        handler.max_payload_bytes = self.integer(&full, value, 1, u64::MAX);
                    }
                    _ => self.error(&full, "is not a known setting"),
                }
            }
            if handler.functions.is_empty() || handler.schema.as_os_str().is_empty() {
                self.error(&key, "needs `functions` and `schema`");
                continue;
            }
            let path = match self.dir {
                Some(dir) if handler.schema.is_relative() => dir.join(&handler.schema),
                _ => handler.schema.clone(),
            };
            match std::fs::read_to_string(&path) {
                Ok(text) => match serde_json::from_str::<Value>(&text) {
                    Ok(document) => {
                        if !handler.pointer.is_empty()
                            && document.pointer(&handler.pointer).is_none()
                        {
                            self.error(
                                &format!("{key}.pointer"),
                                format!("{} is not in {}", handler.pointer, path.display()),
                            );
                        }
                        handler.document = Some(std::sync::Arc::new(document));
                    }
                    Err(err) => self.error(
                        &format!("{key}.schema"),
                        format!("{} is not JSON: {err}", path.display()),
                    ),
                },
                Err(err) => self.error(
                    &format!("{key}.schema"),
                    format!("{} cannot be read: {err}", path.display()),
                ),
            }
            handlers.push(handler);
        }
        Some(handlers)
    }

    fn model(&mut self, model: &mut ModelConfig, map: &Map<String, Value>) {
        for (key, value) in map {
            let key = snake_case(key);
            let full = format!("model.{key}");
            match key.as_str() {
                "name" => {
                    if let Some(v) = self.string(&full, value) {
                        model.name = v;
                    }
                }
                "path" => {
                    if let Some(v) = self.path(&full, value) {
                        model.path = v;
                    }
                }
                "backend" => match value.as_str() {
                    Some("embedded") => model.backend = Backend::Embedded,
                    Some("openai") => model.backend = Backend::OpenAi,
                    Some("off") => model.backend = Backend::Off,
                    _ => self.error(
                        &full,
                        format!("must be one of embedded, openai, off, not {value}"),
                    ),
                },
                "endpoint" => {
                    if let Some(v) = self.string(&full, value) {
                        model.endpoint = v;
                    }
                }
                "remote_model" => {
                    if let Some(v) = self.string(&full, value) {
                        model.remote_model = v;
                    }
                }
                "api_key_env" => {
                    if let Some(v) = self.string(&full, value) {
                        model.api_key_env = v;
                    }
                }
                "timeout_ms" => {
                    if let Some(v) = self.integer(&full, value, 100, 600_000) {
                        model.timeout_ms = v;
                    }
                }
                "retries" => {
                    if let Some(v) = self.integer(&full, value, 0, 10) {
                        model.retries = v as u32;
                    }
                }
                "fallback" => match value.as_str() {
                    Some("embedded") => model.fallback = Fallback::Embedded,
                    Some("static") => model.fallback = Fallback::Static,
                    _ => self.error(
                        &full,
                        format!("must be one of embedded, static, not {value}"),
                    ),
                },
                "threads" => {
                    if let Some(v) = self.integer(&full, value, 0, 256) {
                        model.threads = v as u32;
                    }
                }
                "max_prompt_tokens" => {
                    if let Some(v) = self.integer(&full, value, 128, 32_768) {
                        model.max_prompt_tokens = v as u32;
                    }
                }
                "max_output_tokens" => {
                    if let Some(v) = self.integer(&full, value, 16, 4096) {
                        model.max_output_tokens = v as u32;
                    }
                }
                "queue_capacity" => {
                    if let Some(v) = self.integer(&full, value, 1, 4096) {
                        model.queue_capacity = v as u32;
                    }
                }
                "lora" => {
                    if let Some(v) = self.path(&full, value) {
                        model.lora = v;
                    }
                }
                "lora_scale" => match value.as_f64() {
                    Some(v) if (0.0..=4.0).contains(&v) => model.lora_scale = v as f32,
                    _ => self.error(&full, format!("must be a number from 0 to 4, not {value}")),
                },
                _ => self.error(&full, "is not a known setting"),
            }
        }
    }

    fn predict(&mut self, config: &mut Config, map: &Map<String, Value>) {
        for (key, value) in map {
            let key = snake_case(key);
            let full = format!("predict.{key}");
            match key.as_str() {
                "debounce_ms" => {
                    if let Some(v) = self.integer(&full, value, 0, 60_000) {
                        config.debounce_ms = v;
                    }
                }
                "trace_depth" => {
                    if let Some(v) = self.integer(&full, value, 0, 32) {
                        config.trace_depth = v as usize;
                    }
                }
                _ => self.error(&full, "is not a known setting"),
            }
        }
    }

    fn severities(&mut self, config: &mut Config, map: &Map<String, Value>) {
        for (key, value) in map {
            let key = snake_case(key);
            let full = format!("severity.{key}");
            match key.as_str() {
                "latent" => {
                    if let Some(v) = self.severity(&full, value) {
                        config.latent = v;
                    }
                }
                "manifest" => {
                    if let Some(v) = self.severity(&full, value) {
                        config.manifest = v;
                    }
                }
                "classes" => {
                    let Some(classes) = self.table(&full, value) else {
                        continue;
                    };
                    for (class, value) in classes {
                        let key = format!("severity.classes.{class}");
                        match FailureClass::parse(&snake_case(class)) {
                            Some(class) => {
                                if let Some(v) = self.severity(&key, value) {
                                    config.class_severity.insert(class, v);
                                }
                            }
                            None => self.error(&key, "is not a failure class"),
                        }
                    }
                }
                _ => self.error(&full, "is not a known setting"),
            }
        }
    }

    fn files(&mut self, config: &mut Config, map: &Map<String, Value>) {
        for (key, value) in map {
            let key = snake_case(key);
            let full = format!("files.{key}");
            match key.as_str() {
                "languages" => {
                    let Some(names) = self.strings(&full, value) else {
                        continue;
                    };
                    let parsed: Option<Vec<Language>> = names
                        .iter()
                        .map(|n| Language::from_name(n).or_else(|| Language::from_language_id(n)))
                        .collect();
                    match parsed {
                        Some(languages) => config.languages = languages,
                        None => self.error(
                            &full,
                            format!(
                                "names an unknown language (known: {})",
                                Language::ALL.map(Language::name).join(", ")
                            ),
                        ),
                    }
                }
                "ignore" => {
                    if let Some(v) = self.strings(&full, value) {
                        config.ignore = v;
                    }
                }
                "include_tests" => {
                    if let Some(v) = self.boolean(&full, value) {
                        config.include_tests = v;
                    }
                }
                _ => self.error(&full, "is not a known setting"),
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
            "[model]\nname = \"qwen2.5-coder-0.5b\"\nmax_output_tokens = 200\n[severity]\nlatent = \"hint\"\n[severity.classes]\ntimeout = \"error\"\n",
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
