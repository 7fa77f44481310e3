//! Measures the model engine against a plain llama-cpp-2 loop, on the real model.
//!
//! `cargo bench --bench engine` prints a table: (a) generation speed of the
//! engine (grammar-constrained) against a minimal unconstrained greedy loop,
//! (b) per-job prompt cost with and without the reused system-prompt KV
//! entries, (c) time to the first prediction for a 30-line function, new
//! and again after an edit inside it, and
//! (d) peak RSS of an engine doing that. Without `--bench` (as under
//! `cargo test --benches`) it runs one tiny iteration of each as a smoke test.
//! `FAILCAST_BENCH_MODEL=<catalog name>` benchmarks another catalog model.

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use failcast_core::scenario::FailureClass;
use failcast_model::ModelScenario;
use failcast_model::catalog;
use failcast_model::engine::{
    self, Engine, EngineConfig, EngineEvent, EngineState, Job, JobStats, Work,
};
use failcast_model::fetch;
use failcast_model::prompt::{self, PromptHazard, PromptInput, SYSTEM_PROMPT};
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;

const THREADS: usize = 2;
const WAIT: Duration = Duration::from_secs(300);

/// A realistic 30-line handler with the hazards a static pass would find.
fn thirty_line_function() -> PromptInput {
    let source = r#"def import_orders(session, url, path, since):
    response = session.get(url, params={"since": since.isoformat()})
    response.raise_for_status()
    payload = response.json()
    orders = payload["orders"]
    created = []
    for raw in orders:
        customer = raw["customer"]
        email = customer.get("email").lower()
        total = sum(line["price"] * line["qty"] for line in raw["lines"])
        average = total / len(raw["lines"])
        placed = datetime.strptime(raw["placed_at"], "%Y-%m-%d %H:%M")
        if placed < since:
            continue
        order = Order(
            external_id=raw["id"],
            email=email,
            total=total,
            average_line=average,
            placed_at=placed,
        )
        created.append(order)
    with open(path, "a", encoding="ascii") as log:
        for order in created:
            log.write(f"{order.external_id},{order.email},{order.total}\n")
    first = created[0]
    logger.info("imported %d orders, first %s", len(created), first.external_id)
    session.post(url + "/ack", json={"last": created[-1].external_id})
    return created
"#;
    let hazard = |class, line, subject: &str, trigger: &str, error: &str| PromptHazard {
        class,
        line,
        subject: subject.into(),
        trigger: trigger.into(),
        error: error.into(),
    };
    PromptInput {
        language: "python".into(),
        path: "sync/orders.py".into(),
        function_name: "import_orders".into(),
        first_line: 100,
        source: source.into(),
        hazards: vec![
            hazard(
                FailureClass::Timeout,
                101,
                "session.get(url, ...)",
                "no timeout is set",
                "requests.exceptions.ReadTimeout: Read timed out.",
            ),
            hazard(
                FailureClass::ParseError,
                103,
                "response.json()",
                "the body is not JSON",
                "requests.exceptions.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
            ),
            hazard(
                FailureClass::KeyMissing,
                104,
                "payload[\"orders\"]",
                "the payload has no orders",
                "KeyError: 'orders'",
            ),
            hazard(
                FailureClass::NullOrNone,
                108,
                "customer.get(\"email\").lower()",
                "the customer has no email",
                "AttributeError: 'NoneType' object has no attribute 'lower'",
            ),
            hazard(
                FailureClass::DivisionByZero,
                110,
                "total / len(raw[\"lines\"])",
                "an order has no lines",
                "ZeroDivisionError: division by zero",
            ),
            hazard(
                FailureClass::IndexOutOfRange,
                125,
                "created[0]",
                "no order is newer than since",
                "IndexError: list index out of range",
            ),
            hazard(
                FailureClass::Encoding,
                124,
                "log.write(...)",
                "an email has non-ASCII characters",
                "UnicodeEncodeError: 'ascii' codec can't encode character",
            ),
        ],
        callers: vec![],
        incidents: vec![],
    }
}

fn short_function(i: usize) -> PromptInput {
    PromptInput {
        language: "go".into(),
        path: format!("internal/rate{i}.go"),
        function_name: format!("Rate{i}"),
        first_line: 10,
        source: format!("func Rate{i}(done, total int) int {{\n\treturn done * 100 / total\n}}\n"),
        hazards: vec![PromptHazard {
            class: FailureClass::DivisionByZero,
            line: 11,
            subject: "done * 100 / total".into(),
            trigger: "total is zero".into(),
            error: "panic: runtime error: integer divide by zero".into(),
        }],
        callers: vec![],
        incidents: vec![],
    }
}

fn config(entry: &catalog::ModelEntry, max_output_tokens: usize) -> EngineConfig {
    let mut config = EngineConfig::for_entry(entry);
    config.n_threads = THREADS;
    config.cache_dir = None;
    config.use_prediction_cache = false;
    config.max_output_tokens = max_output_tokens;
    config
}

fn wait_ready(engine: &Engine) {
    let events = engine.events();
    let deadline = Instant::now() + WAIT;
    loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(EngineEvent::State(EngineState::Ready { .. })) => return,
            Ok(EngineEvent::State(EngineState::Failed { message, hint })) => {
                panic!("engine failed: {message} ({hint})")
            }
            Ok(_) => {}
            Err(_) => panic!("engine not ready after {WAIT:?}"),
        }
    }
}

/// Runs one job and returns its stats and the wall time from submit to answer.
fn run(engine: &Engine, key: &str, input: PromptInput) -> (JobStats, Duration) {
    let (_, stats, wall) = run_work(engine, key, input, Work::RankAndWrite);
    (stats, wall)
}

/// Runs one job asking for `work`; returns its answer, stats and wall time.
fn run_work(
    engine: &Engine,
    key: &str,
    input: PromptInput,
    work: Work,
) -> (Vec<ModelScenario>, JobStats, Duration) {
    let events = engine.events();
    let started = Instant::now();
    engine.submit(Job::new(key, 0, 0, input).with_work(work));
    loop {
        match events.recv_timeout(WAIT) {
            Ok(EngineEvent::Done {
                scenarios, stats, ..
            }) => return (scenarios, stats, started.elapsed()),
            Ok(EngineEvent::State(_) | EngineEvent::Notice(_)) => {}
            Ok(other) => panic!("job {key} did not complete: {other:?}"),
            Err(_) => panic!("job {key} timed out"),
        }
    }
}

/// The baseline: a minimal llama-cpp-2 greedy loop over the same prompt,
/// without grammar, generating exactly `n_generate` tokens. Returns tokens/s
/// of generation.
fn baseline_generation(model: &LlamaModel, input: &PromptInput, n_generate: usize) -> f64 {
    let backend = engine::backend().expect("llama.cpp backend");
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(2048))
        .with_n_batch(256)
        .with_n_ubatch(256)
        .with_n_threads(THREADS as i32)
        .with_n_threads_batch(THREADS as i32);
    let mut ctx = model.new_context(backend, params).expect("context");
    let template = model.chat_template(None).expect("chat template");
    let user = prompt::render(input, 3000).user;
    let chat = [
        LlamaChatMessage::new("system".into(), SYSTEM_PROMPT.into()).unwrap(),
        LlamaChatMessage::new("user".into(), user).unwrap(),
    ];
    let text = model.apply_chat_template(&template, &chat, true).unwrap();
    let tokens = model.vocab().tokenize(text.as_bytes(), true, true);
    let mut batch = LlamaBatch::new(256, 1);
    let mut pos = 0;
    for chunk in tokens.chunks(256) {
        batch.clear();
        for token in chunk {
            pos += 1;
            batch
                .add(*token, pos - 1, &[0], pos as usize == tokens.len())
                .unwrap();
        }
        ctx.decode(&mut batch).unwrap();
    }
    let mut sampler = LlamaSampler::greedy();
    let started = Instant::now();
    for _ in 0..n_generate {
        let token = sampler.sample(&ctx, batch.n_tokens() - 1);
        batch.clear();
        batch.add(token, pos, &[0], true).unwrap();
        pos += 1;
        ctx.decode(&mut batch).unwrap();
    }
    n_generate as f64 / started.elapsed().as_secs_f64()
}

/// Timings of repeated jobs, for (c).
#[derive(Default)]
struct Runs {
    first: Vec<f64>,
    whole: Vec<f64>,
    last: JobStats,
}

impl Runs {
    fn push(&mut self, (stats, wall): (JobStats, Duration)) {
        let wall = wall.as_secs_f64() * 1000.0;
        self.whole.push(wall);
        // The first scenario is shown as soon as it is complete (partial
        // answers); without one, only the whole answer counts.
        self.first
            .push(stats.first_scenario_ms.map_or(wall, |ms| ms as f64));
        self.last = stats;
    }

    fn print(&self, what: &str) {
        let last = &self.last;
        println!("    {what}:");
        println!(
            "      first scenario shown  {:>6.0} ms  (target <= 1500 ms)",
            median(self.first.clone())
        );
        println!(
            "      whole answer          {:>6.0} ms  (prompt {} tokens, {} reused, {} ms = {:.0} tok/s; generated {} tokens, {} ms)",
            median(self.whole.clone()),
            last.prompt_tokens,
            last.reused_prompt_tokens,
            last.prompt_ms,
            (last.prompt_tokens - last.reused_prompt_tokens) as f64 * 1000.0
                / last.prompt_ms.max(1) as f64,
            last.generated_tokens,
            last.generate_ms
        );
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Peak resident set size so far (VmHWM), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets VmHWM so the next reading measures only what follows (Linux ≥ 4.0).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let reps = if full { 5 } else { 1 };
    let max_output = if full { 512 } else { 24 };
    let name =
        std::env::var("FAILCAST_BENCH_MODEL").unwrap_or_else(|_| catalog::DEFAULT_MODEL.into());
    let entry = catalog::find(&name).unwrap_or_else(|| panic!("unknown model {name}"));
    let path = fetch::fetch(entry, &mut |_| {}).expect("fetch the model");
    println!(
        "failcast engine bench: {} ({}), {THREADS} threads, {} mode",
        entry.name,
        path.display(),
        if full { "full" } else { "smoke" }
    );

    // (a) generation speed: engine vs plain loop, same prompt, same token count.
    let big = thirty_line_function();
    let engine = Engine::start(config(entry, max_output));
    wait_ready(&engine);
    let mut engine_rates = Vec::new();
    let mut generated = 0;
    for i in 0..reps {
        let (stats, _) = run(&engine, &format!("gen#{i}"), big.clone());
        generated = stats.generated_tokens;
        engine_rates.push(stats.generated_tokens as f64 * 1000.0 / stats.generate_ms.max(1) as f64);
    }
    drop(engine);
    let model = LlamaModel::load_from_file(
        engine::backend().unwrap(),
        &path,
        &LlamaModelParams::default(),
    )
    .expect("load model");
    let baseline_rates: Vec<f64> = (0..reps)
        .map(|_| baseline_generation(&model, &big, generated.max(1)))
        .collect();
    drop(model);
    let (engine_rate, baseline_rate) = (median(engine_rates), median(baseline_rates));
    println!("\n(a) generation, {generated} tokens (median of {reps})");
    println!("    plain llama-cpp-2 greedy loop   {baseline_rate:>8.1} tok/s");
    println!("    failcast engine (with grammar)  {engine_rate:>8.1} tok/s");
    println!(
        "    ratio                           {:>8.3}   (target >= 0.95)",
        engine_rate / baseline_rate
    );

    // (b) per-job prompt cost with and without the reused system prompt.
    let mut costs = Vec::new();
    for reuse in [false, true] {
        let mut cfg = config(entry, if full { 8 } else { 2 });
        cfg.reuse_system_prompt = reuse;
        let engine = Engine::start(cfg);
        wait_ready(&engine);
        let mut ms = Vec::new();
        let mut decoded = 0;
        for i in 0..reps.max(3) {
            let (stats, _) = run(&engine, &format!("prompt#{i}"), short_function(i));
            ms.push(stats.prompt_ms as f64);
            decoded = stats.prompt_tokens - stats.reused_prompt_tokens;
        }
        costs.push((median(ms), decoded));
    }
    println!("\n(b) prompt cost per job, short function (median)");
    println!(
        "    full decode              {:>6.0} ms  {:>4} tokens decoded",
        costs[0].0, costs[0].1
    );
    println!(
        "    reused system-prompt KV  {:>6.0} ms  {:>4} tokens decoded",
        costs[1].0, costs[1].1
    );
    println!(
        "    ratio                    {:>6.2}   (target <= 0.5)",
        costs[1].0 / costs[0].0.max(1.0)
    );

    // (c) time to first prediction and (d) peak RSS, with nothing else loaded,
    // in the configuration users get (`[model]` defaults).
    let rss_reset = reset_peak_rss();
    let loading = Instant::now();
    let mut defaults =
        failcast_model::predict::engine_config(&failcast_core::config::Config::default().model)
            .expect("the default model configuration");
    defaults.model_path = path.clone();
    defaults.n_threads = THREADS;
    defaults.cache_dir = None;
    defaults.use_prediction_cache = false;
    if !full {
        defaults.max_output_tokens = max_output;
    }
    let engine = Engine::start(defaults);
    wait_ready(&engine);
    let load = loading.elapsed();
    // Each repetition asks about a function the engine has not seen (a
    // different path), then about the same function after an edit on its
    // 20th line, as when someone types in it: the prompt up to the edit is
    // still in the KV cache.
    let mut cold = Runs::default();
    let mut edited = Runs::default();
    for i in 0..reps {
        let mut input = big.clone();
        input.path = format!("sync/orders_{i}.py");
        cold.push(run(&engine, &format!("first#{i}"), input.clone()));
        input.source = input
            .source
            .replace("placed_at=placed,", "placed_at=placed.astimezone(),");
        edited.push(run(&engine, &format!("edit#{i}"), input));
    }
    println!("\n(c) time to first prediction, 30-line function (defaults, engine warm, median)");
    cold.print("a function not seen before");
    edited.print("the same after an edit on line 20");
    println!(
        "    model load to ready {:.0} ms",
        load.as_secs_f64() * 1000.0
    );
    match peak_rss_mb() {
        Some(mb) => println!(
            "\n(d) peak RSS{}: {mb:.0} MB  (target <= 400 MB)",
            if rss_reset {
                " of one engine"
            } else {
                " of the whole bench"
            }
        ),
        None => println!("\n(d) peak RSS: unavailable on this platform"),
    }

    // (e) ranking the candidates against writing about them, same function,
    // a path the engine has not seen each time (a fresh prefill).
    let mut prefill = Vec::new();
    let mut rank = Vec::new();
    let mut write = Vec::new();
    let mut agree = 0;
    let mut ranked = 0;
    for i in 0..reps {
        let mut input = big.clone();
        input.path = format!("rank/orders_{i}.py");
        let (order, stats, _) = run_work(&engine, &format!("rank#{i}"), input.clone(), Work::Rank);
        prefill.push(stats.prompt_ms as f64);
        rank.push(stats.rank_ms as f64);
        ranked = stats.ranked;
        input.path = format!("write/orders_{i}.py");
        let (both, stats, _) = run_work(&engine, &format!("write#{i}"), input, Work::RankAndWrite);
        write.push(stats.generate_ms as f64);
        let top = order
            .iter()
            .max_by(|a, b| a.likelihood.total_cmp(&b.likelihood))
            .map(|s| (s.class, s.line));
        let written = both.iter().find(|s| !s.scored).map(|s| (s.class, s.line));
        agree += usize::from(top.is_some() && top == written);
    }
    let (prefill, rank, write) = (median(prefill), median(rank), median(write));
    println!("\n(e) ranking vs writing, 30-line function, {ranked} candidates (median of {reps})");
    println!("    prefill of the prompt alone   {prefill:>6.0} ms");
    println!("    ranking the candidates after  {rank:>6.0} ms");
    println!(
        "    model time / prefill          {:>6.2}   (target <= 1.5)",
        (prefill + rank) / prefill.max(1.0)
    );
    println!("    writing scenarios instead     {write:>6.0} ms");
    println!("    written first scenario = ranked first: {agree} of {reps}");

    // (f) the function under the cursor prefilled while the editor waits out
    // the debounce: what is left once typing stops is the ranking job.
    let mut after_prefill = Vec::new();
    let mut prefill_ms = Vec::new();
    for i in 0..reps {
        let mut input = big.clone();
        input.path = format!("prefill/orders_{i}.py");
        let (_, stats, _) = run_work(
            &engine,
            &format!("prefill#{i}"),
            input.clone(),
            Work::Prefill,
        );
        prefill_ms.push(stats.prompt_ms as f64);
        let (_, stats, _) = run_work(&engine, &format!("ranked#{i}"), input, Work::Rank);
        after_prefill.push((stats.prompt_ms + stats.rank_ms) as f64);
    }
    let (prefill_ms, after_prefill) = (median(prefill_ms), median(after_prefill));
    println!("\n(f) prefilled during the debounce, then ranked (median of {reps})");
    println!("    prefill, while the user waits out the debounce  {prefill_ms:>6.0} ms");
    println!("    first model-ranked result after the debounce    {after_prefill:>6.0} ms");
    println!(
        "    the same without the prefill (e)                {:>6.0} ms",
        prefill + rank
    );
    drop(engine);
}
