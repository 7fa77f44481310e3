//! Replays the checked-in fuzz seed corpus (`server/failcast/fuzz/corpus/<target>/`)
//! through the same harnesses the `cargo fuzz` targets run, as an ordinary
//! test: cheap, and a regression found by fuzzing stays fixed once its
//! input is added to the corpus.

#[path = "../../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a corpus entry").path();
        let bytes = std::fs::read(&path).expect("a readable corpus file");
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{} fails on {}", target, path.display());
        inputs += 1;
    }
    assert!(inputs > 0, "no seed inputs in {}", dir.display());
}

#[test]
fn document_corpus() {
    replay("document", harness::document);
}

#[test]
fn framing_corpus() {
    replay("framing", harness::framing);
}

#[test]
fn model_output_corpus() {
    replay("model_output", harness::model_output);
}

#[test]
fn ingest_corpus() {
    replay("ingest", harness::ingest);
}
