//! Every precise hazard and broad candidate of a file's functions, ranked
//! as the analysis ranks them, with the score and the operation: what a
//! rule's author reads to see why a candidate is missing or outranked.
//!
//! `cargo run -q -p failcast-core --example candidates -- FILE [FUNCTION]`

use failcast_core::functions::index_functions;
use failcast_core::hazards::{self, candidates};
use failcast_core::language::Language;
use std::io::Write;

use ropey::Rope;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: candidates FILE [FUNCTION]");
        std::process::exit(2);
    };
    let only = args.next();
    let path = std::path::Path::new(&path);
    let Some(language) = Language::from_path(path) else {
        eprintln!("{}: not a language failcast reads", path.display());
        std::process::exit(2);
    };
    let text = String::from_utf8_lossy(&std::fs::read(path).expect("readable file")).into_owned();
    let rope = Rope::from_str(&text);
    let tree = failcast_core::syntax::parse_rope(language, &rope, None).expect("a parser");
    let index = index_functions(language, &tree, &rope, &path.to_string_lossy());
    let facts = candidates::FileFacts::of(language, &tree, &rope, &index);
    // A closed pipe (`| head`) ends the listing quietly.
    let mut out = std::io::stdout().lock();
    for function in &index.functions {
        if only.as_deref().is_some_and(|name| name != function.name) {
            continue;
        }
        let precise = hazards::function_hazards(language, &tree, &rope, function, &index, &facts);
        let broad = candidates::function_candidates(
            language, &tree, &rope, function, &index, &precise, &facts,
        );
        if precise.is_empty() && broad.is_empty() {
            continue;
        }
        if writeln!(out, "{} (line {})", function.id, function.start_line + 1).is_err() {
            return;
        }
        for (kind, hazard) in precise
            .iter()
            .map(|h| ("precise", h))
            .chain(broad.iter().map(|h| ("candidate", h)))
        {
            let mut line = format!(
                "  {:>4} {:<20} {:.3} {:<9} {:<14} {}",
                hazards::Hazard::line_of(hazard.start, function, &rope) + 1,
                hazard.class.as_str(),
                hazard.likelihood,
                kind,
                hazard.rule,
                hazard.subject
            );
            if std::env::var_os("TRIGGERS").is_some() {
                line.push_str(&format!("\n       {}", hazard.trigger));
            }
            if writeln!(out, "{line}").is_err() {
                return;
            }
        }
    }
}
