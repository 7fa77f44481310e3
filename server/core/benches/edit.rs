//! Edit → analysis, in process: the edits `scripts/bench_edit_latency.py`
//! sends the server (a line `ratio_bench = 1 / <param>` added at the top of
//! one function, removed on the next visit) on the same two 10,000-line
//! files, standard-library Python and the generated hazard-dense one, each
//! applied to the document, reparsed and analysed against the previous
//! analysis, as the server's worker does. Prints p50/p90 of each stage
//! beside a from-scratch parse and analysis of the same text, measured in
//! the same run.
//!
//! `cargo bench --bench edit` measures; under `cargo test --benches` it runs
//! a few edits as a smoke test. The files come from the script's own
//! `python_file()` and `dense_file()` (Python 3 must be on PATH).

use std::process::Command;
use std::time::{Duration, Instant};

use failcast_core::analysis::analyze;
use failcast_core::calls::CallIndex;
use failcast_core::config::Config;
use failcast_core::context::Context;
use failcast_core::document::{Document, TextChange};
use failcast_core::language::Language;
use failcast_core::position::{Position, PositionEncoding};

/// The file the script's `function` (`python_file` or `dense_file`) makes.
fn script_file(function: &str) -> Option<String> {
    let scripts = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts");
    let code = format!(
        "import sys; sys.path.insert(0, sys.argv[1]); import bench_edit_latency as b; sys.stdout.write(b.{function}())"
    );
    let output = Command::new("python3")
        .args(["-c", &code, scripts])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).ok())
        .flatten()
}

/// (line, indent, parameter) of each function's first statement with a
/// parameter other than self/cls: where the script's edits go.
fn edit_points(text: &str) -> Vec<(u32, String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut points = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("def ") || !trimmed.trim_end().ends_with("):") {
            continue;
        }
        let Some(params) = trimmed.split_once('(').map(|(_, p)| p) else {
            continue;
        };
        let Some(param) = params
            .split([',', ')', ':', '='])
            .map(str::trim)
            .find(|p| !p.is_empty() && !matches!(*p, "self" | "cls") && !p.starts_with('*'))
        else {
            continue;
        };
        let Some(body) = lines.get(i + 1) else {
            continue;
        };
        let indent = body.len() - body.trim_start().len();
        if indent <= line.len() - trimmed.len() || body.trim().is_empty() {
            continue;
        }
        points.push(((i + 1) as u32, body[..indent].to_owned(), param.to_owned()));
    }
    points
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    for (name, function) in [
        ("standard-library", "python_file"),
        ("hazard-dense", "dense_file"),
    ] {
        let Some(text) = script_file(function) else {
            println!("edit: skipped, no python3 to build the file");
            return;
        };
        measure(name, &text, measuring);
    }
}

fn measure(name: &str, text: &str, measuring: bool) {
    let text = text.to_owned();
    let points = edit_points(&text);
    let edits = if measuring { 200 } else { 4 };
    let config = Config::default();
    let calls = CallIndex::default();
    let ctx = Context::new(&config, &calls);

    let mut scratch = Vec::new();
    for _ in 0..if measuring { 10 } else { 1 } {
        let started = Instant::now();
        let mut document = Document::new(&text, 1, Some(Language::Python));
        document.parse();
        let snapshot = document.snapshot();
        let tree = snapshot.tree.as_ref().expect("parses");
        let analysis = analyze(
            "bench.py",
            Language::Python,
            1,
            &snapshot.rope,
            tree,
            None,
            &ctx,
        );
        scratch.push(started.elapsed());
        drop(analysis);
    }

    let mut document = Document::new(&text, 1, Some(Language::Python));
    document.parse();
    let snapshot = document.snapshot();
    let mut previous = analyze(
        "bench.py",
        Language::Python,
        1,
        &snapshot.rope,
        snapshot.tree.as_ref().expect("parses"),
        None,
        &ctx,
    );
    let (mut parse, mut analysis_times, mut drops, mut total) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut inserted: Vec<bool> = vec![false; points.len()];
    for i in 0..edits {
        let k = (i * 7) % points.len();
        // Lines above the point moved by the lines inserted above it.
        let above: i64 = (0..points.len())
            .filter(|&j| inserted[j] && points[j].0 < points[k].0)
            .count() as i64;
        let line = (i64::from(points[k].0) + above) as u32;
        let change = if inserted[k] {
            TextChange::replace(Position::new(line, 0), Position::new(line + 1, 0), "")
        } else {
            let (_, indent, param) = &points[k];
            TextChange::replace(
                Position::new(line, 0),
                Position::new(line, 0),
                format!("{indent}ratio_bench = 1 / {param}\n"),
            )
        };
        inserted[k] = !inserted[k];
        let version = i as i32 + 2;
        let started = Instant::now();
        document.apply_changes(&[change], version, PositionEncoding::Utf16);
        document.parse();
        let parsed = started.elapsed();
        let snapshot = document.snapshot();
        let analysis = analyze(
            "bench.py",
            Language::Python,
            version,
            &snapshot.rope,
            snapshot.tree.as_ref().expect("parses"),
            Some(&previous),
            &ctx,
        );
        let analysed = started.elapsed();
        drop(std::mem::replace(&mut previous, analysis));
        total.push(started.elapsed());
        parse.push(parsed);
        analysis_times.push(analysed - parsed);
        drops.push(started.elapsed() - analysed);
    }
    println!(
        "edit -> analysis, {} lines of {name} Python, {} functions, {edits} edits",
        text.lines().count(),
        previous.functions.functions.len()
    );
    println!("{:<22} {:>10} {:>10} {:>10}", "stage", "min", "p50", "p90");
    for (name, samples) in [
        ("reparse", &mut parse),
        ("analyse", &mut analysis_times),
        ("drop previous", &mut drops),
        ("edit total", &mut total),
        ("from scratch (base)", &mut scratch),
    ] {
        println!(
            "{name:<22} {:>10.2?} {:>10.2?} {:>10.2?}",
            percentile(samples, 0.0),
            percentile(samples, 0.5),
            percentile(samples, 0.9)
        );
    }
}
