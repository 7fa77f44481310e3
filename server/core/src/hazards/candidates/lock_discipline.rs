//! Lock discipline: a field that the file only touches while holding a lock
//! is shared between goroutines or threads, so a method that reads it with
//! no lock races with the writers the lock keeps out (`func (c *Conn)
//! LastError() error { return c.err }` beside `c.mu.Lock(); c.err = err`).
//! The fields are read once per file from its text; the check runs per
//! function.

use super::memo::Memo;
use super::*;

/// The fields the file accesses through a method's receiver (`self`, or a
/// Go receiver's name) while a lock is held: between `Lock()` and
/// `Unlock()` (or to the end of the function after a deferred unlock), or
/// inside a Python `with self._lock:` block.
pub fn guarded_fields(language: Language, segments: &[&str]) -> Vec<String> {
    static GO: Memo<Vec<String>> = Memo::new();
    static PYTHON: Memo<Vec<String>> = Memo::new();
    type Scanner = fn(&str, &mut Vec<String>);
    let (memo, scan): (&Memo<Vec<String>>, Scanner) = match language {
        Language::Go => (&GO, go_guarded),
        Language::Python => (&PYTHON, python_guarded),
        _ => return Vec::new(),
    };
    super::memo::names_in_segments(memo, segments, |text| {
        let mut found = Vec::new();
        scan(text, &mut found);
        found
    })
}

fn go_guarded(text: &str, fields: &mut Vec<String>) {
    let (mut receiver, mut held) = (None::<String>, false);
    for line in text.lines() {
        if line.starts_with("func ") {
            held = false;
            receiver = go_receiver(line);
            continue;
        }
        let code = line.trim();
        let deferred = code.starts_with("defer ");
        if [".Lock()", ".RLock()"].iter().any(|w| code.contains(w)) {
            held = true;
        } else if !deferred && [".Unlock()", ".RUnlock()"].iter().any(|w| code.contains(w)) {
            held = false;
        }
        if held && let Some(receiver) = &receiver {
            fields_of(code, receiver, fields);
        }
    }
}

/// The receiver's name in a Go method's first line: `c` in `func (c
/// *Conn) Close() error {`.
fn go_receiver(header: &str) -> Option<String> {
    let inside = header.strip_prefix("func (")?.split(')').next()?;
    let name = inside.split_whitespace().next()?;
    (inside.split_whitespace().count() == 2).then(|| name.to_owned())
}

fn python_guarded(text: &str, fields: &mut Vec<String>) {
    let mut block: Option<usize> = None;
    for line in text.lines() {
        let code = line.trim();
        if code.is_empty() || code.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if block.is_some_and(|with| indent <= with) {
            block = None;
        }
        if block.is_some() {
            fields_of(code, "self", fields);
        } else if let Some(subject) = code.strip_prefix("with ")
            && ["lock", "Lock", "mutex", "cond", "_cv"]
                .iter()
                .any(|w| subject.contains(w))
        {
            block = Some(indent);
        }
    }
}

/// The fields read or written through `receiver.` in one line of code,
/// not the methods called on it nor the lock itself.
fn fields_of(code: &str, receiver: &str, fields: &mut Vec<String>) {
    let prefix = format!("{receiver}.");
    let mut rest = code;
    while let Some(at) = rest.find(&prefix) {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + prefix.len()..];
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let tail = &after[name.len()..];
        let called = tail.starts_with('(');
        let lock = [
            ".Lock", ".Unlock", ".RLock", ".RUnlock", ".acquire", ".release",
        ]
        .iter()
        .any(|w| tail.starts_with(w));
        if !name.is_empty() && !called && !lock {
            fields.push(name);
        }
    }
}

/// A Go struct's declared field names and its embedded types' names
/// (`SpanModel` of `model.SpanModel`), from `type Name struct { … }` in
/// the file's text.
fn go_struct_fields(text: &str, name: &str) -> Option<(Vec<String>, Vec<String>)> {
    let start = text.find(&format!("type {name} struct {{"))?;
    let body = text[start..].split_once('{')?.1.split('}').next()?;
    let (mut declared, mut embedded) = (Vec::new(), Vec::new());
    for line in body.lines() {
        let code = line.split("//").next().unwrap_or_default().trim();
        let words: Vec<&str> = code.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [only] => {
                let ty = only.trim_start_matches('*');
                embedded.push(ty.rsplit('.').next().unwrap_or(ty).to_owned());
            }
            [names @ .., _] => declared.extend(
                names
                    .iter()
                    .map(|n| n.trim_end_matches(',').to_owned())
                    .filter(|n| !n.is_empty()),
            ),
        }
    }
    Some((declared, embedded))
}

impl Scan<'_, '_, '_> {
    /// Whether `field` is a struct the receiver's type embeds, and fields
    /// written under the lock are promoted from an embedded struct
    /// (zipkin's `spanImpl` embeds `model.SpanModel`, and `Tag` writes
    /// `s.Tags` under `s.mtx`): reading the embedded struct whole reads
    /// those fields too.
    fn embeds_guarded(&self, field: &str) -> bool {
        if self.cx.language != Language::Go {
            return false;
        }
        let Some(receiver) = self.cx.function.receiver.as_deref() else {
            return false;
        };
        let Some((declared, embedded)) =
            go_struct_fields(self.cx.file_text(), receiver.trim_start_matches('*'))
        else {
            return false;
        };
        embedded.iter().any(|e| e == field)
            && self
                .guarded
                .iter()
                .any(|g| !declared.contains(g) && !embedded.contains(g))
    }

    /// A read of a lock-guarded field in a method that takes no lock.
    pub(super) fn unguarded_read(&mut self, node: Node) {
        if self.guarded.is_empty() || self.takes_lock || self.in_constructor() {
            return;
        }
        // By convention such helpers are called with the lock held.
        let name = &self.cx.function.name;
        if name.contains("ocked") || name.starts_with("must") {
            return;
        }
        let receiver = match self.cx.language {
            Language::Python => "self".to_owned(),
            Language::Go => {
                let header = self.text(self.cx.node);
                match go_receiver(header.lines().next().unwrap_or_default()) {
                    Some(receiver) => receiver,
                    None => return,
                }
            }
            _ => return,
        };
        // Only the outermost access of a chain, and not a method call.
        if node
            .parent()
            .is_some_and(|p| self.facts.member.contains(&p.kind()))
        {
            return;
        }
        let called = node.parent().is_some_and(|p| {
            self.facts.call.contains(&p.kind())
                && p.child_by_field_name("function")
                    .is_some_and(|f| f.id() == node.id())
        });
        let text = self.text(node);
        let mut segments = text.split('.').map(str::trim);
        if segments.next() != Some(receiver.as_str()) {
            return;
        }
        let segments: Vec<&str> = segments.collect();
        // `c.mu.Lock` is the lock; `self.f(…)` calls the method `f`.
        let fields = if called {
            &segments[..segments.len().saturating_sub(1)]
        } else {
            &segments[..]
        };
        let Some(field) = fields
            .iter()
            .find(|f| self.guarded.iter().any(|g| g == *f))
            .or_else(|| fields.first().filter(|f| self.embeds_guarded(f)))
        else {
            return;
        };
        if self.raced.iter().any(|r| r == field) {
            return;
        }
        self.raced.push((*field).to_owned());
        self.add(
            node,
            RaceCondition,
            0.09,
            "another goroutine or thread writes this field under the lock the rest of the type takes, while this code reads it with none",
        );
    }
}
