//! A lock taken again by the thread that already holds it: a method holds
//! its receiver's `mu` and calls another method of the same value that
//! takes `mu` itself (`suite.mu.Lock(); defer suite.mu.Unlock(); …
//! suite.T()` where `T` does `suite.mu.RLock()`). Go's `sync.Mutex` and
//! `RWMutex`, Rust's `Mutex` and `RwLock`, and Python's `threading.Lock`
//! are not reentrant: the second take waits for the first to be released,
//! which never happens, so the goroutine or thread hangs and so does
//! everything that needs the lock after it. Double locking is among the
//! commonest blocking bugs in studies of real Go and Rust code.
//!
//! Read from the file's text in two steps: which methods take which of
//! their receiver's locks ([`lockers`], once per function text), then, per
//! function, which of those methods it calls while it holds the same lock.

use super::memo::Memo;
use super::*;

/// A method of the file and a lock of its receiver it takes (`T`, `mu`),
/// with the receiver's type where the language names it (Go).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Locker {
    pub owner: String,
    pub method: String,
    pub lock: String,
}

/// Every method of the file that takes a lock of its receiver, and (for
/// Python, where `RLock` is reentrant) only locks the file makes with a
/// plain `Lock()`.
pub fn lockers(language: Language, text: &str, segments: &[&str]) -> Vec<Locker> {
    static MEMO: Memo<Vec<Locker>> = Memo::new();
    let scan: fn(&str) -> Vec<Locker> = match language {
        Language::Go => go_lockers,
        Language::Python => |s| self_lockers(Language::Python, s, python_method, python_take),
        Language::Rust => |s| self_lockers(Language::Rust, s, rust_method, rust_take),
        _ => return Vec::new(),
    };
    let mut found: Vec<Locker> = segments
        .iter()
        .filter(|s| s.len() < 200_000)
        .flat_map(|segment| MEMO.get(segment, scan))
        .collect();
    // Most files take no lock; only those that do read the whole text for
    // how their locks are made.
    if language == Language::Python && !found.is_empty() {
        let plain = python_plain_locks(text);
        found.retain(|l| plain.contains(&l.lock));
    }
    // A reentrant lock anywhere in the file: which field holds it is not
    // worth the risk of telling apart.
    if language == Language::Rust && !found.is_empty() && text.contains("Reentrant") {
        found.clear();
    }
    found.sort();
    found.dedup();
    found
}

/// The lock a line takes on `receiver`, as the path between the receiver
/// and the taking call (`mu` in `s.mu.Lock()`, `state.inner` in
/// `self.state.inner.lock()`).
fn taken<'l>(code: &'l str, receiver: &str, calls: &[&str]) -> Option<&'l str> {
    let prefix = format!("{receiver}.");
    calls.iter().find_map(|call| {
        let end = code.find(call)?;
        let before = &code[..end];
        let start = before.rfind(&prefix)?;
        let boundary = before[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
        let path = &before[start + prefix.len()..];
        let simple = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        (boundary && simple).then_some(path)
    })
}

/// `(receiver, type, method)` of a Go method's first line: `func (s
/// *Suite) Require() …`.
fn go_method(header: &str) -> Option<(&str, &str, &str)> {
    let rest = header.strip_prefix("func (")?;
    let (inside, rest) = rest.split_once(')')?;
    let mut words = inside.split_whitespace();
    let (receiver, owner) = (words.next()?, words.next()?);
    let owner = owner.trim_start_matches('*');
    let owner = owner.split('[').next().unwrap_or(owner);
    let method = rest.trim_start().split('(').next()?.trim();
    Some((receiver, owner, method))
}

const GO_TAKE: &[&str] = &[".Lock()", ".RLock()"];
const GO_RELEASE: &[&str] = &[".Unlock()", ".RUnlock()"];

fn go_lockers(segment: &str) -> Vec<Locker> {
    let Some((receiver, owner, method)) = segment
        .lines()
        .find(|l| l.starts_with("func ("))
        .and_then(go_method)
    else {
        return Vec::new();
    };
    // A method that releases a lock before it takes it is called with it
    // held (it lets go around a callback): it takes nothing of its own.
    let mut released_first: Vec<&str> = Vec::new();
    let mut found = Vec::new();
    for (_, line) in own_lines(Language::Go, segment) {
        let code = line.trim();
        if code.starts_with("defer ") {
            continue;
        }
        if let Some(lock) = taken(code, receiver, GO_RELEASE) {
            if !found.iter().any(|l: &Locker| l.lock == lock) {
                released_first.push(lock);
            }
            continue;
        }
        if let Some(lock) = taken(code, receiver, GO_TAKE)
            && !released_first.contains(&lock)
        {
            found.push(Locker {
                owner: owner.to_owned(),
                method: method.to_owned(),
                lock: lock.to_owned(),
            });
        }
    }
    found
}

/// A Python method's name from its `def` line, when its first parameter
/// is `self`.
fn python_method(segment: &str) -> Option<&str> {
    let line = segment.lines().find(|l| {
        let l = l.trim_start();
        l.starts_with("def ") || l.starts_with("async def ")
    })?;
    let rest = line
        .trim_start()
        .trim_start_matches("async ")
        .strip_prefix("def ")?;
    let (name, params) = rest.split_once('(')?;
    params
        .trim_start()
        .starts_with("self")
        .then_some(name.trim())
}

/// The `self` lock a Python line takes: `with self._lock:` or
/// `self._lock.acquire()`.
fn python_take(code: &str) -> Option<&str> {
    if let Some(subject) = code
        .strip_prefix("with self.")
        .or_else(|| code.strip_prefix("async with self."))
        .and_then(|s| s.strip_suffix(':'))
    {
        let simple = subject.chars().all(|c| c.is_alphanumeric() || c == '_');
        return simple.then_some(subject);
    }
    taken(code, "self", &[".acquire()"])
}

/// The `self` fields a Python file makes a plain, non-reentrant lock:
/// `self._lock = threading.Lock()`, `= Lock()`, `= asyncio.Lock()`.
fn python_plain_locks(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (target, value) = l.trim().split_once('=')?;
            let field = target.trim().strip_prefix("self.")?;
            let value = value.trim();
            let plain = value.ends_with("Lock()")
                && !value.ends_with("RLock()")
                && field.chars().all(|c| c.is_alphanumeric() || c == '_');
            plain.then(|| field.to_owned())
        })
        .collect()
}

const RUST_TAKE: &[&str] = &[".lock()", ".write()", ".read()"];

/// A Rust method's name from its `fn` line, when it takes `self`.
fn rust_method(segment: &str) -> Option<&str> {
    let at = segment.find("fn ")?;
    let rest = &segment[at + 3..];
    let (name, params) = rest.split_once('(')?;
    let name = name.split('<').next()?.trim();
    let params = params.trim_start();
    (params.starts_with("&self") || params.starts_with("&mut self") || params.starts_with("self"))
        .then_some(name)
}

/// The `self` lock a Rust line takes and keeps: a `.lock()` (or an
/// `RwLock`'s `.read()`/`.write()` that is unwrapped, awaited or `?`-ed,
/// which tells it from an I/O read).
fn rust_take(code: &str) -> Option<&str> {
    let path = taken(code, "self", RUST_TAKE)?;
    let call = RUST_TAKE.iter().find(|c| code.contains(*c))?;
    if *call == ".lock()" {
        return Some(path);
    }
    let after = code.split_once(call)?.1;
    [".unwrap()", ".expect(", "?", ".await"]
        .iter()
        .any(|w| after.starts_with(w))
        .then_some(path)
}

/// The locks of `self` a Python or Rust method takes, by `take`, in its
/// own lines (the method named by `method`).
fn self_lockers(
    language: Language,
    segment: &str,
    method: fn(&str) -> Option<&str>,
    take: fn(&str) -> Option<&str>,
) -> Vec<Locker> {
    let Some(method) = method(segment) else {
        return Vec::new();
    };
    own_lines(language, segment)
        .into_iter()
        .filter_map(|(_, l)| take(l.trim()))
        .map(|lock| Locker {
            owner: String::new(),
            method: method.to_owned(),
            lock: lock.to_owned(),
        })
        .collect()
}

/// The methods of `receiver` a line calls, with where each call starts in
/// the line: `T` at 23 in `suite.require = require.New(suite.T())`.
fn method_calls<'l>(code: &'l str, receiver: &str) -> Vec<(usize, &'l str)> {
    let prefix = format!("{receiver}.");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find(&prefix) {
        let at = from + found;
        from = at + prefix.len();
        let boundary = code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
        let rest = &code[at + prefix.len()..];
        let name_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if boundary && name_len > 0 && rest[name_len..].starts_with('(') {
            out.push((at, &rest[..name_len]));
        }
    }
    out
}

/// The lines of a function's text that run on its own goroutine or thread
/// as part of its own body: after its header, outside nested closures,
/// `go` statements, nested `def`s and spawned closures (what runs there
/// waits for a lock, it does not hold the caller's).
fn own_lines(language: Language, text: &str) -> Vec<(usize, &str)> {
    let lines = lines_at(text);
    let header_at = lines
        .iter()
        .position(|(_, l)| {
            let l = l.trim_start();
            match language {
                Language::Go => l.starts_with("func "),
                Language::Python => l.starts_with("def ") || l.starts_with("async def "),
                _ => l.contains("fn "),
            }
        })
        .unwrap_or(0);
    let mut out = Vec::new();
    let mut nested: Option<usize> = None;
    for &(at, line) in &lines[(header_at + 1).min(lines.len())..] {
        let code = line.trim();
        if code.is_empty() || code.starts_with("//") || code.starts_with('#') {
            continue;
        }
        let depth = indent(line);
        if let Some(d) = nested {
            if depth > d {
                continue;
            }
            nested = None;
            if code.starts_with('}') || code.starts_with(')') {
                continue;
            }
        }
        let opens = match language {
            Language::Go => {
                code.starts_with("go ")
                    || (code.contains("func(") || code.contains("func (")) && code.ends_with('{')
            }
            Language::Python => {
                code.starts_with("def ")
                    || code.starts_with("async def ")
                    || code.starts_with("class ")
            }
            Language::Rust => code.contains("spawn(") || code.contains("move |"),
            _ => false,
        };
        if opens {
            nested = Some(depth);
            continue;
        }
        out.push((at, line));
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

impl Scan<'_, '_, '_> {
    /// Calls made while a lock of the receiver is held to a method of the
    /// file that takes the same lock.
    pub(super) fn lock_taken_again(&mut self) {
        let lockers = &self.cx.file.lockers;
        if lockers.is_empty() {
            return;
        }
        let language = self.cx.language;
        let header = self.body.lines().next().unwrap_or_default();
        let (receiver, owner, own_name) = match language {
            Language::Go => match go_method(header) {
                Some((receiver, owner, name)) => (receiver, owner, name),
                None => return,
            },
            Language::Python => match python_method(&self.body) {
                Some(name) => ("self", "", name),
                None => return,
            },
            Language::Rust => match rust_method(&self.body) {
                Some(name) => ("self", "", name),
                None => return,
            },
            _ => return,
        };
        let base = self.cx.node.start_byte();
        // Locks held: the path, the indentation they were taken at (a
        // deferred release keeps it to the end: `usize::MAX` never closes)
        // and the Rust guard's name.
        let mut held: Vec<(&str, usize, Option<String>)> = Vec::new();
        let mut found: Vec<(usize, usize, String, String)> = Vec::new();
        let body = self.body.clone();
        for (at, line) in own_lines(language, &body) {
            let code = line.trim();
            let depth = indent(line);
            // A block closing back past where a lock was taken ends what
            // it held (a `with` body, a Rust guard's scope).
            held.retain(|(_, taken_at, _)| depth > *taken_at || *taken_at == usize::MAX);
            match language {
                Language::Go => {
                    if code.starts_with("defer ") {
                        if let Some(lock) = taken(code, receiver, GO_RELEASE) {
                            for entry in held.iter_mut().filter(|(l, _, _)| *l == lock) {
                                entry.1 = usize::MAX;
                            }
                        }
                        continue;
                    }
                    if let Some(lock) = taken(code, receiver, GO_RELEASE) {
                        held.retain(|(l, _, _)| *l != lock);
                        continue;
                    }
                    if let Some(lock) = taken(code, receiver, GO_TAKE) {
                        // Taken at the function's own level, it is held
                        // to a release; inside a block, to that block's end.
                        held.push((lock, depth.saturating_sub(1), None));
                        continue;
                    }
                }
                Language::Python => {
                    if let Some(lock) = taken(code, receiver, &[".release()"]) {
                        held.retain(|(l, _, _)| *l != lock);
                        continue;
                    }
                    if let Some(lock) = python_take(code) {
                        let taken_at = if code.ends_with(':') {
                            depth
                        } else {
                            depth.saturating_sub(1)
                        };
                        held.push((lock, taken_at, None));
                        continue;
                    }
                }
                Language::Rust => {
                    if let Some(guard) = code
                        .strip_prefix("drop(")
                        .and_then(|r| r.strip_suffix(");"))
                    {
                        held.retain(|(_, _, g)| g.as_deref() != Some(guard));
                        continue;
                    }
                    // Only a guard bound to a name lives past its statement.
                    if let Some(rest) = code.strip_prefix("let ")
                        && let Some(lock) = rust_take(code)
                        && code
                            .trim_end_matches(';')
                            .ends_with(|c: char| c == ')' || c == '?' || c.is_alphanumeric())
                        && !code.contains(").lock().unwrap().")
                    {
                        let name = rest
                            .trim_start_matches("mut ")
                            .split([' ', ':', '='])
                            .next()
                            .unwrap_or_default()
                            .to_owned();
                        held.push((lock, depth.saturating_sub(1), Some(name)));
                        continue;
                    }
                }
                _ => {}
            }
            if held.is_empty() {
                continue;
            }
            for (column, method) in method_calls(code, receiver) {
                if method == own_name {
                    continue;
                }
                let Some((lock, _, _)) = held.iter().find(|(lock, _, _)| {
                    lockers.iter().any(|l| {
                        l.method == method
                            && l.lock == *lock
                            && (l.owner.is_empty() || l.owner == owner)
                    })
                }) else {
                    continue;
                };
                let start = at + indent(line) + column;
                let end = start + receiver.len() + 1 + method.len();
                found.push((start, end, method.to_owned(), (*lock).to_owned()));
            }
        }
        let waiter = if language == Language::Go {
            "goroutine"
        } else {
            "thread"
        };
        for (start, end, method, lock) in found {
            self.push(
                base + start..base + end,
                Timeout,
                0.3,
                &format!(
                    "`{method}` takes `{lock}` again while this function holds it; the lock is not reentrant, so the {waiter} waits on itself forever"
                ),
            );
        }
    }
}
