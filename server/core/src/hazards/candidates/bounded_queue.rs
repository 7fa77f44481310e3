//! A put on a bounded queue with no timeout: `await self._updates.put(x)`
//! on an `asyncio.Queue(maxsize=256)`, `queue.put(item)` on an
//! `ArrayBlockingQueue<>(100)`. When the consumer has stopped (or is the
//! caller itself, as in a `stop()` that pushes a sentinel), a full queue
//! never makes room and the put waits for ever. `put_nowait`, a timeout,
//! `block=False`, `offer(…)` or `asyncio.wait_for` is the guard.

use super::*;

const TRIGGER: &str =
    "the queue is full and nothing reads it any more, so the put waits for room that never comes";

/// Names the file assigns a bounded queue (`_updates` of `self._updates =
/// asyncio.Queue(maxsize=256)`, `jobs` of `jobs = new
/// ArrayBlockingQueue<>(100)`): the last segment of each target.
pub(super) fn bounded_queues(language: Language, text: &str) -> Vec<String> {
    let makers: &[&str] = match language {
        Language::Python => &["Queue(", "LifoQueue(", "PriorityQueue("],
        Language::Java => &[
            "new ArrayBlockingQueue",
            "new LinkedBlockingQueue",
            "new LinkedBlockingDeque",
        ],
        _ => return Vec::new(),
    };
    // Read on every edit, over the whole file: most files make no queue.
    if !text.contains("Queue") {
        return Vec::new();
    }
    let mut names = Vec::new();
    for line in text.lines().filter(|l| l.contains("Queue")) {
        let Some((left, right)) = super::absent::assignment(line.trim()) else {
            continue;
        };
        let right = right.trim();
        let Some(at) = makers
            .iter()
            .find_map(|m| right.find(m).map(|at| at + m.len()))
        else {
            continue;
        };
        // The bound: an argument that is neither empty nor zero.
        let rest = &right[at..];
        let rest = rest.trim_start_matches(['<', '>', '(']);
        let bound = rest.split(')').next().unwrap_or_default();
        let bound = bound.rsplit('=').next().unwrap_or(bound).trim();
        if bound.is_empty() || bound == "0" {
            continue;
        }
        // `self._updates: asyncio.Queue[…]` or `final BlockingQueue<T> jobs`.
        let target = left.split(':').next().unwrap_or(left);
        let name = super::absent::assigned_name(target);
        let name = name.rsplit('.').next().unwrap_or(name);
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

impl Scan<'_, '_, '_> {
    /// `put` on a bounded queue of the file, with nothing bounding the wait.
    pub(super) fn blocking_put(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        if last != "put" || self.bounded_queues.is_empty() {
            return;
        }
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return;
        };
        let field = receiver.rsplit('.').next().unwrap_or(receiver).trim();
        if !self.bounded_queues.iter().any(|q| q == field)
            // A timeout, or `block=False` (or `False` by position).
            || ["timeout", "False"].iter().any(|w| args.contains(w))
            || self.body.contains("wait_for(")
            || self.caught_here(node, Timeout)
        {
            return;
        }
        self.add(node, Timeout, 0.07, TRIGGER);
    }
}
