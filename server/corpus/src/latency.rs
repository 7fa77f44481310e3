//! `failcast corpus latency`: how long the lookups the editor and `check`
//! make take on this corpus, so a team can compare its PostgreSQL server
//! with a local SQLite file before pointing every editor at it.
//!
//! The queries are the real ones: a file's failures (`failures_in`, once
//! per keystroke-driven analysis) and full-text retrieval (`similar`, once
//! per function in a model prompt), with paths and words taken from the
//! corpus itself so that they find something.

use std::time::{Duration, Instant};

use crate::error::Result;
use serde::Serialize;

use super::store::Corpus;

/// Latency percentiles of one kind of query, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Percentiles {
    pub queries: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    pub failures_in: Percentiles,
    pub similar: Percentiles,
    /// Each retrieval's top three, as `error type: message @ function`, so
    /// that two backends holding the same data can be compared.
    pub similar_top: Vec<Vec<String>>,
}

fn percentiles(mut times: Vec<Duration>) -> Percentiles {
    if times.is_empty() {
        return Percentiles::default();
    }
    times.sort();
    let at = |q: f64| {
        let index = ((times.len() - 1) as f64 * q).round() as usize;
        times[index].as_secs_f64() * 1000.0
    };
    Percentiles {
        queries: times.len(),
        p50_ms: at(0.5),
        p95_ms: at(0.95),
        max_ms: at(1.0),
    }
}

/// Runs `queries` lookups of each kind and returns their latencies.
pub fn measure(corpus: &Corpus, queries: usize) -> Result<Latency> {
    let failures = corpus.all_failures()?;
    let mut paths: Vec<String> = failures
        .iter()
        .filter_map(|f| f.function_path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    if paths.is_empty() {
        // Nothing maps to the workspace: a path that finds nothing still
        // measures the round trip.
        paths.push("src/none.py".to_owned());
    }
    let mut words: Vec<String> = failures
        .iter()
        .flat_map(|f| {
            f.error_type
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .chain(
                    f.message
                        .split(|c: char| !(c.is_alphanumeric() || c == '_')),
                )
                .filter(|w| w.len() >= 4)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    if words.is_empty() {
        words.push("error".to_owned());
    }
    let mut by_path = Vec::with_capacity(queries);
    let mut by_text = Vec::with_capacity(queries);
    let mut similar_top = Vec::with_capacity(queries);
    // Words a query apart, so that queries mix unrelated failures.
    let stride = (words.len() / 12).max(1);
    for i in 0..queries {
        let started = Instant::now();
        corpus.failures_in(&paths[i % paths.len()])?;
        by_path.push(started.elapsed());
        // Twelve words a query, as a function's rarest identifiers would be.
        let terms: Vec<String> = (0..12)
            .map(|k| words[(i + k * stride) % words.len()].clone())
            .collect();
        let started = Instant::now();
        let found = corpus.similar(&terms, 3)?;
        by_text.push(started.elapsed());
        similar_top.push(
            found
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} @ {}",
                        f.error_type,
                        f.message,
                        f.function_name.as_deref().unwrap_or("?")
                    )
                })
                .collect(),
        );
    }
    Ok(Latency {
        failures_in: percentiles(by_path),
        similar: percentiles(by_text),
        similar_top,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_few_samples() {
        let ms = |n| Duration::from_millis(n);
        let p = percentiles(vec![ms(5), ms(1), ms(3), ms(2), ms(4)]);
        assert_eq!((p.queries, p.p50_ms, p.max_ms), (5, 3.0, 5.0));
        assert_eq!(percentiles(Vec::new()).queries, 0);
    }
}
