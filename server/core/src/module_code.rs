//! How the hazards of the module's own code are cached: what runs outside
//! every function (a Python module's top level, a Go package's variable
//! initialisers, a Java class's field initialisers, a script's statements),
//! which the function index holds as one more function
//! ([`crate::functions::FunctionKind::Module`]) whose stretches
//! ([`crate::functions::FunctionIndex::module_stretches`]) are its own.
//!
//! Its stretches move whenever a function above them grows, so its hazards
//! are cached by the stretches' text, with offsets counted along the
//! stretches laid end to end: typing inside a function neither analyses the
//! module again nor changes what it found.

use std::ops::Range;

use ropey::Rope;
use xxhash_rust::xxh3::Xxh3;

use crate::hazards::Hazard;

/// The key the module's hazards are cached under: the stretches' text, each
/// with its length, and the file context.
pub fn key(rope: &Rope, stretches: &[Range<usize>], context_hash: u64) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(b"<module>");
    for stretch in stretches {
        hasher.update(&(stretch.len() as u64).to_le_bytes());
        for chunk in rope.byte_slice(stretch.clone()).chunks() {
            hasher.update(chunk.as_bytes());
        }
    }
    hasher.update(&context_hash.to_le_bytes());
    hasher.digest()
}

/// Hazards found in the file (offsets from its start) with offsets along
/// the stretches laid end to end, which stay true while only functions
/// change. A hazard not starting in a stretch is dropped; one running past
/// its stretch's end (a call whose callback is a function of its own) ends
/// there.
pub fn packed(hazards: &[Hazard], stretches: &[Range<usize>]) -> Vec<Hazard> {
    hazards
        .iter()
        .filter_map(|hazard| {
            let mut before = 0;
            for stretch in stretches {
                if stretch.contains(&hazard.start) {
                    let end = hazard.end.clamp(hazard.start, stretch.end);
                    return Some(Hazard {
                        start: before + hazard.start - stretch.start,
                        end: before + end - stretch.start,
                        ..hazard.clone()
                    });
                }
                before += stretch.len();
            }
            None
        })
        .collect()
}

/// [`packed`] hazards back at their place in the file.
pub fn unpacked(hazards: &[Hazard], stretches: &[Range<usize>]) -> Vec<Hazard> {
    hazards
        .iter()
        .filter_map(|hazard| {
            let mut before = 0;
            for stretch in stretches {
                if hazard.start < before + stretch.len() {
                    let at = stretch.start - before;
                    return Some(Hazard {
                        start: hazard.start + at,
                        end: hazard.end + at,
                        ..hazard.clone()
                    });
                }
                before += stretch.len();
            }
            None
        })
        .collect()
}

/// The key of the module's rendering: where its hazards are now and the
/// lines they are on, which a trace quotes; a module with no hazards, or
/// whose hazards did not move, keeps its rendering.
pub fn render_key(key: u64, hazards: &[&Hazard], rope: &Rope) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&key.to_le_bytes());
    let len = rope.len_bytes();
    for hazard in hazards {
        hasher.update(&(hazard.start as u64).to_le_bytes());
        hasher.update(&(hazard.end as u64).to_le_bytes());
        let first = rope.byte_to_line(hazard.start.min(len));
        let last = rope.byte_to_line(hazard.end.min(len));
        hasher.update(&(first as u64).to_le_bytes());
        let from = rope.line_to_byte(first);
        let to = rope.line_to_byte((last + 1).min(rope.len_lines()));
        for chunk in rope.byte_slice(from..to.max(from)).chunks() {
            hasher.update(chunk.as_bytes());
        }
    }
    hasher.digest()
}
