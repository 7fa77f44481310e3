//! End-to-end tests of the headless commands on repositories the tests
//! create: `check --diff` reports exactly the changed functions, SARIF
//! validates against the official 2.1.0 schema, exit codes follow
//! `--fail-on`, `synth-logs` parses back as OTLP, and the analysis cache
//! gives the same answer as a cold run. Static only (the model is off).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const SHOP: &str = "import requests\n\n\ndef ratio(done, total):\n    return done / total\n\n\ndef user_id(url):\n    body = requests.get(url, timeout=5).json()\n    return body[\"id\"]\n\n\ndef shout(text):\n    return text.upper()\n";

const CALLER: &str =
    "from shop import ratio\n\n\ndef progress(job):\n    return ratio(job.done, job.total)\n";

const DATES: &str = "package dates\n\nimport \"time\"\n\nfunc DueDate(s string) (time.Time, error) {\n\treturn time.Parse(\"YYYY-MM-DD\", s)\n}\n";

/// Runs `failcast` in `dir` with the model off.
fn failcast(dir: &Path, args: &[&str]) -> Output {
    Command::new(failcast_e2e::binary())
        .args(args)
        .current_dir(dir)
        .env("FAILCAST_MODEL_BACKEND", "off")
        .env("NO_COLOR", "1")
        .output()
        .expect("failcast runs")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=failcast",
            "-c",
            "user.email=ci@failcast.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "not JSON ({err}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The ids of the functions a JSON report lists.
fn function_ids(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["functions"].as_array().unwrap())
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// A committed repository with the fixture files.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "shop.py", SHOP);
    write(root, "jobs.py", CALLER);
    write(root, "util.py", "def head(items):\n    return items[0]\n");
    write(root, "dates/dates.go", DATES);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "start"]);
    dir
}

#[test]
fn diff_reports_exactly_the_changed_functions() {
    let repo = repository();
    let root = repo.path();
    // One body edited, one only reformatted (same content hash), one added.
    let edited = SHOP
        .replace("return done / total", "return done / (total - 1)")
        .replace(
            "    return text.upper()",
            "    # louder\n    return   text.upper()",
        )
        + "\n\ndef first(rows):\n    return rows[0]\n";
    write(root, "shop.py", &edited);
    // A moved file counts as added; a new untracked file too.
    std::fs::create_dir(root.join("lib")).unwrap();
    git(root, &["mv", "util.py", "lib/util.py"]);
    write(root, "fresh.py", "def parse(raw):\n    return int(raw)\n");

    let output = failcast(
        root,
        &[
            "check",
            "--diff",
            "HEAD",
            "--format",
            "json",
            "--all-functions",
            "--no-model",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        function_ids(&json(&output)),
        [
            "fresh.py::parse",
            "lib/util.py::head",
            "shop.py::first",
            "shop.py::ratio"
        ]
    );

    // Against the working tree itself nothing changed once committed.
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "edit"]);
    let output = failcast(
        root,
        &[
            "check",
            "--diff",
            "HEAD",
            "--format",
            "json",
            "--all-functions",
        ],
    );
    assert_eq!(function_ids(&json(&output)), Vec::<String>::new());
    // Without --diff, every function under the paths.
    let output = failcast(
        root,
        &["check", "--format", "json", "--all-functions", "shop.py"],
    );
    assert_eq!(function_ids(&json(&output)).len(), 4);
}

#[test]
fn diff_outside_git_or_with_a_bad_revision_is_a_usage_error() {
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "failcast.toml", "");
    write(plain.path(), "shop.py", SHOP);
    let output = failcast(plain.path(), &["check", "--diff", "HEAD"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("needs a git checkout"),
        "{output:?}"
    );

    let repo = repository();
    let output = failcast(repo.path(), &["check", "--diff", "no-such-branch"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not a revision"),
        "{output:?}"
    );
}

#[test]
fn sarif_validates_against_the_official_schema_with_stable_fingerprints() {
    let repo = repository();
    let root = repo.path();
    let output = failcast(root, &["check", "--format", "sarif"]);
    assert!(output.status.success(), "{output:?}");
    let sarif = json(&output);

    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 15);
    let results = run["results"].as_array().unwrap();
    let ratio = results
        .iter()
        .find(|r| r["ruleId"] == "division_by_zero")
        .expect("the division is reported");
    let steps = ratio["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    // The caller in jobs.py comes first, the failing line last.
    let uris: Vec<&str> = steps
        .iter()
        .map(|s| {
            s["location"]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, ["jobs.py", "shop.py"], "{ratio:#}");
    assert_eq!(
        ratio["locations"][0]["physicalLocation"]["region"]["startLine"],
        5
    );

    // Code above moves the finding, but its fingerprint stays.
    let fingerprints = |sarif: &Value| -> Vec<(String, String, String, i64)> {
        let mut all: Vec<_> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let location = &r["locations"][0]["physicalLocation"];
                (
                    location["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["partialFingerprints"]["failcast/v1"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    location["region"]["startLine"].as_i64().unwrap(),
                )
            })
            .collect();
        all.sort();
        all
    };
    let before = fingerprints(&sarif);
    write(
        root,
        "shop.py",
        &format!("\"\"\"Shop.\"\"\"\n\nLIMIT = 3\n\n{SHOP}"),
    );
    let after = fingerprints(&json(&failcast(root, &["check", "--format", "sarif"])));
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!((&a.0, &a.1, &a.2), (&b.0, &b.1, &b.2));
        let shift = if a.0 == "shop.py" { 4 } else { 0 };
        assert_eq!(a.3 + shift, b.3, "{a:?} {b:?}");
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    let repo = repository();
    let root = repo.path();
    let code = |args: &[&str]| failcast(root, args).status.code();
    // shop.py has latent findings only; dates.go has a manifest one.
    assert_eq!(code(&["check", "shop.py"]), Some(0));
    assert_eq!(code(&["check", "--fail-on", "never", "shop.py"]), Some(0));
    assert_eq!(
        code(&["check", "--fail-on", "manifest", "shop.py"]),
        Some(0)
    );
    assert_eq!(code(&["check", "--fail-on", "latent", "shop.py"]), Some(1));
    assert_eq!(code(&["check", "--fail-on", "manifest", "dates"]), Some(1));
    assert_eq!(
        code(&["check", "--fail-on", "sometimes", "shop.py"]),
        Some(2)
    );
    assert_eq!(code(&["check", "no/such/path"]), Some(2));
    // Only what the diff reports counts: nothing changed, nothing fails.
    assert_eq!(
        code(&["check", "--diff", "HEAD", "--fail-on", "latent"]),
        Some(0)
    );
}

#[test]
fn synth_logs_parse_back_as_otlp() {
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;

    let repo = repository();
    let root = repo.path();
    write(root, "failcast.toml", "[service]\nname = \"checkout\"\n");
    let output = failcast(root, &["synth-logs", "shop.py"]);
    assert!(output.status.success(), "{output:?}");
    let request: ExportLogsServiceRequest =
        serde_json::from_slice(&output.stdout).expect("an OTLP/JSON export request");
    let resource = &request.resource_logs[0];
    let attribute = |attributes: &[opentelemetry_proto::tonic::common::v1::KeyValue], key: &str| {
        attributes
            .iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.as_ref())
            .and_then(|v| v.value.clone())
    };
    assert_eq!(
        attribute(
            &resource.resource.as_ref().unwrap().attributes,
            "service.name"
        ),
        Some(Any::StringValue("checkout".to_owned()))
    );
    let records = &resource.scope_logs[0].log_records;
    assert_eq!(records.len(), 2, "{records:#?}");
    for record in records {
        assert_eq!(
            attribute(&record.attributes, "failcast.synthetic"),
            Some(Any::BoolValue(true))
        );
        assert!(record.time_unix_nano > 1_700_000_000_000_000_000);
        assert_eq!(record.severity_number, 17);
        assert_eq!(record.trace_id.len(), 16);
        let Some(Any::StringValue(trace)) = attribute(&record.attributes, "exception.stacktrace")
        else {
            panic!("no stack trace: {record:#?}");
        };
        assert!(
            trace.starts_with("Traceback (most recent call last):"),
            "{trace}"
        );
    }
    let types: Vec<Option<Any>> = records
        .iter()
        .map(|r| attribute(&r.attributes, "exception.type"))
        .collect();
    assert!(types.contains(&Some(Any::StringValue("ZeroDivisionError".to_owned()))));
    assert!(types.contains(&Some(Any::StringValue("KeyError".to_owned()))));
    let line = records
        .iter()
        .find_map(|r| attribute(&r.attributes, "code.lineno"));
    assert!(matches!(line, Some(Any::IntValue(n)) if n > 0), "{line:?}");

    // JSON Lines: one export request a line, each parsing on its own.
    let output = failcast(root, &["synth-logs", "--format", "jsonl", "shop.py"]);
    let lines: Vec<ExportLogsServiceRequest> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one request a line"))
        .collect();
    assert_eq!(lines.len(), 2);
}

#[test]
fn the_cache_answers_like_a_cold_run_and_notices_edits() {
    let repo = repository();
    let root = repo.path();
    let args = ["check", "--format", "json", "--all-functions"];
    let cold = failcast(root, &[&args[..], &["--no-cache"]].concat());
    let first = failcast(root, &args);
    let warm = failcast(root, &args);
    assert_eq!(json(&cold), json(&first));
    assert_eq!(json(&first), json(&warm));
    let entries = std::fs::read_dir(root.join(".failcast/cache/check"))
        .expect("the cache is written")
        .count();
    assert!(entries >= 4, "{entries} entries");
    // The cache is ignored by git, so it never shows up in a diff.
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");

    // A caller added elsewhere changes the trace of an unchanged file.
    write(
        root,
        "report.py",
        "from shop import user_id\n\n\ndef owner(url):\n    return user_id(url)\n",
    );
    let edited = json(&failcast(root, &args));
    let trace = |report: &Value| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["functions"].as_array().unwrap())
            .find(|f| f["id"] == "shop.py::user_id")
            .map(|f| f["scenarios"][0]["trace"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert!(!trace(&json(&warm)).contains("report.py"));
    assert!(trace(&edited).contains("report.py"), "{}", trace(&edited));
}

/// The files a SARIF result's first code flow steps through.
fn flow_uris(sarif: &Value, rule: &str) -> Vec<String> {
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {sarif:#}"));
    result["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["location"]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn outside_a_project_a_directory_is_indexed_whole_and_a_file_only_beside_it() {
    // No `.git`, no `failcast.toml`: a folder of scripts.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "lib/shop.py", SHOP);
    write(
        root,
        "app/jobs.py",
        &CALLER.replace("from shop", "from lib.shop"),
    );
    let whole = json(&failcast(root, &["check", "--format", "sarif", "."]));
    assert_eq!(
        flow_uris(&whole, "division_by_zero"),
        ["app/jobs.py", "lib/shop.py"]
    );
    // A file named alone reads callers beside it, not every tree below
    // its folder (a file in /tmp had all of /tmp indexed).
    write(root, "lib/deep/jobs.py", CALLER);
    let loose = |root: &Path| {
        json(&failcast(
            &root.join("lib"),
            &["check", "--format", "sarif", "shop.py"],
        ))
    };
    assert_eq!(flow_uris(&loose(root), "division_by_zero"), ["shop.py"]);
    write(root, "lib/report.py", &CALLER.replace("progress", "report"));
    assert_eq!(
        flow_uris(&loose(root), "division_by_zero"),
        ["report.py", "shop.py"]
    );
}
