//! A read in an open-ended loop that never looks for the end of input.
//! At the end of a stream a read does not block and does not fail: Rust's
//! `read_line` and `read` return `Ok(0)`, Python's `recv` and `readline`
//! return `b""`, Java's `read` returns -1 and `readLine` null, Go's `Read`
//! returns `io.EOF` as its error. A loop that waits for a line, a reply
//! code or a byte count, and reads on without testing what came back,
//! spins forever once the peer closes the connection or the file ends
//! early: `while len(buf) < n: buf += sock.recv(n - len(buf))`, or
//! `loop { self.read_line(&mut line)?; if line.starts_with(code) { break } }`.
//! The guard is a test of the read's result (its count, its text, its
//! error) in the loop.

use super::*;

/// A hang that needs an early close to show: below an unguarded index.
const BASE: f32 = 0.07;

const TRIGGER: &str = "the peer closes the connection (or the input ends) before what the loop waits for arrives: every read returns nothing and the loop spins";

/// Reads that return the end of input as a value, per language.
fn reads_to_the_end(language: Language, name: &str) -> bool {
    match language {
        Language::Rust => matches!(
            name,
            "read" | "read_line" | "read_until" | "read_buf" | "fill_buf"
        ),
        Language::Python => matches!(
            name,
            "read" | "recv" | "recv_into" | "readinto" | "readline" | "read1"
        ),
        Language::Go => matches!(
            name,
            "Read" | "ReadString" | "ReadBytes" | "ReadLine" | "ReadRune" | "ReadByte"
        ),
        Language::Java => matches!(name, "read" | "readLine"),
        // Node's streams end with an event, not a value a loop reads; its
        // synchronous file read returns the count, 0 at the end.
        Language::JavaScript | Language::TypeScript | Language::Tsx => name == "readSync",
    }
}

/// Whether `line` tests `name`, a read's result, in a way the end of input
/// answers: its truth (`if not data`, `while line`), its count or length
/// compared (`n == 0`, `len(chunk) < size`), its emptiness, a `match` on
/// it. A test of what it says (`line.startswith("END")`) is not one: at
/// the end it says nothing, and the loop reads on.
fn tests_for_the_end(line: &str, name: &str) -> bool {
    let line = line.trim();
    // Its truth: the name itself, not a method or field of it.
    let truth = ["not ", "!", "if ", "while ", "if (", "while ("]
        .iter()
        .any(|before| {
            let pattern = format!("{before}{name}");
            line.match_indices(&pattern).any(|(at, _)| {
                !line[at + pattern.len()..].starts_with(|c: char| {
                    c.is_alphanumeric() || matches!(c, '_' | '.' | '(' | '[')
                })
            })
        });
    let tested = [
        format!("{name} =="),
        format!("{name} !="),
        format!("{name} <"),
        format!("{name} >"),
        format!("{name} is None"),
        format!("{name} is not None"),
        format!("== {name}"),
        format!("len({name})"),
        format!("{name}.len()"),
        format!("{name}.is_empty()"),
        format!("{name}.length"),
        format!("{name}.strip()"),
        format!("{name}.trim()"),
        format!("match {name}"),
    ];
    (truth || tested.iter().any(|t| line.contains(t.as_str())))
        && !(line.starts_with("let ") || line.contains(&format!("{name} = ")))
}

impl Scan<'_, '_, '_> {
    pub(super) fn end_of_input_unseen(&mut self, node: Node, callee: &str, last: &str) {
        if !callee.contains('.') || !reads_to_the_end(self.cx.language, last) {
            return;
        }
        let Some(lp) = self.open_ended_loop(node) else {
            return;
        };
        if self.ends_on_an_exception(node, lp) {
            return;
        }
        let statement = statement_of(self.cx.language, node);
        let call = self.text(node);
        let written = self.text(statement);
        let written = written.trim().trim_end_matches(';').trim();
        let unchecked = match result_of(written, &call) {
            // Dropped, the count was the only sign of the end when the read
            // filled a buffer it was handed (`read_line(&mut line)`,
            // `in.read(buf)`); a Python read that returns its data and is
            // dropped skips input (`stream.read(1)`, a drain), it waits
            // for nothing.
            Kept::Dropped => match self.cx.language {
                Language::Python => matches!(last, "readinto" | "recv_into"),
                _ => node
                    .child_by_field_name("arguments")
                    .is_some_and(|a| a.named_child_count() > 0),
            },
            Kept::Named(names) if self.cx.language == Language::Go => {
                // `n, _ := r.Read(buf)`: the error that says EOF is dropped.
                names.last().is_some_and(|e| e == "_")
            }
            Kept::Named(names) => {
                // The loop's own condition on the value (`while
                // tok.isspace():`) is false for the empty read that ends it.
                let header = lp
                    .child_by_field_name("condition")
                    .map(|c| self.text(c))
                    .unwrap_or_default();
                let others = self.text(lp).replacen(written, "", 1);
                !names.iter().any(|name| {
                    mentions(&header, name)
                        || others.lines().any(|line| tests_for_the_end(line, name))
                })
            }
            // Unless the loop asks the stream itself (`at_eof()`, `EOF`).
            Kept::Accumulated => !self.text(lp).to_lowercase().contains("eof"),
            Kept::Used => false,
        };
        if unchecked {
            self.add(node, Timeout, BASE, TRIGGER);
        }
    }

    /// Whether `name` holds what a read returned (`byte =
    /// self._rfile.read(1)`, `c = sock.recv(1)`): empty at the end of input.
    pub(super) fn read_result(&self, name: &str) -> bool {
        let name = name.trim();
        !name.is_empty()
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            && self.assigned_from(name, |right| {
                [".read(", ".recv(", ".readline(", ".read1("]
                    .iter()
                    .any(|r| right.contains(r))
            })
    }

    /// Whether `node` runs inside a `try` (within `lp`) whose handler
    /// leaves the loop: the stream signals its end by raising (a closed
    /// WebSocket, `EOFError`), and the handler is where the loop stops.
    fn ends_on_an_exception(&self, node: Node, lp: Node) -> bool {
        let mut child = node;
        while let Some(parent) = child.parent() {
            if parent.id() == lp.id() {
                return false;
            }
            let in_body = parent
                .child_by_field_name("body")
                .is_some_and(|b| b.id() == child.id());
            if in_body && parent.kind().starts_with("try_") {
                let mut cursor = parent.walk();
                let leaves = parent.named_children(&mut cursor).any(|clause| {
                    matches!(clause.kind(), "except_clause" | "catch_clause")
                        && ["break", "return", "raise", "throw"].iter().any(|w| {
                            let text = self.text(clause);
                            text.split(|c: char| !c.is_alphanumeric()).any(|t| t == *w)
                        })
                });
                if leaves {
                    return true;
                }
            }
            child = parent;
        }
        false
    }

    /// The innermost loop around `node` in the function, when it has no
    /// count or collection of its own to end it: Python's and Java's
    /// `while`, Rust's `loop` and `while`, Go's `for` with at most a
    /// condition, Java's `do` and `for (;;)`.
    fn open_ended_loop<'n>(&self, node: Node<'n>) -> Option<Node<'n>> {
        let mut current = node.parent()?;
        loop {
            if current.id() == self.cx.node.id() {
                return None;
            }
            let kind = current.kind();
            // A closure runs when it is called, not once per turn.
            if matches!(
                kind,
                "closure_expression" | "lambda" | "lambda_expression" | "func_literal"
            ) {
                return None;
            }
            let header = || self.header_text(current);
            let open = match (self.cx.language, kind) {
                (Language::Python, "while_statement") => Some(true),
                (Language::Python, "for_statement") => Some(false),
                (Language::Rust, "loop_expression" | "while_expression") => Some(true),
                (Language::Rust, "for_expression") => Some(false),
                (Language::Go, "for_statement") => {
                    let h = header();
                    Some(!h.contains(" range ") && h.matches(';').count() < 2)
                }
                (Language::Java, "while_statement" | "do_statement") => Some(true),
                (Language::Java, "for_statement") => {
                    Some(header().replace(' ', "").starts_with("for(;;"))
                }
                (Language::Java, "enhanced_for_statement") => Some(false),
                (
                    Language::JavaScript | Language::TypeScript | Language::Tsx,
                    "while_statement" | "do_statement",
                ) => Some(true),
                (Language::JavaScript | Language::TypeScript | Language::Tsx, "for_statement") => {
                    Some(header().replace(' ', "").starts_with("for(;;"))
                }
                (
                    Language::JavaScript | Language::TypeScript | Language::Tsx,
                    "for_in_statement",
                ) => Some(false),
                _ => None,
            };
            match open {
                Some(true) => return Some(current),
                Some(false) => return None,
                None => current = current.parent()?,
            }
        }
    }
}

/// What a statement does with a call's result.
enum Kept {
    /// The statement is the call (behind `?`, `await`, `let _ =`).
    Dropped,
    /// The call's whole value is assigned to these names.
    Named(Vec<String>),
    /// Added to what the loop holds (`buf += sock.recv(n)`, `pos +=
    /// fs.readSync(…)`): the end adds nothing, and only the total is there
    /// to test.
    Accumulated,
    /// Anything else: tested in place, passed on.
    Used,
}

fn result_of(statement: &str, call: &str) -> Kept {
    let bare = |text: &str| {
        let mut text = text.trim();
        loop {
            let before = text;
            text = text
                .trim_end_matches('?')
                .trim_end_matches(".await")
                .trim_start_matches("await ")
                .trim();
            if text == before {
                return text.to_owned();
            }
        }
    };
    if bare(statement) == call.trim() {
        return Kept::Dropped;
    }
    // `x = call`, `let n = call?`, `int n = in.read(b)`, `n, err := call`;
    // not `==` and not a compound `+=`.
    let Some(at) = statement.find('=') else {
        return Kept::Used;
    };
    let (left, right) = (&statement[..at], &statement[at + 1..]);
    if left.ends_with('+') && bare(right) == call.trim() {
        return Kept::Accumulated;
    }
    if right.starts_with('=')
        || left.ends_with(['+', '-', '*', '/', '%', '|', '&', '^', '!', '<', '>'])
    {
        return Kept::Used;
    }
    let left = left.trim_end_matches(':').trim();
    if bare(right) != call.trim() {
        return Kept::Used;
    }
    // A slot or a field (`buf[i:] = read(n)`, `self.x = read()`) is not a
    // name the loop could test; what is written there is used.
    if left.contains(['[', '.', '(']) {
        return Kept::Used;
    }
    let names: Vec<String> = left
        .split(',')
        .filter_map(|part| {
            let part = part.trim();
            // The name is the last word: `let mut n`, `int n`, `n: usize`.
            let part = part.split(':').next().unwrap_or(part).trim();
            part.rsplit(' ').next().map(str::to_owned)
        })
        .filter(|n| !n.is_empty())
        .collect();
    if names.iter().all(|n| n == "_") && names.len() == 1 {
        return Kept::Dropped;
    }
    Kept::Named(names)
}
