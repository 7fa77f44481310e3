//! Waiting for a child process before reading the pipe it writes to. The
//! pipe holds about 64 KiB; a child with more to say blocks on its write
//! until someone reads, and the parent is blocked in `wait` until the
//! child exits: neither moves again. Each language documents it: Python's
//! `Popen.wait` ("This will deadlock when using stdout=PIPE or
//! stderr=PIPE and the child process generates enough output"), Java's
//! `Process` ("failure to promptly … read the output stream of the
//! process may cause the process to block, or even deadlock"), Go's
//! `Cmd.StdoutPipe` ("it is incorrect to call Wait before all reads from
//! the pipe have completed"). python-lsp-server's pylint plugin hung on a
//! file with two hundred messages. Reading first (`communicate()`,
//! `io.ReadAll(out)` then `Wait`) or sending the output elsewhere is the
//! fix.
//!
//! Reading one pipe to its end and then the other is the same deadlock:
//! the child blocks writing the second pipe, full, while the parent waits
//! for the first to close. cc's compiler detection read stdout then
//! stderr, and hung on a compiler with many warnings. Python's
//! documentation names `communicate()` for it; a thread per pipe, or the
//! library's own `output()`, is the fix.

use super::*;

const IN_TURN: &str = "the child fills the other pipe (about 64 KiB) and blocks, while this read waits for the first pipe to close";

/// How each language names a child's two output streams, as the text
/// that follows the child in a read of them.
fn streams(language: Language) -> Option<[&'static str; 2]> {
    match language {
        Language::Rust | Language::Python => Some([".stdout", ".stderr"]),
        Language::Java => Some([".getInputStream()", ".getErrorStream()"]),
        _ => None,
    }
}

/// Whether `text` reads `stream` of a child to its end: Rust's
/// `read_to_end`/`read_to_string`, Python's `read()`/`readlines()`, Java's
/// `readAllBytes()` or a reader over it.
fn reads_whole(language: Language, text: &str) -> bool {
    match language {
        Language::Rust => text.contains(".read_to_end(") || text.contains(".read_to_string("),
        Language::Python => text.contains(".read()") || text.contains(".readlines()"),
        Language::Java => {
            text.contains("readAllBytes()")
                || text.contains("InputStreamReader(")
                || text.contains(".transferTo(")
        }
        _ => false,
    }
}

const TRIGGER: &str = "the child writes more than the pipe holds (about 64 KiB) and blocks, while this code waits for it to exit before reading";

impl Scan<'_, '_, '_> {
    /// `process.wait()`, `p.waitFor()` or `cmd.Wait()` on a child whose
    /// output goes to a pipe that is read only afterwards.
    pub(super) fn wait_before_reading(&mut self, node: Node, callee: &str) {
        let Some((receiver, method)) = callee.rsplit_once('.') else {
            return;
        };
        let receiver = receiver.trim();
        let expected = match self.cx.language {
            Language::Python => "wait",
            Language::Java => "waitFor",
            Language::Go => "Wait",
            _ => return,
        };
        if method != expected || receiver.is_empty() {
            return;
        }
        let before = self.before(node);
        let after = &self.body[before.len()..];
        let piped = match self.cx.language {
            Language::Python => python_piped(before, receiver),
            Language::Java => java_piped(before, after, receiver),
            _ => go_piped(before, after, receiver),
        };
        if piped {
            let rule = match self.cx.language {
                Language::Python => "py.wait-before-read",
                Language::Java => "java.wait-before-read",
                _ => "go.wait-before-read",
            };
            let summary = format!(
                "Possible deadlock: `{}` waits for a child whose output pipe is read only afterwards",
                one_line(callee, 50)
            );
            // Documented by each language's own library, as certain as
            // the other contract rules.
            self.add_precise(node, Timeout, 0.5, (rule, summary), TRIGGER);
        }
    }
}

impl Scan<'_, '_, '_> {
    /// `child.stdout.take().unwrap().read_to_end(&mut out)` followed by
    /// the same of `child.stderr` (or the other way round), with no thread
    /// to drain one while the other is read.
    pub(super) fn pipes_read_in_turn(&mut self, node: Node) {
        let Some(names) = streams(self.cx.language) else {
            return;
        };
        let text = self.text(node);
        if !reads_whole(self.cx.language, &text) {
            return;
        }
        // The innermost call that reads: not the statement around it.
        let mut cursor = node.walk();
        if node.named_children(&mut cursor).any(|c| {
            self.facts.call.contains(&c.kind()) && reads_whole(self.cx.language, &self.text(c))
        }) {
            return;
        }
        let Some((at, other)) = names
            .iter()
            .zip(names.iter().rev())
            .find_map(|(stream, other)| text.find(stream).map(|at| (at, other)))
        else {
            return;
        };
        let child = trailing_identifier(&text[..at]);
        if child.is_empty() {
            return;
        }
        let before = self.before(node);
        let after = self
            .body
            .get(before.len() + text.len()..)
            .unwrap_or_default();
        let other_read = format!("{child}{other}");
        let drained_apart = [
            "thread::spawn",
            "Thread(",
            "threading.",
            "communicate(",
            "redirectErrorStream(true)",
        ]
        .iter()
        .any(|w| self.body.contains(w));
        let read_again = after
            .lines()
            .any(|line| line.contains(&other_read) && reads_whole(self.cx.language, line))
            || (self.cx.language == Language::Java && after.contains(&other_read));
        if read_again && !drained_apart && !self.caught_here(node, Timeout) {
            self.add(node, Timeout, 0.11, IN_TURN);
        }
    }
}

/// `with Popen(…, stdout=PIPE) as process:` or `process = Popen(…,
/// stderr=subprocess.PIPE)`, not drained before the wait.
fn python_piped(before: &str, receiver: &str) -> bool {
    let Some(at) = before.rfind("Popen(") else {
        return false;
    };
    let started = &before[at..];
    let bound = started.contains(&format!("as {receiver}:"))
        || before[..at]
            .lines()
            .last()
            .is_some_and(|line| line.trim_start().starts_with(&format!("{receiver} =")));
    let piped = ["stdout=", "stderr="].iter().any(|stream| {
        started.split(stream).nth(1).is_some_and(|value| {
            value
                .trim_start()
                .trim_start_matches("subprocess.")
                .starts_with("PIPE")
        })
    });
    let drained = [".communicate(", ".stdout.read", ".stderr.read"]
        .iter()
        .any(|read| started.contains(&format!("{receiver}{read}")))
        || started.contains(&format!("in {receiver}.stdout"));
    bound && piped && !drained
}

/// `Process p = builder.start()` or `Runtime.getRuntime().exec(…)`, its
/// output neither redirected nor read before `p.waitFor()`, and read after.
fn java_piped(before: &str, after: &str, receiver: &str) -> bool {
    let started = before.lines().any(|line| {
        absent::assignment(line).is_some_and(|(left, right)| {
            absent::assigned_name(left) == receiver
                && (right.contains(".start()") || right.contains(".exec("))
        })
    });
    let redirected = [
        "inheritIO()",
        "redirectOutput(",
        "Redirect.DISCARD",
        "Redirect.INHERIT",
    ]
    .iter()
    .any(|r| before.contains(r));
    let streams = [".getInputStream()", ".getErrorStream()"];
    let read_before = streams
        .iter()
        .any(|s| before.contains(&format!("{receiver}{s}")));
    let read_after = streams
        .iter()
        .any(|s| after.contains(&format!("{receiver}{s}")));
    started && !redirected && !read_before && read_after
}

/// `out, _ := cmd.StdoutPipe()` before `cmd.Wait()`, and `out` read after.
fn go_piped(before: &str, after: &str, receiver: &str) -> bool {
    before.lines().any(|line| {
        let Some((left, right)) = absent::assignment(line) else {
            return false;
        };
        let pipe = left.split(',').next().unwrap_or_default().trim();
        !pipe.is_empty()
            && pipe != "_"
            && [".StdoutPipe()", ".StderrPipe()"]
                .iter()
                .any(|p| right.trim() == format!("{receiver}{p}"))
            && mentions(after, pipe)
    })
}
