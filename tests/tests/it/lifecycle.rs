//! The server goes away with its client: when its stdin closes without a
//! `shutdown`, and when the process the client named in `initialize`
//! (`processId`) dies. An editor killed or a browser tab closed must leave
//! no `failcast` behind.

use std::io::Write;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use failcast_e2e::binary;

fn send(stdin: &mut ChildStdin, message: serde_json::Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads stdin");
    stdin.flush().expect("flush");
}

/// A server initialized with `processId`, model off, stdout drained by a
/// thread so it never blocks on a full pipe.
fn start(process_id: Option<u32>) -> (Child, ChildStdin) {
    let mut child = Command::new(binary())
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("failcast starts");
    let mut stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let mut stdin = child.stdin.take().unwrap();
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": process_id,
            "capabilities": {},
            "initializationOptions": {"model": {"backend": "off"}},
        }}),
    );
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    (child, stdin)
}

/// Waits up to `limit` for the child to exit; kills it otherwise.
fn exits_within(child: &mut Child, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().expect("try_wait").is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    false
}

#[test]
fn the_server_exits_when_its_stdin_closes() {
    let (mut child, stdin) = start(None);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server stopped on its own"
    );
    drop(stdin);
    assert!(
        exits_within(&mut child, Duration::from_secs(10)),
        "still running 10 s after its stdin closed"
    );
}

#[test]
fn the_server_exits_when_the_client_process_dies() {
    let mut client = Command::new("sleep")
        .arg("120")
        .spawn()
        .expect("a stand-in client");
    let (mut child, _stdin) = start(Some(client.id()));
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server stopped on its own"
    );
    client.kill().unwrap();
    client.wait().unwrap();
    // The stdin pipe stays open (held by this test), as when an editor is
    // killed and its pipes outlive it: only the parent watch can notice.
    assert!(
        exits_within(&mut child, Duration::from_secs(10)),
        "still running 10 s after the client process died"
    );
}
