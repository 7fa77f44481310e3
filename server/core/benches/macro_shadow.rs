//! Edit → analysis of a Rust file whose `macro_rules!` definitions stamp out
//! functions, in process: a generated 10,000-line file (numeric-crate style
//! macros with item bodies among ordinary functions), one line added to a
//! function and removed on the next visit, applied, reparsed and analysed
//! as the server's worker does. Beside it, in the same run, the two ways to
//! build the file's shadow tree (`macro_bodies`): reparsed from the
//! previous version's, as the analysis does, and from scratch.
//!
//! `cargo bench --bench macro_shadow` measures; under `cargo test
//! --benches` it runs a few edits as a smoke test.

use std::time::{Duration, Instant};

use failcast_core::analysis::analyze;
use failcast_core::calls::CallIndex;
use failcast_core::config::Config;
use failcast_core::context::Context;
use failcast_core::document::{Document, TextChange};
use failcast_core::language::Language;
use failcast_core::macro_bodies::shadow;
use failcast_core::position::{Position, PositionEncoding};

/// A macro implementing three small numeric functions for a type.
fn numeric_macro(n: usize) -> String {
    format!(
        "macro_rules! impl_ratio_{n} {{\n    ($T:ty) => {{\n        impl Ratio{n} for $T {{\n            fn ratio(&self, other: &Self) -> Self {{\n                *self / *other\n            }}\n\n            fn first(items: &[Self]) -> Self {{\n                items[0]\n            }}\n\n            fn scaled(&self, by: u32) -> Self {{\n                let factor = <$T>::from(by);\n                *self * factor\n            }}\n        }}\n    }};\n}}\n\nimpl_ratio_{n}!(u32);\nimpl_ratio_{n}!(u64);\n\n"
    )
}

/// An ordinary function of about 16 lines.
fn function(n: usize) -> String {
    format!(
        "pub fn handler_{n}(items: &[Item], limit: u64) -> Result<u64, Error> {{\n    // Sum prices up to the limit.\n    let mut total = 0u64;\n    for item in items {{\n        let price = item.price.checked_mul(item.qty).ok_or(Error::Overflow)?;\n        total = total.saturating_add(price);\n        if total > limit {{\n            return Err(Error::Limit({n}));\n        }}\n    }}\n    let name = format!(\"order-{{}}\", {n});\n    tracing::info!(%name, total, \"computed\");\n    Ok(total)\n}}\n\n"
    )
}

/// The file, and the line after each ordinary function's opening line.
fn generate(lines: usize) -> (String, Vec<u32>) {
    let mut text = String::new();
    let mut points = Vec::new();
    let mut n = 0;
    while text.lines().count() < lines {
        if n % 12 == 0 {
            text.push_str(&numeric_macro(n));
        } else {
            points.push(text.lines().count() as u32 + 1);
            text.push_str(&function(n));
        }
        n += 1;
    }
    (text, points)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let edits = if measuring { 200 } else { 4 };
    let (text, points) = generate(10_000);
    let config = Config::default();
    let calls = CallIndex::default();
    let ctx = Context::new(&config, &calls);

    let mut document = Document::new(&text, 1, Some(Language::Rust));
    document.parse();
    let snapshot = document.snapshot();
    let first = snapshot.tree.as_ref().expect("parses");
    let mut previous = analyze(
        "bench.rs",
        Language::Rust,
        1,
        &snapshot.rope,
        first,
        None,
        &ctx,
    );
    let mut previous_shadow = shadow(Language::Rust, first, &snapshot.rope, None);
    assert!(previous_shadow.is_some(), "the file has item macros");

    let (mut total, mut incremental, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
    let mut inserted = vec![false; points.len()];
    for i in 0..edits {
        let k = (i * 7) % points.len();
        let above = (0..points.len())
            .filter(|&j| inserted[j] && points[j] < points[k])
            .count() as u32;
        let line = points[k] + above;
        let change = if inserted[k] {
            TextChange::replace(Position::new(line, 0), Position::new(line + 1, 0), "")
        } else {
            TextChange::replace(
                Position::new(line, 0),
                Position::new(line, 0),
                "    let ratio_bench = 1 / limit;\n",
            )
        };
        inserted[k] = !inserted[k];
        let version = i as i32 + 2;

        let started = Instant::now();
        document.apply_changes(&[change], version, PositionEncoding::Utf16);
        document.parse();
        let snapshot = document.snapshot();
        let tree = snapshot.tree.as_ref().expect("parses");
        let analysis = analyze(
            "bench.rs",
            Language::Rust,
            version,
            &snapshot.rope,
            tree,
            Some(&previous),
            &ctx,
        );
        drop(std::mem::replace(&mut previous, analysis));
        total.push(started.elapsed());

        let started = Instant::now();
        let next = shadow(
            Language::Rust,
            tree,
            &snapshot.rope,
            previous_shadow.as_ref(),
        );
        incremental.push(started.elapsed());
        let started = Instant::now();
        let fresh = shadow(Language::Rust, tree, &snapshot.rope, None);
        scratch.push(started.elapsed());
        assert_eq!(
            next.as_ref().map(|s| s.tree().root_node().to_sexp()),
            fresh.map(|s| s.tree().root_node().to_sexp()),
            "an incremental shadow is the fresh one"
        );
        previous_shadow = next;
    }
    println!(
        "edit -> analysis, {} lines of Rust with item macros, {} functions, {edits} edits",
        text.lines().count(),
        previous.functions.functions.len()
    );
    println!("{:<28} {:>10} {:>10} {:>10}", "stage", "min", "p50", "p90");
    for (name, samples) in [
        ("edit total (incremental)", &mut total),
        ("shadow, incremental", &mut incremental),
        ("shadow, from scratch (base)", &mut scratch),
    ] {
        println!(
            "{name:<28} {:>10.2?} {:>10.2?} {:>10.2?}",
            percentile(samples, 0.0),
            percentile(samples, 0.5),
            percentile(samples, 0.9)
        );
    }
}
