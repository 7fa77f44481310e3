//! Python's standard streams are `None` when the process has no console:
//! under `pythonw`, as a Windows service, in a windowed PyInstaller or
//! py2exe build, in some embedding hosts. `print` then writes nowhere, but
//! a library that picks a stream itself (`fp = file or sys.stdout`) and
//! calls `fp.write(s)`, or asks `sys.stdout.isatty()`, raises
//! `AttributeError: 'NoneType' object has no attribute 'write'` inside the
//! host application. Only streams the code chose at run time, and the
//! terminal probes, are candidates: a script's own `sys.stdout.write` runs
//! where there is a console. A test of the stream for `None` (or for
//! truth) before the call is the guard. The probes fail a second way: a
//! host that replaced the stream (pytest's capture, Jupyter, Sphinx's
//! dummy file) hands over an object without `isatty`, or whose `fileno`
//! raises io.UnsupportedOperation (IPython's kitty check at import).

use super::*;

const STREAMS: &[&str] = &["sys.stdout", "sys.stderr", "sys.stdin"];

/// What libraries ask a stream to learn whether it is a terminal.
const PROBES: &[&str] = &["isatty", "fileno"];

const TRIGGER: &str = "the process has no console (pythonw, a Windows service, a windowed PyInstaller build), so the standard stream is None";

const REPLACED: &str = "the host replaced the standard stream (a test runner's capture, a notebook, a documentation builder, a logging proxy) with an object that lacks this method";

impl Scan<'_, '_, '_> {
    pub(super) fn missing_console(&mut self, node: Node, callee: &str, last: &str) {
        if self.cx.language != Language::Python {
            return;
        }
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return;
        };
        let receiver = receiver.trim();
        let chosen = STREAMS.contains(&receiver) && PROBES.contains(&last)
            || self.streams.iter().any(|n| n == receiver);
        if !chosen
            || guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[receiver],
            )
            || self.caught_here(node, NullOrNone)
        {
            return;
        }
        if let Some(found) = self.added(node, NullOrNone, 0.06, TRIGGER) {
            found.error_type = "AttributeError".to_owned();
            found.error = format!("AttributeError: 'NoneType' object has no attribute '{last}'");
        }
        // A terminal probe of a replaced stream: test runners, notebooks
        // and documentation builders swap in objects that lack it (or, for
        // `fileno`, raise io.UnsupportedOperation).
        if STREAMS.contains(&receiver)
            && PROBES.contains(&last)
            && !self.caught_here(node, TypeError)
            && let Some(found) = self.added(node, TypeError, 0.05, REPLACED)
        {
            found.error_type = "AttributeError".to_owned();
            found.error = if last == "fileno" {
                "io.UnsupportedOperation: fileno".to_owned()
            } else {
                format!("AttributeError: '_DummyFile' object has no attribute '{last}'")
            };
        }
    }
}

/// Names a Python function binds to a standard stream it picks at run
/// time: `fp = file if file is not None else sys.stdout`, `out = out or
/// sys.stderr`, a parameter defaulting to `sys.stdout`.
pub(super) fn stream_locals(language: Language, body: &str) -> Vec<String> {
    if language != Language::Python || !body.contains("sys.std") {
        return Vec::new();
    }
    let mut names = Vec::new();
    for line in body.lines() {
        let line = line.trim();
        if line.starts_with("def ") {
            // `def write(s, file=sys.stdout):`
            for parameter in line.split(['(', ',', ')']) {
                if let Some((name, default)) = parameter.split_once('=')
                    && STREAMS.contains(&default.trim())
                {
                    names.push(name.trim().trim_end_matches(':').to_owned());
                }
            }
            continue;
        }
        let Some((left, right)) = absent::assignment(line) else {
            continue;
        };
        let right = right.trim();
        // The stream itself, not something read from it (`.buffer`,
        // `.encoding`): those fail on the read, a probe's own candidate.
        let bare = STREAMS.iter().any(|stream| {
            right.match_indices(stream).any(|(at, _)| {
                !right[at + stream.len()..].starts_with(['.', '_'])
                    && crate::hazards::guards::starts_word(right, at)
            })
        });
        let name = absent::assigned_name(left);
        if bare && !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            names.push(name.to_owned());
        }
    }
    names
}
