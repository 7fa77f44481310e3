//! Work started per input with no bound: a goroutine, thread or task for
//! every item or request. One client that sends a thousand requests (or
//! resets a thousand streams) gets a thousand of them, and memory and CPU
//! run out before anything fails loudly.

use super::*;

/// Calls that start a thread or task, by callee tail.
const SPAWNS: &[&str] = &[
    "threading.Thread",
    "Thread",
    "thread::spawn",
    "tokio::spawn",
    "task::spawn",
    "spawn_blocking",
    "asyncio.ensure_future",
    "asyncio.create_task",
    "create_task",
    "start_new_thread",
];

/// Words that say the function hands work to something that bounds it.
const BOUNDED_BY: &[&str] = &[
    "sem", "Sem", "permit", "pool", "Pool", "worker", "Worker", "bounded", "Bounded",
];

/// Words of a condition that counts what was started against a limit.
const LIMIT_WORDS: &[&str] = &[
    "max", "Max", "MAX", "limit", "Limit", "LIMIT", "cap(", "len(",
];

/// Function names that run once per request, message or connection.
const PER_REQUEST: &[&str] = &["serve", "handle", "process", "accept", "dispatch", "on_"];

impl Scan<'_, '_, '_> {
    /// `go f()` or a spawned thread or task, in a loop or a per-request
    /// handler, in a function that bounds nothing.
    pub(super) fn unbounded_spawn(&mut self, node: Node) {
        let spawned = match node.kind() {
            "go_statement" => true,
            kind if self.facts.call.contains(&kind) => self.callee(node).is_some_and(|callee| {
                let callee = callee.trim_start_matches("new ").trim();
                SPAWNS.iter().any(|s| {
                    callee == *s
                        || callee.ends_with(&format!(".{s}"))
                        || callee.ends_with(&format!("::{s}"))
                })
            }),
            _ => false,
        };
        if !spawned
            || BOUNDED_BY.iter().any(|w| self.body.contains(w))
            || guarded_by(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &|condition| LIMIT_WORDS.iter().any(|w| condition.contains(w)),
            )
        {
            return;
        }
        let name = self.cx.function.name.to_lowercase();
        let per_request = PER_REQUEST.iter().any(|w| name.contains(w));
        let in_loop = self.in_loop(node);
        if !(in_loop || per_request) {
            return;
        }
        self.add(
            node,
            ResourceExhaustion,
            if in_loop { 0.10 } else { 0.08 },
            "a client sends many items or requests at once (or resets streams as fast as it opens them) and each starts its own goroutine, thread or task with no limit",
        );
    }
}
