//! Exit with the editor: the client names its process in `initialize`
//! (`processId`), and when that process is gone without a `shutdown` (an
//! editor killed, a browser tab closed), the server must not stay behind.
//! rust-analyzer and ruff watch the parent the same way.

use std::time::Duration;

/// How often the parent is looked for: often enough that a killed editor
/// leaves nothing running for long, rarely enough to cost nothing.
const EVERY: Duration = Duration::from_secs(2);

/// Watches `pid` on a thread of its own and ends the process once it is
/// gone. A pid that cannot be checked on this platform is not watched.
pub fn watch(pid: u32) {
    if !alive(pid).unwrap_or(false) {
        // Gone already, or not checkable: a wrong processId must not stop
        // a server that works.
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("failcast-parent".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(EVERY);
                if alive(pid) == Some(false) {
                    tracing::warn!("the client process {pid} is gone; exiting");
                    std::process::exit(1);
                }
            }
        });
    if let Err(err) = spawned {
        tracing::warn!("cannot watch the client process {pid}: {err}");
    }
}

/// Whether process `pid` runs, where that can be told without unsafe code:
/// `/proc` on Linux, `kill -0` on other Unix systems.
fn alive(pid: u32) -> Option<bool> {
    if cfg!(target_os = "linux") {
        // A zombie (dead, not yet reaped by its own parent) still has an
        // entry; its state after the command name is `Z`.
        return Some(match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => stat
                .rsplit_once(") ")
                .is_none_or(|(_, rest)| !rest.starts_with('Z')),
            Err(_) => false,
        });
    }
    if cfg!(unix) {
        let status = std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        return Some(status.success());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_process_is_alive_and_a_finished_one_is_not() {
        if !cfg!(unix) {
            return;
        }
        assert_eq!(alive(std::process::id()), Some(true));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert_eq!(alive(pid), Some(false));
    }
}
