//! Locks that exclude nothing. A lock made inside the function that takes
//! it (`lock = threading.Lock()` then `with lock:`, Java's `synchronized
//! (new Object())`) is a new lock on every call: two threads running the
//! function each hold their own, and the code it guards runs in both at
//! once. And Java's double-checked lazy initialisation of a field that is
//! not `volatile`: another thread can see the field set before the
//! constructor's writes, and use a half-built object.

use super::*;

/// Python's lock constructors.
const PYTHON_LOCKS: &[&str] = &[
    "threading.Lock()",
    "threading.RLock()",
    "Lock()",
    "RLock()",
    "asyncio.Lock()",
    "multiprocessing.Lock()",
];

const CERTAIN: f32 = 0.4;

impl Scan<'_, '_, '_> {
    pub(super) fn lock_excludes_nothing(&mut self, node: Node) {
        match (self.cx.language, node.kind()) {
            (Language::Python, "with_statement") => self.python_local_lock(node),
            (Language::Java, "synchronized_statement") => {
                let text = self.text(node);
                let monitor = text
                    .trim_start_matches("synchronized")
                    .trim_start()
                    .trim_start_matches('(')
                    .trim_start();
                if monitor.starts_with("new ") {
                    self.add_lock(node, "a lock made where it is taken: every thread synchronizes on an object of its own");
                }
            }
            (Language::Java, "if_statement") => self.double_checked(node),
            _ => {}
        }
    }

    fn add_lock(&mut self, node: Node, trigger: &str) {
        self.add_precise(
            node,
            RaceCondition,
            CERTAIN,
            (
                "lock.excludes-nothing",
                "Race: each call takes a lock of its own, so the lock excludes no other thread"
                    .to_owned(),
            ),
            trigger,
        );
    }

    /// `with threading.Lock():`, or `with lock:` on a local the function
    /// made from a lock constructor and uses for nothing else (a lock it
    /// hands to threads or stores is shared).
    fn python_local_lock(&mut self, node: Node) {
        let header = self.header_text(node);
        let item = header
            .trim()
            .trim_start_matches("async ")
            .trim_start_matches("with ")
            .trim_end_matches(':')
            .trim();
        let local = || {
            let name = item;
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return false;
            }
            let mut made = false;
            let mut other = false;
            for line in self.body.lines().map(str::trim) {
                if !mentions(line, name) {
                    continue;
                }
                let made_here = super::absent::assignment(line).is_some_and(|(left, right)| {
                    left.trim() == name && PYTHON_LOCKS.contains(&right.trim())
                });
                let taken = [
                    format!("with {name}:"),
                    format!("async with {name}:"),
                    format!("{name}.acquire("),
                    format!("{name}.release("),
                ]
                .iter()
                .any(|use_| line.starts_with(use_.as_str()));
                made |= made_here;
                other |= !made_here && !taken;
            }
            made && !other
        };
        if PYTHON_LOCKS.contains(&item) || local() {
            self.add_lock(node, "two threads run the function at once: each made its own lock, so both run the block it guards");
        }
    }

    /// `if (f == null) { synchronized (…) { if (f == null) f = new …; } }`
    /// on a field declared without `volatile`.
    fn double_checked(&mut self, node: Node) {
        let Some(condition) = node.child_by_field_name("condition") else {
            return;
        };
        let condition = self.text(condition);
        let Some(field) = condition
            .trim_matches(|c| c == '(' || c == ')' || c == ' ')
            .strip_suffix("== null")
            .map(|f| f.trim().trim_start_matches("this.").to_owned())
        else {
            return;
        };
        if field.is_empty() || !field.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return;
        }
        let text = self.text(node);
        let Some(inner) = text.find("synchronized") else {
            return;
        };
        let rest = &text[inner..];
        let checks_again = rest.contains(&format!("{field} == null"));
        let sets =
            rest.contains(&format!("{field} = ")) || rest.contains(&format!("this.{field} = "));
        if !(checks_again && sets) || self.volatile_field(&field) {
            return;
        }
        self.add_precise(
            node,
            RaceCondition,
            CERTAIN,
            (
                "java.double-checked-locking",
                format!("Race: `{field}` is checked outside the lock and is not volatile"),
            ),
            &format!("another thread reads `{field}` after it is set and before the object's constructor has finished writing it, and uses a half-built object"),
        );
    }

    /// Whether the file declares `field` volatile, or not as a field of its
    /// own at all (a local, or one we cannot see).
    fn volatile_field(&self, field: &str) -> bool {
        let file = self.cx.file_text();
        let declaration = file.lines().find(|line| {
            let line = line.trim();
            (line.ends_with(&format!(" {field};")) || line.contains(&format!(" {field} =")))
                && ["private ", "static ", "protected ", "public "]
                    .iter()
                    .any(|m| line.starts_with(m))
                && !line.contains('(')
        });
        declaration.is_none_or(|line| line.contains("volatile"))
    }
}
