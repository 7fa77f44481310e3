//! `workspace/executeCommand`: the commands failcast offers, their arguments
//! and their results. Every command is also reachable without a custom
//! client: code lenses and code actions carry them, hover shows the traces.

use serde::Deserialize;
use serde_json::{Value, json};
use tower_lsp_server::ls_types::{Position, Uri};

/// Predict now, skipping the debounce: `[{uri, position?}]`.
pub const PREDICT: &str = "failcast.predict";
/// The traces of a function as Markdown: `[{uri, functionId? | position?}]` → `{markdown}`.
pub const SHOW_TRACE: &str = "failcast.showTrace";
/// Restart the model engine without restarting the server.
pub const RESTART_ENGINE: &str = "failcast.restartEngine";
/// The engine's state and counters: `→ {state, decodeSteps, answered,
/// pending, deferred}` (deferred: functions waiting for room in the queue).
pub const STATUS: &str = "failcast.status";

pub const ALL: [&str; 4] = [PREDICT, SHOW_TRACE, RESTART_ENGINE, STATUS];

/// The usual argument: a document and a function in it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub uri: Uri,
    #[serde(default)]
    pub position: Option<Position>,
    #[serde(default)]
    pub function_id: Option<String>,
}

/// Reads the first argument as a `Target`; clients send one object.
pub fn target(arguments: &[Value]) -> Result<Target, String> {
    let first = arguments
        .first()
        .ok_or_else(|| "expected one argument: {uri, position?, functionId?}".to_owned())?;
    serde_json::from_value(first.clone()).map_err(|err| format!("invalid argument: {err}"))
}

pub fn lens_arguments(uri: &Uri, function_id: &str) -> Vec<Value> {
    vec![json!({"uri": uri.as_str(), "functionId": function_id})]
}
