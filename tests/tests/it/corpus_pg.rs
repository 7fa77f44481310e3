//! End-to-end: the corpus on a real PostgreSQL server, started by each test
//! from Debian's `postgresql` package (`initdb` and `pg_ctl` into a
//! temporary directory, on a free port, with password authentication over
//! TCP). The learning loop of `corpus.rs` runs again with `[corpus] url`;
//! four ingesters of one log at once leave exactly what one leaves; a bad
//! URL, a wrong password and a stopped server each get a clear message
//! that never shows the password, and the editor goes on without history;
//! a server stopped mid-ingest keeps every committed batch and a re-run
//! completes the rest.
//!
//! The binaries are required, not optional: without them the tests fail
//! and say to run `scripts/setup.sh --test`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use failcast_e2e::{Server, binary, uri};
use serde_json::Value;

const PASSWORD: &str = "s3cret-pw";

const GATEWAY: &str = "import requests\n\n\ndef charge(session, amount):\n    body = session.post(\"/charge\", json={\"amount\": amount}, timeout=5).json()\n    return body[\"charge\"][\"id\"]\n\n\ndef walk(node):\n    return [walk(child) for child in node.children]\n";

const INCIDENT: &str = "2026-03-28T09:00:00Z INFO payments: charge ok amount=10
2026-03-29T10:00:00Z ERROR payments: charge failed
Traceback (most recent call last):
  File \"/srv/app/shop/api.py\", line 12, in handle
    return charge(s, 10)
  File \"/srv/app/shop/gateway.py\", line 6, in charge
    return body[\"charge\"][\"id\"]
KeyError: 'charge'
";

const MISS: &str = "{\"timestamp\":\"2026-04-02T08:00:00Z\",\"level\":\"error\",\"service\":\"catalog\",\"message\":\"tree walk failed\",\"exception\":\"Traceback (most recent call last):\\n  File \\\"/srv/app/shop/gateway.py\\\", line 10, in walk\\n    return [walk(child) for child in node.children]\\n  [Previous line repeated 996 more times]\\nRecursionError: maximum recursion depth exceeded\"}\n";

/// A PostgreSQL server of this test's own, stopped when dropped.
struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    /// Root may not run `initdb`: the server then runs as `postgres`.
    as_postgres: bool,
}

impl Postgres {
    fn start() -> Postgres {
        let bin = Self::binaries();
        let dir = tempfile::tempdir().unwrap();
        let as_postgres = is_root();
        if as_postgres {
            // The server's user must reach its directory.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = Postgres {
            bin,
            dir,
            port,
            as_postgres,
        };
        let data = server.dir.path().join("data");
        server.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "failcast",
                "--pwfile",
                pwfile.to_str().unwrap(),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        server.start_again();
        server.sql("postgres", "CREATE DATABASE corpus");
        server
    }

    /// Starts the server (again, after `stop`) on its port.
    fn start_again(&self) {
        let data = self.dir.path().join("data");
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                self.dir.path().join("log").to_str().unwrap(),
                "-o",
                &format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
                    self.port,
                    self.dir.path().display()
                ),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// The newest `/usr/lib/postgresql/*/bin`, or a failure saying how to
    /// install it.
    fn binaries() -> PathBuf {
        let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let version = e.file_name().to_string_lossy().parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").exists().then_some((version, bin))
            })
            .collect();
        found.sort();
        found.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
            panic!(
                "PostgreSQL's initdb and pg_ctl are not in /usr/lib/postgresql/*/bin: run `scripts/setup.sh --test` (it installs Debian's postgresql package)"
            )
        })
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        command.current_dir(self.dir.path());
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Runs SQL with psql over TCP; the result unaligned, one row a line.
    fn sql(&self, database: &str, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args([
                "-U",
                "failcast",
                "-d",
                database,
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
            ])
            .args(["-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn url(&self, database: &str) -> String {
        format!(
            "postgres://failcast:{PASSWORD}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    fn stop(&self) {
        let data = self.dir.path().join("data");
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs failcast in `dir` (model off, no corpus variable from outside).
fn failcast(dir: &Path, args: &[&str], stdin: Option<&str>) -> Value {
    let output = failcast_e2e::run_cli(dir, args, stdin);
    assert!(
        output.status.success(),
        "failcast {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
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

/// A workspace whose corpus is at `url`.
fn project(url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("shop")).unwrap();
    std::fs::write(dir.path().join("shop/gateway.py"), GATEWAY).unwrap();
    std::fs::write(
        dir.path().join("failcast.toml"),
        format!("[corpus]\nurl = \"{url}\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("incident.log"),
        INCIDENT.replace('\n', "\r\n"),
    )
    .unwrap();
    dir
}

#[test]
fn the_learning_loop_and_the_editor_work_on_postgres() {
    let pg = Postgres::start();
    let dir = project(&pg.url("corpus"));
    let root = dir.path();

    let migrated = failcast_e2e::run_cli(root, &["corpus", "migrate"], None);
    let said = String::from_utf8_lossy(&migrated.stdout);
    assert!(said.contains("schema version 1"), "{said}");
    assert!(
        !said.contains(PASSWORD) && said.contains("failcast:***@"),
        "{said}"
    );

    let stats = failcast(root, &["ingest", "incident.log", "--format", "json"], None);
    assert_eq!(
        (stats["failures"].as_u64(), stats["mapped"].as_u64()),
        (Some(1), Some(1)),
        "{stats}"
    );
    let again = failcast(root, &["ingest", "incident.log", "--format", "json"], None);
    assert_eq!(
        (again["unchanged"].as_u64(), again["failures"].as_u64()),
        (Some(1), Some(0))
    );
    // Nothing was written to the workspace: the corpus is on the server.
    assert!(!root.join(".failcast/corpus.db").exists());

    let check = failcast(
        root,
        &["check", "--no-model", "--format", "json", "shop"],
        None,
    );
    let charge = scenarios(&check, "charge");
    let key = charge
        .iter()
        .find(|s| s["class"] == "key_missing")
        .unwrap_or_else(|| panic!("no key_missing scenario: {charge:#?}"));
    assert_eq!(key["source"], "history", "{key:#}");
    assert_eq!(key["history"]["count"], 1);
    assert_eq!(key["history"]["last_seen"], "2026-03-29");

    let stats = failcast(root, &["ingest", "-", "--format", "json"], Some(MISS));
    assert_eq!(stats["failures"].as_u64(), Some(1), "{stats}");
    let report = failcast(root, &["report", "--format", "json"], None);
    let misses = report["misses"].as_array().unwrap();
    assert_eq!(misses.len(), 1, "{report:#}");
    assert_eq!(misses[0]["function_id"], "shop/gateway.py::walk");
    assert_eq!(misses[0]["class"], "resource_exhaustion");
    assert!(
        report["validated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["function_id"] == "shop/gateway.py::charge" && v["class"] == "key_missing"),
        "{report:#}"
    );
    let check = failcast(
        root,
        &["check", "--no-model", "--format", "json", "shop"],
        None,
    );
    let learned = scenarios(&check, "walk")
        .into_iter()
        .find(|s| s["class"] == "resource_exhaustion")
        .expect("the miss was learned");
    assert_eq!(
        (learned["source"].as_str(), learned["line"].as_u64()),
        (Some("history"), Some(10))
    );

    let out = root.join("train.jsonl");
    let export = failcast_e2e::run_cli(
        root,
        &["export-training", "-o", out.to_str().unwrap()],
        None,
    );
    assert!(export.status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2);

    let stats = failcast(root, &["corpus", "stats", "--format", "json"], None);
    assert_eq!(stats["backend"], "postgres");
    assert_eq!(stats["counts"]["failures"], 2, "{stats}");
    assert!(!stats.to_string().contains(PASSWORD), "{stats}");
    // Retrieval goes through the GIN index's column.
    assert_eq!(
        pg.sql(
            "corpus",
            "SELECT count(*) FROM failure_search WHERE search @@ to_tsquery('simple', 'charge')"
        ),
        "1\n"
    );

    // The editor's hover shows the same history.
    let file = uri(&root.join("shop/gateway.py"));
    let (mut server, _) = Server::builder()
        .root(root)
        .timeout(Duration::from_secs(20))
        .start();
    server.open(&file, "python", 1, GATEWAY);
    server.await_diagnostics(&file, Some(1));
    let text = server.hover_markdown(&file, 3, 6);
    assert!(text.contains("seen in production 1 time"), "{text}");
    server.shutdown();

    // The server goes away: the editor goes on, with one warning.
    pg.stop();
    let started = Instant::now();
    let (mut server, _) = Server::builder()
        .root(root)
        .timeout(Duration::from_secs(20))
        .start();
    server.open(&file, "python", 1, GATEWAY);
    let diagnostics = server.await_diagnostics(&file, Some(1));
    assert!(!diagnostics.diagnostics.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let warning = server.await_message("a warning about the corpus", |m| {
        m["method"] == "window/showMessage"
    });
    let message = warning["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("corpus") && !message.contains(PASSWORD),
        "{message}"
    );
    server.assert_no_message(Duration::from_millis(500), "a second corpus warning", |m| {
        m["method"] == "window/showMessage"
    });
    let text = server.hover_markdown(&file, 3, 6);
    assert!(!text.contains("seen in production"), "{text}");
    server.discard("textDocument/publishDiagnostics");
    server.shutdown();
}

/// A log of `failures` Python tracebacks (six lines each, with an info line)
/// over `functions` functions, three a second.
fn big_log(failures: usize, functions: usize) -> String {
    let mut log = String::new();
    for i in 0..failures {
        let function = format!("handler_{}", i % functions);
        let second = i / 3;
        log.push_str(&format!(
            "2026-03-{:02}T{:02}:{:02}:{:02}Z INFO api: request ok id={i}\n",
            1 + second / 86400 % 28,
            second / 3600 % 24,
            second / 60 % 60,
            second % 60
        ));
        log.push_str(&format!(
            "2026-03-{:02}T{:02}:{:02}:{:02}Z ERROR api: {function} failed\nTraceback (most recent call last):\n  File \"/srv/app/api/{function}.py\", line {}, in {function}\n    return table[key]\nKeyError: 'k{}'\n",
            1 + second / 86400 % 28,
            second / 3600 % 24,
            second / 60 % 60,
            second % 60,
            10 + i % 7,
            i % 5
        ));
    }
    log
}

#[test]
fn four_ingesters_at_once_leave_what_one_leaves() {
    let pg = Postgres::start();
    pg.sql("postgres", "CREATE DATABASE single");
    let log = big_log(6000, 40);
    let dir = project(&pg.url("corpus"));
    std::fs::write(dir.path().join("big.log"), &log).unwrap();
    let single = project(&pg.url("single"));
    std::fs::write(single.path().join("big.log"), &log).unwrap();

    let one = failcast(
        single.path(),
        &["ingest", "big.log", "--format", "json"],
        None,
    );
    assert_eq!(one["failures"].as_u64(), Some(6000), "{one}");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(binary())
                .args(["ingest", "big.log", "--format", "json"])
                .current_dir(dir.path())
                .env_remove("FAILCAST_CORPUS_URL")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut new = 0;
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stats: Value = serde_json::from_slice(&output.stdout).unwrap();
        new += stats["failures"].as_u64().unwrap();
    }
    // Between them they added each occurrence once.
    assert_eq!(new, 6000);
    let four = pg.sql("corpus", SUMMARY);
    assert_eq!(four, pg.sql("single", SUMMARY));
    assert!(four.starts_with("40|6000|40|6000|"), "{four}");
}

#[test]
fn the_editor_does_not_wait_on_a_server_that_accepts_and_says_nothing() {
    // A "server" that accepts connections and never answers, as a hung
    // server or proxy does: the driver's connect timeout does not cover it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(stream);
        }
    });
    let dir = project(&format!(
        "postgres://failcast:{PASSWORD}@127.0.0.1:{port}/corpus"
    ));
    let file = uri(&dir.path().join("shop/gateway.py"));
    let started = Instant::now();
    let (mut server, _) = Server::builder()
        .root(dir.path())
        .timeout(Duration::from_secs(20))
        .start();
    let opened = Instant::now();
    server.open(&file, "python", 1, GATEWAY);
    let diagnostics = server.await_diagnostics(&file, Some(1));
    assert!(!diagnostics.diagnostics.is_empty());
    // The corpus thread waits out the driver's connect timeout (0.7 s,
    // which the first diagnostics used to wait for too); the file's first
    // analysis waits 150 ms for it, then goes on.
    assert!(
        opened.elapsed() < Duration::from_millis(450),
        "{:?}",
        opened.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let warning = server.await_message("a warning about the corpus", |m| {
        m["method"] == "window/showMessage"
    });
    let message = warning["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("did not answer") && !message.contains(PASSWORD),
        "{message}"
    );
    // Editing goes on without asking the server again (until 30 s pass).
    let edited = GATEWAY.replace("timeout=5", "timeout=6");
    server.change(
        &file,
        2,
        vec![ls_types::TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: edited,
        }],
    );
    server.await_diagnostics(&file, Some(2));
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
    server.assert_no_message(Duration::from_millis(300), "a second corpus warning", |m| {
        m["method"] == "window/showMessage"
    });
    server.discard("textDocument/publishDiagnostics");
    server.shutdown();
}

/// What a corpus holds, as one string to compare: row counts, the sum of
/// counts, and every failure's fingerprint, count and first/last seen.
const SUMMARY: &str = "SELECT (SELECT count(*) FROM failures), (SELECT count(*) FROM occurrences), \
    (SELECT count(*) FROM frames), (SELECT sum(count) FROM failures), (SELECT count(*) FROM templates), \
    (SELECT sum(count) FROM templates), (SELECT string_agg(lines || ':' || events || ':' || failures || ':' || bytes, ',') FROM sources), \
    (SELECT string_agg(fingerprint || ':' || count || ':' || first_seen || ':' || last_seen, ',' ORDER BY fingerprint) FROM failures)";

#[test]
fn a_server_stopped_mid_ingest_keeps_its_batches_and_a_rerun_completes_them() {
    let pg = Postgres::start();
    pg.sql("postgres", "CREATE DATABASE single");
    let log = big_log(60_000, 40);
    let dir = project(&pg.url("corpus"));
    std::fs::write(dir.path().join("big.log"), &log).unwrap();
    let single = project(&pg.url("single"));
    std::fs::write(single.path().join("big.log"), &log).unwrap();
    failcast(
        single.path(),
        &["ingest", "big.log", "--format", "json"],
        None,
    );

    // The schema first, so that the count below can be read at once.
    failcast_e2e::run_cli(dir.path(), &["corpus", "migrate"], None);
    let mut child = Command::new(binary())
        .args(["ingest", "big.log"])
        .current_dir(dir.path())
        .env_remove("FAILCAST_CORPUS_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Stop the server once some batches are committed.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut committed = 0;
    while committed == 0 && Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        committed = pg
            .sql("corpus", "SELECT count(*) FROM occurrences")
            .trim()
            .parse()
            .unwrap();
        std::thread::sleep(Duration::from_millis(5));
    }
    pg.stop();
    let interrupted = !child.wait().unwrap().success();
    pg.start_again();
    let kept: u64 = pg
        .sql("corpus", "SELECT count(*) FROM occurrences")
        .trim()
        .parse()
        .unwrap();
    assert!(
        kept >= committed,
        "{kept} < {committed}: a committed batch was lost"
    );
    assert_eq!(kept % 2000, 0, "a batch was half written: {kept}");
    // The re-run adds what is missing and nothing twice.
    let rerun = failcast(dir.path(), &["ingest", "big.log", "--format", "json"], None);
    if interrupted {
        assert_eq!(rerun["failures"].as_u64(), Some(60_000 - kept), "{rerun}");
    }
    assert_eq!(pg.sql("corpus", SUMMARY), pg.sql("single", SUMMARY));
}

#[test]
fn bad_urls_wrong_passwords_and_stopped_servers_are_said_plainly() {
    let pg = Postgres::start();
    let cases = [
        (
            format!("postgres://failcast:{PASSWORD}@127.0.0.1:notaport/corpus"),
            "invalid PostgreSQL URL",
        ),
        (
            pg.url("corpus").replace(PASSWORD, "wrong-pw"),
            "password authentication failed",
        ),
        (pg.url("nothere"), "does not exist"),
    ];
    for (url, expected) in &cases {
        let dir = project(url);
        let output = failcast_e2e::run_cli(dir.path(), &["corpus", "stats"], None);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(
            !stderr.contains(PASSWORD) && !stderr.contains("wrong-pw"),
            "{stderr}"
        );
    }
    // The password may come from PGPASSWORD instead of the URL.
    let dir = project(&pg.url("corpus").replace(&format!(":{PASSWORD}"), ""));
    let output = Command::new(binary())
        .args(["corpus", "migrate"])
        .current_dir(dir.path())
        .env_remove("FAILCAST_CORPUS_URL")
        .env("PGPASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Or from the password file, as libpq reads it.
    let pgpass = dir.path().join("pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "otherhost:*:*:*:nope\n127.0.0.1:{}:corpus:failcast:{PASSWORD}\n",
            pg.port
        ),
    )
    .unwrap();
    let output = Command::new(binary())
        .args(["corpus", "stats"])
        .current_dir(dir.path())
        .env_remove("FAILCAST_CORPUS_URL")
        .env_remove("PGPASSWORD")
        .env("PGPASSFILE", &pgpass)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    pg.stop();
    let dir = project(&pg.url("corpus"));
    let output = failcast_e2e::run_cli(dir.path(), &["ingest", "incident.log"], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot connect to the corpus") && stderr.contains("is the server running"),
        "{stderr}"
    );
    assert!(!stderr.contains(PASSWORD), "{stderr}");
    // `check` goes on without history.
    let output = failcast_e2e::run_cli(dir.path(), &["check", "--no-model", "shop"], None);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("without production history"));
}

/// Modules, verbs and errors of the measurement's log: enough variety
/// that retrieval has something to rank.
const MODULES: [&str; 10] = [
    "payments",
    "inventory",
    "orders",
    "users",
    "search",
    "billing",
    "shipping",
    "auth",
    "catalog",
    "reports",
];
const VERBS: [&str; 8] = [
    "load", "save", "charge", "refund", "parse", "render", "sync", "notify",
];
const ERRORS: [(&str, &str); 8] = [
    ("KeyError", "'customer_id'"),
    (
        "ValueError",
        "invalid literal for int() with base 10: 'abc'",
    ),
    ("TimeoutError", "timed out waiting for upstream gateway"),
    ("ConnectionError", "connection refused by inventory service"),
    ("IndexError", "list index out of range"),
    ("ZeroDivisionError", "division by zero"),
    (
        "UnicodeDecodeError",
        "'utf-8' codec can't decode byte 0xff in position 3",
    ),
    ("RecursionError", "maximum recursion depth exceeded"),
];

/// `failures` tracebacks over 10 modules of 8 functions, each function
/// failing in a few of 8 ways, with an info line before each.
fn varied_log(failures: usize) -> String {
    let mut log = String::new();
    for i in 0..failures {
        let module = MODULES[i % MODULES.len()];
        let verb = VERBS[(i / MODULES.len()) % VERBS.len()];
        let (error, message) = ERRORS[(i * 7 + i / 80) % ERRORS.len()];
        let second = i / 3;
        let time = format!(
            "2026-03-{:02}T{:02}:{:02}:{:02}Z",
            1 + second / 86400 % 28,
            second / 3600 % 24,
            second / 60 % 60,
            second % 60
        );
        log.push_str(&format!(
            "{time} INFO {module}: request ok id={i}\n{time} ERROR {module}: {verb}_{module} failed\nTraceback (most recent call last):\n  File \"/srv/app/{module}/service.py\", line {}, in {verb}_{module}\n    return self.store[key]\n{error}: {message}\n",
            10 + 3 * (i / MODULES.len() % VERBS.len()),
        ));
    }
    log
}

/// Ingest throughput, lookup latency and how far retrieval agrees, SQLite
/// beside PostgreSQL on the same generated log in one run. A measurement,
/// not a check: run it with
/// `cargo test -p failcast-e2e --test it corpus_pg::throughput -- --ignored --nocapture`
/// (`FAILCAST_BENCH_FAILURES` sets the log's size; the default is 50,000
/// tracebacks, 300,000 lines).
#[test]
#[ignore = "a measurement; run by hand"]
fn throughput_and_latency_sqlite_beside_postgres() {
    let failures = std::env::var("FAILCAST_BENCH_FAILURES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    let pg = Postgres::start();
    let log = varied_log(failures);
    let sqlite = tempfile::tempdir().unwrap();
    std::fs::write(sqlite.path().join("failcast.toml"), "").unwrap();
    let postgres = project(&pg.url("corpus"));
    for dir in [sqlite.path(), postgres.path()] {
        // Workspace files the traces map to, so `failures_in` finds rows.
        for module in MODULES {
            std::fs::create_dir_all(dir.join(module)).unwrap();
            let source: String = VERBS
                .iter()
                .map(|verb| {
                    format!("def {verb}_{module}(self, key):\n    return self.store[key]\n\n\n")
                })
                .collect();
            std::fs::write(dir.join(format!("{module}/service.py")), source).unwrap();
        }
        std::fs::write(dir.join("big.log"), &log).unwrap();
    }
    let mut tops = Vec::new();
    for (name, dir) in [("sqlite", sqlite.path()), ("postgres", postgres.path())] {
        let started = Instant::now();
        let stats = failcast(dir, &["ingest", "big.log", "--format", "json"], None);
        let wall = started.elapsed().as_secs_f64();
        let latency = failcast(
            dir,
            &["corpus", "latency", "--queries", "300", "--format", "json"],
            None,
        );
        let distinct =
            failcast(dir, &["corpus", "stats", "--format", "json"], None)["counts"]["failures"]
                .clone();
        println!(
            "{name}: ingest {} lines ({} occurrences, {distinct} failures) in {wall:.2} s = {:.0} lines/s; failures_in p50 {:.2} ms p95 {:.2} ms; similar p50 {:.2} ms p95 {:.2} ms",
            stats["lines"],
            stats["failures"],
            stats["lines"].as_f64().unwrap() / wall,
            latency["failures_in"]["p50_ms"].as_f64().unwrap(),
            latency["failures_in"]["p95_ms"].as_f64().unwrap(),
            latency["similar"]["p50_ms"].as_f64().unwrap(),
            latency["similar"]["p95_ms"].as_f64().unwrap(),
        );
        tops.push(latency["similar_top"].as_array().unwrap().clone());
    }
    // Overlap of the top three: shared results over results, per query;
    // and how often the best result has the same error (the log has many
    // failures that differ only in the function, which tie).
    let (mut shared, mut total, mut same_first, mut same_error) = (0, 0, 0, 0);
    let error = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(|s| s.split(" @ ").next().unwrap_or(s).to_owned())
    };
    for (a, b) in tops[0].iter().zip(&tops[1]) {
        let (a, b) = (a.as_array().unwrap(), b.as_array().unwrap());
        shared += a.iter().filter(|x| b.contains(x)).count();
        total += a.len().max(b.len());
        same_first += usize::from(a.first() == b.first());
        same_error += usize::from(error(a.first()) == error(b.first()));
    }
    println!(
        "retrieval overlap, top 3 (FTS5 bm25 vs tsvector ts_rank with IDF): {shared} of {total} results ({:.0} %); same best result in {same_first}, same best error in {same_error} of {} queries",
        100.0 * shared as f64 / total.max(1) as f64,
        tops[0].len()
    );
}
