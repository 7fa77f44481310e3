//! Guards: the code around an operation that keeps it from failing.
//!
//! Three shapes cover most real guards in every language: an enclosing
//! condition or loop header that mentions the operands (`if key in d`,
//! `if i < v.len()`, `for i in range(len(xs))`, `x && x.y`), an earlier
//! early exit or assertion in an enclosing block (`if not items: return`),
//! and an enclosing `try` whose handler catches the error. Mentions are
//! matched on word boundaries; a guard we cannot prove correct still counts,
//! because a false alarm costs the user more than a missed latent hazard.

use ropey::Rope;
use tree_sitter::Node;

use crate::functions::node_text;
use crate::language::Language;

/// Whether a word starts at byte `at` of `text`: no identifier character
/// (a letter, a digit, `_`) ends right before it, so `ids` does not hold a
/// word `s` and `print(` holds no `int(`.
pub fn starts_word(text: &str, at: usize) -> bool {
    !text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Whether a Rust callee is a module's function, called by its path
/// (`reqwest::blocking::get`, `fs::remove_file`): the segment before its
/// name is a module (lower case), not a type (`HashMap::get`).
pub fn module_function(callee: &str) -> bool {
    callee
        .rsplit("::")
        .nth(1)
        .is_some_and(|module| module.starts_with(|c: char| c.is_ascii_lowercase()))
}

/// Rust calls that find a cut in characters, not bytes: a function that
/// makes them cuts strings on character boundaries.
pub const RUST_CHAR_BOUNDARIES: &[&str] = &[
    "char_indices",
    "is_char_boundary",
    "floor_char_boundary",
    "ceil_char_boundary",
];

/// Whether every bound of a Rust string range (`..at`, `at + 1..`) is an
/// offset a search of the text returned: `str::find` returns where a match
/// starts, always a char boundary, and the byte after an ASCII delimiter
/// starts the next character (`let slash = s.find('/')?`, `Some(at) =>
/// &s[..at]` on `bytes().position(|b| b == b'/')`), the idiom every parser
/// cuts text with. `len` is the end of the text, a boundary too. `before`
/// is the function's text up to the cut: a name is what its last binding
/// there made it (`let i: usize = digits.parse()` at the cut, whatever a
/// later `Some((i, _))` of another scope holds).
pub fn cut_at_found_offsets(before: &str, range: &str) -> bool {
    const SEARCHES: &[&str] = &[
        ".find(",
        ".rfind(",
        ".position(",
        ".rposition(",
        "memchr",
        ".find_byte(",
        "char_indices",
        ".match_indices(",
    ];
    let names: Vec<&str> = range
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let matched = |name: &str, line: &str| {
        line.contains(&format!("Some({name})")) || line.contains(&format!("Some(({name},"))
    };
    let assigned = |name: &str, line: &str| {
        line.split_once('=').is_some_and(|(left, right)| {
            !right.starts_with(['=', '>'])
                && !left.ends_with(['!', '<', '>', '='])
                && mentions(left, name)
        })
    };
    !names.is_empty()
        && names.iter().all(|name| {
            if *name == "len" {
                return true;
            }
            let Some(binding) = before
                .lines()
                .rfind(|line| matched(name, line) || assigned(name, line))
            else {
                return false;
            };
            if matched(name, binding) {
                // `match s.find('=') { Some(i) => … }`, and
                // `char_indices().nth(n)`'s `Some((i, _))`.
                return SEARCHES.iter().any(|w| before.contains(w)) || before.contains(".len()");
            }
            let right = binding.split_once('=').map_or("", |(_, r)| r);
            let right_value = right.trim().trim_end_matches(';').trim();
            // `let end = s.len()`: the end of the text; not a number
            // computed with a length in it.
            let whole_length =
                right_value.ends_with(".len()") && !right.contains(['+', '-', '*', '/']);
            // `let mut start = 0`: the start of the text.
            whole_length || right_value == "0" || SEARCHES.iter().any(|w| right.contains(w))
        })
}

/// Whether `text` contains `word` delimited by non-identifier characters.
pub fn mentions(text: &str, word: &str) -> bool {
    mentioned_at(text, word).next().is_some()
}

/// Where `text` names `word` as a whole word (see [`mentions`]): the byte
/// offsets its occurrences start at.
pub fn mentioned_at<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let word_starts_ident = word.chars().next().is_some_and(is_ident);
    let word_ends_ident = word.chars().last().is_some_and(is_ident);
    let mut from = 0;
    std::iter::from_fn(move || {
        if word.is_empty() {
            return None;
        }
        while let Some(at) = text[from..].find(word) {
            let start = from + at;
            let end = start + word.len();
            from = end;
            let before_ok =
                !word_starts_ident || !text[..start].chars().last().is_some_and(is_ident);
            let after_ok = !word_ends_ident || !text[end..].chars().next().is_some_and(is_ident);
            if before_ok && after_ok {
                return Some(start);
            }
        }
        None
    })
}

/// The contents of a string literal (`'id'`, `"id"`, `` `id` ``), if `text` is one.
pub fn string_contents(text: &str) -> Option<&str> {
    let text = text.trim();
    let text = text.trim_start_matches(['b', 'r', 'u', 'f', 'B', 'R', 'U', 'F']);
    for quote in ["\"\"\"", "'''", "\"", "'", "`"] {
        if text.len() >= 2 * quote.len() && text.starts_with(quote) && text.ends_with(quote) {
            return Some(&text[quote.len()..text.len() - quote.len()]);
        }
    }
    None
}

/// The words a guard must mention for an operand: the literal's contents for
/// a string, the expression itself otherwise.
pub fn guard_word(text: &str) -> String {
    string_contents(text).unwrap_or(text).trim().to_owned()
}

/// Whether every word in `words` is mentioned by `text`.
pub(crate) fn mentions_all(text: &str, words: &[&str]) -> bool {
    !words.is_empty() && words.iter().all(|w| mentions(text, w))
}

fn is_block(language: Language, kind: &str) -> bool {
    match language {
        Language::Python => matches!(kind, "block" | "module"),
        Language::Rust => matches!(kind, "block" | "source_file"),
        Language::Go => matches!(kind, "block" | "statement_list" | "source_file"),
        Language::Java => matches!(
            kind,
            "block" | "constructor_body" | "switch_block_statement_group"
        ),
        _ => matches!(kind, "statement_block" | "program" | "switch_case"),
    }
}

/// The text of the part of a conditional or loop that decides whether
/// `child` runs, if `parent` is one and `child` is not that part itself.
/// Whether `condition` says a length is at least something: `1 <
/// len(xs)`, `len(xs) > 0`, `xs.length >= 2`, `n.len() != 0`. Behind `||`
/// the right side runs when it is false, with the collection short: `1 <
/// len(list) || list[0].x` reads the first element of an empty list.
fn length_at_least(condition: &str) -> bool {
    const LENGTHS: &[&str] = &["len(", "Len(", ".length", ".len()", ".size()", ".count()"];
    LENGTHS.iter().any(|word| {
        condition.match_indices(word).any(|(at, _)| {
            let before = condition[..at].trim_end();
            // `len(xs)`: past its closing parenthesis.
            let after = &condition[at + word.len()..];
            let after = if word.ends_with('(') {
                let mut depth = 1;
                after
                    .char_indices()
                    .find_map(|(i, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        (depth == 0).then(|| &after[i + 1..])
                    })
                    .unwrap_or_default()
            } else {
                after
            };
            let after = after.trim_start();
            // `xs.length`: what stands before the receiver.
            let before = if word.starts_with('.') {
                before
                    .trim_end_matches(|c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '$'))
                    .trim_end()
            } else {
                before
            };
            after.starts_with('>')
                || after.starts_with("!=")
                || ((before.ends_with('<') || before.ends_with("<=")) && !before.ends_with("<<"))
        })
    })
}

fn deciding_text(language: Language, parent: Node, child: Node, rope: &Rope) -> Option<String> {
    let field = |name: &str| parent.child_by_field_name(name);
    let kind = parent.kind();
    if matches!(
        kind,
        "list_comprehension"
            | "dictionary_comprehension"
            | "set_comprehension"
            | "generator_expression"
    ) && language == Language::Python
    {
        // `[d["x"] for d in items if "x" in d]`: the clauses, not the element.
        let mut cursor = parent.walk();
        let clauses: Vec<String> = parent
            .named_children(&mut cursor)
            .filter(|c| matches!(c.kind(), "if_clause" | "for_in_clause") && c.id() != child.id())
            .map(|c| node_text(c, rope))
            .collect();
        return (!clauses.is_empty()).then(|| clauses.join(" "));
    }
    if matches!(kind, "binary_expression" | "boolean_operator") {
        // Only the operand after a short-circuit operator is guarded by the one before.
        let op = field("operator").map(|o| o.kind()).unwrap_or_default();
        let is_right = field("right").is_some_and(|r| r.id() == child.id());
        if !matches!(op, "&&" | "||" | "??" | "and" | "or") || !is_right {
            return None;
        }
        let left = field("left").map(|l| node_text(l, rope))?;
        // The right of `||` runs when the left is false: `!x || x.y` is
        // guarded, `x && x.ok() || x.y` is not.
        let asserts_presence = [
            "&&",
            " and ",
            "!= null",
            "!== null",
            "!== undefined",
            " is not None",
            "!= nil",
            "instanceof",
        ]
        .iter()
        .any(|p| left.contains(p))
            || length_at_least(&left);
        if matches!(op, "||" | "or") && asserts_presence {
            return None;
        }
        // Nor does a left side that tests nothing: `any(f(m.__file__)) or
        // m.__file__.endswith(…)` reads the value on both sides.
        let tests = [
            "not ", "!", " is ", "==", "<", ">", "typeof", "isEmpty", "is_empty",
        ];
        if matches!(op, "||" | "or") && !tests.iter().any(|t| left.contains(t)) {
            return None;
        }
        return Some(left);
    }
    let decider = match (language, kind) {
        (Language::Python, "if_statement" | "elif_clause" | "while_statement") => {
            field("condition")
        }
        (Language::Python, "conditional_expression") => parent.named_child(1),
        (Language::Python, "for_statement") => field("right"),
        (Language::Rust, "if_expression" | "while_expression") => field("condition"),
        (Language::Rust, "match_arm") => field("pattern"),
        (Language::Rust, "for_expression") => field("value"),
        (Language::Go, "if_statement") => field("condition"),
        (Language::Go, "for_statement") => {
            let mut cursor = parent.walk();
            parent.named_children(&mut cursor).find(|c| {
                matches!(
                    c.kind(),
                    "for_clause" | "range_clause" | "binary_expression"
                )
            })
        }
        (Language::Java, "enhanced_for_statement") => field("value"),
        (Language::Rust | Language::Go | Language::Python, _) => None,
        (
            _,
            "if_statement" | "while_statement" | "ternary_expression" | "for_statement"
            | "do_statement",
        ) => field("condition"),
        (_, "for_in_statement") => field("right"),
        _ => None,
    }?;
    if decider.id() == child.id() {
        return None;
    }
    let mut text = node_text(decider, rope);
    // A Rust arm that matches values (`16..=u64::MAX =>`, `0 =>`) tests
    // the value matched: `match largesize { 1..=15 => return …, 16..=
    // u64::MAX => largesize - 8 }` checks `largesize`.
    if kind == "match_arm"
        && text.contains(|c: char| c.is_ascii_digit())
        && let Some(scrutinee) = parent
            .parent()
            .and_then(|block| block.parent())
            .and_then(|m| m.child_by_field_name("value"))
    {
        text = format!("{} {text}", node_text(scrutinee, rope));
    }
    // The `else` of a condition runs when it is false: `if (typeof x[1] ===
    // 'string') { … } else { x[0].toLowerCase() }` tests nothing the else
    // branch may rely on, `if x is None: … else: x.y` does. Nor does the
    // `else` of a length's lower bound: past `len(lines) > 1` the list may
    // be empty (`lines[0] if len(lines) > 1 else lines[0]`).
    if is_else(kind, parent, child) && (tests_presence(&text) || length_at_least(&text)) {
        return None;
    }
    // A loop's variable is part of its header: `for i in range(len(xs))`.
    if let Some(left) = field("left")
        .or_else(|| field("pattern"))
        .filter(|_| kind.contains("for"))
    {
        text.push(LOOP_VARIABLE);
        text.push_str(&node_text(left, rope));
    }
    Some(text)
}

/// Where a loop header's text gives way to its variable: `for entry of
/// hashes` iterates `hashes`, and proves nothing of what each `entry` holds.
const LOOP_VARIABLE: char = '\u{1}';

/// Whether `child` is the branch of the conditional `parent` that runs
/// when its condition is false.
fn is_else(kind: &str, parent: Node, child: Node) -> bool {
    match kind {
        "if_statement" | "if_expression" => {
            parent
            .child_by_field_name("alternative")
            .is_some_and(|a| a.id() == child.id())
            // Python lists its `elif` and `else` clauses under the one field.
            || matches!(child.kind(), "else_clause" | "elif_clause")
        }
        "ternary_expression" => parent
            .child_by_field_name("alternative")
            .is_some_and(|a| a.id() == child.id()),
        // Python's `a if condition else b`.
        "conditional_expression" => parent.named_child(2).is_some_and(|b| b.id() == child.id()),
        _ => false,
    }
}

/// Whether a condition only says a value is present (`x`, `x != null`,
/// `typeof x[1] === 'string'`, `x is not None`, `"k" in d`), so that its
/// false branch has it absent. Absence tests (`!x`, `x is None`,
/// `xs.is_empty()`) leave it present there, and an ordering (`i < n`)
/// bounds the other branch too, from the other side: those keep guarding.
/// (A length's lower bound, `len(xs) > 1`, is its own case in
/// [`deciding_text`]: its other branch may be empty.)
fn tests_presence(condition: &str) -> bool {
    let mut c = condition.trim();
    while c.starts_with('(') && c.ends_with(')') {
        c = c[1..c.len() - 1].trim();
    }
    let ordered = c.replace("=>", "").replace("->", "").contains(['<', '>']);
    let absence = c.starts_with('!') && !c.starts_with("!=")
        || c.starts_with("not ")
        || [
            "== null",
            "=== null",
            "== undefined",
            "=== undefined",
            "== nil",
            "is None",
            "is_none()",
            "isEmpty()",
            "is_empty()",
            "== 0",
            "== \"\"",
            "== ''",
            "=== ''",
            "=== \"\"",
            "!ok",
            "err != nil",
            "||",
            " or ",
            "== -1",
            "=== -1",
        ]
        .iter()
        .any(|w| c.contains(w));
    !ordered && !absence
}

/// Statements that leave the enclosing block.
pub(crate) fn exits(language: Language, node: Node, rope: &Rope) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let kind = n.kind();
        let exit = match language {
            Language::Python => {
                matches!(
                    kind,
                    "return_statement"
                        | "raise_statement"
                        | "continue_statement"
                        | "break_statement"
                ) || kind == "call" && {
                    let text = node_text(n, rope);
                    ["sys.exit(", "exit(", "quit(", "os._exit(", "abort("]
                        .iter()
                        .any(|f| text.starts_with(f))
                }
            }
            Language::Rust => {
                matches!(
                    kind,
                    "return_expression" | "continue_expression" | "break_expression"
                ) || kind == "macro_invocation" && exiting_macro(&node_text(n, rope))
            }
            Language::Go => {
                matches!(
                    kind,
                    "return_statement" | "continue_statement" | "break_statement"
                ) || kind == "call_expression" && {
                    let text = node_text(n, rope);
                    // `base.Fatalf(…)`, `logger.Fatal(…)`: loggers that exit.
                    let callee = text.split('(').next().unwrap_or_default();
                    text.starts_with("panic(")
                        || text.starts_with("log.Fatal")
                        || text.starts_with("os.Exit(")
                        || [".Fatal", ".Fatalf", ".Fatalln"]
                            .iter()
                            .any(|f| callee.ends_with(f))
                }
            }
            _ => matches!(
                kind,
                "return_statement" | "throw_statement" | "continue_statement" | "break_statement"
            ),
        };
        if exit {
            return true;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

/// Whether a Rust macro call leaves the block: the standard ones that
/// panic, and a crate's own early-return helpers, which are named for what
/// they do (`bail!`, `invalid_data!`, `return_error!`, `throw!`).
fn exiting_macro(text: &str) -> bool {
    let name = text.split('!').next().unwrap_or_default();
    let name = name.rsplit("::").next().unwrap_or(name).trim();
    matches!(name, "panic" | "unreachable" | "todo" | "unimplemented")
        || ["bail", "invalid", "throw", "abort"]
            .iter()
            .any(|w| name.contains(w))
        || name.starts_with("return_")
        || name.starts_with("ret_")
}

/// An earlier statement that guards what follows it: an `if` that exits
/// when its condition holds, or an assertion.
fn guarding_statement(
    language: Language,
    statement: Node,
    rope: &Rope,
    says: &dyn Fn(&str) -> bool,
) -> bool {
    // Rust wraps `if …{}` and `assert!(…);` used as statements in an expression statement.
    if statement.kind() == "expression_statement"
        && statement.named_child_count() == 1
        && let Some(inner) = statement.named_child(0)
        && matches!(inner.kind(), "if_expression" | "macro_invocation")
    {
        return guarding_statement(language, inner, rope, says);
    }
    let kind = statement.kind();
    let text_of = |n: Node| node_text(n, rope);
    match kind {
        "if_statement" | "if_expression" => {
            let Some(condition) = statement.child_by_field_name("condition") else {
                return false;
            };
            let Some(consequence) = statement.child_by_field_name("consequence") else {
                return false;
            };
            says(&text_of(condition)) && exits(language, consequence, rope)
        }
        "assert_statement" => says(&text_of(statement)),
        "expression_statement" | "macro_invocation" => {
            // `assert!(…)`, `debug_assert!(…)`, `require(…)`, `invariant(…)`.
            let text = text_of(statement);
            let asserts = [
                "assert!",
                "assert_eq!",
                "assert_ne!",
                "debug_assert!",
                "invariant(",
                "assert(",
            ];
            asserts.iter().any(|a| text.trim_start().starts_with(a)) && says(&text)
        }
        "let_declaration" => {
            // `let Some(x) = … else { return }` and
            // `let x = v.get(i).ok_or(…)?` both guard what follows.
            let text = text_of(statement);
            text.contains(" else ") && says(&text)
        }
        _ => false,
    }
}

/// Words of a condition that bounds a collection's length (or finds its
/// element), in every language: what reaches a constant index past the
/// first.
pub const LENGTH_WORDS: &[&str] = &[
    "len(",
    ".len()",
    ".length",
    ".size()",
    "Len(",
    "is_empty",
    "isEmpty",
    "count",
    "Count",
    "cap(",
    "first",
    "last",
    "get(",
    "contains",
    "in ",
    "startswith",
    "starts_with",
    "HasPrefix",
    "startsWith",
    "endswith",
    "ends_with",
    "split_at",
    "SplitN",
    "maxsplit",
    "partition",
    "match",
    "Some(",
    "range",
];

/// Whether a guard's `text` lets the constant `position` of `object` be
/// read (`-1` is the last). A comparison of the length with a number says
/// how long the collection is on the guarded path (`len(parts) > 1` or, as
/// an early exit, `len(parts) < 2`: at least two), and reaches a position
/// below it; where a collection's truth is its non-emptiness (`truthy`:
/// Python, JavaScript), a truthiness check (`if parts:`) reaches the first
/// and the last; any other of the length `words` is taken as a bound.
pub fn reaches_position(
    text: &str,
    object: &str,
    position: i64,
    words: &[&str],
    truthy: bool,
) -> bool {
    if !mentions(text, object) {
        return false;
    }
    let needed = if position < 0 {
        position.unsigned_abs()
    } else {
        position.unsigned_abs() + 1
    };
    let bounds = length_bounds(text, object);
    if !bounds.is_empty() {
        return bounds.iter().any(|&at_least| at_least >= needed);
    }
    ((truthy || compared_with_empty(text)) && needed == 1) || words.iter().any(|w| text.contains(w))
}

/// Whether `text` compares with the empty string (`ref == ""`, `s !==
/// ''`): one side of it holds a first and a last character, none further.
fn compared_with_empty(text: &str) -> bool {
    ["==", "!="].iter().any(|op| {
        ["\"\"", "''"].iter().any(|empty| {
            text.contains(&format!("{op} {empty}"))
                || text.contains(&format!("{op}= {empty}"))
                || text.contains(&format!("{empty} {op}"))
        })
    })
}

/// Whether a guard's `text` covers `object[position]` for a constant
/// `position` ([`reaches_position`] with [`LENGTH_WORDS`]), or, for a
/// constant range (`position` None), merely names `object`: the shared
/// test of the candidates' and Python's constant subscripts.
pub fn covers_constant_index(
    language: Language,
    text: &str,
    object: &str,
    position: Option<i64>,
) -> bool {
    match position {
        Some(position) => reaches_position(
            text,
            object,
            position,
            LENGTH_WORDS,
            truthy_collections(language),
        ),
        None => mentions(text, object),
    }
}

/// Whether an empty collection is false in `language` (`if parts:`,
/// `parts.length && …`), so a truthiness check says it has an element.
pub fn truthy_collections(language: Language) -> bool {
    matches!(
        language,
        Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx
    )
}

/// The lengths `object` is known to reach by each comparison of its length
/// with a number in `text` (`len(x) > 1` → 2, `x.len() >= 3` → 3, `2 <
/// x.length` → 3), whichever way the branch goes: a guard is either the
/// condition of the path or an early exit from it.
pub(crate) fn length_bounds(text: &str, object: &str) -> Vec<u64> {
    let mut bounds = Vec::new();
    for spelling in &length_of(object) {
        for (at, _) in text.match_indices(spelling.as_str()) {
            let after = text[at + spelling.len()..].trim_start();
            let before = text[..at].trim_end();
            if let Some(bound) = compared(after, false).or_else(|| compared(before, true)) {
                bounds.push(bound);
            }
        }
    }
    bounds
}

/// Whether `text` compares the index `key` with the length of `object` so
/// that `key == length` passes: `i <= len(xs)`, `xs.length >= i`, or the
/// exit `if i > len(xs)`, the fencepost of every language. Read without the
/// branch's direction, like [`length_bounds`]: each of these spellings is
/// off by one on the branch that reads on and absurd on the other (`if i <=
/// len(xs): return` leaves no index that fits). A Rust or Python loop up to
/// and including the length (`0..=v.len()`, `range(len(xs) + 1)`) is the
/// same bound written as a range.
pub fn fencepost(text: &str, key: &str, object: &str) -> bool {
    let key = key.trim();
    let object = object.trim();
    if key.is_empty() || object.is_empty() {
        return false;
    }
    let lengths = length_of(object);
    // A view of the same length: `s.as_bytes()[i]` is bounded by `s.len()`.
    let viewed = [".as_bytes()", ".as_slice()"]
        .iter()
        .find_map(|view| object.strip_suffix(view))
        .map(length_of);
    let count = format!("{object}.count()");
    let is_length = |side: &str| {
        let side = strip_parens(side);
        side == count
            || lengths.iter().any(|l| side == l)
            || viewed.iter().flatten().any(|l| side == l)
    };
    let ranges = [
        format!("..=len({object})"),
        format!("..={object}.len()"),
        format!("range(len({object}) + 1)"),
        format!("range(len({object})+1)"),
        format!(", len({object}) + 1)"),
    ];
    if ranges.iter().any(|r| text.contains(r.as_str())) && mentions(text, key) {
        return true;
    }
    clauses(text).any(|clause| {
        let Some((left, operator, right)) = comparison(clause) else {
            return false;
        };
        let (left, right) = (strip_parens(left), strip_parens(right));
        match operator {
            "<=" | ">" => left == key && is_length(right),
            ">=" | "<" => is_length(left) && right == key,
            _ => false,
        }
    })
}

/// The conditions a condition or loop header joins: split at `&&`, `||`,
/// `and`, `or` and a C-style header's `;`.
fn clauses(text: &str) -> impl Iterator<Item = &str> {
    text.split("&&")
        .flat_map(|t| t.split("||"))
        .flat_map(|t| t.split(" and "))
        .flat_map(|t| t.split(" or "))
        .flat_map(|t| t.split(';'))
}

/// `left OP right` for the one ordering operator of `clause` (`<=`, `>=`,
/// `<`, `>`), none when it has none or shifts, arrows or generics make it
/// ambiguous.
fn comparison(clause: &str) -> Option<(&str, &'static str, &str)> {
    if ["<<", ">>", "=>", "->", "<-"]
        .iter()
        .any(|w| clause.contains(w))
    {
        return None;
    }
    let at = clause.find(['<', '>'])?;
    let operator = match (&clause[at..at + 1], clause[at + 1..].starts_with('=')) {
        ("<", true) => "<=",
        (">", true) => ">=",
        ("<", false) => "<",
        _ => ">",
    };
    let right = &clause[at + operator.len()..];
    if right.contains(['<', '>']) {
        return None;
    }
    Some((&clause[..at], operator, right))
}

/// `side` without the spaces, negation and unmatched parentheses a split
/// condition leaves around it (`(i `, ` len(xs))`), keeping a call's own
/// (`len(xs)`).
fn strip_parens(side: &str) -> &str {
    let mut side = side.trim();
    loop {
        let before = side;
        side = side
            .trim_start_matches("not ")
            .trim_start_matches('!')
            .trim_end_matches([':', '{'])
            .trim();
        let (opens, closes) = (side.matches('(').count(), side.matches(')').count());
        if opens > closes && side.starts_with('(') {
            side = side[1..].trim();
        } else if closes > opens && side.ends_with(')') {
            side = side[..side.len() - 1].trim();
        }
        if side == before {
            return side;
        }
    }
}

/// How each language spells the length of `object`.
fn length_of(object: &str) -> [String; 5] {
    [
        format!("len({object})"),
        format!("{object}.len()"),
        format!("{object}.length"),
        format!("{object}.size()"),
        format!("{object}.Len()"),
    ]
}

/// The length a comparison `len OP n` (or `n OP len` when `reversed`, read
/// backwards from the end of `side`) implies on either of its branches.
fn compared(side: &str, reversed: bool) -> Option<u64> {
    const OPERATORS: [&str; 6] = [">=", "<=", "==", "!=", ">", "<"];
    let (operator, number) = if reversed {
        let rest = side.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = &side[rest.len()..];
        let rest = rest.trim_end();
        // `n < len` is `len > n`.
        let operator = OPERATORS.iter().find(|o| rest.ends_with(**o))?;
        let mirrored = match *operator {
            ">=" => "<=",
            "<=" => ">=",
            ">" => "<",
            "<" => ">",
            other => other,
        };
        (mirrored, digits)
    } else {
        let operator = OPERATORS.iter().find(|o| side.starts_with(**o))?;
        let after = side[operator.len()..].trim_start();
        let end = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let digits = &after[..end];
        (*operator, digits)
    };
    let n: u64 = number.parse().ok()?;
    // The branch that reads on: `> n` holds n + 1 elements, and so does the
    // other branch of `<= n`; `>= n` and `< n` give n. A test for empty
    // (`len(x) == 0 || x[0]`, `len(x) != 0 && x[0]`) leaves at least one
    // element on the path that reads.
    Some(match operator {
        ">" | "<=" => n + 1,
        "==" | "!=" if n == 0 => 1,
        _ => n,
    })
}

/// Whether `node` is guarded by a condition, loop header, short-circuit or
/// earlier early exit that mentions every word in `words`, looking no
/// further out than `boundary` (the function).
pub fn guarded(
    language: Language,
    node: Node,
    boundary: Node,
    rope: &Rope,
    words: &[&str],
) -> bool {
    !words.is_empty()
        && guarded_where(language, node, boundary, rope, &|text, each| {
            // Iterating a collection says it has elements, not that each
            // element is there: `for (const entry of hashes) entry.hash`
            // reads a null entry. Rust has no null, and what its loops bind
            // is what they vouch for (`for (i, _) in s.char_indices()` cuts
            // `&s[i..]` on a boundary).
            let text = if each && language != Language::Rust {
                text.split(LOOP_VARIABLE).next().unwrap_or(text)
            } else {
                text
            };
            mentions_all(text, words)
        })
}

/// Whether `node` is guarded by a condition, loop header, short-circuit or
/// earlier early exit whose text `says` holds of, looking no further out
/// than `boundary` (the function).
pub fn guarded_by(
    language: Language,
    node: Node,
    boundary: Node,
    rope: &Rope,
    says: &dyn Fn(&str) -> bool,
) -> bool {
    guarded_where(language, node, boundary, rope, &|text, _| says(text))
}

/// Whether a lookup `container[key]` at `node` is guarded: as [`guarded`]
/// for `key`, except that a loop over the elements of a collection guards
/// it only when its header names `container` too, and a [`fencepost`]
/// guards nothing. Iterating one collection
/// bounds no lookup into another: `for f in names: fmt[f]` raises a
/// KeyError for a name `fmt` lacks, `for k in d: d[k]` cannot.
pub fn guarded_lookup(
    language: Language,
    node: Node,
    boundary: Node,
    rope: &Rope,
    key: &str,
    container: &str,
) -> bool {
    let field = container.rsplit(['.', ':']).next().unwrap_or(container);
    !key.is_empty()
        && guarded_where(language, node, boundary, rope, &|text, each| {
            mentions(text, key)
                && !fencepost(text, key, container)
                && (!each || mentions(text, container) || mentions(text, field))
        })
}

/// Whether the far `bound` of a range cut from `container` is compared
/// with the container's length before the cut (`if j < new.len() {
/// &new[j..] }`, an early return when `offset + n > data.len()`). A bound
/// may equal the length (`&s[s.len()..]` is empty), so `<=` is no
/// [`fencepost`] unless the range includes its end.
pub fn guarded_range_bound(
    language: Language,
    node: Node,
    boundary: Node,
    rope: &Rope,
    bound: &str,
    container: &str,
    inclusive: bool,
) -> bool {
    let field = container.rsplit(['.', ':']).next().unwrap_or(container);
    let lengths = length_of(container);
    let field_lengths = length_of(field);
    !bound.is_empty()
        && guarded_where(language, node, boundary, rope, &|text, _| {
            mentions(text, bound)
                && lengths
                    .iter()
                    .chain(&field_lengths)
                    .any(|l| text.contains(l.as_str()))
                && !(inclusive && fencepost(text, bound, container))
        })
}

/// The plain names in an operation's text (`data`, `pointer` of
/// `data[pointer]`), at most four: the values a guard before it tested.
fn operand_names(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.len() > 1 && w.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .collect();
    names.sort_unstable();
    names.dedup();
    names.truncate(4);
    names
}

/// Whether `text` gives `name` a new value: `name += 1`, `name = …`,
/// `name := …`, `name++`, not `name == …`.
fn reassigns(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        starts_word(text, at)
            && text[at + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
            && {
                let after = text[at + name.len()..].trim_start();
                ["+=", "-=", "*=", "++", "--", ":="]
                    .iter()
                    .any(|op| after.starts_with(op))
                    || (after.starts_with('=') && !after.starts_with("=="))
            }
    })
}

/// Whether an early exit tested a name the operation at `node` reads
/// (`pointer` of `data[pointer]`) that a statement `passed` on the way
/// from the exit to the operation then gave a new value (`pointer += 1`):
/// the exit tested another value. A clamp bounds a value, it does not move
/// it on (`if (pos + n > len) { n = len - pos }`, `n = min(n, max)`), and
/// a range may start at the length (`&s[i + 1..]` after `i == len`).
fn moved_since(node: Node, exit: Node, passed: &[Node], rope: &Rope) -> bool {
    let operation = node_text(node, rope);
    if passed.is_empty() || operation.contains("..") || operation.contains(':') {
        return false;
    }
    let exit = node_text(exit, rope);
    let tested: Vec<&str> = operand_names(&operation)
        .into_iter()
        .filter(|name| mentions(&exit, name))
        .collect();
    !tested.is_empty()
        && passed.iter().any(|statement| {
            let text = node_text(*statement, rope);
            let condition = statement
                .child_by_field_name("condition")
                .map(|c| node_text(c, rope))
                .unwrap_or_default();
            !["min(", "max(", "clamp("].iter().any(|m| text.contains(m))
                && tested
                    .iter()
                    .any(|name| reassigns(&text, name) && !mentions(&condition, name))
        })
}

/// Whether `parent` is a loop over the elements of a collection (not a
/// counting loop with a condition).
fn for_each(language: Language, parent: Node) -> bool {
    match (language, parent.kind()) {
        (Language::Python, "for_statement") => true,
        (Language::Rust, "for_expression") => true,
        (Language::Java, "enhanced_for_statement") => true,
        (_, "for_in_statement") => true,
        // `[fields[f] for f in order]` iterates `order`, as its statement
        // form does; an `if` clause is a condition like any other.
        (
            Language::Python,
            "list_comprehension"
            | "dictionary_comprehension"
            | "set_comprehension"
            | "generator_expression",
        ) => {
            let mut cursor = parent.walk();
            !parent
                .named_children(&mut cursor)
                .any(|c| c.kind() == "if_clause")
        }
        (Language::Go, "for_statement") => {
            let mut cursor = parent.walk();
            parent
                .named_children(&mut cursor)
                .any(|c| c.kind() == "range_clause")
        }
        _ => false,
    }
}

/// The walk of [`guarded_by`]: `says` sees each deciding text and whether
/// it is the header of a loop over a collection's elements.
fn guarded_where(
    language: Language,
    node: Node,
    boundary: Node,
    rope: &Rope,
    says: &dyn Fn(&str, bool) -> bool,
) -> bool {
    let says_plain = |text: &str| says(text, false);
    // The statements walked past between an early exit and the operation:
    // read only when an exit is found (`moved_since`).
    let mut passed: Vec<Node> = Vec::new();
    let mut child = node;
    for parent in ancestors(node, boundary) {
        if let Some(decider) = deciding_text(language, parent, child, rope)
            && says(&decider, for_each(language, parent))
        {
            return true;
        }
        if is_block(language, parent.kind()) {
            // The nearest statements only: a script's top level or a
            // generated function holds thousands, and reading them all for
            // every operation made its analysis quadratic (a 10,000-line
            // script: over a minute).
            for statement in statements_before(parent, child, Some(GUARD_REACH)) {
                if guarding_statement(language, statement, rope, &says_plain)
                    && !moved_since(node, statement, &passed, rope)
                {
                    return true;
                }
                passed.push(statement);
            }
        }
        child = parent;
    }
    false
}

/// How far before an operation, in bytes, a statement of a block around it
/// may stand and guard it.
const GUARD_REACH: usize = 16 * 1024;

/// The statements of `block` before `child`, nearest first; with a
/// `reach`, only those starting at most that many bytes before it. Read
/// off the block with a cursor (`prev_named_sibling` would look the parent
/// up from the root again at every step, see [`ancestors`]), which jumps
/// to the first statement within reach without building a node for each
/// one before it: a block of thousands of statements costs each operation
/// its window, not the block.
pub(crate) fn statements_before<'t>(
    block: Node<'t>,
    child: Node<'t>,
    reach: Option<usize>,
) -> Vec<Node<'t>> {
    let mut cursor = block.walk();
    let from = reach.map_or(0, |reach| child.start_byte().saturating_sub(reach));
    let started = match reach {
        Some(_) => cursor.goto_first_child_for_byte(from).is_some(),
        None => cursor.goto_first_child(),
    };
    let mut before = Vec::new();
    if !started {
        return before;
    }
    loop {
        let node = cursor.node();
        if node.id() == child.id() || node.start_byte() >= child.start_byte() {
            break;
        }
        if node.is_named() && node.start_byte() >= from {
            before.push(node);
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    before.reverse();
    before
}

/// The ancestors of `node` up to and including `boundary`, nearest first
/// (up to the root when `boundary` is not one of them).
///
/// tree-sitter finds a parent by descending from the root and scanning the
/// children on the way, so each `parent()` costs the length of the file's
/// top level, and walking up from every operation of every function made a
/// file of many functions quadratic. Descending once from `boundary`
/// (usually the function) costs only its own nodes.
pub(crate) fn ancestors<'t>(node: Node<'t>, boundary: Node<'t>) -> Vec<Node<'t>> {
    let mut chain = Vec::new();
    let inside = boundary.id() != node.id()
        && boundary.start_byte() <= node.start_byte()
        && node.end_byte() <= boundary.end_byte();
    if inside {
        let mut at = boundary;
        chain.push(at);
        while let Some(next) = at.child_with_descendant(node) {
            if next.id() == node.id() {
                chain.reverse();
                return chain;
            }
            chain.push(next);
            at = next;
        }
        // Not a descendant after all (a sibling spanning the same bytes).
        chain.clear();
    }
    let mut at = node;
    while let Some(parent) = at.parent() {
        chain.push(parent);
        if parent.id() == boundary.id() {
            break;
        }
        at = parent;
    }
    chain
}

/// Whether an enclosing `try` (inside `boundary`) catches one of `errors`,
/// or everything.
pub fn caught(
    language: Language,
    node: Node,
    boundary: Node,
    rope: &Rope,
    errors: &[&str],
) -> bool {
    caught_by(language, node, boundary, rope, &|head| {
        errors.iter().any(|e| mentions(head, e))
    })
}

/// [`caught`], with the handled types told by `names` from a handler's
/// head (`except (InvalidMarker, X)`, `catch (ParseException e)`) or, for
/// a JavaScript handler that passes other errors on, from its text.
pub fn caught_by(
    language: Language,
    node: Node,
    boundary: Node,
    rope: &Rope,
    names: &dyn Fn(&str) -> bool,
) -> bool {
    let catch_all = [
        "Exception",
        "BaseException",
        "Throwable",
        "RuntimeException",
        "Error",
    ];
    let handles = |head: &str| catch_all.iter().any(|e| mentions(head, e)) || names(head);
    let mut child = node;
    for parent in ancestors(node, boundary) {
        if parent.id() == boundary.id() {
            break;
        }
        let in_body = parent
            .child_by_field_name("body")
            .is_some_and(|b| b.id() == child.id());
        match (language, parent.kind()) {
            (Language::Python, "try_statement") if in_body => {
                let mut cursor = parent.walk();
                for clause in parent.named_children(&mut cursor) {
                    // `except*` is an `except_clause` too.
                    if clause.kind() != "except_clause" {
                        continue;
                    }
                    // The caught types sit between `except` and the body.
                    let head: String = {
                        let text = node_text(clause, rope);
                        text.split(':').next().unwrap_or_default().to_owned()
                    };
                    let head = head.trim_start_matches("except").trim();
                    if (head.is_empty() || handles(head)) && !rethrows(clause, rope) {
                        return true;
                    }
                }
            }
            (Language::Python, "with_statement") => {
                let text = node_text(parent, rope);
                let head = text.split(':').next().unwrap_or_default();
                if head.contains("suppress(") && names(head) {
                    return true;
                }
            }
            (Language::Java, "try_statement" | "try_with_resources_statement") if in_body => {
                let mut cursor = parent.walk();
                for clause in parent.named_children(&mut cursor) {
                    if clause.kind() != "catch_clause" {
                        continue;
                    }
                    let text = node_text(clause, rope);
                    let head = text.split('{').next().unwrap_or_default();
                    if handles(head) && !rethrows(clause, rope) {
                        return true;
                    }
                }
            }
            // A handler catches everything; one that tests for the error
            // (`if (err instanceof RangeError)`) handles it even when it
            // passes the others on.
            (Language::JavaScript | Language::TypeScript | Language::Tsx, "try_statement")
                if in_body
                    && parent
                        .child_by_field_name("handler")
                        .is_some_and(|h| !rethrows(h, rope) || names(&node_text(h, rope))) =>
            {
                return true;
            }
            _ => {}
        }
        child = parent;
    }
    false
}

/// Whether a handler passes the error on unchanged: its last statement is
/// a bare `raise`, or raises or throws the name it caught (`except
/// Exception as exc: …; raise exc`, `catch (e) { log(e); throw e; }`).
fn rethrows(handler: Node, rope: &Rope) -> bool {
    let text = node_text(handler, rope);
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    // Python names it after `as`; Java and JavaScript last in the parentheses.
    let caught: Option<&str> = match text.split_once(" as ") {
        Some((_, rest)) => rest.split(|c: char| !ident(c)).next(),
        None => text
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .and_then(|(inside, _)| inside.split_whitespace().last()),
    }
    .filter(|name| !name.is_empty() && name.chars().all(ident));
    let last = text
        .trim_end()
        .trim_end_matches('}')
        .trim_end()
        .trim_end_matches(';')
        .lines()
        .last()
        .unwrap_or_default()
        .trim();
    last == "raise"
        || caught
            .is_some_and(|name| last == format!("raise {name}") || last == format!("throw {name}"))
}

/// Whether a Go type assertion is the two-value form, which reports a
/// wrong type in `ok` instead of panicking: `v, ok := x.(T)`, `v, ok =
/// x.(T)` or `var v, ok = x.(T)`.
pub fn go_comma_ok(assertion: Node) -> bool {
    let Some(statement) = assertion
        .parent()
        .filter(|p| p.kind() == "expression_list")
        .and_then(|list| list.parent())
    else {
        return false;
    };
    let names = match statement.kind() {
        "short_var_declaration" | "assignment_statement" => statement
            .child_by_field_name("left")
            .map_or(0, |left| left.named_child_count()),
        "var_spec" => {
            let mut cursor = statement.walk();
            statement
                .children_by_field_name("name", &mut cursor)
                .count()
        }
        _ => 0,
    };
    names == 2
}

/// The innermost statement containing `node`.
pub fn statement_of<'t>(language: Language, node: Node<'t>) -> Node<'t> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if is_block(language, parent.kind()) {
            return current;
        }
        current = parent;
    }
    current
}

/// Parameter names of a function node.
pub fn parameters(language: Language, function: Node, rope: &Rope) -> Vec<String> {
    let Some(params) = function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"))
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut stack = vec![params];
    while let Some(node) = stack.pop() {
        let kind = node.kind();
        let name = match language {
            Language::Python => match kind {
                "identifier" if node.parent().is_some_and(|p| p.id() == params.id()) => Some(node),
                "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                    node.named_child(0)
                }
                "default_parameter" | "typed_default_parameter" => node.child_by_field_name("name"),
                _ => None,
            },
            Language::Rust => (kind == "parameter")
                .then(|| node.child_by_field_name("pattern"))
                .flatten(),
            Language::Go => {
                if kind == "parameter_declaration" || kind == "variadic_parameter_declaration" {
                    let mut cursor = node.walk();
                    for n in node.children_by_field_name("name", &mut cursor) {
                        names.push(node_text(n, rope));
                    }
                }
                None
            }
            Language::Java => (kind == "formal_parameter" || kind == "spread_parameter")
                .then(|| node.child_by_field_name("name"))
                .flatten(),
            _ => match kind {
                "identifier" if node.parent().is_some_and(|p| p.id() == params.id()) => Some(node),
                "required_parameter" | "optional_parameter" => node.child_by_field_name("pattern"),
                "assignment_pattern" => node.child_by_field_name("left"),
                _ => None,
            },
        };
        if let Some(name) = name {
            if name.kind() == "identifier" || language == Language::Rust {
                names.push(node_text(name, rope).trim_start_matches("mut ").to_owned());
            }
            continue;
        }
        if node.id() == params.id() || !matches!(kind, "identifier") {
            let mut cursor = node.walk();
            let children: Vec<Node> = node.named_children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
    }
    // Arrow functions with one bare parameter: `x => x.y`.
    if names.is_empty() && params.kind() == "identifier" {
        names.push(node_text(params, rope));
    }
    names.retain(|n| n != "self" && n != "&self" && n != "this");
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_respects_word_boundaries() {
        assert!(mentions("if not items:", "items"));
        assert!(!mentions("if not items2:", "items"));
        assert!(mentions("if \"id\" in data", "id"));
        assert!(!mentions("if \"ids\" in data", "id"));
        assert!(mentions("i < v.len()", "v.len()"));
        assert!(mentions("x.len() > 0 && 😀", "x"));
    }

    #[test]
    fn a_fencepost_lets_the_length_itself_through() {
        let fence = |text: &str| fencepost(text, "i", "xs");
        // The path that reads on admits `i == len`.
        assert!(fence("i <= len(xs)"));
        assert!(fence("(i <= xs.length)"));
        assert!(fence("xs.size() >= i"));
        assert!(fence("len(xs) == 0 || i > len(xs)"));
        assert!(fence("i := 0; i <= len(xs); i++"));
        assert!(fence("0..=xs.len() i"));
        assert!(fence("range(len(xs) + 1) i"));
        assert!(fence("xs.Len() < i"));
        // The right bounds, other operands and other collections.
        assert!(!fence("i < len(xs)"));
        assert!(!fence("i >= xs.length"));
        assert!(!fence("len(xs) > i"));
        assert!(!fence("i <= len(xs) - 1"));
        assert!(!fence("i + 1 <= len(xs)"));
        assert!(!fence("i <= len(ys)"));
        assert!(!fence("j <= len(xs)"));
        assert!(!fence("i <= n"));
        assert!(!fence("0..xs.len() i"));
        assert!(!fence("i << len(xs)"));
    }

    #[test]
    fn a_guard_reaches_the_positions_its_length_bound_allows() {
        let reaches =
            |text: &str, position| reaches_position(text, "parts", position, LENGTH_WORDS, true);
        assert!(reaches("if len(parts) > 1:", 1));
        assert!(!reaches("if len(parts) > 0:", 1));
        assert!(reaches("if len(parts) < 2:", 1));
        assert!(reaches("if len(parts) != 3:", 2));
        assert!(!reaches("if len(parts) >= 2:", 2));
        assert!(reaches("len(parts) == 0", 0));
        assert!(reaches("len(parts) != 0", 0));
        assert!(!reaches("len(parts) == 0", 1));
        assert!(reaches("if 2 < len(parts):", 2));
        assert!(reaches("if parts.length >= 3", 2));
        assert!(reaches("if parts:", 0));
        assert!(reaches("if parts:", -1));
        assert!(!reaches("if parts:", 1));
        assert!(!reaches("if other:", 0));
        assert!(reaches("if len(parts) > n:", 3));
        assert!(!reaches_position(
            "if !parts.is_none()",
            "parts",
            0,
            &["len"],
            false
        ));
        assert!(reaches_position(
            "if parts.len() == 4",
            "parts",
            3,
            &["len"],
            false
        ));
    }

    #[test]
    fn string_literals() {
        assert_eq!(string_contents("'id'"), Some("id"));
        assert_eq!(string_contents("b\"raw\""), Some("raw"));
        assert_eq!(string_contents("key"), None);
    }
}
