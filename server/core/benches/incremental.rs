//! Incremental reparse benchmark: on a generated 10,000-line file per
//! language, one small edit → incremental reparse → changed-function set,
//! side by side with a full parse (and index) of the same file, in the same
//! run. Prints p50/p99 of both and their ratio.
//!
//! `cargo bench --bench incremental` measures; under `cargo test --benches`
//! it runs a few iterations as a smoke test.

use std::time::{Duration, Instant};

use failcast_core::document::{Document, TextChange};
use failcast_core::functions::{
    IndexCache, changed_functions, index_functions, index_functions_cached,
};
use failcast_core::language::Language;
use failcast_core::position::{Position, PositionEncoding};

/// A realistic-looking function of about 16 lines, in each language.
fn function(language: Language, n: usize) -> String {
    match language {
        Language::Python => format!(
            "def handler_{n}(event, context):\n    \"\"\"Handles event {n}.\"\"\"\n    body = event.get(\"body\") or {{}}\n    items = body.get(\"items\", [])\n    total = 0\n    for item in items:\n        # price may be missing\n        price = item.get(\"price\", 0)\n        total += price * item.get(\"qty\", 1)\n    if total > {n}:\n        log.info(\"large order %s\", total)\n    result = {{\"total\": total, \"count\": len(items)}}\n    return result\n\n\n"
        ),
        Language::Rust => format!(
            "pub fn handler_{n}(items: &[Item], limit: u64) -> Result<u64, Error> {{\n    // Sum prices up to the limit.\n    let mut total = 0u64;\n    for item in items {{\n        let price = item.price.checked_mul(item.qty).ok_or(Error::Overflow)?;\n        total = total.saturating_add(price);\n        if total > limit {{\n            return Err(Error::Limit({n}));\n        }}\n    }}\n    let name = format!(\"order-{{}}\", {n});\n    tracing::info!(%name, total, \"computed\");\n    Ok(total)\n}}\n\n"
        ),
        Language::Go => format!(
            "func Handler{n}(items []Item, limit int) (int, error) {{\n\t// Sum prices up to the limit.\n\ttotal := 0\n\tfor _, item := range items {{\n\t\tprice := item.Price * item.Qty\n\t\ttotal += price\n\t\tif total > limit {{\n\t\t\treturn 0, fmt.Errorf(\"limit %d\", {n})\n\t\t}}\n\t}}\n\tname := fmt.Sprintf(\"order-%d\", {n})\n\tlog.Printf(\"%s %d\", name, total)\n\treturn total, nil\n}}\n\n"
        ),
        Language::Java => format!(
            "    public int handler{n}(List<Item> items, int limit) {{\n        // Sum prices up to the limit.\n        int total = 0;\n        for (Item item : items) {{\n            int price = item.getPrice() * item.getQty();\n            total += price;\n            if (total > limit) {{\n                throw new IllegalStateException(\"limit \" + {n});\n            }}\n        }}\n        String name = String.format(\"order-%d\", {n});\n        log.info(name + total);\n        return total;\n    }}\n\n"
        ),
        Language::TypeScript | Language::Tsx => format!(
            "export async function handler{n}(items: Item[], limit: number): Promise<number> {{\n  // Sum prices up to the limit.\n  let total = 0;\n  for (const item of items) {{\n    const price = item.price * (item.qty ?? 1);\n    total += price;\n    if (total > limit) {{\n      throw new Error(`limit ${{{n}}}`);\n    }}\n  }}\n  const name = `order-${{{n}}}`;\n  logger.info({{ name, total }});\n  return total;\n}}\n\n"
        ),
        Language::JavaScript => format!(
            "export async function handler{n}(items, limit) {{\n  // Sum prices up to the limit.\n  let total = 0;\n  for (const item of items) {{\n    const price = item.price * (item.qty ?? 1);\n    total += price;\n    if (total > limit) {{\n      throw new Error(`limit ${{{n}}}`);\n    }}\n  }}\n  const name = `order-${{{n}}}`;\n  logger.info({{ name, total }});\n  return total;\n}}\n\n"
        ),
    }
}

/// A file of at least `lines` lines.
pub fn generate(language: Language, lines: usize) -> String {
    let (head, tail) = match language {
        Language::Java => ("package com.acme;\n\npublic class Orders {\n", "}\n"),
        Language::Go => ("package orders\n\n", ""),
        _ => ("", ""),
    };
    let mut out = String::from(head);
    let mut n = 0;
    while out.lines().count() < lines {
        out.push_str(&function(language, n));
        n += 1;
    }
    out.push_str(tail);
    out
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let iterations = if measuring { 400 } else { 3 };
    println!(
        "{:<11} {:>7} {:>12} {:>12} {:>12} {:>12} {:>8}",
        "language", "lines", "incr p50", "incr p99", "full p50", "full p99", "ratio"
    );
    for language in Language::ALL {
        let text = generate(language, 10_000);
        let lines = text.lines().count();
        let mut document = Document::new(&text, 1, Some(language));
        document.parse();
        let snapshot = document.snapshot();
        let (mut previous, mut cache) = index_functions_cached(
            language,
            snapshot.tree.as_ref().unwrap(),
            &snapshot.rope,
            "bench",
            &IndexCache::default(),
        );
        // Edit inside a function in the middle of the file: add and remove a
        // digit in a literal, alternately, so every iteration changes one function.
        let target_line = (lines / 2) as u32;
        let line_text = text.lines().nth(target_line as usize).unwrap();
        let column = line_text.find(|c: char| c.is_ascii_digit()).unwrap_or(0) as u32;
        let mut incremental = Vec::with_capacity(iterations);
        let mut version = 1;
        for i in 0..iterations {
            let change = if i % 2 == 0 {
                TextChange::replace(
                    Position::new(target_line, column),
                    Position::new(target_line, column),
                    "7",
                )
            } else {
                TextChange::replace(
                    Position::new(target_line, column),
                    Position::new(target_line, column + 1),
                    "",
                )
            };
            version += 1;
            let started = Instant::now();
            document.apply_changes(&[change], version, PositionEncoding::Utf16);
            let t_apply = started.elapsed();
            document.parse();
            let t_parse = started.elapsed();
            let snapshot = document.snapshot();
            let (index, next_cache) = index_functions_cached(
                language,
                snapshot.tree.as_ref().unwrap(),
                &snapshot.rope,
                "bench",
                &cache,
            );
            cache = next_cache;
            let t_index = started.elapsed();
            let changes = changed_functions(&previous, &index);
            incremental.push(started.elapsed());
            if i == 5 && std::env::var_os("FAILCAST_BENCH_BREAKDOWN").is_some() {
                println!(
                    "  incremental: apply {t_apply:?} parse {:?} index {:?} diff {:?}",
                    t_parse - t_apply,
                    t_index - t_parse,
                    started.elapsed() - t_index
                );
            }
            assert_eq!(
                changes.changed.len(),
                1,
                "{language}: exactly one function changed"
            );
            previous = index;
        }
        let rope = ropey::Rope::from_str(&text);
        if std::env::var_os("FAILCAST_BENCH_BREAKDOWN").is_some() {
            let t = Instant::now();
            let tree = failcast_core::syntax::parse_rope(language, &rope, None).unwrap();
            let parse = t.elapsed();
            let t = Instant::now();
            let tree2 = failcast_core::syntax::parse_str(language, &text).unwrap();
            let parse_str = t.elapsed();
            let t = Instant::now();
            let index = index_functions(language, &tree, &rope, "bench");
            let indexing = t.elapsed();
            drop(tree2);
            println!(
                "  breakdown: parse(rope) {parse:?} parse(str) {parse_str:?} index {indexing:?} ({} functions)",
                index.functions.len()
            );
        }
        let mut full = Vec::with_capacity(iterations);
        for _ in 0..iterations.min(100) {
            let started = Instant::now();
            let tree = failcast_core::syntax::parse_rope(language, &rope, None).unwrap();
            let index = index_functions(language, &tree, &rope, "bench");
            full.push(started.elapsed());
            assert!(!index.functions.is_empty());
        }
        let (i50, i99) = (
            percentile(&mut incremental, 0.5),
            percentile(&mut incremental, 0.99),
        );
        let (f50, f99) = (percentile(&mut full, 0.5), percentile(&mut full, 0.99));
        println!(
            "{:<11} {:>7} {:>10.2}ms {:>10.2}ms {:>10.2}ms {:>10.2}ms {:>7.1}x",
            language.name(),
            lines,
            i50.as_secs_f64() * 1e3,
            i99.as_secs_f64() * 1e3,
            f50.as_secs_f64() * 1e3,
            f99.as_secs_f64() * 1e3,
            f50.as_secs_f64() / i50.as_secs_f64()
        );
    }
}
