//! Between the analysis and the model: what the model is asked about a
//! function, and how its answer joins the static scenarios.
//!
//! The model does not decide where code fails (measured: small models find
//! almost nothing alone, see DESIGN.md); the static pass does, and the model
//! ranks, explains and adds what the static pass cannot see. So a model
//! scenario on the same line and class as a static one refines it (the
//! likelihood moves toward the model's, a better trigger and its log line
//! are adopted), and a scenario of its own is kept only if the line it
//! names plausibly fails that way. Frames and lines always come from the code.

use std::collections::HashMap;

use ropey::Rope;

use crate::analysis::Context;
use crate::config::{Backend, Fallback, ModelConfig};
use crate::functions::Function;
use crate::language::Language;
use crate::model::remote::{self, RemoteConfig};
use crate::model::{EngineConfig, LoraConfig, catalog};
use crate::model::{ModelScenario, PromptCaller, PromptHazard, PromptInput};
use crate::scenario::{FailureClass, Kind, Scenario, Source};
use crate::telemetry;

/// Model answers for the functions of one file: function id → (the
/// content hash they were computed for, the scenarios).
pub type ModelAnswers = HashMap<String, (u64, Vec<ModelScenario>)>;

/// The engine configuration a `[model]` section asks for, or why there is
/// none (`backend = "off"`, or an unknown model name).
pub fn engine_config(config: &ModelConfig) -> Result<EngineConfig, String> {
    if config.backend == Backend::Off {
        return Err("the model backend is off".to_owned());
    }
    let mut engine = match &config.path {
        Some(path) => EngineConfig::new(path.clone()),
        None => match catalog::find(&config.name) {
            Some(entry) => EngineConfig::for_entry(entry),
            None => {
                let known: Vec<&str> = catalog::CATALOG.iter().map(|e| e.name).collect();
                return Err(format!(
                    "unknown model `{}` (known: {}); set model.path for another GGUF file",
                    config.name,
                    known.join(", ")
                ));
            }
        },
    };
    if config.threads > 0 {
        engine.n_threads = config.threads as usize;
    }
    engine.max_prompt_tokens = config.max_prompt_tokens as usize;
    engine.max_output_tokens = config.max_output_tokens as usize;
    engine.queue_capacity = config.queue_capacity as usize;
    engine.n_ctx = engine
        .n_ctx
        .max(config.max_prompt_tokens + config.max_output_tokens + 64);
    engine.lora = config.lora.as_ref().map(|path| LoraConfig {
        path: path.clone(),
        scale: config.lora_scale,
    });
    if config.backend == Backend::OpenAi {
        engine.remote = Some(remote_config(config)?);
    }
    Ok(engine)
}

/// The model server a `backend = "openai"` section names.
fn remote_config(config: &ModelConfig) -> Result<RemoteConfig, String> {
    if config.endpoint.trim().is_empty() {
        return Err(
            "model.backend is \"openai\" but model.endpoint is empty (e.g. http://gpu-box:8080/v1)"
                .to_owned(),
        );
    }
    let endpoint = remote::normalize_endpoint(&config.endpoint)?;
    // No key is fine: local servers (llama-server, Ollama) take none.
    let api_key = std::env::var(&config.api_key_env)
        .ok()
        .filter(|key| !key.trim().is_empty());
    Ok(RemoteConfig {
        endpoint,
        model: config.remote_model.clone(),
        api_key,
        api_key_env: config.api_key_env.clone(),
        timeout: std::time::Duration::from_millis(config.timeout_ms),
        retries: config.retries,
        fallback_embedded: config.fallback == Fallback::Embedded,
    })
}

/// The prompt for one function of an analysed file.
pub fn prompt_input(
    function: &Function,
    language: Language,
    path: &str,
    rope: &Rope,
    scenarios: &[Scenario],
    incidents: Vec<String>,
) -> PromptInput {
    let end = function.range.end.min(rope.len_bytes());
    // Start at the beginning of the first line, so line numbers line up.
    let start = rope.line_to_byte(function.start_line).min(end);
    let source = rope.byte_slice(start..end).to_string();
    let hazards = scenarios
        .iter()
        .filter(|s| s.source == Source::Static)
        .map(|s| PromptHazard {
            class: s.class,
            line: s.origin.start_line + 1,
            subject: s.subject.clone(),
            trigger: s.trigger.clone(),
            error: s.error.clone(),
        })
        .collect();
    let callers = scenarios
        .first()
        .map(|s| {
            s.frames
                .iter()
                .skip(1)
                .map(|f| PromptCaller {
                    path: f.path.clone(),
                    line: f.line,
                    function: f.function.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    PromptInput {
        language: language.name().to_owned(),
        path: path.to_owned(),
        function_name: function.qualified_name.clone(),
        first_line: function.start_line + 1,
        source,
        hazards,
        callers,
        incidents,
    }
}

/// Whether the text of a line can plausibly fail the way `class` says. A
/// model scenario of its own must pass this; it keeps a small model's
/// guesses off lines where they cannot be true.
pub fn plausible(class: FailureClass, line: &str) -> bool {
    let l = line.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| l.contains(w));
    match class {
        FailureClass::IndexOutOfRange => {
            any(&["[", ".get(", "first", "last", "next(", "pop(", "nth("])
        }
        FailureClass::KeyMissing => {
            any(&["[", ".get(", "environ", "getenv", "env::var", "headers"])
        }
        FailureClass::NullOrNone => any(&[".", "unwrap", "none", "null", "nil", "undefined", "?"]),
        FailureClass::DivisionByZero => any(&["/", "%"]),
        FailureClass::ParseError => any(&[
            "parse",
            "int(",
            "float(",
            "loads",
            "number(",
            "atoi",
            "strptime",
            "fromisoformat",
            "decode",
            "unmarshal",
            "from_str",
            "valueof",
        ]),
        FailureClass::Timeout | FailureClass::NetworkError => any(&[
            "get(", "post(", "put(", "fetch", "request", "connect", "send", "recv", "http",
            "urlopen", "query", "execute", "dial", "call(", "read(", "await", "client",
        ]),
        FailureClass::RaceCondition => any(&[
            "lock",
            "thread",
            "go ",
            "spawn",
            "async",
            "global",
            "static",
            "+=",
            "append",
            "shared",
            "mutex",
            "concurrent",
            "counter",
        ]),
        FailureClass::Overflow => any(&["+", "-", "*", " as ", "<<"]),
        FailureClass::Encoding => any(&[
            "decode",
            "encode",
            "utf",
            "open(",
            "bytes",
            "str(",
            "from_utf8",
            "read",
            "charset",
        ]),
        FailureClass::TimezoneDst => any(&[
            "now",
            "date",
            "time",
            "tz",
            "timedelta",
            "zone",
            "utc",
            "local",
        ]),
        FailureClass::ResourceExhaustion => any(&[
            "read", "alloc", "append", "collect", "vec", "list", "load", "readall", "buffer",
            "while", "for ",
        ]),
        FailureClass::TypeError => any(&[".", "(", "[", "+", "-", "*", "/", "%"]),
        FailureClass::Assertion => any(&["assert", "panic", "raise", "throw", "unreachable"]),
        FailureClass::Other => false,
    }
}

/// Whether a model's trigger says something concrete about this code: long
/// enough to be a sentence, and naming an identifier of the line.
fn concrete(trigger: &str, line: &str) -> bool {
    if trigger.chars().count() < 20 {
        return false;
    }
    line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.len() >= 3)
        .any(|w| trigger.contains(w))
}

/// Whether a model's text says something: two words of letters at least.
fn meaningful(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() >= 2)
        .take(2)
        .count()
        == 2
}

/// Joins model answers to the static scenarios of `function`.
pub fn merge(
    scenarios: &mut Vec<Scenario>,
    answers: &[ModelScenario],
    function: &Function,
    path: &str,
    language: Language,
    rope: &Rope,
    ctx: &Context,
) {
    for answer in answers {
        let line = answer.line.saturating_sub(1);
        if line < function.start_line || line > function.end_line || line >= rope.len_lines() {
            continue;
        }
        let text = rope.line(line).to_string();
        let text = text.trim_end_matches(['\n', '\r']);
        if let Some(existing) = scenarios
            .iter_mut()
            .find(|s| s.class == answer.class && s.origin.start_line == line)
        {
            // The model ranks what the static pass found; when it also says
            // more (a concrete trigger, a log line), the scenario is the
            // model's refinement of the static one, as `source` then says
            // (`rule` still names the static rule).
            existing.likelihood = (existing.likelihood + answer.likelihood) / 2.0;
            let mut refined = false;
            if concrete(&answer.trigger, text) {
                existing.trigger = answer.trigger.clone();
                refined = true;
            }
            if meaningful(&answer.log) {
                existing.logs.push(answer.log.clone());
                refined = true;
            }
            if refined && existing.source == Source::Static {
                existing.source = Source::Model;
            }
            continue;
        }
        // A small model sometimes answers with filler ("1", "error"): a
        // scenario of its own must say what goes wrong, in words.
        if !concrete(&answer.trigger, text) || !meaningful(&answer.error) {
            tracing::debug!("dropped a model scenario without a concrete trigger and error");
            continue;
        }
        if !plausible(answer.class, text) {
            tracing::debug!(
                "dropped a model scenario: {} is not plausible on line {}",
                answer.class,
                line + 1
            );
            continue;
        }
        scenarios.push(model_scenario(
            answer, function, path, language, rope, line, text, ctx,
        ));
    }
    crate::scenario::sort_scenarios(scenarios);
}

/// A scenario the model proposed on its own: its position is the line's
/// code, its frames come from the call index, its words from the model.
#[allow(clippy::too_many_arguments)]
fn model_scenario(
    answer: &ModelScenario,
    function: &Function,
    path: &str,
    language: Language,
    rope: &Rope,
    line: usize,
    text: &str,
    ctx: &Context,
) -> Scenario {
    let origin = telemetry::line_span(rope, line);
    let trace_frames = telemetry::frames(
        function,
        path,
        language,
        &origin,
        ctx.calls,
        ctx.config.trace_depth,
        rope,
    );
    let error_type = answer
        .error
        .split(':')
        .next()
        .filter(|t| !t.contains(' ') && !t.is_empty())
        .unwrap_or("Error")
        .to_owned();
    let failure = telemetry::Failure {
        error_type: &error_type,
        error: &answer.error,
        subject: text.trim(),
    };
    let trace = telemetry::render_trace(language, &failure, &trace_frames);
    let frames: Vec<_> = trace_frames.into_iter().map(|f| f.frame).collect();
    let seed =
        xxhash_rust::xxh3::xxh3_64(format!("{}|model|{}", function.id, answer.line).as_bytes());
    let mut logs = telemetry::render_logs(language, path, &failure, &frames, seed);
    if meaningful(&answer.log) {
        logs.push(answer.log.clone());
    }
    Scenario {
        class: answer.class,
        kind: Kind::Latent,
        source: Source::Model,
        rule: "model".to_owned(),
        origin,
        subject: crate::hazards::one_line(text.trim(), 80),
        trigger: answer.trigger.clone(),
        error: answer.error.clone(),
        summary: format!(
            "Predicted {} when {}",
            answer.class.title(),
            crate::hazards::one_line(&lowercase_first(&answer.trigger), 70)
        ),
        // Unconfirmed by the static pass: never ranked above what it found.
        likelihood: answer.likelihood.min(0.5),
        frames,
        trace,
        logs,
        inputs: Vec::new(),
        history: None,
    }
}

/// The text with its first letter lowercased, unless it starts an acronym.
pub(crate) fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        Some(first) => std::iter::once(first).chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::calls::CallIndex;
    use crate::config::Config;

    fn analysed(source: &str) -> crate::analysis::FileAnalysis {
        let rope = Rope::from_str(source);
        let tree = crate::syntax::parse_str(Language::Python, source).unwrap();
        let config = Config::default();
        let calls = CallIndex::default();
        analyze(
            "app.py",
            Language::Python,
            1,
            &rope,
            &tree,
            None,
            &Context::new(&config, &calls),
        )
    }

    #[test]
    fn model_refines_static_and_adds_only_plausible_scenarios() {
        let source = "import requests\n\ndef total(data, n):\n    value = data[\"amount\"]\n    return value / n\n";
        let analysis = analysed(source);
        let function = &analysis.functions.functions[0];
        let mut scenarios = analysis.scenarios[0].clone();
        assert_eq!(scenarios.len(), 2, "{scenarios:#?}");
        let config = Config::default();
        let calls = CallIndex::default();
        let ctx = Context::new(&config, &calls);
        let answers = vec![
            // Same class and line as a static scenario: refines it.
            ModelScenario {
                class: FailureClass::KeyMissing,
                line: 4,
                trigger: "the webhook payload omits amount when the charge is free".to_owned(),
                error: "KeyError: 'amount'".to_owned(),
                likelihood: 0.9,
                log: "ERROR payment webhook missing amount".to_owned(),
            },
            // A class of its own on a line that can fail that way: kept.
            ModelScenario {
                class: FailureClass::TypeError,
                line: 5,
                trigger: "value arrives as a string like \"12.50\"".to_owned(),
                error: "TypeError: unsupported operand type(s) for /: 'str' and 'int'".to_owned(),
                likelihood: 0.8,
                log: String::new(),
            },
            // Filler a small model sometimes writes: dropped.
            ModelScenario {
                class: FailureClass::Overflow,
                line: 5,
                trigger: "1".to_owned(),
                error: "1".to_owned(),
                likelihood: 0.1,
                log: "1".to_owned(),
            },
            // Implausible: no division on the `def` line.
            ModelScenario {
                class: FailureClass::DivisionByZero,
                line: 3,
                trigger: "n is zero when the value comes from an empty cart".to_owned(),
                error: "ZeroDivisionError".to_owned(),
                likelihood: 0.9,
                log: String::new(),
            },
        ];
        merge(
            &mut scenarios,
            &answers,
            function,
            "app.py",
            Language::Python,
            &analysis.rope,
            &ctx,
        );
        let summary: Vec<String> = scenarios
            .iter()
            .map(|s| {
                format!(
                    "{} L{} {} {:.2} {}",
                    s.class,
                    s.origin.start_line + 1,
                    s.source.as_str(),
                    s.likelihood,
                    s.trigger
                )
            })
            .collect();
        insta::assert_snapshot!(summary.join("\n"), @r#"
        key_missing L4 model 0.65 the webhook payload omits amount when the charge is free
        type_error L5 model 0.50 value arrives as a string like "12.50"
        division_by_zero L5 static 0.30 `n` is 0
        "#);
        let model = scenarios.iter().find(|s| s.rule == "model").unwrap();
        assert_eq!(model.source, Source::Model);
        assert!(model.trace.contains("line 5, in total"), "{}", model.trace);
    }

    #[test]
    fn prompt_carries_hazards_and_line_numbers() {
        let analysis = analysed("def f(data):\n    return data[\"id\"]\n");
        let function = &analysis.functions.functions[0];
        let input = prompt_input(
            function,
            Language::Python,
            "app.py",
            &analysis.rope,
            &analysis.scenarios[0],
            vec![],
        );
        assert_eq!(input.first_line, 1);
        assert_eq!(input.hazards.len(), 1);
        assert_eq!(input.hazards[0].line, 2);
        assert_eq!(input.source, "def f(data):\n    return data[\"id\"]");
    }
}
