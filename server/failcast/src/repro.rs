//! `failcast eval --repro`: whether the tests failcast writes reproduce
//! their predictions, on fixture projects (`<language>/buggy` and
//! `<language>/fixed`, as in `tests/fixtures/repro`) or on the real-bug
//! benchmark's before and after files (`scripts/realbugs.py fetch`), where
//! each case's function is tested alone and a case whose file cannot run
//! without the rest of its project is named with the reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use failcast_core::language::Language;
use failcast_core::testgen::repro::{self, Report};
use serde::Deserialize;

/// Fixture projects or benchmark cases under `dir`, as a printed table.
pub fn run(
    dir: &Path,
    language: Option<&str>,
    verbose: bool,
    candidates: bool,
) -> Result<String, String> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|err| format!("cannot read {}: {err}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    if entries.iter().any(|p| p.join("case.json").is_file()) {
        realbugs(entries, language, verbose, candidates)
    } else {
        fixtures(entries, language, verbose, candidates)
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("failcast-repro-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn fixtures(
    dirs: Vec<PathBuf>,
    only: Option<&str>,
    verbose: bool,
    candidates: bool,
) -> Result<String, String> {
    let mut reports = Vec::new();
    let mut dirs = dirs;
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Some(language) = repro::language_of(&name) else {
            continue;
        };
        if only.is_some_and(|l| l != name) || !dir.join("buggy").is_dir() {
            continue;
        }
        let work = scratch(&name);
        reports.push(repro::reproduce(
            language,
            &dir.join("buggy"),
            &dir.join("fixed"),
            &work,
            repro::Scope {
                line: None,
                candidates,
            },
        ));
        let _ = std::fs::remove_dir_all(&work);
    }
    if reports.is_empty() {
        return Err("no <language>/buggy projects here".to_owned());
    }
    let mut out = repro::table(&reports);
    if verbose {
        out.push('\n');
        for report in &reports {
            out.push_str(&repro::details(report));
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct Side {
    /// Inside the published package.
    file: String,
    /// 1-based line of the failure.
    line: usize,
    /// Inside the case folder.
    path: String,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    language: String,
    before: Side,
    after: Side,
}

/// Where the case's file goes in a project of its own, and the manifest
/// the language needs beside it.
fn layout(language: Language, file: &str, source: &str) -> (String, Vec<(String, String)>) {
    let name = file.rsplit('/').next().unwrap_or(file);
    match language {
        Language::Python => {
            let path = file.to_owned();
            // Empty packages above it, so the module imports by its own name.
            let mut extra = Vec::new();
            let mut dir = Path::new(&path).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                let init = d.join("__init__.py").to_string_lossy().into_owned();
                if init != path {
                    extra.push((init, String::new()));
                }
                dir = d.parent();
            }
            (path, extra)
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            let module = source.contains("export ") || source.contains("import ");
            let manifest = if module {
                r#"{ "private": true, "type": "module" }"#
            } else {
                r#"{ "private": true }"#
            };
            (
                file.to_owned(),
                vec![("package.json".to_owned(), manifest.to_owned())],
            )
        }
        Language::Go => (
            name.to_owned(),
            vec![(
                "go.mod".to_owned(),
                "module example.com/realbug\n\ngo 1.19\n".to_owned(),
            )],
        ),
        Language::Java => {
            let package = source
                .lines()
                .find_map(|l| l.trim().strip_prefix("package "))
                .map(|p| p.trim_end_matches(';').trim().replace('.', "/"));
            let path = match package {
                Some(package) => format!("src/main/java/{package}/{name}"),
                None => format!("src/main/java/{name}"),
            };
            (path, Vec::new())
        }
        Language::Rust => (
            "src/lib.rs".to_owned(),
            vec![(
                "Cargo.toml".to_owned(),
                "[package]\nname = \"realbug\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n"
                    .to_owned(),
            )],
        ),
    }
}

/// A project holding one side of a case.
fn project(dir: &Path, language: Language, file: &str, text: &str) -> std::io::Result<()> {
    let (path, extra) = layout(language, file, text);
    for (relative, content) in extra.iter().chain([(path, text.to_owned())].iter()) {
        let target = dir.join(relative);
        std::fs::create_dir_all(target.parent().unwrap_or(dir))?;
        std::fs::write(target, content)?;
    }
    Ok(())
}

#[derive(Default)]
struct Row {
    cases: usize,
    predictions: usize,
    offered: usize,
    good: usize,
    misleading: usize,
    runnable: usize,
    alone: BTreeMap<String, usize>,
}

fn realbugs(
    dirs: Vec<PathBuf>,
    only: Option<&str>,
    verbose: bool,
    candidates: bool,
) -> Result<String, String> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut lines = String::new();
    let mut dirs = dirs;
    dirs.sort();
    for dir in dirs {
        let Ok(text) = std::fs::read_to_string(dir.join("case.json")) else {
            continue;
        };
        let case: Case = serde_json::from_str(&text)
            .map_err(|err| format!("{}: {err}", dir.join("case.json").display()))?;
        if only.is_some_and(|l| l != case.language) {
            continue;
        }
        let Some(language) = repro::language_of(&case.language) else {
            continue;
        };
        let read = |side: &Side| std::fs::read_to_string(dir.join(&side.path)).unwrap_or_default();
        let work = scratch(&case.id);
        let (buggy, fixed) = (work.join("before"), work.join("after"));
        let written = project(&buggy, language, &case.before.file, &read(&case.before))
            .and_then(|()| project(&fixed, language, &case.before.file, &read(&case.after)));
        if let Err(err) = written {
            return Err(format!("{}: {err}", case.id));
        }
        let _ = (&case.after.file, case.after.line);
        let report = repro::reproduce(
            language,
            &buggy,
            &fixed,
            &work.join("run"),
            repro::Scope {
                line: Some(case.before.line),
                candidates,
            },
        );
        let _ = std::fs::remove_dir_all(&work);
        let row = rows.entry(case.language.clone()).or_default();
        row.cases += 1;
        row.predictions += report.outcomes.len();
        row.offered += report.offered();
        row.good += report.good();
        let alone = repro::cannot_run_alone(&report);
        // A test that cannot run without the rest of its project says
        // nothing of the generator.
        if alone.is_none() {
            row.misleading += report.misleading();
        }
        match &alone {
            Some(reason) => *row.alone.entry(kind_of(reason)).or_default() += 1,
            None if report.offered() > 0 => row.runnable += 1,
            None => {}
        }
        if verbose {
            lines.push_str(&case_line(&case.id, &report, alone.as_deref()));
        }
    }
    let mut out = String::from(
        "language    cases  predictions  offered  reproducing  misleading  ran-alone  cannot-run-alone\n",
    );
    for (language, row) in &rows {
        let alone: Vec<String> = row.alone.iter().map(|(k, n)| format!("{n} {k}")).collect();
        out.push_str(&format!(
            "{language:<11} {:>5}  {:>11}  {:>7}  {:>11}  {:>10}  {:>9}  {}\n",
            row.cases,
            row.predictions,
            row.offered,
            row.good,
            row.misleading,
            row.runnable,
            alone.join(", ")
        ));
    }
    if verbose {
        out.push('\n');
        out.push_str(&lines);
    }
    Ok(out)
}

/// The reason a case's file cannot run alone, in a few words.
fn kind_of(reason: &str) -> String {
    let kinds = [
        ("ModuleNotFoundError", "imports its project or a package"),
        ("ImportError", "imports its project or a package"),
        ("ERR_MODULE_NOT_FOUND", "imports its project or a package"),
        ("Cannot find module", "imports its project or a package"),
        ("does not provide an export", "not an ES module"),
        ("Cannot use import", "not an ES module"),
        ("cannot find symbol", "uses its project's classes"),
        ("does not exist", "uses its project's classes"),
        ("undefined:", "uses its package's other files"),
        ("no required module", "imports other modules"),
        ("cannot find module providing", "imports other modules"),
        ("is not in std", "imports other modules"),
        ("error[E", "uses its crate's other modules"),
        ("could not compile", "uses its crate's other modules"),
    ];
    kinds
        .iter()
        .find(|(pattern, _)| reason.contains(pattern))
        .map_or("does not run alone", |(_, kind)| kind)
        .to_owned()
}

fn case_line(id: &str, report: &Report, alone: Option<&str>) -> String {
    let mut line = format!(
        "{id}: {} predictions, {} offered, {} reproducing",
        report.outcomes.len(),
        report.offered(),
        report.good()
    );
    if let Some(reason) = alone {
        line.push_str(&format!("; cannot run alone: {reason}"));
    }
    line.push('\n');
    for o in &report.outcomes {
        match &o.test {
            Err(why) => line.push_str(&format!(
                "    {}:{} {}: no test: {why}\n",
                o.line, o.class, o.function
            )),
            Ok(name) if o.misleading() => line.push_str(&format!(
                "    {}:{} {}: {name} {}: {}\n",
                o.line,
                o.class,
                o.function,
                if o.reproduced {
                    "fails after the fix"
                } else {
                    "does not fail as predicted"
                },
                failcast_core::text::one_line(&o.buggy_output, 300)
            )),
            Ok(_) => {}
        }
    }
    line
}
