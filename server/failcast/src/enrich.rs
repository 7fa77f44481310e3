//! Enrichment: what the model answered and what failed in production,
//! merged into a finished static analysis.
//!
//! The core's analysis is static only. The language server and `failcast
//! check` both call [`enrich`] on it, so a model answer or a past incident
//! never requires parsing the file or running the hazards again.

use failcast_core::analysis::FileAnalysis;
use failcast_core::context::Context;
use failcast_core::scenario::sort_scenarios;
use failcast_corpus::FileHistory;
use failcast_model::predict::{ModelAnswers, merge, rank};

/// Merges the model's answers (those for the function's current content
/// only: answers for another version are stale and never shown) and the
/// file's production history into `analysis`, function by function.
pub fn enrich(
    analysis: &mut FileAnalysis,
    model: Option<&ModelAnswers>,
    history: Option<&FileHistory>,
    ctx: &Context,
) {
    if model.is_none_or(|m| m.is_empty()) && history.is_none() {
        return;
    }
    let examined: Vec<bool> = (0..analysis.functions.functions.len())
        .map(|index| analysis.examined(index))
        .collect();
    let FileAnalysis {
        path,
        language,
        rope,
        functions,
        scenarios,
        candidates,
        ..
    } = analysis;
    // Only the functions with answers or history are touched: reading a
    // list moves it if an edit only moved its function (`ScenarioLists`).
    let count = functions.functions.len().min(candidates.len());
    for (index, function) in functions.functions.iter().enumerate().take(count) {
        if !examined[index] {
            continue;
        }
        let answers = model
            .and_then(|m| m.get(&function.id))
            .filter(|(hash, _)| *hash == function.content_hash);
        let past = history
            .map(|history| history.of_function(function, functions))
            .filter(|past| !past.is_empty());
        if answers.is_none() && past.is_none() {
            continue;
        }
        let rendered = &mut scenarios[index];
        if let Some((_, answers)) = answers {
            rank(
                rendered,
                &mut candidates[index],
                answers,
                ctx.config.model.rank_weight.unwrap_or_else(|| {
                    failcast_model::catalog::rank_weight(
                        &ctx.config.model.name,
                        ctx.config.model.path.as_deref(),
                    )
                }),
            );
            merge(rendered, answers, function, path, *language, rope, ctx);
        }
        if let Some(past) = past {
            failcast_corpus::retrieve::apply(rendered, &past, function, path, *language, rope, ctx);
        }
        sort_scenarios(rendered);
    }
}

#[cfg(test)]
mod tests {
    use failcast_core::calls::CallIndex;
    use failcast_core::config::Config;
    use failcast_core::scenario::{FailureClass, Source};
    use failcast_corpus::Corpus;
    use failcast_corpus::ingest::{IngestOptions, ingest_stdin};

    use crate::check::{CheckOptions, attach_incidents, check_files, load_history};

    const SOURCE: &str = "import requests\n\n\ndef charge(session, amount):\n    body = session.post(\"/charge\", json={\"amount\": amount}, timeout=5).json()\n    return body[\"charge\"][\"id\"]\n\n\ndef refund(session, charge_id):\n    return session.post(\"/refund\", json={\"charge\": charge_id}, timeout=5).json()[\"refund\"]\n";

    /// `charge` failed when it was called `pay` and was four lines lower.
    const LOG: &str = "2026-03-29T10:00:00Z ERROR payments: charge failed\nTraceback (most recent call last):\n  File \"/srv/app/shop/gateway.py\", line 6, in pay\n    return body[\"charge\"][\"id\"]\nKeyError: 'charge'\n";

    #[test]
    fn renamed_functions_keep_their_history_and_prompts_cite_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("shop")).unwrap();
        std::fs::write(dir.path().join("shop/gateway.py"), SOURCE).unwrap();
        let mut corpus = Corpus::open(&dir.path().join(".failcast/corpus.db")).unwrap();
        let options = IngestOptions {
            root: dir.path().to_owned(),
            service: None,
        };
        ingest_stdin(&mut corpus, LOG.as_bytes(), &options).unwrap();

        let config = Config::default();
        let files = crate::check::files_under(&[dir.path().join("shop")], dir.path(), &config);
        let history = load_history(&corpus, &files);
        let calls = CallIndex::default();
        let mut report = check_files(
            files,
            &calls,
            &CheckOptions {
                config,
                base: dir.path().to_owned(),
                loose_files: false,
                baseline: None,
                history,
                model_budget: None,
            },
            None,
            &|_, _, _| {},
        );
        attach_incidents(&mut report, &corpus);
        let analysis = &report.files[0].analysis;
        // By line: `pay` is now `charge`.
        let charge = analysis.scenarios_of("shop/gateway.py::charge");
        let key = charge
            .iter()
            .find(|s| s.class == FailureClass::KeyMissing)
            .unwrap();
        assert_eq!(key.source, Source::History);
        assert_eq!(key.history.as_ref().unwrap().last_seen, "2026-03-29");
        // `refund` has no history of its own, but its code resembles the
        // failure (same request, same key), so its prompt cites it.
        assert!(
            analysis
                .scenarios_of("shop/gateway.py::refund")
                .iter()
                .all(|s| s.source != Source::History)
        );
        let incidents = &report.incidents["shop/gateway.py::refund"];
        assert_eq!(
            incidents,
            &[
                "key_missing KeyError: 'charge' in pay (shop/gateway.py), seen 1 time, last 2026-03-29"
            ]
        );
        let function = analysis.functions.by_id("shop/gateway.py::refund").unwrap();
        let input = failcast_model::predict::prompt_input(
            function,
            analysis.language,
            &analysis.path,
            &analysis.rope,
            analysis.scenarios_of(&function.id),
            &[],
            incidents.clone(),
        );
        let prompt = failcast_model::prompt::render(&input, 4000).user;
        assert!(
            prompt.contains("Past incidents:\n- key_missing KeyError: 'charge'"),
            "{prompt}"
        );
    }
}
