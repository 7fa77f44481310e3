//! Generated tests for the fixture projects in
//! `server/core/tests/fixtures/testgen/<language>/`: what each scenario gets,
//! and that every edited file still parses.

use std::path::{Path, PathBuf};

use ropey::Rope;

use super::trigger;
use super::*;
use crate::analysis::{FileAnalysis, analyze};
use crate::calls::CallIndex;
use crate::config::Config;
use crate::context::Context;

pub(crate) fn fixture_root(language: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/testgen")
        .join(language)
}

pub(crate) fn analysed(root: &Path, relative: &str) -> (FileAnalysis, Tree) {
    let text = std::fs::read_to_string(root.join(relative)).unwrap();
    let language = Language::from_path(Path::new(relative)).unwrap();
    let rope = Rope::from_str(&text);
    let tree = crate::syntax::parse_rope(language, &rope, None).unwrap();
    let config = Config::default();
    let calls = CallIndex::default();
    let analysis = analyze(
        relative,
        language,
        1,
        &rope,
        &tree,
        None,
        &Context::new(&config, &calls),
    );
    (analysis, tree)
}

/// Every scenario of `relative` and the test written for it.
pub(crate) fn generate(root: &Path, relative: &str) -> Vec<(String, Result<TestEdit, String>)> {
    let (analysis, tree) = analysed(root, relative);
    let read = |path: &str| std::fs::read_to_string(root.join(path)).ok();
    let project = Project { root, read: &read };
    analysis
        .all_scenarios()
        .map(|(function, scenario)| {
            let label = format!(
                "{} L{} {}",
                function.name,
                scenario.origin.start_line + 1,
                scenario.class
            );
            let subject = Subject {
                language: analysis.language,
                path: relative,
                rope: &analysis.rope,
                tree: &tree,
                function,
                scenario,
            };
            (label, write_test(&subject, &project))
        })
        .collect()
}

/// The text of the test file once `edit` is applied.
pub(crate) fn applied(root: &Path, edit: &TestEdit) -> String {
    match edit.offset {
        None => edit.text.clone(),
        Some(offset) => {
            let mut text = std::fs::read_to_string(root.join(&edit.path)).unwrap();
            text.insert_str(offset, &edit.text);
            text
        }
    }
}

fn assert_parses(path: &str, text: &str) {
    let language = Language::from_path(Path::new(path)).unwrap();
    let tree = crate::syntax::parse_str(language, text).unwrap();
    assert!(
        !tree.root_node().has_error(),
        "{path} does not parse after the edit:\n{text}"
    );
}

/// One snapshot per fixture: the verdict for each scenario, then each test.
fn report(language: &str, files: &[&str]) -> String {
    let root = fixture_root(language);
    let mut out = String::new();
    for file in files {
        for (label, result) in generate(&root, file) {
            match result {
                Ok(edit) => {
                    let text = applied(&root, &edit);
                    assert_parses(&edit.path, &text);
                    let how = match edit.offset {
                        None => "create",
                        Some(_) => "append to",
                    };
                    out.push_str(&format!(
                        "== {label}: {how} {} ({})\n{}\n",
                        edit.path, edit.framework, edit.text
                    ));
                }
                Err(why) => out.push_str(&format!("== {label}: no test: {why}\n")),
            }
        }
    }
    out
}

#[test]
fn python_tests() {
    insta::assert_snapshot!(report("python", &["shop/pricing.py"]));
}

#[test]
fn rust_tests() {
    insta::assert_snapshot!(report("rust", &["src/lib.rs"]));
}

#[test]
fn go_tests() {
    insta::assert_snapshot!(report("go", &["rates.go"]));
}

#[test]
fn typescript_tests() {
    insta::assert_snapshot!(report("ts", &["src/orders.ts"]));
}

#[test]
fn java_tests() {
    insta::assert_snapshot!(report("java", &["src/main/java/com/shop/Prices.java"]));
}

#[test]
fn ignore_comment_suppresses_the_scenario() {
    for (language, file) in [
        ("python", "shop/pricing.py"),
        ("rust", "src/lib.rs"),
        ("go", "rates.go"),
        ("ts", "src/orders.ts"),
        ("java", "src/main/java/com/shop/Prices.java"),
    ] {
        let root = fixture_root(language);
        let (analysis, _) = analysed(&root, file);
        let before = analysis.all_scenarios().count();
        let (_, scenario) = analysis.all_scenarios().next().unwrap();
        let edit = ignore_edit(analysis.language, &analysis.rope, scenario);
        let mut text = analysis.rope.to_string();
        text.replace_range(edit.start..edit.end, &edit.text);
        assert_parses(file, &text);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        let (after, _) = analysed(dir.path(), file);
        let same = |s: &Scenario| s.class == scenario.class && s.rule == scenario.rule;
        assert_eq!(
            after.all_scenarios().count(),
            before - 1,
            "{file}: the ignore comment hides exactly one scenario"
        );
        assert!(
            !after
                .all_scenarios()
                .any(|(_, s)| same(s) && s.subject == scenario.subject),
            "{file}: {} still reported",
            scenario.summary
        );
    }
}

#[test]
fn second_ignore_extends_the_list() {
    let rope = Rope::from_str(
        "def f(a, b):\n    # failcast: ignore[key_missing]\n    return a[\"x\"] / b\n",
    );
    let root = fixture_root("python");
    let (analysis, _) = analysed(&root, "shop/pricing.py");
    let (_, scenario) = analysis.all_scenarios().next().unwrap();
    let mut scenario = scenario.clone();
    scenario.origin.start_line = 2;
    scenario.class = crate::scenario::FailureClass::DivisionByZero;
    let edit = ignore_edit(Language::Python, &rope, &scenario);
    let mut text = rope.to_string();
    text.replace_range(edit.start..edit.end, &edit.text);
    assert!(
        text.contains("# failcast: ignore[key_missing, division_by_zero]\n"),
        "{text}"
    );
}

/// Copies a fixture project, leaving out its `fixed/` variant.
fn copy_fixture(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        if name == "fixed" || name == "target" || name == "__pycache__" {
            continue;
        }
        let target = to.join(&name);
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_fixture(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Writes a test for every scenario of `file` that gets one, one after the
/// other as a user would, and returns (test name, predicted error).
fn write_all(root: &Path, file: &str) -> Vec<(String, String)> {
    let labels: Vec<String> = generate(root, file).into_iter().map(|(l, _)| l).collect();
    let mut written = Vec::new();
    for label in labels {
        let (analysis, _) = analysed(root, file);
        let error = analysis
            .all_scenarios()
            .find(|(f, s)| format!("{} L{} {}", f.name, s.origin.start_line + 1, s.class) == label)
            .map(|(_, s)| s.error.clone());
        let Some((_, Ok(edit))) = generate(root, file).into_iter().find(|(l, _)| *l == label)
        else {
            continue;
        };
        let text = applied(root, &edit);
        let path = root.join(&edit.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        written.push((edit.name, error.unwrap()));
    }
    written
}

fn run(command: &mut std::process::Command) -> (bool, String) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?} (scripts/setup.sh installs it): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// The issue's proof: on the buggy fixture each generated test fails with
/// the predicted error; with the known fix applied they all pass.
#[test]
fn generated_pytest_tests_fail_on_the_bug_and_pass_after_the_fix() {
    let fixture = fixture_root("python");
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(&fixture, dir.path());
    let written = write_all(dir.path(), "shop/pricing.py");
    assert!(written.len() >= 4, "{written:?}");
    let pytest = || {
        let mut command = std::process::Command::new("python3");
        command
            .args([
                "-m",
                "pytest",
                "-q",
                "-rf",
                "-p",
                "no:cacheprovider",
                "tests",
            ])
            .current_dir(dir.path())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            // The short summary is cut at the terminal width.
            .env("COLUMNS", "1000");
        run(&mut command)
    };
    let (ok, output) = pytest();
    assert!(!ok, "the generated tests pass on the buggy code:\n{output}");
    let mut reproduced = 0;
    for (name, error) in &written {
        let line = output
            .lines()
            .find(|l| l.starts_with("FAILED") && l.contains(&format!("::{name} ")))
            .unwrap_or_else(|| panic!("{name} did not fail:\n{output}"));
        let error_type = error.split(':').next().unwrap().rsplit('.').next().unwrap();
        let predicted = line.contains(error_type) || line.contains("has no timeout");
        assert!(
            predicted,
            "{name} failed otherwise than predicted ({error}):\n{line}"
        );
        reproduced += 1;
    }
    assert!(
        output.contains("1 passed"),
        "the user's own test still passes:\n{output}"
    );
    std::fs::copy(
        fixture.join("fixed/shop/pricing.py"),
        dir.path().join("shop/pricing.py"),
    )
    .unwrap();
    let (ok, after) = pytest();
    assert!(ok, "the generated tests fail on the fixed code:\n{after}");
    eprintln!(
        "pytest: {reproduced} of {} generated tests reproduced their failure; all pass after the fix",
        written.len()
    );
}

#[test]
fn generated_cargo_tests_fail_on_the_bug_and_pass_after_the_fix() {
    let fixture = fixture_root("rust");
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(&fixture, dir.path());
    let written = write_all(dir.path(), "src/lib.rs");
    assert!(written.len() >= 2, "{written:?}");
    let cargo_test = || {
        let mut command = std::process::Command::new(env!("CARGO"));
        command
            .args(["test", "--offline", "--quiet"])
            .current_dir(dir.path())
            .env("CARGO_TARGET_DIR", dir.path().join("target"))
            // Built as the user's own `cargo test` would build it: without
            // our flags or the clippy-driver `make test` lints our crates with.
            .env_remove("RUSTFLAGS")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CLIPPY_ARGS");
        run(&mut command)
    };
    let (ok, output) = cargo_test();
    assert!(!ok, "the generated tests pass on the buggy code:\n{output}");
    for (name, error) in &written {
        let section = output
            .split(&format!("---- tests::{name} stdout ----"))
            .nth(1)
            .unwrap_or_else(|| panic!("{name} did not fail:\n{output}"));
        let message = section.lines().take(6).collect::<Vec<_>>().join("\n");
        assert!(
            message.contains(error.as_str()),
            "{name} failed otherwise than predicted ({error}):\n{message}"
        );
    }
    assert!(!output.contains("first_of_one ... FAILED"), "{output}");
    // The fix replaces the code above the tests module; the tests stay.
    let fixed = std::fs::read_to_string(fixture.join("fixed/src/lib.rs")).unwrap();
    let with_tests = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    let split = |text: &str| text.find("#[cfg(test)]").unwrap();
    let patched = format!(
        "{}{}",
        &fixed[..split(&fixed)],
        &with_tests[split(&with_tests)..]
    );
    std::fs::write(dir.path().join("src/lib.rs"), patched).unwrap();
    let (ok, after) = cargo_test();
    assert!(ok, "the generated tests fail on the fixed code:\n{after}");
    eprintln!(
        "cargo test: {} of {} generated tests reproduced their failure; all pass after the fix",
        written.len(),
        written.len()
    );
}

/// The trigger derived for the scenario of `function` in `source` whose
/// failing expression is `subject`, as `root = value` in the language.
fn trigger_of(path: &str, source: &str, subject: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, source).unwrap();
    let (analysis, tree) = analysed(dir.path(), path);
    let (function, scenario) = analysis
        .all_scenarios()
        .find(|(_, s)| s.subject == subject)
        .unwrap_or_else(|| {
            let all: Vec<&str> = analysis
                .all_scenarios()
                .map(|(_, s)| s.subject.as_str())
                .collect();
            panic!("no scenario on {subject}: {all:?}")
        });
    let subject = Subject {
        language: analysis.language,
        path,
        rope: &analysis.rope,
        tree: &tree,
        function,
        scenario,
    };
    let node = subject.node().unwrap();
    match trigger::derive(&subject, node) {
        Ok(trigger) => trigger
            .roots
            .iter()
            .map(|(root, value)| {
                let value = match analysis.language {
                    Language::Python => literal::python(value),
                    _ => literal::ecma(value),
                };
                format!("{root:?} = {value}")
            })
            .collect::<Vec<_>>()
            .join("; "),
        Err(why) => format!("no trigger: {why}"),
    }
}

#[test]
fn triggers_follow_decoding_and_field_access() {
    let average = "import json\n\ndef average(payload):\n    data = json.loads(payload)\n    items = data[\"items\"]\n    total = sum(item[\"price\"] * item[\"qty\"] for item in items)\n    return total / len(items)\n";
    insta::assert_snapshot!(
        [
            "data[\"items\"]",
            "item[\"price\"]",
            "item[\"qty\"]",
            "json.loads(payload)",
            "total / len(items)",
        ]
        .map(|s| format!("{s}: {}", trigger_of("shop/average.py", average, s)))
        .join("\n"),
        @r#"
    data["items"]: Param("payload") = '{}'
    item["price"]: Param("payload") = '{"items": [{}]}'
    item["qty"]: Param("payload") = '{"items": [{"price": 1}]}'
    json.loads(payload): Param("payload") = '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>'
    total / len(items): Param("payload") = '{"items": []}'
    "#
    );
}

#[test]
fn triggers_reach_the_environment_receivers_and_files() {
    let python = "import json\nimport os\n\ndef port():\n    return int(os.environ[\"PORT\"])\n\ndef settings(path):\n    with open(path) as handle:\n        return json.load(handle)\n\nclass Cart:\n    def __init__(self, items):\n        self.items = items\n\n    def mean(self):\n        return sum(self.items) / len(self.items)\n";
    let js = "export function port() {\n  return process.env.PORT.trim();\n}\n\nexport function token(header) {\n  return header.split(' ')[1].trim();\n}\n";
    insta::assert_snapshot!(
        [
            ("app.py", python, "os.environ[\"PORT\"]"),
            ("app.py", python, "int(os.environ[\"PORT\"])"),
            ("app.py", python, "json.load(handle)"),
            ("app.py", python, "sum(self.items) / len(self.items)"),
            ("app.js", js, "process.env.PORT.trim"),
            ("app.js", js, "header.split(' ')[1].trim"),
        ]
        .map(|(path, source, s)| format!("{s}: {}", trigger_of(path, source, s)))
        .join("\n"),
        @r#"
    os.environ["PORT"]: Env("PORT") = None
    int(os.environ["PORT"]): Env("PORT") = 'N/A'
    json.load(handle): Param("path") = '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>'
    sum(self.items) / len(self.items): Field("items") = []
    process.env.PORT.trim: Env("PORT") = undefined
    header.split(' ')[1].trim: Param("header") = 'token'
    "#
    );
}
