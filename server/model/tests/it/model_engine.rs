//! The engine with the real default model: grammar-valid output for every
//! language, cancellation, the prediction cache across restarts, prompt KV
//! reuse (the system prompt, and a function's unchanged start after an edit)
//! against full decoding, and clean failure on bad files.

use crate::model_support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use failcast_model::engine::{Engine, EngineConfig, EngineEvent, EngineState, Job, Work};
use failcast_model::output::ModelScenario;
use model_support::{
    config, expect_done, fixtures, heavy, init_logs, model_path, shared_engine, wait_for,
    wait_settled,
};

#[test]
fn every_fixture_yields_schema_valid_scenarios_inside_the_function() {
    let _heavy = heavy();
    let shared = shared_engine();
    let fixtures = fixtures::all();
    assert!(fixtures.len() >= 20);
    let mut languages = std::collections::BTreeSet::new();
    let mut with_scenarios = 0;
    // `FAILCAST_FIXTURE=name` runs one fixture, for debugging with
    // `RUST_LOG=failcast=trace` (which logs the raw output).
    let only = std::env::var("FAILCAST_FIXTURE").ok();
    for fixture in &fixtures {
        languages.insert(fixture.input.language.clone());
        if only.as_deref().is_some_and(|name| name != fixture.name) {
            continue;
        }
        let started = Instant::now();
        let (scenarios, stats) =
            expect_done(shared.run(&format!("fixtures#{}", fixture.name), fixture.input.clone()));
        eprintln!(
            "{:<18} {:>5} ms prompt {:>4} tok ({:>3} reused) {:>4} ms, gen {:>3} tok {:>5} ms, kept {} dropped {}",
            fixture.name,
            started.elapsed().as_millis(),
            stats.prompt_tokens,
            stats.reused_prompt_tokens,
            stats.prompt_ms,
            stats.generated_tokens,
            stats.generate_ms,
            scenarios.len(),
            stats.scenarios_dropped,
        );
        // Another test may have predicted the same function already.
        assert!(
            !stats.output_truncated,
            "{}: output did not close",
            fixture.name
        );
        assert!(
            scenarios.len() + stats.scenarios_dropped >= 1,
            "{}: the grammar requires at least one scenario",
            fixture.name
        );
        let lines = fixture.input.lines();
        // The ranking of the candidates shown: one probability each, over
        // the candidates, without text.
        let (ranked, scenarios): (Vec<ModelScenario>, Vec<ModelScenario>) =
            scenarios.into_iter().partition(|s| s.scored);
        let shown = failcast_model::prompt::render(&fixture.input, 4000).choices;
        if stats.from_cache || stats.ranked > 0 {
            assert_eq!(ranked.len(), shown.len(), "{}: {ranked:?}", fixture.name);
        }
        if !ranked.is_empty() {
            let total: f32 = ranked.iter().map(|s| s.likelihood).sum();
            assert!((total - 1.0).abs() < 1e-3, "{}: {ranked:?}", fixture.name);
            for (r, (class, line)) in ranked.iter().zip(&shown) {
                assert_eq!((r.class, r.line), (*class, *line), "{}", fixture.name);
                assert!(r.trigger.is_empty() && r.error.is_empty() && r.log.is_empty());
            }
        }
        for scenario in &scenarios {
            assert!(
                lines.contains(&scenario.line),
                "{}: {scenario:?}",
                fixture.name
            );
            assert!((0.0..=1.0).contains(&scenario.likelihood));
            for text in [&scenario.trigger, &scenario.error, &scenario.log] {
                assert!(!text.is_empty() && text.trim() == text);
                assert!(!text.chars().any(char::is_control));
            }
        }
        with_scenarios += usize::from(!scenarios.is_empty());
    }
    if only.is_some() {
        return;
    }
    assert_eq!(
        languages.into_iter().collect::<Vec<_>>(),
        ["go", "java", "javascript", "python", "rust", "typescript"]
    );
    // Validation may drop a scenario, but most answers must survive it.
    assert!(
        with_scenarios * 2 >= fixtures.len(),
        "only {with_scenarios} of {} fixtures kept a scenario",
        fixtures.len()
    );
}

#[test]
fn greedy_output_is_deterministic() {
    let _heavy = heavy();
    let fixture = &fixtures::all()[1];
    let (scenarios, _) =
        expect_done(shared_engine().run("snapshot#average", fixture.input.clone()));
    // What the model wrote; its ranking's probabilities are floats that
    // depend on the CPU's vector unit, and are checked with a tolerance.
    let written: Vec<ModelScenario> = scenarios.into_iter().filter(|s| !s.scored).collect();
    insta::assert_yaml_snapshot!("average_invoice", written);
}

#[test]
fn the_same_job_twice_is_answered_from_cache_without_decoding() {
    let _heavy = heavy();
    let shared = shared_engine();
    // A path no other test uses, so the first run really runs the model.
    let mut input = fixtures::all()[8].input.clone();
    input.path = "cache/twice.go".into();
    let (first, stats) = expect_done(shared.run("cache#first", input.clone()));
    assert!(!stats.from_cache && stats.decode_steps > 0);
    // A different key, same function text: the cache is keyed by content.
    let (second, stats) = expect_done(shared.run("cache#second", input));
    assert_eq!(first, second);
    assert!(stats.from_cache);
    assert_eq!(stats.decode_steps, 0);
}

#[test]
fn cache_hits_cost_zero_decode_steps_and_survive_a_restart() {
    let _heavy = heavy();
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.cache_dir = Some(dir.path().to_path_buf());
    let mut engine = Engine::start(cfg.clone());
    let events = engine.events();
    let input = fixtures::all()[4].input.clone();

    engine.submit(Job::new("restart#a", 7, 0, input.clone()));
    let (first, stats) = expect_done(wait_for(&events, "the first answer", |e| {
        matches!(e, EngineEvent::Done { .. })
    }));
    assert!(!stats.from_cache && stats.decode_steps > 0);
    let steps = engine.decode_steps();

    engine.submit(Job::new("restart#b", 7, 0, input.clone()));
    let (again, stats) = expect_done(wait_for(&events, "the cached answer", |e| {
        matches!(e, EngineEvent::Done { .. })
    }));
    assert!(stats.from_cache);
    assert_eq!((again, engine.decode_steps()), (first.clone(), steps));

    // After a restart the memory cache is gone; the disk answers, even
    // before the model has finished loading.
    engine.restart(cfg.clone());
    engine.submit(Job::new("restart#c", 7, 0, input.clone()));
    let (after, stats) = expect_done(wait_for(&events, "the answer after restart", |e| {
        matches!(e, EngineEvent::Done { .. })
    }));
    assert!(stats.from_cache);
    assert_eq!(after, first);
    assert_eq!(engine.decode_steps(), steps, "a cache hit must not decode");

    // The cache does not need the model at all: with the model file gone,
    // the engine fails, and still answers what it has cached.
    let missing = tempfile::tempdir().unwrap();
    engine.restart(EngineConfig {
        model_path: missing.path().join("gone.gguf"),
        ..cfg
    });
    engine.submit(Job::new("restart#d", 7, 0, input));
    // The answer may come while the loader is still looking for the file,
    // or after it gave up; both must arrive.
    let (mut answer, mut failed) = (None, false);
    while answer.is_none() || !failed {
        match wait_for(&events, "the answer without a model, and Failed", |_| true) {
            EngineEvent::State(EngineState::Failed { .. }) => failed = true,
            EngineEvent::State(_) | EngineEvent::Notice(_) => {}
            other => answer = Some(expect_done(other)),
        }
    }
    let (without_model, stats) = answer.unwrap();
    assert!(stats.from_cache);
    assert_eq!(without_model, first);
    engine.shutdown();
}

#[test]
fn cancel_during_generation_stops_the_job_without_a_result() {
    let _heavy = heavy();
    init_logs();
    let mut cfg = config();
    cfg.use_prediction_cache = false;
    let engine = Engine::start(cfg);
    let events = engine.events();
    assert!(matches!(wait_settled(&events), EngineState::Ready { .. }));
    let input = fixtures::all()[2].input.clone();
    let job = Job::new("cancel#1", 3, 0, input);
    let flag = job.cancel.clone();
    let before = engine.decode_steps();
    engine.submit(job);
    // A handful of decode steps past the prompt means generation is under way.
    let deadline = Instant::now() + Duration::from_secs(60);
    while engine.decode_steps() < before + 6 {
        assert!(Instant::now() < deadline, "generation never started");
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(engine.cancel("cancel#1"));
    let event = wait_for(&events, "the cancellation", |e| {
        model_support::job_key(e).is_some()
    });
    assert_eq!(
        event,
        EngineEvent::Cancelled {
            key: "cancel#1".into(),
            content_hash: 3
        }
    );
    assert!(flag.load(Ordering::Relaxed));
    // No Done follows, and decoding has stopped.
    let steps = engine.decode_steps();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(engine.decode_steps(), steps);
    assert!(
        events
            .try_iter()
            .all(|e| !matches!(e, EngineEvent::Done { .. }))
    );

    // A newer job for the same key replaces (cancels) the running one.
    let input = fixtures::all()[3].input.clone();
    engine.submit(Job::new("cancel#2", 1, 0, input.clone()));
    while engine.decode_steps() < steps + 6 {
        std::thread::sleep(Duration::from_millis(2));
    }
    engine.submit(Job::new("cancel#2", 2, 0, input));
    let first = wait_for(&events, "the replaced job", |e| {
        model_support::job_key(e).is_some()
    });
    assert_eq!(
        first,
        EngineEvent::Cancelled {
            key: "cancel#2".into(),
            content_hash: 1
        }
    );
    let second = wait_for(&events, "the replacement", |e| {
        model_support::job_key(e).is_some()
    });
    assert!(
        matches!(
            second,
            EngineEvent::Done {
                content_hash: 2,
                ..
            }
        ),
        "{second:?}"
    );
}

/// Jobs after the first reuse the system prompt's KV entries after trimming
/// the previous job's; if trimming or positions were wrong, their greedy
/// output would differ from decoding everything afresh. (Full decoding uses
/// the same batch boundaries, since llama.cpp is not batch-size invariant.)
#[test]
fn prompt_reuse_gives_the_same_output_as_full_decoding() {
    let _heavy = heavy();
    init_logs();
    let mut reuse_cfg = config();
    reuse_cfg.use_prediction_cache = false;
    // Reuse changes only how the prompt is decoded; 128 greedy tokens show
    // any difference in it as a whole answer would, in two thirds of the time.
    reuse_cfg.max_output_tokens = 128;
    let full_cfg = EngineConfig {
        reuse_system_prompt: false,
        ..reuse_cfg.clone()
    };
    let reuse = Engine::start(reuse_cfg);
    let full = Engine::start(full_cfg);
    let (reuse_events, full_events) = (reuse.events(), full.events());
    for (i, fixture) in fixtures::all().iter().enumerate().step_by(7) {
        let key = format!("kv#{i}");
        // One engine at a time: two decoding at once only slow each other.
        reuse.submit(Job::new(&key, 0, 0, fixture.input.clone()));
        let (a, a_stats) = expect_done(wait_for(&reuse_events, "the reused-KV answer", |e| {
            model_support::job_key(e).is_some()
        }));
        full.submit(Job::new(&key, 0, 0, fixture.input.clone()));
        let (b, b_stats) = expect_done(wait_for(&full_events, "the full-decode answer", |e| {
            model_support::job_key(e).is_some()
        }));
        assert!(a_stats.reused_prompt_tokens > 0, "{a_stats:?}");
        assert_eq!(b_stats.reused_prompt_tokens, 0);
        assert_eq!(a_stats.prompt_tokens, b_stats.prompt_tokens);
        assert_eq!(a, b, "{}", fixture.name);
        assert_eq!(a_stats.generated_tokens, b_stats.generated_tokens);
    }

    // Asked again after an edit near its end, a long function reuses the
    // KV entries of its unchanged start, and still answers exactly as a
    // full decode does.
    let mut long = fixtures::all()[1].input.clone();
    let checks: String = (0..40)
        .map(|i| format!("    check_{i} = validate(invoices, {i})\n"))
        .collect();
    long.source = format!(
        "def average_invoice(invoices):\n{checks}    total = sum(i.amount for i in invoices)\n    return total / len(invoices)\n"
    );
    long.hazards[0].line = long.lines().end - 1;
    let mut edited = long.clone();
    edited.source = edited.source.replace("check_35 = ", "check_35 = 2 * ");
    let mut answers = Vec::new();
    for (key, input) in [("long#cold", long), ("long#edited", edited.clone())] {
        reuse.submit(Job::new(key, 0, 0, input));
        answers.push(expect_done(wait_for(&reuse_events, key, |e| {
            model_support::job_key(e).is_some()
        })));
    }
    full.submit(Job::new("long#full", 0, 0, edited));
    let (b, b_stats) = expect_done(wait_for(&full_events, "the full decode", |e| {
        model_support::job_key(e).is_some()
    }));
    let (cold_stats, (a, a_stats)) = (answers[0].1, answers[1].clone());
    assert!(
        a_stats.prompt_tokens > cold_stats.reused_prompt_tokens + 256,
        "{a_stats:?}"
    );
    assert!(
        a_stats.reused_prompt_tokens >= cold_stats.reused_prompt_tokens + 256,
        "cold {cold_stats:?}, after the edit {a_stats:?}"
    );
    assert_eq!(a, b);
    assert_eq!(a_stats.generated_tokens, b_stats.generated_tokens);
}

fn expect_failed(cfg: EngineConfig) -> (String, String) {
    let engine = Engine::start(cfg);
    let events = engine.events();
    let state = wait_settled(&events);
    // Jobs are still answered, with the reason.
    engine.submit(Job::new("failed#1", 1, 0, fixtures::all()[0].input.clone()));
    let answer = wait_for(&events, "the failed job", |e| {
        model_support::job_key(e).is_some()
    });
    assert!(matches!(answer, EngineEvent::Failed { .. }), "{answer:?}");
    match state {
        EngineState::Failed { message, hint } => (message, hint),
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[test]
fn missing_and_truncated_models_fail_with_a_clear_message() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();

    let (message, hint) = expect_failed(EngineConfig {
        model_path: dir.path().join("SmolLM2-135M-Instruct.Q4_1.gguf"),
        ..config()
    });
    assert!(message.contains("not found"), "{message}");
    assert!(hint.contains("failcast model fetch"), "{hint}");

    let bytes = std::fs::read(model_path()).unwrap();
    // A catalog file cut short: caught by its size.
    let cut = dir.path().join("SmolLM2-135M-Instruct.Q4_1.gguf");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (message, hint) = expect_failed(EngineConfig {
        model_path: cut,
        ..config()
    });
    assert!(message.contains("truncated"), "{message}");
    assert!(hint.contains("failcast model fetch"), "{hint}");

    // An unknown file cut short: caught by the header walk.
    let unknown = dir.path().join("other.gguf");
    std::fs::write(&unknown, &bytes[..bytes.len() / 2]).unwrap();
    let (message, _) = expect_failed(EngineConfig {
        model_path: unknown.clone(),
        expected_sha256: None,
        ..config()
    });
    assert!(message.contains("truncated"), "{message}");

    // A file whose header is cut: not even the metadata is complete.
    std::fs::write(&unknown, &bytes[..4096]).unwrap();
    let (message, _) = expect_failed(EngineConfig {
        model_path: unknown.clone(),
        expected_sha256: None,
        ..config()
    });
    assert!(message.contains("not a valid GGUF"), "{message}");

    // Complete size, wrong bytes: caught by the checksum.
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xff;
    let wrong = dir.path().join("wrong.gguf");
    std::fs::write(&wrong, &flipped).unwrap();
    let (message, _) = expect_failed(EngineConfig {
        model_path: wrong,
        ..config()
    });
    assert!(message.contains("checksum mismatch"), "{message}");
}

#[test]
fn doctor_reports_a_healthy_default_model_with_speeds() {
    use failcast_model::doctor::{DoctorOptions, diagnose};
    let _heavy = heavy();
    init_logs();
    model_path();
    let report = diagnose(&DoctorOptions {
        model: None,
        measure_speed: true,
        n_threads: Some(2),
        server: None,
    });
    assert!(report.is_healthy(), "{report}");
    assert_eq!(report.checksum_ok, Some(true));
    assert_eq!(report.loads, Some(true));
    assert!(report.prompt_tokens_per_second.unwrap() > 0.0, "{report}");
    assert!(
        report.generation_tokens_per_second.unwrap() > 0.0,
        "{report}"
    );
    assert_eq!(report.backend, "CPU");
    eprintln!("{report}");

    let missing = diagnose(&DoctorOptions {
        model: Some("/nonexistent/model.gguf".into()),
        ..DoctorOptions::default()
    });
    assert!(!missing.model_found);
    assert_eq!(missing.problems.len(), 1, "{missing}");
}

#[test]
fn partial_answers_arrive_as_scenarios_complete_and_prefix_the_final_answer() {
    let _heavy = heavy();
    let engine = Engine::start(config());
    let events = engine.events();
    wait_settled(&events);
    for (i, fixture) in fixtures::all().iter().enumerate() {
        let key = format!("partial-{}", fixture.name);
        engine.submit(Job::new(key.clone(), i as u64, 0, fixture.input.clone()).with_partial());
        let mut partials: Vec<Vec<ModelScenario>> = Vec::new();
        let done = wait_for(&events, &key, |event| match event {
            EngineEvent::Partial {
                key: k, scenarios, ..
            } if *k == key => {
                partials.push(scenarios.clone());
                false
            }
            EngineEvent::Done { key: k, .. } | EngineEvent::Failed { key: k, .. } => *k == key,
            _ => false,
        });
        let (scenarios, stats) = expect_done(done);
        // Partials are what the model writes; the ranking comes with the
        // final answer only.
        let scenarios: Vec<ModelScenario> = scenarios.into_iter().filter(|s| !s.scored).collect();
        if scenarios.is_empty() {
            assert!(partials.is_empty(), "{partials:?}");
            continue;
        }
        // Each partial holds one more scenario than the last, and is the
        // start of the final written answer.
        assert!(!partials.is_empty(), "{}: no partial answer", fixture.name);
        for (n, partial) in partials.iter().enumerate() {
            assert!(partial.len() > n, "{partials:?}");
            assert_eq!(partial[..], scenarios[..partial.len()], "{}", fixture.name);
        }
        let first = stats.first_scenario_ms.expect("first scenario time");
        assert!(
            first <= stats.prompt_ms + stats.generate_ms + 5,
            "{stats:?}"
        );
        eprintln!(
            "{}: first of {} scenarios after {first} ms, all after {} ms",
            fixture.name,
            scenarios.len(),
            stats.prompt_ms + stats.generate_ms
        );
        return;
    }
    panic!("no fixture got a scenario");
}

/// Ranking alone: one probability per candidate shown, the same as when the
/// job also writes, after one prefill and a few tokens per candidate, with
/// nothing generated.
#[test]
fn ranking_scores_each_candidate_with_a_few_tokens_and_matches_ranking_before_writing() {
    let _heavy = heavy();
    let shared = shared_engine();
    let fixture = fixtures::all()
        .into_iter()
        .find(|f| failcast_model::prompt::render(&f.input, 4000).choices.len() >= 2)
        .expect("a fixture with two candidates");
    let mut input = fixture.input.clone();
    input.path = "rank/only.py".into();
    let rank_only = Job::new("rank#only", 1, 0, input.clone()).with_work(Work::Rank);
    let (ranked, stats) = expect_done(shared.run_job(rank_only));
    let shown = failcast_model::prompt::render(&input, 4000).choices;
    assert_eq!(stats.ranked, shown.len(), "{stats:?}");
    assert_eq!(stats.generated_tokens, 0);
    assert!(ranked.iter().all(|s| s.scored));
    // The prompt in chunks of 256 (the system turn on its own), the shared
    // start of the answers once, then one batch per candidate: never a
    // token at a time.
    let prompt_chunks = stats.prompt_tokens.div_ceil(256) as u64 + 1;
    assert!(
        stats.decode_steps <= prompt_chunks + 1 + shown.len() as u64,
        "{stats:?}"
    );
    let (both, stats) = expect_done(shared.run_job(Job::new("rank#write", 1, 0, input)));
    assert!(stats.generated_tokens > 0, "{stats:?}");
    let ranked_first: Vec<&ModelScenario> = both.iter().filter(|s| s.scored).collect();
    assert_eq!(ranked_first.len(), ranked.len());
    for (a, b) in ranked.iter().zip(ranked_first) {
        assert_eq!((a.class, a.line), (b.class, b.line));
        assert!((a.likelihood - b.likelihood).abs() < 1e-4, "{a:?} {b:?}");
    }
}
