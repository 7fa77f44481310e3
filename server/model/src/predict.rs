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

use crate::remote::{self, RemoteConfig};
use crate::{EngineConfig, LoraConfig, catalog};
use crate::{ModelScenario, PromptCaller, PromptHazard, PromptInput};
use failcast_core::config::{Backend, Fallback, ModelConfig};
use failcast_core::context::Context;
use failcast_core::functions::Function;
use failcast_core::language::Language;
use failcast_core::scenario::{FailureClass, Kind, Scenario, Source};
use failcast_core::telemetry;

/// Model answers for the functions of one file: function id → (the
/// content hash they were computed for, the scenarios).
pub type ModelAnswers = HashMap<String, (u64, Vec<ModelScenario>)>;

/// Why a `[model]` section gives no engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoEngine {
    #[error("the model backend is off")]
    Off,
    #[error("unknown model `{name}` (known: {known}); set model.path for another GGUF file")]
    UnknownModel { name: String, known: String },
    #[error(
        "model.backend is \"openai\" but model.endpoint is empty (e.g. http://gpu-box:8080/v1)"
    )]
    NoEndpoint,
    #[error(transparent)]
    Endpoint(#[from] remote::EndpointError),
}

/// The engine configuration a `[model]` section asks for, or why there is
/// none (`backend = "off"`, or an unknown model name).
pub fn engine_config(config: &ModelConfig) -> Result<EngineConfig, NoEngine> {
    if config.backend == Backend::Off {
        return Err(NoEngine::Off);
    }
    let mut engine = match &config.path {
        Some(path) => EngineConfig::new(path.clone()),
        None => match catalog::find(&config.name) {
            Some(entry) => EngineConfig::for_entry(entry),
            None => {
                let known: Vec<&str> = catalog::CATALOG.iter().map(|e| e.name).collect();
                return Err(NoEngine::UnknownModel {
                    name: config.name.clone(),
                    known: known.join(", "),
                });
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
fn remote_config(config: &ModelConfig) -> Result<RemoteConfig, NoEngine> {
    if config.endpoint.trim().is_empty() {
        return Err(NoEngine::NoEndpoint);
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
    candidates: &[Scenario],
    incidents: Vec<String>,
) -> PromptInput {
    let end = function.range.end.min(rope.len_bytes());
    // Start at the beginning of the first line, so line numbers line up.
    let start = rope.line_to_byte(function.start_line).min(end);
    let source = rope.byte_slice(start..end).to_string();
    // Most likely first: the prompt shows the first twelve.
    let hazards = scenarios
        .iter()
        .chain(candidates)
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

/// Moves a function's static predictions toward the model's ranking of
/// them: each likelihood becomes `(1 − weight) · likelihood + weight · p`,
/// where `p` is the model's probability for that class on that line among
/// the candidates it was shown (0 for one it was not shown), then both
/// lists are sorted again. Nothing changes when the model ranked nothing
/// (a model server, which cannot score, or a function without candidates).
pub fn rank(
    scenarios: &mut [Scenario],
    candidates: &mut [Scenario],
    answers: &[ModelScenario],
    weight: f32,
) {
    let scored: Vec<&ModelScenario> = answers.iter().filter(|a| a.scored).collect();
    if scored.is_empty() {
        return;
    }
    let calibrated = calibrate(&scored, RANK_CALIBRATION);
    for prediction in scenarios.iter_mut().chain(candidates.iter_mut()) {
        let line = prediction.origin.start_line + 1;
        let p = scored
            .iter()
            .position(|a| a.class == prediction.class && a.line == line)
            .map_or(0.0, |i| calibrated[i]);
        prediction.likelihood = (1.0 - weight) * prediction.likelihood + weight * p;
    }
    failcast_core::scenario::sort_scenarios(scenarios);
    failcast_core::scenario::sort_scenarios(candidates);
}

/// How much of the model's class prior comes off its ranking: 0 keeps
/// its probabilities as they are, 1 ranks by how much the code raised each
/// candidate over what the model says of any function. Chosen on the
/// benchmark's `dev` split with Qwen2.5-Coder-0.5B: recall@3 44 % at 0,
/// 46 % at 0.5, 48 % at 1, 47 % at 1.5 (model off: 45 %).
const RANK_CALIBRATION: f32 = 1.0;

/// The model's probabilities over `scored`, with `strength` times each
/// class's prior log-probability taken off and normalised again.
fn calibrate(scored: &[&ModelScenario], strength: f32) -> Vec<f32> {
    let scores: Vec<f32> = scored
        .iter()
        .map(|a| a.likelihood.max(1e-30).ln() - strength * a.prior)
        .collect();
    crate::rank::probabilities(&scores)
}

/// What the model is asked about a function with these predictions:
/// prose only for one with a scenario of its own; candidates alone are
/// only ranked, which costs a few tokens after the prompt.
pub fn work_for(scenarios: &[Scenario]) -> crate::Work {
    if scenarios.is_empty() {
        crate::Work::Rank
    } else {
        crate::Work::RankAndWrite
    }
}

/// Joins the scenarios the model wrote to the static scenarios of
/// `function` (its ranking is [`rank`]'s).
pub fn merge(
    scenarios: &mut Vec<Scenario>,
    answers: &[ModelScenario],
    function: &Function,
    path: &str,
    language: Language,
    rope: &Rope,
    ctx: &Context,
) {
    for answer in answers.iter().filter(|a| !a.scored) {
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
    failcast_core::scenario::sort_scenarios(scenarios);
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
        subject: failcast_core::text::one_line(text.trim(), 80),
        trigger: answer.trigger.clone(),
        error: answer.error.clone(),
        summary: format!(
            "Predicted {} when {}",
            answer.class.title(),
            failcast_core::text::one_line(
                &failcast_core::text::lowercase_first(&answer.trigger),
                70
            )
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

#[cfg(test)]
mod tests {
    use super::*;
    use failcast_core::analysis::analyze_text;
    use failcast_core::calls::CallIndex;
    use failcast_core::config::Config;

    fn analysed(source: &str) -> failcast_core::analysis::FileAnalysis {
        let (config, calls) = (Config::default(), CallIndex::default());
        analyze_text(
            "app.py",
            Language::Python,
            source,
            &Context::new(&config, &calls),
        )
        .expect("parses")
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
                scored: false,
                prior: 0.0,
            },
            // A class of its own on a line that can fail that way: kept.
            ModelScenario {
                class: FailureClass::TypeError,
                line: 5,
                trigger: "value arrives as a string like \"12.50\"".to_owned(),
                error: "TypeError: unsupported operand type(s) for /: 'str' and 'int'".to_owned(),
                likelihood: 0.8,
                log: String::new(),
                scored: false,
                prior: 0.0,
            },
            // Filler a small model sometimes writes: dropped.
            ModelScenario {
                class: FailureClass::Overflow,
                line: 5,
                trigger: "1".to_owned(),
                error: "1".to_owned(),
                likelihood: 0.1,
                log: "1".to_owned(),
                scored: false,
                prior: 0.0,
            },
            // Implausible: no division on the `def` line.
            ModelScenario {
                class: FailureClass::DivisionByZero,
                line: 3,
                trigger: "n is zero when the value comes from an empty cart".to_owned(),
                error: "ZeroDivisionError".to_owned(),
                likelihood: 0.9,
                log: String::new(),
                scored: false,
                prior: 0.0,
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
            &analysis.candidates[0],
            vec![],
        );
        assert_eq!(input.first_line, 1);
        assert_eq!(input.hazards.len(), 1);
        assert_eq!(input.hazards[0].line, 2);
        assert_eq!(input.source, "def f(data):\n    return data[\"id\"]");
    }

    /// A function with a precise scenario and broad candidates: the model's
    /// ranking moves each toward its probability, and a candidate the model
    /// is sure of overtakes the static order; a weight of 0 changes nothing.
    #[test]
    fn ranking_moves_predictions_toward_the_model() {
        let analysis = analysed(
            "def total(order, rates):\n    items = order.get(\"items\")\n    rate = rates[order[\"currency\"]]\n    return sum(i[\"price\"] for i in items) / len(items) * rate\n",
        );
        let mut scenarios = analysis.scenarios[0].clone();
        let mut candidates = analysis.candidates[0].clone();
        let all: Vec<(FailureClass, usize, f32)> = scenarios
            .iter()
            .chain(&candidates)
            .map(|s| (s.class, s.origin.start_line + 1, s.likelihood))
            .collect();
        assert!(all.len() >= 3, "{all:?}");
        // The model is sure of the static pass's last prediction.
        let (class, line, before) = *all.last().unwrap();
        let answers: Vec<ModelScenario> = all
            .iter()
            .map(|&(c, l, _)| {
                let p = if (c, l) == (class, line) {
                    0.9
                } else {
                    0.1 / (all.len() - 1) as f32
                };
                ModelScenario::scored(c, l, p)
            })
            .collect();
        let (mut same_s, mut same_c) = (scenarios.clone(), candidates.clone());
        rank(&mut same_s, &mut same_c, &answers, 0.0);
        assert_eq!((same_s, same_c), (scenarios.clone(), candidates.clone()));

        rank(&mut scenarios, &mut candidates, &answers, 0.5);
        let lifted = scenarios
            .iter()
            .chain(&candidates)
            .find(|s| s.class == class && s.origin.start_line + 1 == line)
            .unwrap();
        assert!((lifted.likelihood - (0.5 * before + 0.45)).abs() < 1e-6);
        let mut top = scenarios.iter().chain(&candidates).collect::<Vec<_>>();
        top.sort_by(|a, b| b.likelihood.total_cmp(&a.likelihood));
        assert_eq!((top[0].class, top[0].origin.start_line + 1), (class, line));
        // Written scenarios do not rank anything.
        let written = ModelScenario {
            scored: false,
            prior: 0.0,
            ..ModelScenario::scored(class, line, 0.9)
        };
        let (mut s2, mut c2) = (
            analysis.scenarios[0].clone(),
            analysis.candidates[0].clone(),
        );
        rank(&mut s2, &mut c2, &[written], 1.0);
        assert_eq!(s2, analysis.scenarios[0]);
    }

    /// A class the model names whatever the code says gains nothing from
    /// being named here: calibration divides its prior out.
    #[test]
    fn calibration_takes_the_class_prior_off() {
        let favoured = ModelScenario {
            prior: 0.8f32.ln(),
            ..ModelScenario::scored(FailureClass::NullOrNone, 3, 0.6)
        };
        let rare = ModelScenario {
            prior: 0.05f32.ln(),
            ..ModelScenario::scored(FailureClass::TimezoneDst, 4, 0.4)
        };
        let raw = calibrate(&[&favoured, &rare], 0.0);
        assert!((raw[0] - 0.6).abs() < 1e-6 && (raw[1] - 0.4).abs() < 1e-6);
        let p = calibrate(&[&favoured, &rare], 1.0);
        // 0.6 / 0.8 against 0.4 / 0.05.
        assert!((p[1] - 8.0 / 8.75).abs() < 1e-5, "{p:?}");
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}
