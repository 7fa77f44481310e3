//! What a scan of a piece of text found, kept by the text's hash. Typing
//! changes one function at a time, so the file-wide scans read each
//! function's text once and every later edit only the one that changed.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// Past this many entries the map is emptied: a workspace's worth of
/// functions that no longer exist is not kept for ever.
const BOUND: usize = 200_000;

pub(super) struct Memo<T>(LazyLock<Mutex<HashMap<u64, T>>>);

impl<T: Clone> Memo<T> {
    pub(super) const fn new() -> Memo<T> {
        Memo(LazyLock::new(|| Mutex::new(HashMap::new())))
    }

    /// `scan(text)`, or what it returned for the same text before.
    pub(super) fn get(&self, text: &str, scan: impl FnOnce(&str) -> T) -> T {
        let key = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > BOUND {
            map.clear();
        }
        map.entry(key).or_insert_with(|| scan(text)).clone()
    }
}

/// Every name `scan` finds in the file's segments, each segment's answer
/// kept in `memo` by the segment's hash, sorted and without repeats: what
/// the file-wide name scans (nullable names, guarded fields, tables,
/// compiled patterns) return.
pub(super) fn names_in_segments(
    memo: &Memo<Vec<String>>,
    segments: &[&str],
    scan: impl Fn(&str) -> Vec<String>,
) -> Vec<String> {
    let mut names: Vec<String> = segments
        .iter()
        .flat_map(|segment| memo.get(segment, &scan))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A file's text cut where its top-level functions start and end: each
/// function, and each stretch between two (imports, fields, globals).
pub(super) fn segments<'t>(text: &'t str, index: &crate::functions::FunctionIndex) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut at = 0;
    for function in index.defined().filter(|f| f.parent.is_none()) {
        let (start, end) = (
            function.range.start.min(text.len()),
            function.range.end.min(text.len()),
        );
        if start < at || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push(&text[at..start]);
        out.push(&text[start..end]);
        at = end;
    }
    out.push(&text[at..]);
    out
}
