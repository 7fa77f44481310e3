//! How good the model's answers are, in figures: runs every model-test
//! fixture (22 functions in seven languages, each with the hazards the static
//! pass reports) through the real engine and scores what comes back.
//!
//! `cargo run -p failcast --example answer_quality -- [--verbose] [--model NAME|PATH]`
//!
//! The scores are crude on purpose, and each is something a reader of the
//! answer would notice at once: answers repeating themselves, text that is
//! an identifier instead of a sentence, an error message that is not in the
//! runtime's own shape, text copied from the system prompt.
//! Any change to the prompt or the sampling is measured with this before and
//! after, never assumed.

#[path = "../tests/it/model_support/mod.rs"]
mod model_support;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use failcast_model::catalog;
use failcast_model::engine::{Engine, EngineEvent, EngineState, Job};
use failcast_model::output::ModelScenario;
use failcast_model::prompt::{self, PromptInput};
use model_support::{fixtures, job_key, wait_for, wait_settled};

#[derive(Default)]
struct Totals {
    answers: usize,
    scenarios: usize,
    dropped: usize,
    seconds: f64,
    score: Score,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    // `FAILCAST_LOG=failcast::model=trace` shows each raw answer.
    failcast_core::logging::init(None, "warn");
    // A catalog name or a GGUF path; the default model otherwise.
    let mut model_config = failcast_core::config::Config::default().model;
    if let Some(model) = args
        .iter()
        .position(|a| a == "--model")
        .and_then(|i| args.get(i + 1))
    {
        if catalog::find(model).is_some() {
            model_config.name = model.clone();
        } else {
            model_config.path = Some(PathBuf::from(model));
        }
    }
    // What users get (`[model]` defaults), pinned to two threads so the
    // figures are reproducible.
    let mut config =
        failcast_model::predict::engine_config(&model_config).expect("the model configuration");
    config.n_threads = 2;
    config.cache_dir = None;
    config.use_prediction_cache = false;
    let model = config.model_path.clone();
    let engine = Engine::start(config);
    let events = engine.events();
    if let EngineState::Failed { message, .. } = wait_settled(&events) {
        eprintln!("the model did not load: {message}");
        std::process::exit(1);
    }

    let system = ngrams(prompt::SYSTEM_PROMPT);
    let mut totals = Totals::default();
    println!("model {}", model.display());
    println!(
        "{:<20} {:<10} {:>3} {:>4} {:>4} {:>5} {:>6} {:>6} {:>6}",
        "function", "language", "n", "drop", "uniq", "agree", "filler", "shaped", "copied"
    );
    for (i, fixture) in fixtures::all().into_iter().enumerate() {
        let started = Instant::now();
        engine.submit(Job::new(
            format!("quality#{i}"),
            1,
            0,
            fixture.input.clone(),
        ));
        let answer = wait_for(&events, fixture.name, |e| job_key(e).is_some());
        let (scenarios, dropped) = match answer {
            EngineEvent::Done {
                scenarios, stats, ..
            } => (scenarios, stats.scenarios_dropped),
            other => {
                eprintln!("{}: {other:?}", fixture.name);
                (Vec::new(), 0)
            }
        };
        totals.seconds += started.elapsed().as_secs_f64();
        let score = score(&fixture.input, &scenarios, &system);
        println!(
            "{:<20} {:<10} {:>3} {:>4} {:>4} {:>5} {:>6} {:>6} {:>6}",
            fixture.name,
            fixture.input.language,
            scenarios.len(),
            dropped,
            score.distinct,
            score.agree,
            format!("{}/{}", score.filler, score.fields),
            score.shaped,
            score.copied
        );
        if verbose {
            for s in &scenarios {
                println!(
                    "    {} line {} ({:.1}): when {} | {} | {}",
                    s.class.as_str(),
                    s.line,
                    s.likelihood,
                    s.trigger,
                    s.error,
                    s.log
                );
            }
        }
        totals.answers += 1;
        totals.dropped += dropped;
        totals.scenarios += scenarios.len();
        totals.score.add(&score);
    }
    let (t, sum) = (&totals, &totals.score);
    println!();
    println!(
        "{} answers, {} scenarios kept, {} dropped by validation, {} distinct (class, line)",
        t.answers, t.scenarios, t.dropped, sum.distinct
    );
    println!(
        "  agree with a static hazard   {:>3} of {} distinct",
        sum.agree, sum.distinct
    );
    println!(
        "  filler fields                {:>3} of {} (identifiers, repeats of another field)",
        sum.filler, sum.fields
    );
    println!(
        "  runtime-shaped errors        {:>3} of {} distinct",
        sum.shaped, sum.distinct
    );
    println!(
        "  copied from the system prompt {:>2} fields (four words in a row)",
        sum.copied
    );
    println!("  {:.1} s per answer", t.seconds / t.answers.max(1) as f64);
}

#[derive(Default)]
struct Score {
    distinct: usize,
    agree: usize,
    filler: usize,
    fields: usize,
    shaped: usize,
    copied: usize,
}

impl Score {
    fn add(&mut self, other: &Score) {
        self.distinct += other.distinct;
        self.agree += other.agree;
        self.filler += other.filler;
        self.fields += other.fields;
        self.shaped += other.shaped;
        self.copied += other.copied;
    }
}

fn score(input: &PromptInput, scenarios: &[ModelScenario], system: &HashSet<String>) -> Score {
    let mut score = Score::default();
    let mut seen = HashSet::new();
    for s in scenarios {
        if !seen.insert((s.class, s.line)) {
            continue;
        }
        score.distinct += 1;
        if input
            .hazards
            .iter()
            .any(|h| h.class == s.class && h.line == s.line)
        {
            score.agree += 1;
        }
        if shaped(&input.language, &s.error) {
            score.shaped += 1;
        }
        let fields = [&s.trigger, &s.error, &s.log];
        for (i, field) in fields.iter().enumerate() {
            score.fields += 1;
            let repeat = fields
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.trim() == field.trim());
            if identifier(field) || repeat || field.trim() == s.class.as_str() {
                score.filler += 1;
            }
            if ngrams(field).iter().any(|g| system.contains(g)) {
                score.copied += 1;
            }
        }
    }
    score
}

/// Every run of four words, without case or punctuation.
fn ngrams(text: &str) -> HashSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.windows(4).map(|w| w.join(" ")).collect()
}

/// One word of identifier characters: a name, not a sentence.
fn identifier(text: &str) -> bool {
    let text = text.trim();
    !text.contains(' ')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == ':')
}

/// Whether an error message has the shape the language's runtime prints.
fn shaped(language: &str, error: &str) -> bool {
    let error = error.trim();
    let exception_name = |suffixes: &[&str]| {
        let head = error.split([':', ' ', '(']).next().unwrap_or("");
        let name = head.rsplit('.').next().unwrap_or(head);
        name.chars().next().is_some_and(char::is_uppercase)
            && suffixes.iter().any(|s| name.ends_with(s))
    };
    match language {
        "python" => exception_name(&["Error", "Exception", "Interrupt", "Exit"]),
        "java" => exception_name(&["Exception", "Error"]),
        "javascript" | "typescript" => exception_name(&["Error"]) || error.starts_with("Uncaught "),
        "rust" => {
            error.contains("panicked at")
                || error.starts_with("called `")
                || error.starts_with("attempt to ")
                || error.starts_with("index out of bounds")
                || error.starts_with("Error: ")
        }
        "go" => {
            error.starts_with("panic: ")
                || error.starts_with("runtime error: ")
                || (error.contains(": ") && error.chars().next().is_some_and(char::is_lowercase))
        }
        _ => !identifier(error),
    }
}
