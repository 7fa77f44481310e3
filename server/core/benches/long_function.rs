//! One long function against the same statements in short ones: a rule
//! that reads the whole function (or file) at every operator costs a long
//! function its length squared, which the split file never shows. Full
//! parse and analysis of both, per language, in the same run; the ratio
//! long / split stays near 1 while the rules are linear.
//!
//! `cargo bench --bench long_function` measures on 20,000 statements;
//! under `cargo test --benches` it runs 500 as a smoke test.

use std::time::{Duration, Instant};

use failcast_core::analysis::analyze;
use failcast_core::calls::CallIndex;
use failcast_core::config::Config;
use failcast_core::context::Context;
use failcast_core::document::Document;
use failcast_core::language::Language;

/// `statements` counter steps, in one function or in functions of ten.
fn source(language: Language, statements: usize, per_function: usize) -> String {
    let functions = statements.div_ceil(per_function);
    let mut out = String::new();
    for f in 0..functions {
        let (open, step, close) = match language {
            Language::Python => (
                format!("def step_{f}(p):\n    i = 0\n    while True:\n"),
                "        i += 1\n",
                "        if p.done():\n            return i\n\n\n",
            ),
            Language::Rust => (
                format!("fn step_{f}(p: &mut P) -> u64 {{\n    let mut i = 0u64;\n    loop {{\n"),
                "        i += 1;\n",
                "        if p.done() {\n            return i;\n        }\n    }\n}\n\n",
            ),
            _ => (
                format!("function step{f}(p) {{\n  let i = 0;\n  while (true) {{\n"),
                "    i += 1;\n",
                "    if (p.done()) return i;\n  }\n}\n\n",
            ),
        };
        out.push_str(&open);
        for _ in 0..per_function.min(statements - f * per_function) {
            out.push_str(step);
        }
        out.push_str(close);
    }
    out
}

fn analysed(language: Language, text: &str) -> Duration {
    let config = Config::default();
    let calls = CallIndex::default();
    let ctx = Context::new(&config, &calls);
    let started = Instant::now();
    let mut document = Document::new(text, 1, Some(language));
    document.parse();
    let snapshot = document.snapshot();
    let tree = snapshot.tree.as_ref().expect("parses");
    let analysis = analyze("bench", language, 1, &snapshot.rope, tree, None, &ctx);
    let elapsed = started.elapsed();
    assert!(!analysis.functions.functions.is_empty());
    elapsed
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let statements = if measuring { 20_000 } else { 500 };
    println!("long_function: {statements} statements, one function vs functions of ten");
    for language in [Language::Python, Language::Rust, Language::JavaScript] {
        let long = analysed(language, &source(language, statements, statements));
        let split = analysed(language, &source(language, statements, 10));
        println!(
            "{:<12} one function {:>9.1} ms   split {:>9.1} ms   ratio {:>6.2}",
            language.name(),
            long.as_secs_f64() * 1e3,
            split.as_secs_f64() * 1e3,
            long.as_secs_f64() / split.as_secs_f64().max(1e-9)
        );
    }
}
