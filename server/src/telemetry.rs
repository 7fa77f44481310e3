//! Synthetic telemetry: the stack trace and log lines a failure would
//! produce, in the language's own format.
//!
//! Frames come from the code, never from imagination: the failing function
//! at the real line, then real callers from the call index. Timestamps and
//! trace ids are derived from the scenario itself so the same code always
//! renders the same telemetry (snapshots stay stable, diffs stay quiet).

use std::collections::HashSet;

use ropey::Rope;
use serde_json::json;
use xxhash_rust::xxh3::xxh3_64;

use crate::analysis::Context;
use crate::calls::CallIndex;
use crate::functions::Function;
use crate::hazards::Hazard;
use crate::language::Language;
use crate::scenario::{Frame, Scenario, Source, Span};

/// Renders a hazard of `function` as a full scenario.
pub fn scenario(
    hazard: &Hazard,
    function: &Function,
    path: &str,
    language: Language,
    rope: &Rope,
    ctx: &Context,
) -> Scenario {
    let start = function.range.start + hazard.start;
    let end = function.range.start + hazard.end;
    let origin = span(rope, start, end);
    let frames = frames(
        function,
        path,
        language,
        origin.start_line + 1,
        ctx.calls,
        ctx.config.trace_depth,
        rope,
    );
    let seed = xxh3_64(format!("{}|{}|{}", function.id, hazard.rule, hazard.start).as_bytes());
    let trace = render_trace(
        language,
        &hazard.error_type,
        &hazard.error,
        &frames,
        origin.start_col + 1,
    );
    let logs = render_logs(
        language,
        path,
        &hazard.error_type,
        &hazard.error,
        &frames,
        seed,
    );
    Scenario {
        class: hazard.class,
        kind: hazard.kind,
        source: Source::Static,
        rule: hazard.rule.to_owned(),
        origin,
        subject: hazard.subject.clone(),
        trigger: hazard.trigger.clone(),
        error: hazard.error.clone(),
        summary: hazard.summary.clone(),
        likelihood: hazard.likelihood,
        frames,
        trace,
        logs,
        test_hint: hazard
            .inputs
            .first()
            .map(|(param, value)| format!("{param} = {value}")),
        history: None,
    }
}

/// A span from byte offsets.
pub fn span(rope: &Rope, start: usize, end: usize) -> Span {
    let (start_line, start_col) = crate::position::line_col(rope, start);
    let (end_line, end_col) = crate::position::line_col(rope, end);
    Span {
        start,
        end,
        start_line,
        start_col,
        end_line,
        end_col,
    }
}

/// The frames of a trace: the function at `line` (1-based), then callers,
/// nearest first, following the call index up to `depth` levels.
pub fn frames(
    function: &Function,
    path: &str,
    language: Language,
    line: usize,
    calls: &CallIndex,
    depth: usize,
    rope: &Rope,
) -> Vec<Frame> {
    let mut frames = vec![Frame {
        path: path.to_owned(),
        function: runtime_name(language, path, function, rope),
        line,
    }];
    let mut seen: HashSet<String> = HashSet::from([function.id.clone()]);
    let mut name = function.name.clone();
    let mut from_path = path.to_owned();
    for _ in 0..depth {
        let Some(site) = calls
            .callers(&name, language, &from_path)
            .into_iter()
            .find(|s| s.caller_id.as_ref().is_some_and(|id| !seen.contains(id)))
        else {
            break;
        };
        let caller = site.caller.clone().unwrap_or_default();
        frames.push(Frame {
            path: site.path.to_string(),
            function: runtime_name_of(language, &site.path, &caller, None),
            line: site.line + 1,
        });
        if let Some(id) = &site.caller_id {
            seen.insert(id.clone());
        }
        name = site.caller_name.clone().unwrap_or_default();
        from_path = site.path.to_string();
    }
    frames
}

fn runtime_name(language: Language, path: &str, function: &Function, rope: &Rope) -> String {
    let package = match language {
        Language::Go | Language::Java => declared_package(language, rope),
        _ => None,
    };
    let name = match (&function.receiver, language) {
        (Some(receiver), Language::Go) => {
            let receiver = if let Some(bare) = receiver.strip_prefix('*') {
                format!("(*{bare})")
            } else {
                receiver.clone()
            };
            format!("{receiver}.{}", function.name)
        }
        _ => function.qualified_name.clone(),
    };
    runtime_name_of(language, path, &name, package)
}

/// How the runtime prints a function: Python the bare name, Rust the module
/// path, Go `pkg.Func`, Java `pkg.Class.method`.
fn runtime_name_of(
    language: Language,
    path: &str,
    qualified: &str,
    package: Option<String>,
) -> String {
    match language {
        Language::Python => qualified.rsplit('.').next().unwrap_or(qualified).to_owned(),
        Language::Rust => {
            let module = rust_module_path(path);
            if module.is_empty() {
                qualified.to_owned()
            } else {
                format!("{module}::{qualified}")
            }
        }
        Language::Go => {
            let package =
                package.unwrap_or_else(|| path.rsplit('/').nth(1).unwrap_or("main").to_owned());
            format!("{package}.{qualified}")
        }
        Language::Java => match package {
            Some(package) => format!("{package}.{qualified}"),
            None => qualified.to_owned(),
        },
        _ => qualified.to_owned(),
    }
}

/// `package x` / `package com.acme;` from the file's first lines.
fn declared_package(language: Language, rope: &Rope) -> Option<String> {
    rope.lines().take(200).find_map(|line| {
        let line = line.to_string();
        let rest = line.trim().strip_prefix("package ")?;
        let name = rest.trim().trim_end_matches(';').trim();
        (!name.is_empty() && (language == Language::Java || !name.contains(' ')))
            .then(|| name.to_owned())
    })
}

/// `server/src/payments/client.rs` → `server::payments::client`.
fn rust_module_path(path: &str) -> String {
    let parts: Vec<&str> = path.trim_end_matches(".rs").split('/').collect();
    let src = parts.iter().rposition(|p| *p == "src");
    let (crate_name, modules) = match src {
        Some(i) => (
            i.checked_sub(1).map(|c| parts[c]).unwrap_or("app"),
            &parts[i + 1..],
        ),
        None => ("app", &parts[..]),
    };
    let mut out = vec![crate_name.replace('-', "_")];
    for module in modules {
        if !matches!(*module, "lib" | "main" | "mod") {
            out.push(module.replace('-', "_"));
        }
    }
    out.join("::")
}

/// Renders a trace in the language's own format. `frames` are innermost first.
pub fn render_trace(
    language: Language,
    error_type: &str,
    error: &str,
    frames: &[Frame],
    column: usize,
) -> String {
    let mut out = String::new();
    match language {
        Language::Python => {
            out.push_str("Traceback (most recent call last):\n");
            for frame in frames.iter().rev() {
                out.push_str(&format!(
                    "  File \"{}\", line {}, in {}\n",
                    frame.path, frame.line, frame.function
                ));
            }
            out.push_str(error);
        }
        Language::Rust => {
            let first = &frames[0];
            out.push_str(&format!(
                "thread 'main' panicked at {}:{}:{}:\n{}\nstack backtrace:\n",
                first.path, first.line, column, error
            ));
            for (i, frame) in frames.iter().enumerate() {
                out.push_str(&format!(
                    "  {i:>2}: {}\n             at ./{}:{}\n",
                    frame.function, frame.path, frame.line
                ));
            }
            out.push_str("note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.");
        }
        Language::Go => {
            out.push_str(&format!("{error}\n\ngoroutine 1 [running]:\n"));
            for frame in frames {
                out.push_str(&format!(
                    "{}(...)\n\t/app/{}:{} +0x{:x}\n",
                    frame.function,
                    frame.path,
                    frame.line,
                    0x1d + frame.line % 0x40
                ));
            }
            out.push_str("exit status 2");
        }
        Language::Java => {
            let qualified = if error_type.contains('.') {
                error.to_owned()
            } else {
                format!("java.lang.{error}")
            };
            out.push_str(&format!("Exception in thread \"main\" {qualified}\n"));
            for frame in frames {
                let file = frame.path.rsplit('/').next().unwrap_or(&frame.path);
                out.push_str(&format!(
                    "\tat {}({}:{})\n",
                    frame.function, file, frame.line
                ));
            }
            out.pop();
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            out.push_str(error);
            for (i, frame) in frames.iter().enumerate() {
                let col = if i == 0 { column } else { 1 };
                out.push_str(&format!(
                    "\n    at {} (/app/{}:{}:{})",
                    frame.function, frame.path, frame.line, col
                ));
            }
        }
    }
    out
}

/// The service name a log line carries: the package, crate or top directory.
fn service_name(language: Language, path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let name = match language {
        Language::Rust => rust_module_path(path)
            .split("::")
            .next()
            .unwrap_or("app")
            .to_owned(),
        _ if parts.len() > 1 => {
            let skip = [
                "src", "lib", "app", "pkg", "internal", "cmd", "main", "java", "com", "org",
            ];
            parts[..parts.len() - 1]
                .iter()
                .find(|p| !skip.contains(p))
                .map(|p| p.to_string())
                .unwrap_or_else(|| parts[parts.len() - 2].to_owned())
        }
        _ => parts[0]
            .rsplit_once('.')
            .map_or(parts[0], |(stem, _)| stem)
            .to_owned(),
    };
    name.replace('_', "-")
}

/// One structured JSON log line and its plain-text form.
pub fn render_logs(
    language: Language,
    path: &str,
    error_type: &str,
    error: &str,
    frames: &[Frame],
    seed: u64,
) -> Vec<String> {
    let service = service_name(language, path);
    // A deterministic moment on 2026-03-29 (a DST change in Europe).
    let seconds = seed % 86_400;
    let millis = (seed >> 20) % 1000;
    let timestamp = format!(
        "2026-03-29T{:02}:{:02}:{:02}.{millis:03}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    let trace_id = format!("{seed:016x}{:016x}", xxh3_64(&seed.to_le_bytes()));
    let first = &frames[0];
    let message = format!("{} failed: {error}", first.function);
    let json_line = json!({
        "timestamp": timestamp,
        "level": "ERROR",
        "service": service,
        "message": message,
        "error.type": error_type,
        "error.message": error,
        "code.function": first.function,
        "code.filepath": first.path,
        "code.lineno": first.line,
        "trace_id": trace_id,
        "failcast.synthetic": true,
    });
    vec![
        json_line.to_string(),
        format!("{timestamp} ERROR {service} [trace_id={trace_id}] {message}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_module_paths() {
        assert_eq!(
            rust_module_path("server/src/payments/client.rs"),
            "server::payments::client"
        );
        assert_eq!(rust_module_path("src/lib.rs"), "app");
        assert_eq!(rust_module_path("my-crate/src/net/mod.rs"), "my_crate::net");
    }

    #[test]
    fn service_names() {
        assert_eq!(
            service_name(Language::Python, "payments/client.py"),
            "payments"
        );
        assert_eq!(service_name(Language::Python, "app.py"), "app");
        assert_eq!(
            service_name(Language::Go, "internal/billing/charge.go"),
            "billing"
        );
        assert_eq!(service_name(Language::Rust, "ledger/src/lib.rs"), "ledger");
    }
}
