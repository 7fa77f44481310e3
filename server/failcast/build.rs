//! Fingerprints the analysis this binary ships: the core crate's sources and
//! the grammars' queries. `failcast check` keys its persisted cache with it,
//! so that a binary whose rules changed never reads another's results, even
//! under the same version number.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let roots = [
        manifest.join("../core/src"),
        manifest.join("../../grammars"),
    ];
    let mut files = Vec::new();
    for root in &roots {
        println!("cargo:rerun-if-changed={}", root.display());
        collect(root, &mut files);
    }
    files.sort();
    // SipHash with fixed keys: the same sources give the same fingerprint.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in &files {
        let relative = file.strip_prefix(&manifest).unwrap_or(file);
        relative.to_string_lossy().hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=FAILCAST_ANALYSIS_HASH={:016x}",
        hasher.finish()
    );
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "scm") {
            files.push(path);
        }
    }
}
