//! Fault injection with the real default model: the model thread panics,
//! the model file is truncated while the server runs, the prediction cache
//! is corrupt, read-only or on a full disk; and (without the model) the
//! production corpus is corrupt or on read-only media. Each time the server keeps
//! publishing static predictions, tells the user exactly once, and writes
//! nothing into the workspace.
//!
//! The read-only and full-disk cases mount small tmpfs file systems, so
//! they need root (CI runs as root); they fail, not skip, without it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use failcast_e2e::{Server, uri};
use ls_types::TextDocumentContentChangeEvent;
use serde_json::{Value, json};

const SOURCE: &str = "import requests\n\n\ndef user_id(url):\n    body = requests.get(url, timeout=5).json()\n    return body[\"id\"]\n\n\ndef ratio(done, total):\n    return done / total\n";

fn model_dir() -> PathBuf {
    let dir = failcast_model::fetch::cache_dir();
    let path = dir.join(failcast_model::catalog::default_entry().file_name);
    assert!(
        path.exists(),
        "{} is missing: run `failcast model fetch` (make test does)",
        path.display()
    );
    dir
}

struct Setup {
    _serial: std::sync::MutexGuard<'static, ()>,
    workspace: tempfile::TempDir,
    cache: tempfile::TempDir,
    file: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let serial = failcast_e2e::model_slot();
        let workspace = tempfile::tempdir().unwrap();
        let file = workspace.path().join("users.py");
        std::fs::write(&file, SOURCE).unwrap();
        Setup {
            _serial: serial,
            workspace,
            cache: tempfile::tempdir().unwrap(),
            file,
        }
    }

    fn predictions(&self) -> PathBuf {
        self.cache.path().join("failcast/predictions")
    }

    fn start(&self, env: &[(&str, &str)]) -> Server {
        let model_dir = model_dir();
        let mut builder = Server::builder()
            .root(self.workspace.path())
            .timeout(Duration::from_secs(60))
            .env("FAILCAST_MODEL_BACKEND", "embedded")
            .env("XDG_CACHE_HOME", self.cache.path().to_str().unwrap())
            .env("FAILCAST_MODEL_DIR", model_dir.to_str().unwrap())
            .initialization_options(
                json!({"predict": {"debounceMs": 50}, "model": {"threads": failcast_e2e::MODEL_THREADS, "maxOutputTokens": 64}}),
            );
        for (key, value) in env {
            builder = builder.env(key, value);
        }
        builder.start().0
    }

    /// The workspace holds exactly the file the test wrote.
    fn assert_workspace_untouched(&self) {
        let mut names: Vec<String> = std::fs::read_dir(self.workspace.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["users.py"]);
        assert_eq!(std::fs::read_to_string(&self.file).unwrap(), SOURCE);
    }
}

fn full_text(text: String) -> Vec<TextDocumentContentChangeEvent> {
    vec![TextDocumentContentChangeEvent {
        range: None,
        range_length: None,
        text,
    }]
}

/// Opens the file and checks that both static diagnostics arrive.
fn open_and_check_static(server: &mut Server, setup: &Setup) -> ls_types::Uri {
    let uri = uri(&setup.file);
    server.open(&uri, "python", 1, SOURCE);
    let published = server.await_diagnostics(&uri, Some(1));
    assert_eq!(published.diagnostics.len(), 2, "{published:#?}");
    uri
}

/// Edits the file and checks that static diagnostics still follow.
fn edit_and_check_static(server: &mut Server, uri: &ls_types::Uri, version: i32) {
    let text = format!("{SOURCE}\n# edit {version}\n");
    server.change(uri, version, full_text(text));
    let published = server.await_diagnostics(uri, Some(version));
    assert_eq!(published.diagnostics.len(), 2, "{published:#?}");
}

/// Waits for the one warning, checks it, and that no second one follows.
fn expect_one_warning(server: &mut Server, uri: &ls_types::Uri, needle: &str) -> String {
    let warning = server.await_message("the warning", |m: &Value| {
        m["method"] == json!("window/showMessage")
    });
    let text = warning["params"]["message"].as_str().unwrap().to_owned();
    assert!(text.starts_with("failcast"), "{text}");
    assert!(text.contains(needle), "{text}");
    edit_and_check_static(server, uri, 50);
    server.assert_no_message(Duration::from_millis(800), "a second warning", |m| {
        m["method"] == json!("window/showMessage")
    });
    text
}

fn finish(mut server: Server, setup: &Setup) {
    server.discard("textDocument/publishDiagnostics");
    assert_eq!(server.try_exit_status(), None, "the server exited");
    assert_eq!(server.shutdown().code(), Some(0));
    setup.assert_workspace_untouched();
}

#[test]
fn a_panic_on_the_model_thread_costs_one_prediction_and_one_warning() {
    let setup = Setup::new();
    let mut server = setup.start(&[("FAILCAST_INJECT_PANIC", "user_id")]);
    let uri = open_and_check_static(&mut server, &setup);
    let text = expect_one_warning(&mut server, &uri, "panicked");
    assert!(text.contains("static predictions continue"), "{text}");
    // The other function is still predicted by the same, reset, engine.
    let status = server.await_status("an answer after the panic", Duration::from_secs(120), |s| {
        s["answered"].as_u64() >= Some(1)
    });
    assert_eq!(status["state"], json!("ready"), "{status}");
    finish(server, &setup);
}

#[test]
fn a_model_file_truncated_while_running_is_reported_once_at_restart() {
    let setup = Setup::new();
    let models = tempfile::tempdir().unwrap();
    let model = models.path().join("model.gguf");
    let source = model_dir().join(failcast_model::catalog::default_entry().file_name);
    std::fs::copy(&source, &model).unwrap();
    let mut server = setup.start(&[("FAILCAST_MODEL_PATH", model.to_str().unwrap())]);
    let uri = open_and_check_static(&mut server, &setup);
    server.await_status("the model answers", Duration::from_secs(120), |s| {
        s["answered"].as_u64() >= Some(2) && s["pending"] == json!(0)
    });
    // Cut the file to a third under the running engine. A memory-mapped
    // model would die of SIGBUS on its next page fault; ours keeps a copy.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&model)
        .unwrap();
    file.set_len(std::fs::metadata(&source).unwrap().len() / 3)
        .unwrap();
    drop(file);
    // A changed function is predicted by the copy in memory.
    server.change(
        &uri,
        2,
        full_text(SOURCE.replace("done / total", "done / total + 0")),
    );
    let published = server.await_diagnostics(&uri, Some(2));
    assert_eq!(published.diagnostics.len(), 2, "{published:#?}");
    server.await_status(
        "an answer after truncation",
        Duration::from_secs(120),
        |s| s["answered"].as_u64() >= Some(3) && s["pending"] == json!(0),
    );
    // A restart reads the file again and finds it damaged.
    server.command("failcast.restartEngine", Vec::new());
    let text = expect_one_warning(&mut server, &uri, "static predictions continue");
    assert!(text.contains("model"), "{text}");
    let status = server.command("failcast.status", Vec::new());
    assert_eq!(status["state"], json!("error"), "{status}");
    finish(server, &setup);
}

#[test]
fn a_corrupt_prediction_cache_is_predicted_again_with_one_notice() {
    let setup = Setup::new();
    let mut server = setup.start(&[]);
    let uri = open_and_check_static(&mut server, &setup);
    server.await_status("answers to cache", Duration::from_secs(120), |s| {
        s["answered"].as_u64() >= Some(2) && s["pending"] == json!(0)
    });
    server.discard("window/showMessage");
    finish(server, &setup);
    let mut corrupted = 0;
    for entry in std::fs::read_dir(setup.predictions()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::write(&path, b"{\"version\":1,\"key\":\"\x00garbage").unwrap();
            corrupted += 1;
        }
    }
    assert!(corrupted >= 1, "no cache entries were written");

    let mut server = setup.start(&[]);
    let uri2 = open_and_check_static(&mut server, &setup);
    assert_eq!(uri, uri2);
    let text = expect_one_warning(&mut server, &uri, "corrupt");
    assert!(text.contains("predicted again"), "{text}");
    let status = server.await_status("answers again", Duration::from_secs(120), |s| {
        s["answered"].as_u64() >= Some(2)
    });
    assert!(
        status["decodeSteps"].as_u64() > Some(0),
        "corrupt entries must be predicted, not served: {status}"
    );
    finish(server, &setup);
}

/// A tmpfs mounted at `dir`, unmounted on drop.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, options: &str) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "cannot mount a tmpfs at {} (this test needs root)",
            dir.display()
        );
        Mount(dir.to_path_buf())
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .expect("run mount");
        assert!(status.success(), "cannot remount {}", self.0.display());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn unwritable_cache(prepare: impl FnOnce(&Path) -> Mount, needle: &str) {
    let setup = Setup::new();
    let _mount = prepare(&setup.predictions());
    let mut server = setup.start(&[]);
    let uri = open_and_check_static(&mut server, &setup);
    // Predictions go on, from memory; the first one to be stored finds the
    // disk unwritable.
    let status = server.await_status(
        "answers without a disk cache",
        Duration::from_secs(180),
        |s| s["answered"].as_u64() >= Some(2),
    );
    assert_eq!(status["state"], json!("ready"), "{status}");
    let text = expect_one_warning(&mut server, &uri, needle);
    assert!(text.contains("kept in memory"), "{text}");
    finish(server, &setup);
}

#[test]
fn a_read_only_prediction_cache_keeps_predictions_in_memory() {
    unwritable_cache(
        |dir| {
            let mount = Mount::tmpfs(dir, "size=1m");
            mount.remount("ro");
            mount
        },
        "Read-only",
    );
}

#[test]
fn a_full_disk_under_the_prediction_cache_keeps_predictions_in_memory() {
    unwritable_cache(
        |dir| {
            let mount = Mount::tmpfs(dir, "size=64k");
            // Fill it: the next write fails with ENOSPC, as on a full disk.
            let filler = dir.join(".filler");
            let chunk = vec![0u8; 4096];
            let mut file = std::fs::File::create(&filler).unwrap();
            while std::io::Write::write_all(&mut file, &chunk).is_ok() {}
            drop(file);
            mount
        },
        "No space left",
    );
}

/// What `.failcast/` holds, name and bytes, to show nothing was written.
fn corpus_dir_state(setup: &Setup) -> Vec<(String, Vec<u8>)> {
    let dir = setup.workspace.path().join(".failcast");
    let mut entries: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                bytes,
            )
        })
        .collect();
    entries.sort();
    entries
}

/// A server without the model: these faults are about the corpus alone.
fn start_static(setup: &Setup) -> Server {
    setup.start(&[("FAILCAST_MODEL_BACKEND", "off")])
}

#[test]
fn a_corrupt_corpus_is_reported_once_and_left_as_it_was() {
    let setup = Setup::new();
    let dir = setup.workspace.path().join(".failcast");
    std::fs::create_dir_all(&dir).unwrap();
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(dir.join("corpus.db"), &garbage).unwrap();
    let before = corpus_dir_state(&setup);

    let mut server = start_static(&setup);
    let uri = open_and_check_static(&mut server, &setup);
    let text = expect_one_warning(&mut server, &uri, "corpus");
    assert!(text.contains("continue without history"), "{text}");
    finish_untouched_corpus(server, &setup, &before);
}

/// Stops the server and checks that neither the corpus nor the source changed.
fn finish_untouched_corpus(mut server: Server, setup: &Setup, before: &[(String, Vec<u8>)]) {
    server.discard("textDocument/publishDiagnostics");
    assert_eq!(server.try_exit_status(), None, "the server exited");
    assert_eq!(server.shutdown().code(), Some(0));
    assert_eq!(corpus_dir_state(setup), before, "the corpus was written");
    assert_eq!(std::fs::read_to_string(&setup.file).unwrap(), SOURCE);
}

#[test]
fn a_read_only_corpus_still_gives_history_and_records_nothing() {
    let setup = Setup::new();
    let dir = setup.workspace.path().join(".failcast");
    let mount = Mount::tmpfs(&dir, "size=4m");
    // Production saw `ratio` divide by zero.
    let log = setup.cache.path().join("prod.log");
    std::fs::write(
        &log,
        "2026-11-20T10:00:00Z ERROR request failed\n\
         Traceback (most recent call last):\n  \
         File \"/srv/app/users.py\", line 10, in ratio\n    \
         return done / total\n\
         ZeroDivisionError: division by zero\n",
    )
    .unwrap();
    let ingest = Command::new(failcast_e2e::binary())
        .arg("ingest")
        .arg(&log)
        .env_remove("FAILCAST_CORPUS_URL")
        .current_dir(setup.workspace.path())
        .output()
        .expect("run failcast ingest");
    assert!(ingest.status.success(), "{ingest:?}");
    mount.remount("ro");
    let before = corpus_dir_state(&setup);
    assert_eq!(
        before.len(),
        1,
        "{:?}",
        before.iter().map(|e| &e.0).collect::<Vec<_>>()
    );

    let mut server = start_static(&setup);
    let uri = uri(&setup.file);
    server.open(&uri, "python", 1, SOURCE);
    let published = server.await_diagnostics(&uri, Some(1));
    assert_eq!(published.diagnostics.len(), 2, "{published:#?}");
    // History still reads: the division is what production saw.
    let hover = server.hover_markdown(&uri, 9, 12);
    assert!(hover.contains("seen in production 1 time"), "{hover}");
    let text = expect_one_warning(&mut server, &uri, "corpus");
    assert!(text.contains("cannot be recorded"), "{text}");
    finish_untouched_corpus(server, &setup, &before);
    drop(mount);
}
