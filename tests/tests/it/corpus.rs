//! End-to-end: the learning loop through the real binary on a fixture
//! project. An incident whose trace hits `charge` makes the next
//! prediction for `charge` a history scenario; a production failure of
//! `walk` that was never predicted is reported as missed and becomes part
//! of the next prediction for `walk`; the language server shows the same
//! history in its hover, and a corrupt corpus costs one warning, nothing
//! else.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use failcast_e2e::{Server, uri};
use serde_json::Value;

const GATEWAY: &str = "import requests\n\n\ndef charge(session, amount):\n    body = session.post(\"/charge\", json={\"amount\": amount}, timeout=5).json()\n    return body[\"charge\"][\"id\"]\n\n\ndef walk(node):\n    return [walk(child) for child in node.children]\n";

/// An incident log with CRLF line ends: `charge` failed with a KeyError (line 6).
fn incident() -> String {
    "2026-03-28T09:00:00Z INFO payments: charge ok amount=10
2026-03-29T10:00:00Z ERROR payments: charge failed
Traceback (most recent call last):
  File \"/srv/app/shop/api.py\", line 12, in handle
    return charge(s, 10)
  File \"/srv/app/shop/gateway.py\", line 6, in charge
    return body[\"charge\"][\"id\"]
KeyError: 'charge'
"
    .replace('\n', "\r\n")
}

/// A failure of `walk` nobody predicted, as JSON lines with a malformed one.
const MISS: &str = "{\"timestamp\":\"2026-04-02T08:00:00Z\",\"level\":\"error\",\"service\":\"catalog\",\"message\":\"tree walk failed\",\"exception\":\"Traceback (most recent call last):\\n  File \\\"/srv/app/shop/gateway.py\\\", line 10, in walk\\n    return [walk(child) for child in node.children]\\n  [Previous line repeated 996 more times]\\nRecursionError: maximum recursion depth exceeded\"}\n{\"level\":\"info\",\"msg\":\n";

fn failcast(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let output = failcast_e2e::run_cli(dir, args, stdin);
    assert!(
        output.status.success(),
        "failcast {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

fn scenarios(check: &Value, function: &str) -> Vec<Value> {
    check["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["functions"].as_array().unwrap().iter())
        .filter(|f| f["name"] == function)
        .flat_map(|f| f["scenarios"].as_array().unwrap().clone())
        .collect()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("shop")).unwrap();
    std::fs::write(dir.path().join("shop/gateway.py"), GATEWAY).unwrap();
    std::fs::write(dir.path().join("failcast.toml"), "").unwrap();
    std::fs::write(dir.path().join("incident.log"), incident()).unwrap();
    dir
}

#[test]
fn incidents_become_history_and_misses_are_reported_and_learned() {
    let dir = project();
    let root = dir.path();

    let ingested = failcast(root, &["ingest", "incident.log", "--format", "json"], None);
    let stats = json(&ingested);
    assert_eq!(
        (stats["failures"].as_u64(), stats["mapped"].as_u64()),
        (Some(1), Some(1)),
        "{stats}"
    );
    // Idempotent: the same file again adds nothing.
    let again = json(&failcast(
        root,
        &["ingest", "incident.log", "--format", "json"],
        None,
    ));
    assert_eq!(
        (again["unchanged"].as_u64(), again["failures"].as_u64()),
        (Some(1), Some(0))
    );

    // The next prediction for `charge` cites the incident.
    let check = json(&failcast(
        root,
        &["check", "--no-model", "--format", "json", "shop"],
        None,
    ));
    let charge = scenarios(&check, "charge");
    let key = charge
        .iter()
        .find(|s| s["class"] == "key_missing")
        .unwrap_or_else(|| panic!("no key_missing scenario: {charge:#?}"));
    assert_eq!(key["source"], "history", "{key:#}");
    assert_eq!(key["history"]["count"], 1);
    assert_eq!(key["history"]["last_seen"], "2026-03-29");
    assert!(
        key["history"]["trace"]
            .as_str()
            .unwrap()
            .contains("/srv/app/shop/gateway.py\", line 6, in charge"),
        "{key:#}"
    );
    assert!(
        scenarios(&check, "walk")
            .iter()
            .all(|s| s["class"] != "resource_exhaustion"),
        "walk was predicted to exhaust resources before anything happened"
    );

    // A failure of `walk` arrives on stdin: it was never predicted.
    let stats = json(&failcast(
        root,
        &["ingest", "-", "--format", "json"],
        Some(MISS),
    ));
    assert_eq!(
        (stats["failures"].as_u64(), stats["malformed"].as_u64()),
        (Some(1), Some(1)),
        "{stats}"
    );
    let report = json(&failcast(root, &["report", "--format", "json"], None));
    let misses = report["misses"].as_array().unwrap();
    assert_eq!(misses.len(), 1, "{report:#}");
    assert_eq!(misses[0]["function_id"], "shop/gateway.py::walk");
    assert_eq!(misses[0]["class"], "resource_exhaustion");
    assert_eq!(misses[0]["service"], "catalog");
    let validated = report["validated"].as_array().unwrap();
    assert!(
        validated
            .iter()
            .any(|v| v["function_id"] == "shop/gateway.py::charge" && v["class"] == "key_missing"),
        "{report:#}"
    );
    let key_missing = report["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "key_missing")
        .unwrap();
    assert_eq!(
        (
            key_missing["recall"].as_f64(),
            key_missing["precision"].as_f64()
        ),
        (Some(1.0), Some(1.0))
    );
    let human = String::from_utf8(failcast(root, &["report"], None).stdout).unwrap();
    assert!(
        human.contains("shop/gateway.py::walk [resource_exhaustion]"),
        "{human}"
    );

    // The next prediction for `walk` includes the missed class.
    let check = json(&failcast(
        root,
        &["check", "--no-model", "--format", "json", "shop"],
        None,
    ));
    let walk = scenarios(&check, "walk");
    let learned = walk
        .iter()
        .find(|s| s["class"] == "resource_exhaustion")
        .unwrap_or_else(|| panic!("the miss was not learned: {walk:#?}"));
    assert_eq!(learned["source"], "history");
    assert_eq!(learned["line"], 10);

    // Training pairs: one per mapped failure, in chat format.
    let out = root.join("train.jsonl");
    failcast(
        root,
        &["export-training", "-o", out.to_str().unwrap()],
        None,
    );
    let pairs: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(pairs.len(), 2);
    for pair in &pairs {
        let roles: Vec<&str> = pair["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .collect();
        assert_eq!(roles, ["system", "user", "assistant"]);
        let answer: Value =
            serde_json::from_str(pair["messages"][2]["content"].as_str().unwrap()).unwrap();
        assert!(answer["scenarios"][0]["class"].is_string(), "{answer}");
    }
}

fn hover_text(server: &mut Server, uri: &ls_types::Uri, line: u32) -> String {
    server.hover_markdown(uri, line, 6)
}

#[test]
fn the_editor_shows_history_and_survives_a_corrupt_corpus() {
    let dir = project();
    let root = dir.path();
    failcast(root, &["ingest", "incident.log"], None);
    let path = root.join("shop/gateway.py");
    let file = uri(&path);

    let (mut server, _) = Server::builder()
        .root(root)
        .timeout(Duration::from_secs(20))
        .start();
    server.open(&file, "python", 1, GATEWAY);
    server.await_diagnostics(&file, Some(1));
    let text = hover_text(&mut server, &file, 3);
    assert!(
        text.contains("seen in production 1 time, last on 2026\\-03\\-29")
            || text.contains("seen in production 1 time, last on 2026-03-29"),
        "{text}"
    );
    assert!(text.contains("/srv/app/shop/gateway.py"), "{text}");
    server.shutdown();
    // Shown predictions were recorded.
    let report = json(&failcast(root, &["report", "--format", "json"], None));
    assert!(report["predictions"].as_u64().unwrap() >= 1, "{report}");

    // A corpus that is not a database: one warning, static diagnostics as before.
    let db = root.join(".failcast/corpus.db");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(root.join(format!(".failcast/corpus.db{suffix}")));
    }
    std::fs::write(&db, b"this is not SQLite").unwrap();
    let (mut server, _) = Server::builder()
        .root(root)
        .timeout(Duration::from_secs(20))
        .start();
    server.open(&file, "python", 1, GATEWAY);
    let diagnostics = server.await_diagnostics(&file, Some(1));
    assert!(!diagnostics.diagnostics.is_empty());
    let warning = server.await_message("a warning about the corpus", |m| {
        m["method"] == "window/showMessage"
    });
    assert!(
        warning["params"]["message"]
            .as_str()
            .unwrap()
            .contains("corpus"),
        "{warning}"
    );
    server.assert_no_message(Duration::from_millis(500), "a second corpus warning", |m| {
        m["method"] == "window/showMessage"
    });
    let text = hover_text(&mut server, &file, 3);
    assert!(!text.contains("seen in production"), "{text}");
    server.discard("textDocument/publishDiagnostics");
    server.shutdown();
    // The CLI says so too and goes on.
    let check = failcast(root, &["check", "--no-model", "shop"], None);
    assert!(String::from_utf8_lossy(&check.stderr).contains("without production history"));
}
