//! Synthetic telemetry: the stack trace and log lines a failure would
//! produce, in the language's own format.
//!
//! Frames come from the code, never from imagination: the failing function
//! at the real line, then real callers from the call index. Timestamps and
//! trace ids are derived from the scenario itself so the same code always
//! renders the same telemetry (snapshots stay stable, diffs stay quiet).

use std::collections::HashSet;

use ropey::Rope;
use xxhash_rust::xxh3::xxh3_64;

use crate::calls::CallIndex;
use crate::context::Context;
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
    let chain = caller_chain(
        function,
        path,
        language,
        ctx.calls,
        ctx.config.trace_depth,
        rope,
    );
    scenario_in(hazard, function, path, language, rope, &chain)
}

/// [`scenario`] with the function's [`CallerChain`] worked out once for
/// all its hazards.
pub fn scenario_in(
    hazard: &Hazard,
    function: &Function,
    path: &str,
    language: Language,
    rope: &Rope,
    chain: &CallerChain,
) -> Scenario {
    scenario_retraced(hazard, function, path, language, rope, chain).0
}

/// What rendering a scenario's trace and logs again at another line needs
/// (see [`moved`]): the failure's error type, the trace's frames and the
/// seed of its log lines.
#[derive(Clone, Debug)]
pub struct Retrace {
    error_type: String,
    frames: Vec<TraceFrame>,
    seed: u64,
}

/// [`scenario_in`], with what [`moved`] needs to move the result.
pub fn scenario_retraced(
    hazard: &Hazard,
    function: &Function,
    path: &str,
    language: Language,
    rope: &Rope,
    chain: &CallerChain,
) -> (Scenario, Retrace) {
    let start = function.range.start + hazard.start;
    let end = function.range.start + hazard.end;
    let origin = span(rope, start, end);
    let trace_frames = frames_in(path, &origin, rope, chain);
    let seed = xxh3_64(format!("{}|{}|{}", function.id, hazard.rule, hazard.start).as_bytes());
    let failure = Failure {
        error_type: &hazard.error_type,
        error: &hazard.error,
        subject: &hazard.subject,
    };
    let trace = render_trace(language, &failure, &trace_frames);
    let frames: Vec<Frame> = trace_frames.iter().map(|f| f.frame.clone()).collect();
    let logs = render_logs(language, path, &failure, &frames, seed);
    let retrace = Retrace {
        error_type: hazard.error_type.clone(),
        frames: trace_frames,
        seed,
    };
    let scenario = Scenario {
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
        inputs: hazard.inputs.clone(),
        history: None,
    };
    (scenario, retrace)
}

/// `scenario`, rendered by [`scenario_retraced`] with `retrace`, after
/// its function moved by `bytes` and `lines` with its text unchanged (and
/// so its columns): the origin moves, and the failing frame's line, the
/// trace and the logs that print it are rendered again. Callers' frames
/// stay: they are other functions' lines.
pub fn moved(
    scenario: &Scenario,
    retrace: &Retrace,
    language: Language,
    path: &str,
    bytes: isize,
    lines: isize,
) -> Scenario {
    let mut moved = scenario.clone();
    let origin = &mut moved.origin;
    origin.start = origin.start.saturating_add_signed(bytes);
    origin.end = origin.end.saturating_add_signed(bytes);
    if lines == 0 {
        return moved;
    }
    origin.start_line = origin.start_line.saturating_add_signed(lines);
    origin.end_line = origin.end_line.saturating_add_signed(lines);
    let mut frames = retrace.frames.clone();
    if let Some(failing) = frames.first_mut() {
        failing.frame.line = failing.frame.line.saturating_add_signed(lines);
    }
    let failure = Failure {
        error_type: &retrace.error_type,
        error: &scenario.error,
        subject: &scenario.subject,
    };
    moved.trace = render_trace(language, &failure, &frames);
    moved.frames = frames.into_iter().map(|f| f.frame).collect();
    moved.logs = render_logs(language, path, &failure, &moved.frames, retrace.seed);
    moved
}

/// The span of a line's code: from its indentation to its last non-blank
/// character (where a failure found on a whole line is anchored).
pub fn line_span(rope: &Rope, line: usize) -> Span {
    let text = rope.line(line).to_string();
    let text = text.trim_end_matches(['\n', '\r']);
    let line_start = rope.line_to_byte(line);
    let indent = text.len() - text.trim_start().len();
    span(
        rope,
        line_start + indent,
        line_start + text.trim_end().len(),
    )
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

/// One frame as a trace prints it: the frame, plus what only some formats show.
#[derive(Clone, Debug)]
pub struct TraceFrame {
    pub frame: Frame,
    /// 1-based column of the failing expression or the call.
    pub column: usize,
    /// The call is awaited (`at async f` in V8 traces).
    pub awaited: bool,
    /// The source line, when the text is at hand (Python prints it).
    pub source: Option<String>,
    /// Character columns (0-based, end exclusive) to mark under `source`.
    pub marker: Option<(usize, usize)>,
}

/// What every trace of one function shares: the name its runtime prints
/// for it, and its callers (from the call index), nearest first.
pub struct CallerChain {
    name: String,
    callers: Vec<TraceFrame>,
    /// The call index's generation and the names whose callers were looked
    /// up then: the chain is current while none of them has changed.
    looked_up: (u64, Vec<String>),
}

impl CallerChain {
    /// What the chain was worked out from, for [`chain_current`].
    pub fn looked_up(&self) -> &(u64, Vec<String>) {
        &self.looked_up
    }
}

/// Whether `calls` gives the chain that was worked out from `looked_up`
/// ([`CallerChain::looked_up`]).
pub fn chain_current(looked_up: &(u64, Vec<String>), calls: &CallIndex) -> bool {
    let (generation, names) = looked_up;
    *generation == calls.generation()
        || names
            .iter()
            .all(|name| !calls.changed_since(name, *generation))
}

/// The frames of a trace: the function at the failure's origin, then
/// callers, nearest first, following the call index up to `depth` levels.
pub fn frames(
    function: &Function,
    path: &str,
    language: Language,
    origin: &Span,
    calls: &CallIndex,
    depth: usize,
    rope: &Rope,
) -> Vec<TraceFrame> {
    let chain = caller_chain(function, path, language, calls, depth, rope);
    frames_in(path, origin, rope, &chain)
}

fn line_text(rope: &Rope, line: usize) -> Option<String> {
    (line < rope.len_lines()).then(|| {
        rope.line(line)
            .to_string()
            .trim_end_matches(['\n', '\r'])
            .to_owned()
    })
}

/// The frames of a trace from the failure's origin and the function's chain.
fn frames_in(path: &str, origin: &Span, rope: &Rope, chain: &CallerChain) -> Vec<TraceFrame> {
    let source = line_text(rope, origin.start_line);
    let marker = source.as_ref().map(|text| {
        let start = text
            .get(..origin.start_col.min(text.len()))
            .map_or(0, |p| p.chars().count());
        let end = if origin.end_line == origin.start_line {
            text.get(..origin.end_col.min(text.len()))
                .map_or(start + 1, |p| p.chars().count())
        } else {
            text.chars().count()
        };
        (start, end.max(start + 1))
    });
    let mut frames = Vec::with_capacity(1 + chain.callers.len());
    frames.push(TraceFrame {
        frame: Frame {
            path: path.to_owned(),
            function: chain.name.clone(),
            line: origin.start_line + 1,
        },
        column: origin.start_col + 1,
        awaited: false,
        source,
        marker,
    });
    frames.extend(chain.callers.iter().cloned());
    frames
}

/// The function's runtime name and its callers, up to `depth` levels.
pub fn caller_chain(
    function: &Function,
    path: &str,
    language: Language,
    calls: &CallIndex,
    depth: usize,
    rope: &Rope,
) -> CallerChain {
    let mut callers = Vec::new();
    let mut seen: HashSet<String> = HashSet::from([function.id.clone()]);
    let mut name = function.name.clone();
    let mut from_path = path.to_owned();
    let mut looked_up = Vec::new();
    for _ in 0..depth {
        looked_up.push(name.clone());
        let Some(site) = calls
            .callers(&name, language, &from_path)
            .into_iter()
            .find(|s| s.caller_id.as_ref().is_some_and(|id| !seen.contains(id)))
        else {
            break;
        };
        let caller = site.caller.clone().unwrap_or_default();
        callers.push(TraceFrame {
            frame: Frame {
                path: site.path.to_string(),
                function: runtime_name_of(
                    language,
                    &site.path,
                    &caller,
                    site.package.as_deref().map(str::to_owned),
                ),
                line: site.line + 1,
            },
            column: site.column + 1,
            awaited: site.awaited,
            // The caller's text is only at hand when it is this file.
            source: (*site.path == *path)
                .then(|| line_text(rope, site.line))
                .flatten()
                .map(|l| l.trim().to_owned()),
            marker: None,
        });
        if let Some(id) = &site.caller_id {
            seen.insert(id.clone());
        }
        name = site.caller_name.clone().unwrap_or_default();
        from_path = site.path.to_string();
    }
    CallerChain {
        name: runtime_name(language, path, function, rope),
        callers,
        looked_up: (calls.generation(), looked_up),
    }
}

fn runtime_name(language: Language, path: &str, function: &Function, rope: &Rope) -> String {
    let package = match language {
        Language::Go | Language::Java => crate::language::declared_package(language, rope),
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

/// What failed, as the runtime reports it.
pub struct Failure<'a> {
    pub error_type: &'a str,
    pub error: &'a str,
    /// The failing expression, as written.
    pub subject: &'a str,
}

/// How a failure shows up: a crash with a stack trace, a hang seen through a
/// thread dump, an error value a caller logs, or a silently wrong result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Crash,
    Hang,
    Returned,
    Silent,
}

pub fn outcome(error_type: &str) -> Outcome {
    match error_type {
        "hang" | "stall" | "SIGQUIT" | "java.lang.Thread.State" => Outcome::Hang,
        "wrong result" | "truncation" | "NaN" | "Date" | "LostUpdate" => Outcome::Silent,
        t if t.starts_with('*') => Outcome::Returned,
        _ => Outcome::Crash,
    }
}

/// JDK frames that sit above the user's frame for common exceptions.
fn jdk_frames(error_type: &str, error: &str) -> &'static [&'static str] {
    match error_type {
        "java.lang.NumberFormatException" if error.contains("For input string") => &[
            "java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)",
            "java.base/java.lang.Integer.parseInt(Integer.java:662)",
            "java.base/java.lang.Integer.parseInt(Integer.java:778)",
        ],
        "java.util.ConcurrentModificationException" => &[
            "java.base/java.util.ArrayList$Itr.checkForComodification(ArrayList.java:1095)",
            "java.base/java.util.ArrayList$Itr.next(ArrayList.java:1049)",
        ],
        "java.lang.IndexOutOfBoundsException" => &[
            "java.base/jdk.internal.util.Preconditions.outOfBounds(Preconditions.java:100)",
            "java.base/jdk.internal.util.Preconditions.outOfBoundsCheckIndex(Preconditions.java:106)",
            "java.base/jdk.internal.util.Preconditions.checkIndex(Preconditions.java:302)",
            "java.base/java.util.Objects.checkIndex(Objects.java:385)",
            "java.base/java.util.ArrayList.get(ArrayList.java:427)",
        ],
        _ => &[],
    }
}

/// V8 reports a failed property read at the property, not the expression.
fn v8_column(frame: &TraceFrame, failure: &Failure) -> usize {
    if failure.error.contains("Cannot read properties")
        && let Some(dot) = failure.subject.rfind('.')
    {
        let chars = failure.subject[..dot].chars().count();
        return frame.column + chars + 1;
    }
    frame.column
}

/// Renders a trace in the language's own format. `frames` are innermost
/// first. A silent failure has no trace: it only shows in logs.
pub fn render_trace(language: Language, failure: &Failure, frames: &[TraceFrame]) -> String {
    let kind = outcome(failure.error_type);
    if kind == Outcome::Silent || frames.is_empty() {
        return String::new();
    }
    let error = failure.error;
    let mut out = String::new();
    match (language, kind) {
        (Language::Python, Outcome::Hang) => {
            out.push_str(
                "Timeout (0:05:00)!\nThread 0x00007f3a9c1fd740 (most recent call first):\n",
            );
            for frame in frames {
                out.push_str(&format!(
                    "  File \"{}\", line {} in {}\n",
                    frame.frame.path, frame.frame.line, frame.frame.function
                ));
            }
            out.push_str(error);
        }
        (Language::Python, _) => {
            out.push_str("Traceback (most recent call last):\n");
            for (i, frame) in frames.iter().enumerate().rev() {
                out.push_str(&format!(
                    "  File \"{}\", line {}, in {}\n",
                    frame.frame.path, frame.frame.line, frame.frame.function
                ));
                if let Some(source) = &frame.source {
                    let indent = source.chars().take_while(|c| c.is_whitespace()).count();
                    out.push_str(&format!("    {}\n", source.trim()));
                    // Python 3.11+ marks the failing expression of the innermost frame.
                    if i == 0
                        && let Some((start, end)) = frame.marker
                        && start >= indent
                    {
                        out.push_str(&format!(
                            "    {}{}\n",
                            " ".repeat(start - indent),
                            "^".repeat(end - start)
                        ));
                    }
                }
            }
            out.push_str(error);
        }
        (Language::Rust, Outcome::Hang) => {
            out.push_str(&format!(
                "{error}\nthread 'tokio-runtime-worker' stack while blocked:\n"
            ));
            for (i, frame) in frames.iter().enumerate() {
                out.push_str(&format!(
                    "  {i:>2}: {}\n             at ./{}:{}:{}\n",
                    frame.frame.function, frame.frame.path, frame.frame.line, frame.column
                ));
            }
            out.pop();
        }
        (Language::Rust, _) => {
            let first = &frames[0];
            out.push_str(&format!(
                "thread 'main' panicked at {}:{}:{}:\n{}\nstack backtrace:\n",
                first.frame.path, first.frame.line, first.column, error
            ));
            for (i, frame) in frames.iter().enumerate() {
                out.push_str(&format!(
                    "  {i:>2}: {}\n             at ./{}:{}:{}\n",
                    frame.frame.function, frame.frame.path, frame.frame.line, frame.column
                ));
            }
            out.push_str("note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.");
        }
        (Language::Go, Outcome::Hang) => {
            out.push_str(
                "SIGQUIT: quit\nPC=0x46a8e1 m=0 sigcode=0\n\ngoroutine 1 [select, 15 minutes]:\n",
            );
            for frame in frames {
                out.push_str(&format!(
                    "{}(...)\n\t/app/{}:{}\n",
                    frame.frame.function, frame.frame.path, frame.frame.line
                ));
            }
            out.pop();
        }
        (Language::Go, Outcome::Returned) => {
            // An error value: no stack, the caller logs it.
            out.push_str(error);
        }
        (Language::Go, _) => {
            out.push_str(&format!("{error}\n\ngoroutine 1 [running]:\n"));
            for (i, frame) in frames.iter().enumerate() {
                // The innermost frame is usually inlined (`(...)`, no offset).
                if i == 0 {
                    out.push_str(&format!(
                        "{}(...)\n\t/app/{}:{}\n",
                        frame.frame.function, frame.frame.path, frame.frame.line
                    ));
                } else {
                    out.push_str(&format!(
                        "{}({{0xc000012{:03x}, 0x{:x}}})\n\t/app/{}:{} +0x{:x}\n",
                        frame.frame.function,
                        frame.frame.line * 16 % 0xfff,
                        frame.frame.line % 16 + 1,
                        frame.frame.path,
                        frame.frame.line,
                        0x1d + frame.frame.line % 0x40
                    ));
                }
            }
            out.pop();
        }
        (Language::Java, Outcome::Hang) => {
            out.push_str("\"main\" #1 prio=5 os_prio=0 cpu=212.45ms elapsed=900.12s tid=0x00007f3c4c02a000 nid=0x1b waiting on condition [0x00007f3c52dfe000]\n");
            out.push_str("   java.lang.Thread.State: WAITING (parking)\n");
            for frame in frames {
                let file = frame
                    .frame
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap_or(&frame.frame.path);
                out.push_str(&format!(
                    "\tat {}({}:{})\n",
                    frame.frame.function, file, frame.frame.line
                ));
            }
            out.pop();
        }
        (Language::Java, _) => {
            let qualified = if failure.error_type.contains('.') || error.starts_with("java.") {
                error.to_owned()
            } else {
                format!("java.lang.{error}")
            };
            out.push_str(&format!("Exception in thread \"main\" {qualified}\n"));
            for jdk in jdk_frames(failure.error_type, error) {
                out.push_str(&format!("\tat {jdk}\n"));
            }
            for frame in frames {
                let file = frame
                    .frame
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap_or(&frame.frame.path);
                out.push_str(&format!(
                    "\tat {}({}:{})\n",
                    frame.frame.function, file, frame.frame.line
                ));
            }
            out.pop();
        }
        (Language::JavaScript | Language::TypeScript | Language::Tsx, _) => {
            out.push_str(error);
            for (i, frame) in frames.iter().enumerate() {
                let column = if i == 0 {
                    v8_column(frame, failure)
                } else {
                    frame.column
                };
                // A caller is `async` in V8's trace when its call was awaited.
                out.push_str(&format!(
                    "\n    at {}{} (/app/{}:{}:{})",
                    if i > 0 && frame.awaited { "async " } else { "" },
                    frame.frame.function,
                    frame.frame.path,
                    frame.frame.line,
                    column
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

/// One structured JSON log line and its plain-text form. Crashes and
/// hangs log at ERROR with the error; silent failures at WARN, saying what
/// went wrong without an exception.
pub fn render_logs(
    language: Language,
    path: &str,
    failure: &Failure,
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
    let kind = outcome(failure.error_type);
    let (level, message) = match kind {
        Outcome::Silent => ("WARN", format!("{}: {}", first.function, failure.error)),
        Outcome::Hang => (
            "ERROR",
            format!("{} timed out: {}", first.function, failure.error),
        ),
        _ => (
            "ERROR",
            format!("{} failed: {}", first.function, failure.error),
        ),
    };
    // A struct, not a `json!` map: one of these per scenario per edit.
    #[derive(serde::Serialize)]
    struct LogLine<'a> {
        timestamp: &'a str,
        level: &'a str,
        service: &'a str,
        message: &'a str,
        #[serde(rename = "error.type")]
        error_type: &'a str,
        #[serde(rename = "error.message")]
        error_message: &'a str,
        #[serde(rename = "code.function")]
        function: &'a str,
        #[serde(rename = "code.filepath")]
        filepath: &'a str,
        #[serde(rename = "code.lineno")]
        lineno: usize,
        trace_id: &'a str,
        #[serde(rename = "failcast.synthetic")]
        synthetic: bool,
    }
    let json_line = LogLine {
        timestamp: &timestamp,
        level,
        service: &service,
        message: &message,
        error_type: failure.error_type,
        error_message: failure.error,
        function: &first.function,
        filepath: &first.path,
        lineno: first.line,
        trace_id: &trace_id,
        synthetic: true,
    };
    vec![
        serde_json::to_string(&json_line).unwrap_or_default(),
        format!("{timestamp} {level} {service} [trace_id={trace_id}] {message}"),
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
