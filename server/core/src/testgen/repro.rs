//! Whether generated tests reproduce: on a project with a buggy and a fixed
//! variant, write a test for every prediction in each function's top three,
//! run them all on the buggy code and then on the fixed code (one run per
//! variant: each language compiles its tests once), and tell for each
//! prediction whether a test was offered, whether it failed with the
//! predicted error, and whether it passed after the fix.
//!
//! The runners are the languages' own: pytest, `go test`, `node --test`
//! (TypeScript through a registry-installed loader), JUnit 5's console
//! launcher, `cargo test`. Where one is missing the run says so; nothing
//! here installs anything.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ropey::Rope;

use super::{Project, Subject, write_test};
use crate::analysis::analyze;
use crate::calls::CallIndex;
use crate::config::Config;
use crate::context::Context;
use crate::language::Language;
use crate::scenario::FailureClass;

/// How many predictions of each function are looked at, as on the surfaces.
pub const TOP: usize = 3;

/// One prediction and what became of its test.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub path: String,
    pub function: String,
    /// 1-based.
    pub line: usize,
    pub class: FailureClass,
    pub error: String,
    /// A broad candidate, not a scenario (no diagnostic, no code action).
    pub candidate: bool,
    /// The test's name, or why none was offered.
    pub test: Result<String, String>,
    /// The test failed on the buggy code with the predicted error.
    pub reproduced: bool,
    /// The test passed on the fixed code.
    pub fixed_passes: bool,
    /// On the fixed code it still fails with the predicted error: the fix
    /// was for another failure and this one is still there.
    pub fixed_still_fails: bool,
    /// What the buggy run printed for the test (its failure message).
    pub buggy_output: String,
    pub fixed_output: String,
}

impl Outcome {
    /// An offered test that cannot be trusted: it passed on the buggy code,
    /// or failed once the bug was fixed.
    pub fn misleading(&self) -> bool {
        self.test.is_ok() && (!self.reproduced || !self.fixed_passes && !self.fixed_still_fails)
    }
}

#[derive(Clone, Debug)]
pub struct Report {
    pub language: String,
    pub outcomes: Vec<Outcome>,
    /// Wall time of generating and running the tests.
    pub seconds: f64,
}

impl Report {
    /// The same run restricted to the scenarios (what "write a test" serves).
    pub fn scenarios_only(&self) -> Report {
        Report {
            language: self.language.clone(),
            outcomes: self
                .outcomes
                .iter()
                .filter(|o| !o.candidate)
                .cloned()
                .collect(),
            seconds: self.seconds,
        }
    }

    pub fn offered(&self) -> usize {
        self.outcomes.iter().filter(|o| o.test.is_ok()).count()
    }

    pub fn reproduced(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.test.is_ok() && o.reproduced)
            .count()
    }

    /// Reproduced and passing after the fix: the test the issue asks for.
    pub fn good(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.test.is_ok() && o.reproduced && o.fixed_passes)
            .count()
    }

    pub fn fixed_passes(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.test.is_ok() && o.fixed_passes)
            .count()
    }

    pub fn misleading(&self) -> usize {
        self.outcomes.iter().filter(|o| o.misleading()).count()
    }

    /// Share of predictions with a good test.
    pub fn rate(&self) -> f64 {
        if self.outcomes.is_empty() {
            0.0
        } else {
            self.good() as f64 / self.outcomes.len() as f64
        }
    }
}

/// Which predictions get a test.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope {
    /// Only the innermost function holding this 1-based line.
    pub line: Option<usize>,
    /// Count the broad candidates that reach a function's top three, as the
    /// benchmark's recall does; by default only the scenarios, the
    /// predictions shown as diagnostics, which "write a test" serves.
    pub candidates: bool,
}

/// The fixture languages, by the name of their folder.
pub fn language_of(name: &str) -> Option<Language> {
    Some(match name {
        "python" => Language::Python,
        "javascript" => Language::JavaScript,
        "typescript" => Language::TypeScript,
        "go" => Language::Go,
        "java" => Language::Java,
        "rust" => Language::Rust,
        _ => return None,
    })
}

/// Generates and runs the tests of the project `buggy` (whose fix is
/// `fixed`, the same files corrected) in copies under `work`.
pub fn reproduce(
    language: Language,
    buggy: &Path,
    fixed: &Path,
    work: &Path,
    scope: Scope,
) -> Report {
    let only = scope.line;
    let started = Instant::now();
    let sources = source_files(buggy, language);
    let mut written: HashMap<String, String> = HashMap::new();
    let mut outcomes = Vec::new();
    let config = Config::default();
    let calls = CallIndex::default();
    for relative in &sources {
        let Ok(text) = std::fs::read_to_string(buggy.join(relative)) else {
            continue;
        };
        let rope = Rope::from_str(&text);
        let Some(tree) = crate::syntax::parse_rope(language, &rope, None) else {
            continue;
        };
        let analysis = analyze(
            relative,
            language,
            1,
            &rope,
            &tree,
            None,
            &Context::new(&config, &calls),
        );
        let functions = &analysis.functions.functions;
        let held = only.and_then(|line| {
            functions
                .iter()
                .enumerate()
                .filter(|(_, f)| f.start_line < line && line <= f.end_line + 1)
                .min_by_key(|(_, f)| f.end_line - f.start_line)
                .map(|(i, _)| i)
        });
        for (index, function) in functions.iter().enumerate() {
            if only.is_some() && held != Some(index) {
                continue;
            }
            let predictions: Vec<&crate::scenario::Scenario> = if scope.candidates {
                analysis.predictions(index).take(TOP).collect()
            } else {
                analysis.scenarios[index].iter().take(TOP).collect()
            };
            for scenario in predictions {
                let candidate = !analysis.scenarios[index]
                    .iter()
                    .any(|s| std::ptr::eq(s, scenario));
                // Tests written into the source itself (Rust) see the ones before.
                let current = written.get(relative).cloned();
                let current_rope = current.as_deref().map(Rope::from_str);
                let current_tree = current_rope
                    .as_ref()
                    .and_then(|r| crate::syntax::parse_rope(language, r, None));
                let subject = Subject {
                    language,
                    path: relative,
                    rope: current_rope.as_ref().unwrap_or(&rope),
                    tree: current_tree.as_ref().unwrap_or(&tree),
                    function,
                    scenario,
                };
                let read = |path: &str| -> Option<String> {
                    written
                        .get(path)
                        .cloned()
                        .or_else(|| std::fs::read_to_string(buggy.join(path)).ok())
                };
                let project = Project {
                    root: buggy,
                    read: &read,
                };
                let test = write_test(&subject, &project).map(|edit| {
                    let mut file = match edit.offset {
                        Some(_) => read(&edit.path).unwrap_or_default(),
                        None => String::new(),
                    };
                    file.insert_str(edit.offset.unwrap_or(0).min(file.len()), &edit.text);
                    (edit.path, file, edit.name)
                });
                let test = test.map(|(path, file, name)| {
                    written.insert(path, file);
                    name
                });
                outcomes.push(Outcome {
                    path: relative.clone(),
                    function: function.name.clone(),
                    line: scenario.origin.start_line + 1,
                    class: scenario.class,
                    error: scenario.error.clone(),
                    candidate,
                    test,
                    reproduced: false,
                    fixed_passes: false,
                    fixed_still_fails: false,
                    buggy_output: String::new(),
                    fixed_output: String::new(),
                });
            }
        }
    }

    if !written.is_empty() {
        let buggy_copy = work.join("buggy");
        let fixed_copy = work.join("fixed");
        copy_tree(buggy, &buggy_copy);
        copy_tree(fixed, &fixed_copy);
        for (path, text) in &written {
            std::fs::create_dir_all(buggy_copy.join(path).parent().unwrap_or(work)).ok();
            std::fs::write(buggy_copy.join(path), text).ok();
            // A test added to a source file (Rust) follows the fixed code.
            let fixed_text = match std::fs::read_to_string(buggy.join(path)) {
                Ok(original) if text.starts_with(&original) => {
                    let fixed_source =
                        std::fs::read_to_string(fixed.join(path)).unwrap_or_default();
                    format!("{fixed_source}{}", &text[original.len()..])
                }
                _ => text.clone(),
            };
            std::fs::create_dir_all(fixed_copy.join(path).parent().unwrap_or(work)).ok();
            std::fs::write(fixed_copy.join(path), fixed_text).ok();
        }
        let tests: Vec<&String> = written.keys().collect();
        let target = work.join("target");
        // Apart: cargo names a path package's build by its path relative to
        // the workspace, and both copies were written before either build.
        let on_buggy = run(language, &buggy_copy, &tests, &target.join("buggy"));
        let on_fixed = run(language, &fixed_copy, &tests, &target.join("fixed"));
        for outcome in &mut outcomes {
            let Ok(name) = &outcome.test else { continue };
            // A stalled upstream never answers: the double fails the test
            // for the missing timeout instead of hanging it.
            let signature = if outcome.class == FailureClass::Timeout {
                "has no timeout".to_owned()
            } else {
                error_signature(language, &outcome.error)
            };
            let result = |results: &Results| {
                results.tests.get(name).cloned().unwrap_or_else(|| {
                    (
                        false,
                        format!("the test did not run:\n{}", tail(&results.log, 40)),
                    )
                })
            };
            let (passed, output) = result(&on_buggy);
            outcome.reproduced = !passed && output.contains(&signature);
            outcome.buggy_output = output;
            let (passed, output) = result(&on_fixed);
            outcome.fixed_passes = passed;
            outcome.fixed_still_fails = !passed && output.contains(&signature);
            outcome.fixed_output = output;
        }
    }
    Report {
        language: language_name(language).to_owned(),
        outcomes,
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn language_name(language: Language) -> &'static str {
    match language {
        Language::Python => "python",
        Language::JavaScript => "javascript",
        Language::TypeScript | Language::Tsx => "typescript",
        Language::Go => "go",
        Language::Java => "java",
        Language::Rust => "rust",
    }
}

/// What a test's failure must show for the failure to be the predicted one:
/// the exception type (`KeyError('items')` with its key), the panic's
/// message up to its details, JavaScript's error and the property read.
pub fn error_signature(language: Language, error: &str) -> String {
    let error = error.trim();
    match language {
        Language::Python => {
            let (head, rest) = error.split_once(':').unwrap_or((error, ""));
            let name = head.rsplit('.').next().unwrap_or(head).trim();
            let key = rest.trim();
            if name == "KeyError" && (key.starts_with('\'') || key.starts_with('"')) {
                format!("KeyError({key})")
            } else {
                name.to_owned()
            }
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            let name = error.split(':').next().unwrap_or(error).trim();
            // A property read names the property: the whole message must match.
            if error.contains("(reading '") {
                error.to_owned()
            } else {
                name.to_owned()
            }
        }
        Language::Java => {
            let head = error.split(':').next().unwrap_or(error).trim();
            head.rsplit('.').next().unwrap_or(head).to_owned()
        }
        Language::Go => {
            let message = error.strip_prefix("panic:").unwrap_or(error).trim();
            message
                .split(['[', '\n'])
                .next()
                .unwrap_or(message)
                .trim()
                .to_owned()
        }
        Language::Rust => error
            .split([':', '\n'])
            .next()
            .unwrap_or(error)
            .trim()
            .to_owned(),
    }
}

/// Source files of the project, not its tests, workspace-relative.
fn source_files(root: &Path, language: Language) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !["node_modules", "target", "tests", "test", "__pycache__"]
                    .contains(&name.as_str())
                {
                    stack.push(path);
                }
                continue;
            }
            let is_test = name.starts_with("test_")
                || name.ends_with("_test.go")
                || name.contains(".test.")
                || name.ends_with("Test.java");
            if is_test || Language::from_path(&path) != Some(language) {
                continue;
            }
            if let Ok(relative) = path.strip_prefix(root) {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).ok();
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name == "target" || name == "__pycache__" || name == "node_modules" {
            continue;
        }
        let target = to.join(&name);
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).ok();
        }
    }
}

/// Each test's result (passed, what it printed), and the whole run's output.
#[derive(Default)]
struct Results {
    tests: HashMap<String, (bool, String)>,
    log: String,
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// How long one run of a language's tests may take before it is stopped.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// What the command printed (stdout, then stderr); stopped after
/// [`RUN_LIMIT`], since a generated test might wait on something forever.
fn output_of(command: &mut Command) -> String {
    let spawned = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            return format!(
                "cannot run {command:?}: {error} (scripts/setup.sh --test installs it)"
            );
        }
    };
    // Drain both pipes while waiting, or a chatty run fills them and stalls.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stdout.as_mut() {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stderr.as_mut() {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let mut stopped = false;
    loop {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => break,
            Ok(None) if started.elapsed() > RUN_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                stopped = true;
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let mut text = out.join().unwrap_or_default();
    text.push_str(&err.join().unwrap_or_default());
    if stopped {
        text.push_str(&format!(
            "\nstopped after {} s: {command:?}\n",
            RUN_LIMIT.as_secs()
        ));
    }
    text
}

fn run(language: Language, root: &Path, tests: &[&String], target: &Path) -> Results {
    match language {
        Language::Python => pytest(root),
        Language::Go => go_test(root),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            node_test(root, tests, language)
        }
        Language::Java => junit(root, tests),
        Language::Rust => cargo_test(root, target),
    }
}

fn pytest(root: &Path) -> Results {
    let log = output_of(
        Command::new("python3")
            .args([
                "-m",
                "pytest",
                "-q",
                "-rA",
                "--tb=short",
                "-p",
                "no:cacheprovider",
            ])
            .current_dir(root)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("COLUMNS", "1000"),
    );
    let mut tests = HashMap::new();
    for line in log.lines() {
        let (passed, rest) = if let Some(rest) = line.strip_prefix("PASSED ") {
            (true, rest)
        } else if let Some(rest) = line.strip_prefix("FAILED ") {
            (false, rest)
        } else {
            continue;
        };
        let id = rest.split(" - ").next().unwrap_or(rest);
        let name = id.rsplit("::").next().unwrap_or(id).to_owned();
        tests.insert(name, (passed, line.to_owned()));
    }
    Results { tests, log }
}

fn go_test(root: &Path) -> Results {
    let log = output_of(
        Command::new("go")
            .args(["test", "-json", "-count=1", "./..."])
            .current_dir(root)
            .env("GOFLAGS", "-mod=mod")
            .env("GOTOOLCHAIN", "local")
            .env("GOPROXY", "off"),
    );
    let mut output: HashMap<String, String> = HashMap::new();
    let mut tests = HashMap::new();
    for line in log.lines() {
        let Ok(event) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(test) = event["Test"].as_str() else {
            continue;
        };
        let top = test.split('/').next().unwrap_or(test).to_owned();
        match event["Action"].as_str() {
            Some("output") => output
                .entry(top)
                .or_default()
                .push_str(event["Output"].as_str().unwrap_or("")),
            Some(action @ ("pass" | "fail")) if !test.contains('/') => {
                let text = output.get(&top).cloned().unwrap_or_default();
                tests.insert(top, (action == "pass", text));
            }
            _ => {}
        }
    }
    Results { tests, log }
}

/// The tsx loader node runs TypeScript tests with (Node 20 cannot strip
/// types itself): `FAILCAST_TSX`, else the copy `scripts/setup.sh --test`
/// installs under `target/repro-tools`.
pub fn tsx_loader() -> Option<PathBuf> {
    let dir = match std::env::var_os("FAILCAST_TSX") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/repro-tools/node/node_modules/tsx"),
    };
    let loader = dir.join("dist/esm/index.mjs");
    loader.is_file().then_some(loader)
}

fn node_test(root: &Path, tests: &[&String], language: Language) -> Results {
    let mut command = Command::new("node");
    if language != Language::JavaScript {
        match tsx_loader() {
            Some(loader) => {
                command.arg(format!("--import=file://{}", loader.display()));
            }
            None => {
                return Results {
                    tests: HashMap::new(),
                    log: "tsx is not installed (scripts/setup.sh --test installs it)".to_owned(),
                };
            }
        }
    }
    command
        .args(["--test", "--test-reporter=tap"])
        .args(tests.iter().map(|t| t.as_str()))
        .current_dir(root);
    let log = output_of(&mut command);
    let mut tests = HashMap::new();
    let mut current: Option<(String, bool, String)> = None;
    for line in log.lines() {
        let trimmed = line.trim_start();
        let result = if let Some(rest) = trimmed.strip_prefix("not ok ") {
            Some((false, rest))
        } else {
            trimmed.strip_prefix("ok ").map(|rest| (true, rest))
        };
        match result {
            Some((passed, rest)) => {
                if let Some((name, passed, text)) = current.take() {
                    tests.insert(name, (passed, text));
                }
                let title = rest.split_once(" - ").map_or(rest, |(_, t)| t);
                let title = title.split(" # ").next().unwrap_or(title);
                let title = title.replace("\\#", "#").replace("\\\\", "\\");
                current = Some((title, passed, String::new()));
            }
            None => {
                if let Some((_, _, text)) = &mut current {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    if let Some((name, passed, text)) = current {
        tests.insert(name, (passed, text));
    }
    Results { tests, log }
}

/// The JUnit 5 console launcher Debian's `junit5` package installs.
pub fn junit_launcher() -> Option<PathBuf> {
    let jar = match std::env::var_os("FAILCAST_JUNIT") {
        Some(jar) => PathBuf::from(jar),
        None => PathBuf::from("/usr/share/java/junit-platform-console-standalone.jar"),
    };
    jar.is_file().then_some(jar)
}

fn java_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "java") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn junit(root: &Path, _tests: &[&String]) -> Results {
    let Some(launcher) = junit_launcher() else {
        return Results {
            tests: HashMap::new(),
            log: "JUnit 5 is not installed (scripts/setup.sh --test installs Debian's junit5)"
                .to_owned(),
        };
    };
    let classes = root.join("build/classes");
    let mut log = output_of(
        Command::new("javac")
            .arg("-nowarn")
            .arg("-d")
            .arg(&classes)
            .arg("-cp")
            .arg(&launcher)
            .args(java_files(&root.join("src"))),
    );
    log.push_str(&output_of(
        Command::new("java")
            .arg("-jar")
            .arg(&launcher)
            .args([
                "--disable-banner",
                "--disable-ansi-colors",
                "--details=tree",
                "--details-theme=ascii",
                "--scan-classpath",
            ])
            .arg("-cp")
            .arg(&classes)
            .current_dir(root),
    ));
    let mut tests = HashMap::new();
    let lines: Vec<&str> = log.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        // `| +-- nameNullOrNone() [X] message` / `[OK]`
        let Some(at) = line.find("() ") else { continue };
        let head = &line[..at];
        let name = head
            .rsplit(|c: char| c.is_whitespace() || c == '-')
            .next()
            .unwrap_or(head)
            .to_owned();
        let rest = &line[at + 3..];
        let passed = rest.starts_with("[OK]");
        let mut text = rest.to_owned();
        for next in lines.iter().skip(i + 1).take(4) {
            if next.contains("() ") {
                break;
            }
            text.push('\n');
            text.push_str(next);
        }
        tests.insert(name, (passed, text));
    }
    Results { tests, log }
}

fn cargo_test(root: &Path, target: &Path) -> Results {
    let log = output_of(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args(["test", "--offline", "--", "--test-threads=1"])
            .current_dir(root)
            .env("CARGO_TARGET_DIR", target)
            // Built as the user's own `cargo test` would build it.
            .env_remove("RUSTFLAGS")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CLIPPY_ARGS")
            .env("RUST_BACKTRACE", "0"),
    );
    let mut tests = HashMap::new();
    for line in log.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((path, result)) = rest.split_once(" ... ") else {
            continue;
        };
        let name = path.rsplit("::").next().unwrap_or(path).to_owned();
        let text = log
            .split(&format!("---- {path} stdout ----"))
            .nth(1)
            .map(|s| s.lines().take(6).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default();
        tests.insert(name, (result.trim() == "ok", text));
    }
    Results { tests, log }
}

/// Why the tests of a project could not run at all, if that is why none
/// reproduced: the code imports the rest of its project or a package that
/// is not installed, or does not compile on its own.
pub fn cannot_run_alone(report: &Report) -> Option<String> {
    let offered: Vec<&Outcome> = report.outcomes.iter().filter(|o| o.test.is_ok()).collect();
    if offered.is_empty() || offered.iter().any(|o| o.reproduced) {
        return None;
    }
    let patterns = [
        "ModuleNotFoundError",
        "ImportError",
        "ERR_MODULE_NOT_FOUND",
        "Cannot find module",
        "SyntaxError: Cannot use import",
        "does not provide an export",
        "cannot find symbol",
        "does not exist",
        "undefined:",
        "no required module",
        "cannot find module providing package",
        "is not in std",
        "error[E",
        "error: could not compile",
        "the test did not run",
    ];
    // The most telling line: the first pattern in this order that occurs.
    patterns.iter().find_map(|pattern| {
        offered.iter().find_map(|o| {
            o.buggy_output
                .lines()
                .find(|line| line.contains(pattern))
                .map(|line| crate::text::one_line(line.trim(), 140))
        })
    })
}

/// The per-language table and, below it, every prediction's outcome.
pub fn table(reports: &[Report]) -> String {
    let mut out = String::from(
        "language    predictions  offered  fails-as-predicted  passes-after-fix  reproducing  misleading  seconds\n",
    );
    for r in reports {
        out.push_str(&format!(
            "{:<11} {:>11}  {:>7}  {:>18}  {:>16}  {:>6} {:>3.0} %  {:>10}  {:>7.1}\n",
            r.language,
            r.outcomes.len(),
            r.offered(),
            r.reproduced(),
            r.fixed_passes(),
            r.good(),
            r.rate() * 100.0,
            r.misleading(),
            r.seconds
        ));
    }
    out
}

pub fn details(report: &Report) -> String {
    let mut out = String::new();
    for o in &report.outcomes {
        let verdict = match &o.test {
            Err(why) => format!("no test: {why}"),
            Ok(name) => format!(
                "{name}: {} / {}",
                if o.reproduced {
                    "fails as predicted"
                } else {
                    "DOES NOT FAIL AS PREDICTED"
                },
                if o.fixed_passes {
                    "passes after fix"
                } else {
                    "FAILS AFTER FIX"
                }
            ),
        };
        out.push_str(&format!(
            "{} {}:{} {} {}: {verdict}\n",
            report.language, o.path, o.line, o.function, o.class
        ));
        if o.misleading() {
            out.push_str(&format!(
                "    buggy: {}\n    fixed: {}\n",
                tail(&o.buggy_output, 12).replace('\n', "\n    "),
                tail(&o.fixed_output, 12).replace('\n', "\n    ")
            ));
        }
    }
    out
}
