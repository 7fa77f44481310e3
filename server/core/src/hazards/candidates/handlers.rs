//! Whether an operation's error is handled where it happens: a `try`
//! that catches its class, or a handler that does not just raise again.

use super::*;

impl Scan<'_, '_, '_> {
    /// Whether `subject` may be null at `node`: no check of it guards the
    /// use, and no handler around it catches the null dereference.
    pub(super) fn null_unguarded(&self, node: Node, subject: &str) -> bool {
        !guarded(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &[subject],
        ) && !self.caught_here(node, FailureClass::NullOrNone)
    }

    /// Whether an enclosing `try` catches the error `class` raises.
    pub(super) fn caught_here(&self, node: Node, class: FailureClass) -> bool {
        // A wrong hour or a lost update raises nothing a handler could
        // catch; nor do corrupted text and a wrapped number outside Python
        // (Java, Go and JavaScript replace bad bytes and wrap integers).
        let silent = matches!(class, TimezoneDst | RaceCondition)
            || (matches!(class, Encoding | Overflow) && self.cx.language != Language::Python);
        if silent {
            return false;
        }
        let errors: &[&str] = match (self.cx.language, class) {
            (Language::Python, KeyMissing) => &["KeyError", "LookupError"],
            (Language::Python, IndexOutOfRange) => &["IndexError", "LookupError"],
            (Language::Python, ParseError) => &["ValueError", "JSONDecodeError"],
            (Language::Python, Encoding) => &["UnicodeError", "UnicodeDecodeError", "ValueError"],
            (Language::Python, DivisionByZero) => &["ZeroDivisionError", "ArithmeticError"],
            (Language::Python, NetworkError | Timeout) => &[
                "OSError",
                "socket.error",
                "ConnectionError",
                "RequestException",
            ],
            (Language::Python, NullOrNone | TypeError) => &["TypeError", "AttributeError"],
            (Language::Python, Overflow) => &["OverflowError", "ArithmeticError"],
            (Language::Java, NullOrNone) => &["NullPointerException"],
            (Language::Java, ParseError) => &["NumberFormatException", "ParseException"],
            (Language::Java, IndexOutOfRange) => &[
                "IndexOutOfBoundsException",
                "ArrayIndexOutOfBoundsException",
                "StringIndexOutOfBoundsException",
            ],
            (Language::Java, Assertion) => &["IllegalArgumentException", "IllegalStateException"],
            (Language::Java, TypeError) => &["ClassCastException"],
            (Language::Java, DivisionByZero) => &["ArithmeticException"],
            (Language::Java, KeyMissing) => &["NoSuchElementException", "NullPointerException"],
            (Language::Java, NetworkError | Timeout) => &["IOException"],
            // Too deep a recursion: RecursionError, StackOverflowError, and
            // in JavaScript `RangeError: Maximum call stack size exceeded`.
            (Language::Python, ResourceExhaustion) => &["RecursionError", "MemoryError"],
            (Language::Java, ResourceExhaustion) => &["StackOverflowError", "OutOfMemoryError"],
            (Language::JavaScript | Language::TypeScript | Language::Tsx, ResourceExhaustion) => {
                &["RangeError"]
            }
            _ => &[],
        };
        caught(self.cx.language, node, self.cx.node, self.cx.rope, errors)
    }

    /// Whether the call's failure is handled where it happens: in Rust, a
    /// `Result` or `Option` that is not unwrapped (`?`, `.ok()`,
    /// `unwrap_or…`, `match`) cannot panic; elsewhere, a call on a receiver
    /// an enclosing condition checks (`if rv.Type().Comparable()`, `if x
    /// is not None`).
    pub(super) fn handled(&self, node: Node, class: FailureClass) -> bool {
        if self.cx.language == Language::Rust
            && matches!(class, ParseError | Encoding | Overflow | NullOrNone)
        {
            let after = {
                let end = node.end_byte().min(self.cx.rope.len_bytes());
                let stop = (end + 40).min(self.cx.rope.len_bytes());
                self.cx.rope.byte_slice(end..stop).to_string()
            };
            let callee = self.callee(node).unwrap_or_default();
            let panics_itself = callee.ends_with("unwrap")
                || callee.ends_with("expect")
                || callee.ends_with("from_ymd")
                || callee.ends_with("seconds")
                || callee.ends_with("milliseconds")
                || callee.ends_with("from_secs_f64")
                || callee.ends_with("from_secs_f32");
            let unwrapped = after.trim_start().starts_with(".unwrap()")
                || after.trim_start().starts_with(".expect(");
            return !(panics_itself || unwrapped);
        }
        if matches!(
            class,
            TypeError | NullOrNone | IndexOutOfRange | KeyMissing | Assertion
        ) {
            let Some(callee) = self.callee(node) else {
                return false;
            };
            let root = callee
                .split(['.', '(', '['])
                .next()
                .unwrap_or_default()
                .trim();
            if root.len() > 1
                && !matches!(root, "self" | "this")
                && guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[root])
            {
                return true;
            }
            // `max(len(r) for r in rules)` after `if not rules: return`.
            let args = node
                .child_by_field_name("arguments")
                .map(|a| self.text(a))
                .unwrap_or_default();
            if let Some(collection) = iterated(&args) {
                let source = self.mapped_from(collection);
                return [Some(collection), source.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|c| guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[c]));
            }
        }
        false
    }

    /// The collection `name` was built from by an unfiltered comprehension
    /// (`rule_methods = [f(r) for r in rules]`): it is empty exactly when
    /// that one is, so a check of either guards both.
    fn mapped_from(&self, name: &str) -> Option<String> {
        let at = self.body.find(&format!("{name} = ["))?;
        let rest = &self.body[at + name.len() + 4..];
        let mut depth = 1;
        let end = rest.char_indices().find_map(|(i, c)| {
            match c {
                '[' | '(' | '{' => depth += 1,
                ']' | ')' | '}' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })?;
        let comprehension = &rest[..end];
        if !comprehension.contains(" for ") || comprehension.contains(" if ") {
            return None;
        }
        let (_, source) = comprehension.rsplit_once(" in ")?;
        let source = source.trim();
        (!source.is_empty()
            && source
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.')))
        .then(|| source.to_owned())
    }
}
