//! `rs.http-no-timeout`: HTTP clients built without a timeout.

use super::*;

pub(super) fn http_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let callee = cx.text(m.get("callee")?);
    let file = cx.file_text();
    if callee.ends_with(".build") {
        // `reqwest::Client::builder()….build()` without `.timeout(`.
        let chain = cx.text(m.hazard);
        let is_http = chain.contains("Client::builder()")
            && (file.contains("reqwest") || file.contains("ureq"));
        if !is_http || chain.contains(".timeout(") || chain.contains("timeout_") {
            return None;
        }
    } else if callee == "Client::new" && !file.contains("reqwest") {
        return None;
    }
    let statement = crate::hazards::guards::statement_of(cx.language, m.hazard);
    let statement_text = cx.text(statement);
    if statement_text.contains(".timeout(") || statement_text.contains("timeout_") {
        return None;
    }
    if mentions(file, "timeout") && callee.starts_with("ureq") && file.contains("AgentBuilder") {
        return None;
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.5,
        "hang",
        "request never completes: reqwest has no timeout by default",
        "the server accepts the connection but never answers (a stalled upstream, a half-open TCP connection after a network partition)",
        if callee.ends_with(".build") {
            "Predicted hang: Client::builder()…build() sets no timeout".to_owned()
        } else {
            format!("Predicted hang: {}() has no timeout", one_line(&callee, 30))
        },
    ))
}
