//! End-to-end with the real default model (SmolLM2-135M, fetched by the
//! test command; never a fake): predictions arrive without blocking static
//! diagnostics, a second server on the same cache answers from it with zero
//! decode steps, a queue too small for a file's functions still gets every
//! function its answer, a missing or truncated model leaves static
//! predictions working with one clear warning, and the model's ranking
//! reorders a function's predictions where its order is the right one;
//! the function being edited is prefilled while the debounce runs; a
//! check's model budget bounds it, and a re-run goes further.

use std::path::PathBuf;
use std::time::Duration;

use failcast_e2e::{Server, uri};
use ls_types::{Position, Range, TextDocumentContentChangeEvent};
use serde_json::{Value, json};

const SOURCE: &str = "import requests\n\n\ndef user_id(url):\n    body = requests.get(url, timeout=5).json()\n    return body[\"id\"]\n\n\ndef ratio(done, total):\n    return done / total\n";

/// The model the test command fetched; a clear failure if it is missing.
fn model_dir() -> PathBuf {
    let dir = failcast_model::fetch::cache_dir();
    let entry = failcast_model::catalog::default_entry();
    let path = dir.join(entry.file_name);
    assert!(
        path.exists(),
        "{} is missing: run `failcast model fetch` (make test does)",
        path.display()
    );
    dir
}

fn start(workspace: &std::path::Path, cache: &std::path::Path, extra: &[(&str, &str)]) -> Server {
    start_with(
        workspace,
        cache,
        extra,
        json!({"predict": {"debounceMs": 50}, "model": {"threads": failcast_e2e::MODEL_THREADS}}),
    )
}

fn start_with(
    workspace: &std::path::Path,
    cache: &std::path::Path,
    extra: &[(&str, &str)],
    options: Value,
) -> Server {
    let model_dir = model_dir();
    let mut builder = Server::builder()
        .root(workspace)
        .timeout(Duration::from_secs(60))
        .env("FAILCAST_MODEL_BACKEND", "embedded")
        .env("XDG_CACHE_HOME", cache.to_str().unwrap())
        .env("FAILCAST_MODEL_DIR", model_dir.to_str().unwrap())
        .initialization_options(options);
    for (key, value) in extra {
        builder = builder.env(key, value);
    }
    builder.start().0
}

#[test]
fn predictions_arrive_and_a_second_run_is_served_from_the_cache() {
    let _slot = failcast_e2e::model_slot();
    let workspace = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let path = workspace.path().join("users.py");
    std::fs::write(&path, SOURCE).unwrap();
    let uri = uri(&path);

    let mut server = start(workspace.path(), cache.path(), &[]);
    server.open(&uri, "python", 1, SOURCE);
    // Static diagnostics come first; they never wait for the model.
    let first = server.await_diagnostics(&uri, Some(1));
    assert_eq!(first.diagnostics.len(), 2, "{first:#?}");
    let status = server.await_status("model answers", Duration::from_secs(120), |s| {
        s["answered"].as_u64() >= Some(2) && s["pending"] == json!(0)
    });
    assert_eq!(status["state"], json!("ready"), "{status}");
    let cold_steps = status["decodeSteps"].as_u64().unwrap();
    assert!(cold_steps > 0, "the first run must decode: {status}");
    let trace = server.command(
        "failcast.showTrace",
        vec![json!({"uri": uri.as_str(), "position": {"line": 3, "character": 6}})],
    );
    assert!(
        trace["markdown"]
            .as_str()
            .unwrap()
            .contains("KeyError: 'id'"),
        "{trace}"
    );
    server.discard("textDocument/publishDiagnostics");
    server.discard("window/showMessage");
    assert_eq!(server.shutdown().code(), Some(0));

    // A new server, the same file: every answer comes from the disk cache.
    let mut server = start(workspace.path(), cache.path(), &[]);
    server.open(&uri, "python", 1, SOURCE);
    server.await_diagnostics(&uri, Some(1));
    // Wait for the load too: loading decodes the system prompt once, and
    // that is no job's decode step (CI once saw it counted here).
    let status = server.await_status("cached answers", Duration::from_secs(60), |s| {
        s["answered"].as_u64() >= Some(2) && s["state"] == json!("ready")
    });
    assert_eq!(
        status["decodeSteps"],
        json!(0),
        "warm run decoded: {status}"
    );
    server.discard("textDocument/publishDiagnostics");
    server.discard("window/showMessage");
    assert_eq!(server.shutdown().code(), Some(0));
}

/// A queue with room for one job and a file with eight functions: the jobs
/// the full queue drops are asked again as others finish, so every function
/// gets its answer, and none is asked twice.
#[test]
fn functions_dropped_from_a_full_queue_are_asked_once_there_is_room() {
    let _slot = failcast_e2e::model_slot();
    const FUNCTIONS: usize = 8;
    let workspace = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let source: String = (0..FUNCTIONS)
        .map(|i| format!("def ratio_{i}(done, total):\n    return done / total\n\n\n"))
        .collect();
    let path = workspace.path().join("ratios.py");
    std::fs::write(&path, &source).unwrap();
    let uri = uri(&path);
    let mut server = start_with(
        workspace.path(),
        cache.path(),
        &[],
        json!({
            "predict": {"debounceMs": 50},
            "model": {"threads": failcast_e2e::MODEL_THREADS, "queueCapacity": 1, "maxOutputTokens": 16}
        }),
    );
    server.open(&uri, "python", 1, &source);
    let first = server.await_diagnostics(&uri, Some(1));
    assert_eq!(first.diagnostics.len(), FUNCTIONS, "{first:#?}");
    let status = server.await_status("every function answered", Duration::from_secs(120), |s| {
        s["answered"].as_u64() >= Some(FUNCTIONS as u64)
            && s["pending"] == json!(0)
            && s["deferred"] == json!(0)
    });
    assert_eq!(status["answered"], json!(FUNCTIONS), "{status}");
    // Nothing is left to ask: no job starts after the last answer.
    std::thread::sleep(Duration::from_millis(500));
    let after = server.command("failcast.status", Vec::new());
    assert_eq!(after["decodeSteps"], status["decodeSteps"], "{after}");
    assert_eq!(after["answered"], json!(FUNCTIONS), "{after}");
    server.discard("textDocument/publishDiagnostics");
    server.discard("window/showMessage");
    assert_eq!(server.shutdown().code(), Some(0));
}

fn unusable_model(path: &std::path::Path) {
    let workspace = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let file = workspace.path().join("users.py");
    std::fs::write(&file, SOURCE).unwrap();
    let uri = uri(&file);
    let mut server = start(
        workspace.path(),
        cache.path(),
        &[("FAILCAST_MODEL_PATH", path.to_str().unwrap())],
    );
    server.open(&uri, "python", 1, SOURCE);
    let published = server.await_diagnostics(&uri, Some(1));
    assert_eq!(
        published.diagnostics.len(),
        2,
        "static predictions keep working"
    );
    let warning = server.await_message("the model warning", |m: &Value| {
        m["method"] == json!("window/showMessage")
    });
    let text = warning["params"]["message"].as_str().unwrap();
    assert!(text.contains("static predictions continue"), "{text}");
    assert!(text.contains("failcast"), "{text}");
    // Exactly one warning, even after more edits.
    server.change(
        &uri,
        2,
        vec![ls_types::TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: format!("{SOURCE}\n# edited\n"),
        }],
    );
    server.await_diagnostics(&uri, Some(2));
    server.assert_no_message(Duration::from_millis(500), "a second warning", |m| {
        m["method"] == json!("window/showMessage")
    });
    let status = server.command("failcast.status", Vec::new());
    assert_eq!(status["state"], json!("error"), "{status}");
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn missing_model_leaves_static_predictions_with_one_warning() {
    unusable_model(std::path::Path::new("/nonexistent/failcast/model.gguf"));
}

#[test]
fn truncated_model_leaves_static_predictions_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let source = model_dir().join(failcast_model::catalog::default_entry().file_name);
    let truncated = dir.path().join("truncated.gguf");
    let bytes = std::fs::read(&source).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    unusable_model(&truncated);
}

/// A handler that catches the request's errors, but whose upstream answers
/// with an HTML error page: `json.loads` fails on line 10 before any key is
/// read, so the parse error is the failure to show first. The static pass
/// ranks the missing keys of lines 11 and 14 above it (each is a sure
/// KeyError once the body parses); the default model's ranking puts the
/// parse error first, and that order is the one `failcast check` reports.
/// (Without the `try`, the model ranks the unhandled network error of the
/// request first, also a failure that comes before any key is read.)
/// The workspace sets `rank_weight = 0.5`: this is the ranking's
/// machinery with the real model; the default model's own weight (0.05,
/// chosen on the benchmark) only breaks near-ties, and on this function it
/// moves line 14 above line 11 instead.
const ORDERS: &str = "import json\nimport requests\n\n\ndef import_orders(url, since):\n    try:\n        response = requests.get(url, params={\"since\": since}, timeout=10)\n    except requests.RequestException:\n        return 0\n    payload = json.loads(response.text)\n    orders = payload[\"orders\"]\n    total = 0\n    for order in orders:\n        total += order[\"amount\"] / order[\"quantity\"]\n    return total / len(orders)\n";

#[test]
fn the_model_ranking_changes_the_static_order_to_the_right_one() {
    let _slot = failcast_e2e::model_slot();
    let workspace = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(workspace.path().join("orders.py"), ORDERS).unwrap();
    std::fs::write(
        workspace.path().join("failcast.toml"),
        "[model]\nrank_weight = 0.5\n",
    )
    .unwrap();
    let first = |model: bool| -> Vec<(String, u64)> {
        let mut command = std::process::Command::new(failcast_e2e::binary());
        command
            .args(["check", ".", "--no-cache", "--format", "json"])
            .current_dir(workspace.path())
            .env("XDG_CACHE_HOME", cache.path())
            .env("FAILCAST_MODEL_DIR", model_dir())
            .env(
                "FAILCAST_MODEL_BACKEND",
                if model { "embedded" } else { "off" },
            );
        if !model {
            command.arg("--no-model");
        }
        let output = command.output().expect("failcast runs");
        let report: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|err| panic!("{err}: {}", String::from_utf8_lossy(&output.stderr)));
        report["files"][0]["functions"][0]["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["class"].as_str().unwrap().to_owned(),
                    s["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let parse = ("parse_error".to_owned(), 10);
    let static_order = first(false);
    assert_ne!(static_order.first(), Some(&parse), "{static_order:?}");
    let ranked = first(true);
    assert_eq!(
        ranked.first(),
        Some(&parse),
        "static {static_order:?}, ranked {ranked:?}"
    );
}

/// What a check's model pass said on stderr: functions answered, from the
/// cache, and left static by the budget.
fn model_counts(stderr: &str) -> (u64, u64, u64) {
    let number_after = |marker: &str| -> Option<u64> {
        let at = stderr.find(marker)? + marker.len();
        let digits: String = stderr[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    (
        number_after(" answered for ").unwrap_or_else(|| panic!("no answer count: {stderr}")),
        number_after(" functions (").unwrap_or_else(|| panic!("no cache count: {stderr}")),
        number_after("static predictions only for ").unwrap_or(0),
    )
}

/// A budget of one second of model time on a file of 24 functions: the
/// check ends with every function predicted (static where the model was
/// not asked) and says what it left; the same check again answers the
/// first run's functions from the cache at no cost and gets further.
#[test]
fn a_model_budget_bounds_a_check_and_a_rerun_goes_further() {
    let _slot = failcast_e2e::model_slot();
    let workspace = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let source: String = (0..24)
        .map(|i| format!("def share_{i}(parts, total):\n    return parts[{i}] / total\n\n\n"))
        .collect();
    std::fs::write(workspace.path().join("shares.py"), source).unwrap();
    let run = || {
        let output = std::process::Command::new(failcast_e2e::binary())
            .args(["check", ".", "--no-cache", "--format", "json"])
            .args(["--model-budget", "1"])
            .current_dir(workspace.path())
            .env("XDG_CACHE_HOME", cache.path())
            .env("FAILCAST_MODEL_DIR", model_dir())
            .env("FAILCAST_MODEL_BACKEND", "embedded")
            .output()
            .expect("failcast runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let report: Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|err| panic!("{err}: {stderr}"));
        let predicted = report["files"][0]["functions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["scenarios"].as_array().unwrap().is_empty())
            .count();
        assert_eq!(
            predicted, 24,
            "every function keeps its predictions: {stderr}"
        );
        (model_counts(&stderr), stderr)
    };
    let ((answered, _, left), stderr) = run();
    assert!(
        answered >= 1 && left > 0,
        "the budget must cut the run: {stderr}"
    );
    assert!(stderr.contains("--model-budget 0"), "{stderr}");
    let ((again, cached, left_again), stderr) = run();
    assert!(cached >= answered, "{answered} answered before: {stderr}");
    assert!(again > answered && left_again < left, "{stderr}");
}

/// A 30-line handler with hazards on most lines: its prompt spans several
/// of the engine's decode chunks.
const HANDLER: &str = r#"import requests
from datetime import datetime


def import_orders(session, url, path, since):
    response = session.get(url, params={"since": since.isoformat()})
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
        created.append((raw["id"], email, total, average, placed))
    with open(path, "a", encoding="ascii") as log:
        for order in created:
            log.write(f"{order[0]},{order[1]},{order[2]}\n")
    first = created[0]
    return first[0], len(created)
"#;

/// A number logged as `name=value` in a tracing line.
fn logged(line: &str, name: &str) -> Option<usize> {
    let start = line.find(&format!(" {name}="))? + name.len() + 2;
    line[start..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Typing at the top of a function: while the debounce runs the engine
/// decodes the edited function's prompt, so the ranking job that follows
/// decodes only the prompt's last chunk instead of everything after the
/// edit (without the prefill it would reuse no more than the system prompt).
#[test]
fn the_function_being_edited_is_prefilled_during_the_debounce() {
    let _slot = failcast_e2e::model_slot();
    let workspace = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let path = workspace.path().join("orders.py");
    std::fs::write(&path, HANDLER).unwrap();
    let uri = uri(&path);
    let mut server = start(
        workspace.path(),
        cache.path(),
        &[("FAILCAST_LOG", "failcast=debug")],
    );
    server.open(&uri, "python", 1, HANDLER);
    server.await_diagnostics(&uri, Some(1));
    server.await_status("the first answer", Duration::from_secs(180), |s| {
        s["answered"].as_u64() >= Some(1) && s["pending"] == json!(0)
    });
    let before = server.stderr().len();
    // A new first line of the body.
    server.change(
        &uri,
        2,
        vec![TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(5, 0), Position::new(5, 0))),
            range_length: None,
            text: "    session.headers[\"Accept\"] = \"application/json\"\n".to_owned(),
        }],
    );
    server.await_log("model prefilled the function under the cursor");
    server.await_status("the answer after the edit", Duration::from_secs(180), |s| {
        s["answered"].as_u64() >= Some(2) && s["pending"] == json!(0)
    });
    let log = server.stderr();
    let answered = log[before..]
        .iter()
        .find(|line| line.contains("model answered"))
        .unwrap_or_else(|| panic!("no answer after the edit in {:#?}", &log[before..]));
    let prompt = logged(answered, "prompt_tokens").expect(answered);
    let reused = logged(answered, "reused").expect(answered);
    assert!(prompt > 600, "{answered}");
    assert!(prompt - reused <= 256, "{answered}");
    server.discard("textDocument/publishDiagnostics");
    server.discard("window/showMessage");
    assert_eq!(server.shutdown().code(), Some(0));
}
