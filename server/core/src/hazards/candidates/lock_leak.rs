//! A return that leaves a lock held: `mu.Lock()`, then `if bad { return
//! err }` before `mu.Unlock()`. The function releases the lock itself on
//! its other paths, so no caller expects to; the next `Lock()` waits
//! forever, and every request that needs the lock hangs behind it. A
//! deferred unlock, an unlock in a `finally`, or the unlock written in the
//! returning branch is the guard. Go, Java (`lock()`/`unlock()`) and
//! Python (`acquire()`/`release()`).

use super::*;

/// How a language takes and releases a lock by hand: `(take, release)`
/// method names, each called as `name.take()`.
fn spelling(language: Language) -> Option<(&'static [&'static str], &'static [&'static str])> {
    match language {
        Language::Go => Some((&["Lock", "RLock"], &["Unlock", "RUnlock"])),
        Language::Java => Some((&["lock", "lockInterruptibly"], &["unlock"])),
        Language::Python => Some((&["acquire"], &["release"])),
        _ => None,
    }
}

/// The lock a line takes or releases with one of `methods`, by receiver
/// (`s.recvLock` in `s.recvLock.Lock()`).
fn receiver_of<'l>(code: &'l str, methods: &[&str]) -> Option<&'l str> {
    methods.iter().find_map(|m| {
        let call = format!(".{m}()");
        let at = code.find(&call)?;
        let receiver = code[..at]
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .next()?;
        (!receiver.is_empty()).then_some(receiver)
    })
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

impl Scan<'_, '_, '_> {
    /// Reads the function's lines once: every return between a lock taken
    /// by hand and its release, on a path the release does not cover.
    pub(super) fn lock_left_held(&mut self) {
        let Some((take, release)) = spelling(self.cx.language) else {
            return;
        };
        // A release in a `finally` or a deferred one covers every return.
        if self.body.contains("finally") {
            return;
        }
        let base = self.cx.node.start_byte();
        let lines = lines_at(&self.body);
        let mut found: Vec<(usize, usize)> = Vec::new();
        // The lock held by hand: its receiver and the indentation it was
        // taken at; and the indentations of the blocks that released it
        // before leaving (`mu.Unlock(); return err`).
        let mut held: Option<(&str, usize)> = None;
        let mut released_in: Vec<usize> = Vec::new();
        for (at, line) in &lines {
            let code = line.trim();
            if code.is_empty() || code.starts_with("//") || code.starts_with('#') {
                continue;
            }
            let depth = indent(line);
            released_in.retain(|d| *d <= depth);
            if let Some(lock) = receiver_of(code, take).filter(|_| !code.starts_with("defer ")) {
                // Only a lock the function also releases by hand.
                let released = lines.iter().any(|(_, l)| {
                    let l = l.trim();
                    !l.starts_with("defer ") && receiver_of(l, release) == Some(lock)
                });
                let deferred = lines.iter().any(|(_, l)| {
                    let l = l.trim();
                    l.starts_with("defer ") && receiver_of(l, release) == Some(lock)
                });
                if released && !deferred {
                    held = Some((lock, depth));
                    released_in.clear();
                }
                continue;
            }
            let Some((lock, taken_at)) = held else {
                continue;
            };
            if receiver_of(code, release) == Some(lock) {
                if depth <= taken_at {
                    held = None;
                } else {
                    released_in.push(depth);
                }
                continue;
            }
            // A block closing back past the lock's own ends what it held.
            if depth < taken_at {
                held = None;
                continue;
            }
            let returns =
                code == "return" || code.starts_with("return ") || code.starts_with("return;");
            if returns && released_in.is_empty() {
                let column = line.len() - line.trim_start().len();
                found.push((at + column, at + column + code.len()));
            }
        }
        for (start, end) in found {
            self.push(
                base + start..base + end,
                Timeout,
                0.12,
                "this path returns with the lock still held, so the next caller that takes it waits forever",
            );
        }
    }
}
