//! Logging through `tracing`: to stderr, or to a file with `--log-file`;
//! the level comes from `FAILCAST_LOG` (e.g. `info`, `failcast=debug`).
//! Nothing is ever written to stdout, which belongs to JSON-RPC in server mode.

use std::path::Path;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. Returns an error message if the log file
/// cannot be opened (logging then goes to stderr).
pub fn init(log_file: Option<&Path>, default_level: &str) -> Option<String> {
    let filter =
        EnvFilter::try_from_env("FAILCAST_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(false);
    let mut problem = None;
    if let Some(path) = log_file {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            Ok(file) => {
                let _ = builder.with_writer(std::sync::Mutex::new(file)).try_init();
                return None;
            }
            Err(err) => problem = Some(format!("cannot open log file {}: {err}", path.display())),
        }
    }
    let _ = builder.with_writer(std::io::stderr).try_init();
    problem
}
