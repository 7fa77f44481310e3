//! Shared state: writes to shared collections outside a lock, values that
//! escape a critical section, closures that run after the lock is released.

use super::*;

/// Names assigned from shared state between a lock and its release in the
/// function's own lines, each with the byte offset of the release.
pub(super) fn escaped_from_lock(cx: &FnCx) -> Vec<(String, usize)> {
    let text = cx.own_text().to_owned();
    let mut offset = cx.node.start_byte();
    let (mut held, mut inside): (bool, Vec<String>) = (false, Vec::new());
    let mut escaped = Vec::new();
    for line in text.split_inclusive('\n') {
        let code = line.trim();
        let deferred = code.starts_with("defer ");
        if !deferred
            && [".Lock()", ".RLock()", ".lock()", ".acquire()"]
                .iter()
                .any(|w| code.contains(w))
        {
            held = true;
        } else if !deferred
            && [".Unlock()", ".RUnlock()", ".unlock()", ".release()"]
                .iter()
                .any(|w| code.contains(w))
        {
            if held {
                escaped.extend(inside.drain(..).map(|n| (n, offset)));
            }
            held = false;
        } else if held
            && let Some((left, right)) = assignment(code)
            && right.contains(['.', '['])
            && !right.contains('(')
        {
            inside.extend(
                left.split(',')
                    .map(assigned_name)
                    .filter(|n| n.len() > 1 && n.chars().all(|c| c.is_alphanumeric() || c == '_'))
                    .map(str::to_owned),
            );
        }
        offset += line.len();
    }
    escaped
}

/// For a closure defined in a function that takes a lock (and that takes
/// none itself), the names the closure declares: parameters and locals.
pub(super) fn closure_under_a_lock(cx: &FnCx, scan: &Scan) -> Option<Vec<String>> {
    if scan.takes_lock {
        return None;
    }
    let parent = cx.index.functions.get(cx.function.parent?)?;
    let end = parent.range.end.min(cx.rope.len_bytes());
    let outer = cx
        .rope
        .byte_slice(parent.range.start.min(end)..end)
        .to_string();
    let locks = [
        ".Lock()",
        ".RLock()",
        ".lock()",
        ".acquire()",
        "synchronized",
    ]
    .iter()
    .any(|w| outer.contains(w));
    if !locks {
        return None;
    }
    let mut own = scan.parameters.clone();
    // Packages and modules the file imports are no captured values.
    let file = cx.file_text();
    for line in file.lines() {
        let line = line.trim();
        let quoted = line.trim_start_matches("import").trim();
        if let Some(path) = quoted.strip_prefix('"').and_then(|q| q.split('"').next()) {
            own.extend(path.rsplit('/').next().map(str::to_owned));
        } else if let Some(names) = line.strip_prefix("import ") {
            own.extend(names.split([',', ' ', '.']).map(|n| n.trim().to_owned()));
        }
    }
    for line in scan.body.lines() {
        for op in [":=", "="] {
            if let Some((left, _)) = line.split_once(op) {
                own.extend(
                    left.split(',')
                        .map(|n| n.trim().trim_start_matches("var ").trim())
                        .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))
                        .map(str::to_owned),
                );
            }
        }
    }
    Some(own)
}

impl Scan<'_, '_, '_> {
    /// A write to state other calls share (a field, a global), in a
    /// function that takes no lock: a race when two threads or tasks get
    /// there at once.
    pub(super) fn shared_write(&mut self, node: Node) {
        let Some(left) = node
            .child_by_field_name("left")
            .or_else(|| node.named_child(0))
        else {
            return;
        };
        // Rust's borrow checker rules out data races on `&mut self`; a
        // constructor's object is not shared yet.
        if self.cx.language == Language::Rust || self.in_constructor() {
            return;
        }
        let target = self.text(left);
        let shared = ["self.", "this.", "cls."]
            .iter()
            .any(|p| target.starts_with(p))
            || (self.cx.language == Language::Go && target.contains('.'))
            || (self.cx.language == Language::Java
                && !target.contains('.')
                && !target.contains('[')
                && self.field_like(&target))
            || target.starts_with("static ")
            // A Python module's global rebound by a function of a module
            // that runs threads: `count += 1` is a read and a write.
            || (self.cx.language == Language::Python
                && self.domain.factor(RaceCondition) > 1.0
                && self.body.lines().any(|line| {
                    line.trim_start()
                        .strip_prefix("global ")
                        .is_some_and(|names| names.split(',').any(|n| n.trim() == target))
                }));
        if !shared {
            return;
        }
        if self.locked(node) {
            return;
        }
        // A Go value the function made itself (`do := dialOptions{…}`,
        // `var cfg *tls.Config; cfg = &tls.Config{…}`) is no one else's
        // until it is returned or handed on.
        // Written from a goroutine it started, it is shared again.
        if self.cx.language == Language::Go {
            let root = target.split(['.', '[']).next().unwrap_or_default().trim();
            let mut in_goroutine = false;
            let mut ancestor = node.parent();
            while let Some(parent) = ancestor {
                if parent.id() == self.cx.node.id() {
                    break;
                }
                in_goroutine |= parent.kind() == "go_statement";
                ancestor = parent.parent();
            }
            if !in_goroutine && self.made_here(root) {
                return;
            }
        }
        // JavaScript runs one callback at a time: a write races only with
        // code that ran while this function waited (an `await`, a
        // promise's callback, a timer).
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && !self.cx.is_async()
            && ![
                "await ",
                ".then(",
                "setTimeout(",
                "setImmediate(",
                "nextTick(",
            ]
            .iter()
            .any(|w| self.body.contains(w))
        {
            return;
        }
        let mut likelihood = 0.06;
        if target.contains('[') {
            likelihood += 0.02;
        }
        self.add(node, RaceCondition, likelihood, trigger(RaceCondition));
    }

    /// Whether `node` runs while a lock is held: inside a `with …lock…`,
    /// a `synchronized` block or method, or after a `Lock()` (Go, Java)
    /// that no `Unlock()` released before it in an enclosing block.
    pub(super) fn locked(&self, node: Node) -> bool {
        if !self.takes_lock {
            return false;
        }
        let words = self.facts.sync_words;
        let header = |n: Node| {
            let text = self.text(n);
            let end = text.find([':', '{']).unwrap_or(text.len());
            text[..end].to_owned()
        };
        if self.cx.language == Language::Java && header(self.cx.node).contains("synchronized") {
            return true;
        }
        let mut child = node;
        while let Some(parent) = child.parent() {
            let held = match parent.kind() {
                "synchronized_statement" => true,
                "with_statement" => words.iter().any(|w| header(parent).contains(w)),
                _ => false,
            };
            if held {
                return true;
            }
            // Earlier statements of the same block: a lock taken and not
            // yet released.
            let mut sibling = child.prev_named_sibling();
            let mut released = false;
            while let Some(statement) = sibling {
                let text = self.text(statement);
                if text.contains("Unlock()") && !text.contains("defer") {
                    released = true;
                }
                if !released
                    && (text.contains(".Lock()")
                        || text.contains(".lock()")
                        || text.contains(".RLock()")
                        || text.contains(".acquire()"))
                {
                    return true;
                }
                sibling = statement.prev_named_sibling();
            }
            if parent.id() == self.cx.node.id() {
                break;
            }
            child = parent;
        }
        false
    }

    /// What the function assigns to the Go local `name` (`name := …` or
    /// `name = …`, a statement per line), each right side as written.
    pub(super) fn go_assigned<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s str> {
        let define = format!("{name} := ");
        let assign = format!("{name} = ");
        self.body.lines().filter_map(move |line| {
            let line = line.trim();
            line.strip_prefix(&define)
                .or_else(|| line.strip_prefix(&assign))
        })
    }

    /// Whether the function builds its object (`__init__`, `constructor`,
    /// a Java constructor, Go's `New…`), so nothing else sees it yet.
    /// Whether a Go local was made by this function: declared with `var`,
    /// or assigned a composite literal, `new`, `make` or a copy.
    pub(super) fn made_here(&self, name: &str) -> bool {
        if name.is_empty()
            || self.parameters.iter().any(|p| p == name)
            || self.go_receiver() == Some(name)
        {
            return false;
        }
        if self.body.contains(&format!("var {name} ")) {
            return true;
        }
        self.go_assigned(name).any(|rest| {
            let rest = rest.trim();
            rest.starts_with('&')
                || rest.starts_with("new(")
                || rest.starts_with("make(")
                || rest.to_lowercase().contains("clone")
                || rest.to_lowercase().starts_with("copy")
                || rest
                    .split('(')
                    .next()
                    .is_some_and(|head| head.contains('{') && !head.contains(' '))
        })
    }

    pub(super) fn in_constructor(&self) -> bool {
        let name = self.own_name();
        matches!(name, "__init__" | "__new__" | "constructor" | "new")
            || name.starts_with("New")
            || self.cx.node.kind() == "constructor_declaration"
    }
}
