//! Values that may be absent: what the file or the function itself doubts
//! (compared with null elsewhere, set to nothing in a branch, read from a
//! lookup that can find nothing, an optional parameter), dereferenced
//! without a check.

use super::memo::Memo;
use super::*;

/// How each language spells nothing.
pub(super) const NOTHING: &[&str] = &["null", "None", "nil", "undefined"];

/// Whether `text` is nothing itself (`None`, ` null `).
pub(super) fn is_nothing(text: &str) -> bool {
    NOTHING.contains(&text.trim())
}

/// Expressions the file compares with `nil`, `null`, `None` or
/// `undefined` somewhere: the code itself says they can be absent, so a
/// dereference of one that nothing checks is a likely null failure.
pub fn nullable_names(language: Language, segments: &[&str]) -> Vec<String> {
    static MEMOS: [Memo<Vec<String>>; 7] = [const { Memo::new() }; 7];
    super::memo::names_in_segments(&MEMOS[language as usize], segments, |text| {
        nullable_in(language, text)
    })
}

/// Calls whose result the file keeps and then compares with null
/// (`purchases = result.getPurchasesList(); if (purchases == null …`), by
/// name: the code itself says the call can answer nothing, so a value kept
/// from the same call in another function is as doubtful, whatever it is
/// named there (react-native-iap checked the purchase list in one method
/// and iterated it unchecked in the next).
pub fn nullable_calls(language: Language, segments: &[&str]) -> Vec<String> {
    static MEMOS: [Memo<Vec<String>>; 7] = [const { Memo::new() }; 7];
    super::memo::names_in_segments(&MEMOS[language as usize], segments, |text| {
        nullable_calls_in(language, text)
    })
}

fn nullable_calls_in(language: Language, text: &str) -> Vec<String> {
    if language == Language::Rust {
        return Vec::new();
    }
    let doubted = nullable_in(language, text);
    if doubted.is_empty() {
        return Vec::new();
    }
    text.lines()
        .filter_map(|line| {
            let (left, right) = assignment(line.trim().trim_end_matches(';'))?;
            let name = assigned_name(left);
            doubted.iter().any(|d| d == name).then_some(())?;
            final_call_name(right.trim().trim_end_matches(';')).map(str::to_owned)
        })
        .collect()
}

/// The name of the call an expression ends with (`getPurchasesList` of
/// `result.getPurchasesList()`, `load` of `cache.load(key)`), not a
/// constructor's, and not a name too short to say what it calls.
pub(super) fn final_call_name(expression: &str) -> Option<&str> {
    let inner = expression.trim().strip_suffix(')')?;
    let mut depth = 1;
    let open = inner.char_indices().rev().find_map(|(at, c)| {
        match c {
            ')' => depth += 1,
            '(' => depth -= 1,
            _ => {}
        }
        (depth == 0).then_some(at)
    })?;
    let head = &inner[..open];
    let name = super::trailing(head, |c| c.is_alphanumeric() || matches!(c, '_' | '$'));
    let before = head[..head.len() - name.len()].trim_end();
    let constructor = before.ends_with("new") || name.starts_with(|c: char| c.is_ascii_uppercase());
    (name.len() > 3 && !constructor && !lookups().any(|l| l.contains(name))).then_some(name)
}

fn nullable_in(language: Language, text: &str) -> Vec<String> {
    let absent: &[&str] = match language {
        Language::Python => &[" is None", " is not None", " == None", " != None"],
        Language::Go => &[" == nil", " != nil"],
        Language::Java => &[" == null", " != null"],
        Language::JavaScript | Language::TypeScript | Language::Tsx => &[
            " == null",
            " != null",
            " === null",
            " !== null",
            " === undefined",
            " !== undefined",
        ],
        Language::Rust => &[],
    };
    let mut names: Vec<String> = Vec::new();
    for marker in absent {
        for at in memchr::memmem::find_iter(text.as_bytes(), marker) {
            // Markers start with a space, so `at` is a character boundary.
            let name = super::trailing(&text[..at], |c| {
                c.is_alphanumeric() || matches!(c, '_' | '.' | '$')
            })
            .trim_start_matches('.');
            if name.len() > 1 && !matches!(name, "err" | "self" | "this" | "e" | "ok") {
                names.push(name.to_owned());
            }
        }
    }
    // Fields and globals assigned from a lookup that finds nothing
    // sometimes (`mWifi = (WifiManager) ctx.getSystemService(…)`): every
    // method dereferencing them inherits the doubt.
    if language != Language::Rust {
        names.extend(absent_fields(language, text));
    }
    // Python strips docstrings under -OO: `__doc__` is then None.
    if language == Language::Python && text.contains("__doc__") {
        names.push("__doc__".to_owned());
    }
    // Another module's `__file__` is None for a namespace package (a
    // directory without `__init__.py`) and unset for a built-in one: dill
    // called os.path.realpath on it.
    if language == Language::Python {
        for at in memchr::memmem::find_iter(text.as_bytes(), ".__file__") {
            let module = super::trailing(&text[..at], |c| {
                c.is_alphanumeric() || matches!(c, '_' | '.')
            });
            if !module.is_empty() && !module.starts_with('.') {
                names.push(format!("{module}.__file__"));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Fields assigned from a [`lookups`] call, or emptied, anywhere in `text`; an
/// assignment wrapped after its `=` is read up to its `;` (at most three
/// more lines). Only lines assigning a field-like name are searched for a
/// lookup: this runs over the whole file on every edit.
pub(super) fn absent_fields(language: Language, text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some((left, right)) = assignment(line) else {
            continue;
        };
        let name = assigned_name(left);
        let field = name.starts_with("self.") || name.starts_with("this.") || is_field_name(name);
        if !field
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$'))
        {
            continue;
        }
        let mut statement = right.to_owned();
        // JavaScript may be written without semicolons (`this.client =
        // null`, then `}`): there a line ends its statement unless nothing
        // follows the `=` or an operator or an open bracket ends it.
        let right_end = right.trim_end();
        let wrapped = if matches!(
            language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            right_end.trim_start().is_empty()
                || right_end.ends_with([
                    '(', '[', '{', ',', '+', '-', '*', '/', '|', '&', '?', ':', '=', '.',
                ])
        } else {
            right.trim().is_empty() || !right_end.ends_with([';', ')'])
        };
        if wrapped {
            for next in lines.by_ref().take(3) {
                statement.push(' ');
                statement.push_str(next.trim());
                if next.trim_end().ends_with([';', '{', '}']) {
                    break;
                }
            }
        }
        // A field the file empties (`this._ws = null` in the constructor,
        // `self.conn = None` in `close`) is absent between then and the
        // call that fills it: a method called before `connect`, or after
        // `close`, finds nothing there.
        let emptied = name.contains('.') && is_nothing(statement.trim().trim_end_matches(';'));
        if may_find_nothing(&statement) || emptied {
            names.push(name.to_owned());
        }
    }
    names
}

/// Whether a bare name reads like a field (`mWifiManager`, `_cache`,
/// `sock`): Java's `m` prefix or a leading underscore; a plain local
/// (`name`, `value`) does not.
pub(super) fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some('m'), Some(c)) => c.is_ascii_uppercase(),
        (Some('_'), Some(c)) => c.is_alphabetic(),
        _ => false,
    }
}

/// Calls that return nothing (`None`, `null`, `undefined`, a nil) when
/// they find nothing, besides [`NIL_WITHOUT_ERROR`]; [`lookups`] reads both.
const FINDS: &[&str] = &[
    ".get(",
    ".Get(",
    "getattr(",
    ".find(",
    ".Find(",
    "re.match(",
    "re.search(",
    ".match(",
    ".exec(",
    ".lookup(",
    ".Lookup(",
    ".pop(",
    "getElementById(",
    "querySelector(",
    ".getString(",
    ".optString(",
    "getSystemService(",
    ".first(",
    ".last(",
    "environ.get(",
    // Java's `File.listFiles()`: null for a directory it cannot read.
    ".listFiles(",
];

/// Lookups by key that answer nil for "no such row" with no error beside
/// it: hcloud-go's `GetByID` ("If the action does not exist, nil is
/// returned"), Spring Data's `findByEmail`, Sequelize's `findByPk`,
/// Mongoose's and TypeORM's `findOne`. A Go tuple that keeps an error or
/// an `ok` (`resp, err := http.Get(u)`, `v, ok := m.Lookup(k)`) is absent
/// only through these.
const NIL_WITHOUT_ERROR: &[&str] = &[".GetBy", ".FindBy", ".findBy", ".findOne(", ".FindOne("];

/// Calls that return nothing when they find nothing: [`FINDS`] and
/// [`NIL_WITHOUT_ERROR`].
pub(super) fn lookups() -> impl Iterator<Item = &'static str> {
    FINDS.iter().chain(NIL_WITHOUT_ERROR).copied()
}

/// Whether a tuple assignment's left side keeps the error or the `ok` that
/// says whether its first value is there (`x, err`, `v, ok`).
fn keeps_error(left: &str) -> bool {
    left.contains(',')
        && matches!(
            assigned_name(left.rsplit(',').next().unwrap_or_default()),
            "err" | "ok" | "found" | "exists"
        )
}

/// `(left, right)` of a line that assigns (`x = …`, `x := …`, `Type x =
/// …`), not one that compares; `left` without the `:` of `:=`.
pub(super) fn assignment(line: &str) -> Option<(&str, &str)> {
    let (left, right) = line.split_once('=')?;
    if right.starts_with('=') || left.ends_with(['!', '<', '>', '=']) {
        return None;
    }
    Some((left.trim_end().trim_end_matches(':'), right))
}

/// The right side of the last assignment to `name` in `text`, without its
/// `;` (`null` of `X name = null;`).
pub(super) fn last_assigned<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    text.lines().rev().find_map(|line| {
        let (left, right) = assignment(line.trim().trim_end_matches(';'))?;
        (assigned_name(left) == name).then(|| right.trim_end_matches(';'))
    })
}

/// The name an assignment's left side binds: its last word (`x` in `const
/// x`, `String x`, `var x`), without a type annotation (`x: int`, `let x:
/// u32`, `const x: Map<K, V>`); of a tuple, its first name (`x` of Go's
/// `x, err :=`, Python's `x, y =`), the value the call answers with. A
/// comma inside a generic type (`Map<K, V> m`) separates no names, and an
/// object pattern (`const { a, b }`) binds fields, not the value.
pub(super) fn assigned_name(left: &str) -> &str {
    let left = left.split_once(':').map_or(left, |(name, _)| name);
    // A closed brace pattern (`const { a, b }`), not a statement that opens
    // a block on the same line (`Foo() { context = …`).
    if let (Some(open), Some(close)) = (left.rfind('{'), left.rfind('}'))
        && open < close
    {
        return "";
    }
    let left = match left.split_once(',') {
        Some((first, _)) if !left.contains('<') => first,
        _ => left,
    };
    left.trim().rsplit(' ').next().unwrap_or_default()
}

/// Whether a right-hand side is a [`lookups`] call with no fallback (`or`,
/// `??`, `||`, a ternary): what it assigns may be absent.
pub(super) fn may_find_nothing(right: &str) -> bool {
    lookups().any(|l| right.contains(l))
        && !["??", "||", " or ", " ? "]
            .iter()
            .any(|w| right.contains(w))
}

/// Locals assigned from a [`lookups`] call, in any language's declaration
/// form (`x = …`, `const x = …`, `Type x = …`, `x := …`).
pub(super) fn maybe_absent_locals(body: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in body.lines() {
        let Some((left, right)) = assignment(line) else {
            continue;
        };
        if !may_find_nothing(right)
            || keeps_error(left) && !NIL_WITHOUT_ERROR.iter().any(|l| right.contains(l))
        {
            continue;
        }
        let name = assigned_name(left);
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            names.push(name.to_owned());
        }
    }
    names
}

/// Names a JavaScript function tests for truthiness on their own (`x &&`,
/// `!x`, `if (x)`, `x ?`), which says they may be null or undefined.
pub(super) fn truthiness_tested(body: &str) -> Vec<String> {
    let is_ident = |c: char| c.is_alphanumeric() || matches!(c, '_' | '$');
    let mut names: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(found) = body[from..].find(|c: char| c.is_alphabetic() || c == '_' || c == '$') {
        let at = from + found;
        let before = body[..at].trim_end();
        let tail = &body[at..];
        let len = tail.find(|c: char| !is_ident(c)).unwrap_or(tail.len());
        let name = &tail[..len];
        let after = tail[len..].trim_start();
        let opens = before.ends_with("if (") || before.ends_with('!') && !before.ends_with("!!");
        let closes = after.starts_with("&&") || after.starts_with(") {") || after.starts_with("? ");
        let leads = before.ends_with("if (")
            || before.ends_with('(')
            || before.ends_with('=')
            || before.ends_with("return")
            || before.ends_with('!');
        if name.len() > 1
            && !tail[len..].starts_with(['.', '(', '['])
            && !matches!(
                name,
                "true" | "false" | "null" | "undefined" | "this" | "typeof" | "return"
            )
            && (opens
                && (after.starts_with(')') || after.starts_with("&&") || after.starts_with("||"))
                || leads && closes)
        {
            names.push(name.to_owned());
        }
        from = at + len.max(1);
        while !body.is_char_boundary(from) {
            from += 1;
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Whether `text` tests `name` for truthiness on its own: `x && …`,
/// `… && x`, `(x)`, `x ? … : …`.
pub(super) fn truthiness_test(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || matches!(c, '_' | '$' | '.');
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].trim_end();
        let after = text[at + name.len()..].trim_start();
        let starts = before.is_empty() || before.ends_with(['(', '&', '|', '!']);
        let ends = after.is_empty() || after.starts_with(['&', '|', ')', '?']);
        starts && ends && !text[at + name.len()..].starts_with(is_ident)
    })
}

/// Names set to nothing (`x = None`, `x = null`, `x = nil`) in a branch
/// of the function, deeper than its top level (`if total and n > total:
/// total = None`), with the byte offset of that assignment: the code itself
/// says that on some path the value is gone. A top-level `x = None` is
/// usually an initialisation the function fills in before use; it counts
/// from where a branch alone filled it in and the top level goes on.
pub(super) fn set_absent_in_branches(cx: &FnCx) -> Vec<(String, usize)> {
    let Some(body) = cx.node.child_by_field_name("body") else {
        return Vec::new();
    };
    let text = node_text(body, cx.rope);
    let indent = |line: &str| line.len() - line.trim_start().len();
    // The top level's indentation: the first statement's line.
    let Some(top) = text
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty() && !l.trim().starts_with(['#', '/', '*', '"', '\'']))
        .map(indent)
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut offset = body.start_byte();
    // Top-level `x = None` that only a branch fills in: absent after the
    // branch wherever it did not run (`let parsedBase = null; if (base)
    // { parsedBase = … }`, then `parsedBase.url`). Per name: whether a
    // branch filled it, and whether an `else` did too (then every path
    // may have).
    let mut initialised: Vec<(String, bool, bool)> = Vec::new();
    let mut in_else = false;
    // The lines that open blocks, by indentation, and whether each is a
    // branch (`if`, `else`, `case`, `except`): a loop's body, `with` and
    // `try` run whenever the code reaches them (an empty loop is another
    // failure).
    let mut openers: Vec<(usize, bool)> = Vec::new();
    let branch = |head: &str| {
        [
            "if ", "if(", "elif", "else", "case ", "default", "except", "catch", "switch", "match ",
        ]
        .iter()
        .any(|c| head.starts_with(c))
    };
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim().trim_end_matches(';');
        let deeper = indent(line) > top;
        let head = trimmed.trim_start_matches(['}', ' ']);
        let mut in_branch = false;
        if !trimmed.is_empty() {
            openers.retain(|(at, _)| *at < indent(line));
            in_branch = openers.last().is_some_and(|(_, b)| *b);
            openers.push((indent(line), branch(head)));
        }
        if !deeper && !trimmed.is_empty() {
            let clause = [
                "else", "elif", "except", "catch", "finally", "case ", "default",
            ]
            .iter()
            .any(|c| head.starts_with(c));
            if clause || !trimmed.starts_with(['}', ')', ']']) {
                in_else = head.starts_with("else") || head.starts_with("default");
            }
            if !clause && !trimmed.starts_with(['}', ')', ']']) {
                for (name, filled, _) in &initialised {
                    if *filled && !found.iter().any(|(n, _): &(String, usize)| n == name) {
                        found.push((name.clone(), offset));
                    }
                }
            }
        }
        if let Some((left, right)) = assignment(trimmed) {
            let name = assigned_name(left).trim_end_matches(':');
            let nothing = is_nothing(right);
            if let Some(at) = initialised.iter().position(|(n, _, _)| n == name) {
                let entry = &mut initialised[at];
                if nothing || !deeper || !in_branch || entry.1 && in_else {
                    entry.1 = false;
                    entry.2 = !nothing;
                } else if !entry.2 {
                    entry.1 = true;
                }
            } else if nothing && !deeper && !name.is_empty() {
                initialised.push((name.to_owned(), false, false));
            }
        }
        if let Some((left, right)) = trimmed.split_once('=')
            && is_nothing(right)
            && indent(line) > top
        {
            let name = left.trim().trim_end_matches(':');
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
            {
                found.push((name.to_owned(), offset));
            }
        }
        offset += line.len();
    }
    found
}

/// The parameters the signature allows to be absent: a `None` default in
/// Python, `?` or a `null`/`undefined` union in TypeScript.
pub(super) fn optional_parameters(cx: &FnCx) -> Vec<String> {
    let Some(params) = cx
        .node
        .child_by_field_name("parameters")
        .or_else(|| cx.node.child_by_field_name("parameter"))
    else {
        return Vec::new();
    };
    let text = node_text(params, cx.rope);
    let text = text.trim_start_matches('(').trim_end_matches(')');
    text.split(',')
        .filter(|piece| {
            let compact: String = piece.split_whitespace().collect();
            compact.ends_with("=None")
                || compact.contains("Optional[")
                || compact.contains("?:")
                || compact.contains("|null")
                || compact.contains("|undefined")
        })
        .filter_map(|piece| {
            let name: String = piece
                .trim()
                .trim_start_matches(['*', '&'])
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                .collect();
            (!name.is_empty() && name != "self").then_some(name)
        })
        .collect()
}

impl Scan<'_, '_, '_> {
    /// Whether the only check in front of a dereference of `name` is
    /// `typeof name === 'object'`, which null passes.
    pub(super) fn only_typeof_object(&self, node: Node, name: &str) -> bool {
        if name.is_empty() || !self.body.contains("typeof") {
            return false;
        }
        let typeof_object = |text: &str| {
            ["'object'", "\"object\""].iter().any(|o| {
                [" === ", " == "]
                    .iter()
                    .any(|eq| text.contains(&format!("typeof {name}{eq}{o}")))
            })
        };
        let excludes_null = |text: &str| {
            [
                format!("{name} !== null"),
                format!("{name} != null"),
                format!("{name} === null"),
                format!("{name} == null"),
                format!("!{name}"),
            ]
            .iter()
            .any(|t| text.contains(t.as_str()))
                || truthiness_test(text, name)
        };
        guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &|text| typeof_object(text) && !excludes_null(text),
        ) && !guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &excludes_null,
        )
    }

    /// Whether the code itself doubts `name` holds something at `node`: it
    /// is compared with nothing somewhere in the file, a lookup may have
    /// left it empty, the signature lets it be absent, or a branch (or a
    /// swallowed failure) before `node` set it to nothing.
    pub(super) fn doubted(&self, name: &str, node: Node) -> bool {
        self.nullable.iter().any(|n| n == name)
            || self.kept_from_nullable_call(name, node)
            || self.maybe_absent.iter().any(|n| n == name)
            || self.optional.iter().any(|n| n == name)
            || self.absent_before(name, node)
    }

    /// Whether the local `name` last took its value before `node` from a
    /// call the file checks for null elsewhere ([`nullable_calls`]).
    pub(super) fn kept_from_nullable_call(&self, name: &str, node: Node) -> bool {
        !self.nullable_calls.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
            && last_assigned(self.before(node), name).is_some_and(|right| self.nullable_call(right))
    }

    /// Whether the expression `right` ends with a call the file checks
    /// the answer of for null elsewhere ([`nullable_calls`]).
    pub(super) fn nullable_call(&self, right: &str) -> bool {
        final_call_name(right.trim())
            .is_some_and(|call| self.nullable_calls.iter().any(|c| c == call))
    }

    /// Whether a branch (or a swallowed failure) before `node` set `name`
    /// to nothing.
    pub(super) fn absent_before(&self, name: &str, node: Node) -> bool {
        self.emptied(name, node).next().is_some()
    }

    /// Where before `node` the function may have left `name` empty: the
    /// byte offsets of branches that set it to nothing and of `try`s whose
    /// swallowed failure left it so.
    pub(super) fn emptied<'s>(
        &'s self,
        name: &'s str,
        node: Node,
    ) -> impl Iterator<Item = usize> + 's {
        let before = node.start_byte();
        self.set_absent
            .iter()
            .chain(&self.swallowed)
            .filter(move |(n, at)| n == name && *at < before)
            .map(|(_, at)| *at)
    }

    /// A field access off a value that may be absent: a lookup's result or
    /// a field of outside data, read without a check.
    pub(super) fn member(&mut self, node: Node) {
        let Some(object) = node
            .child_by_field_name("object")
            .or_else(|| node.child_by_field_name("operand"))
            .or_else(|| node.child_by_field_name("value"))
        else {
            return;
        };
        // Only the outermost access of a chain, and only reads.
        if node
            .parent()
            .is_some_and(|p| self.facts.member.contains(&p.kind()))
        {
            return;
        }
        let object_text = self.text(object);
        let text = self.text(node);
        if text.contains("?.") {
            return;
        }
        if let Some(root) = object_text.split(['.', '[']).next()
            && self
                .escaped
                .iter()
                .any(|(name, after)| name == root.trim() && node.start_byte() > *after)
            && !self.locked(node)
        {
            self.add(
                node,
                RaceCondition,
                0.12,
                "another goroutine or thread changes the shared value once the lock is released, while this code still reads it",
            );
        }
        if let Some(own) = &self.captured_after_lock {
            let root = object_text
                .split(['.', '[', '('])
                .next()
                .unwrap_or_default()
                .trim();
            let called = node.parent().is_some_and(|p| {
                self.facts.call.contains(&p.kind())
                    && p.child_by_field_name("function")
                        .is_some_and(|f| f.id() == node.id())
            });
            if !called
                && !root.is_empty()
                && !own.iter().any(|o| o == root)
                && !root.starts_with(|c: char| c.is_ascii_uppercase())
            {
                self.add(
                    node,
                    RaceCondition,
                    0.11,
                    "the callback runs later, after the lock its enclosing function held is released, while another goroutine or thread updates what it reads",
                );
            }
        }
        // A receiver the file checks for null elsewhere, dereferenced here
        // without a check.
        let receiver = object_text.trim();
        // `typeof x === 'object' && x.y`: `typeof null` is 'object' too.
        if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && self.only_typeof_object(node, receiver)
        {
            self.add(node, NullOrNone, 0.13, trigger(NullOrNone));
            return;
        }
        if (self.nullable.iter().any(|n| n == receiver)
            || self.kept_from_nullable_call(receiver, node))
            && self.null_unguarded(node, receiver)
        {
            self.add(node, NullOrNone, 0.12, trigger(NullOrNone));
            return;
        }
        if self.late_field_dereferenced(node, receiver)
            || self.result_before_error_checked(node, receiver)
        {
            return;
        }
        // A local that a lookup may have left empty, used unchecked.
        if self.maybe_absent.iter().any(|n| n == receiver) && self.null_unguarded(node, receiver) {
            self.add(node, NullOrNone, 0.12, trigger(NullOrNone));
            return;
        }
        // In `__getattr__`, reading an attribute of `self` that is not set
        // calls `__getattr__` again, unless private names are turned away
        // first (`if name.startswith('_'): raise AttributeError(name)`), as
        // an object being unpickled or copied asks for them before its
        // attributes exist.
        if self.cx.language == Language::Python
            && self.cx.function.name.ends_with("__getattr__")
            && object_text.starts_with("self")
            && !guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &|c| {
                c.contains("startswith('_") || c.contains("startswith(\"_")
            })
        {
            self.add(node, ResourceExhaustion, 0.13, trigger(ResourceExhaustion));
        }
        if self.optional.iter().any(|o| *o == object_text.trim())
            || self.absent_before(object_text.trim(), node)
        {
            let words = [object_text.trim()];
            if !guarded(self.cx.language, node, self.cx.node, self.cx.rope, &words)
                && !self.defaulted_before(node, object_text.trim())
            {
                let (likelihood, why) = self.absent_dereference(object_text.trim(), node);
                self.add(node, NullOrNone, likelihood, why);
            }
            return;
        }
        // Safe Rust has no null: a lookup's `Option` is read through
        // methods that cannot fail, or `unwrap`/`expect`, candidates of
        // their own.
        if self.cx.language == Language::Rust {
            return;
        }
        let depth = text.matches('.').count();
        let from_lookup = [
            "get(", "find(", "Get(", "Find(", "lookup(", "match(", "search(", "first(", "last(",
            "pop(",
        ]
        .iter()
        .any(|w| object_text.contains(w));
        let root = object_text
            .split(['.', '[', '('])
            .next()
            .unwrap_or_default()
            .trim();
        let outside = self.outside(root);
        let parameter = self.parameters.iter().any(|p| p == root);
        if !(from_lookup || (depth >= 2 && (outside || parameter))) {
            return;
        }
        // A lookup through a class (`RefreshToken.objects.filter(…).first()`)
        // finds nothing whatever a check of the class says
        // (`isinstance(x, RefreshToken)`): only a check of what it found
        // guards it.
        let through_a_class = from_lookup && root.starts_with(|c: char| c.is_ascii_uppercase());
        let words = [if through_a_class {
            object_text.trim()
        } else {
            root
        }];
        if guarded(self.cx.language, node, self.cx.node, self.cx.rope, &words)
            || self.caught_here(node, NullOrNone)
        {
            return;
        }
        let mut likelihood = if from_lookup { 0.09 } else { 0.05 };
        if outside {
            likelihood += 0.02;
        }
        let class = if matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) && outside
            && !from_lookup
        {
            KeyMissing
        } else {
            NullOrNone
        };
        self.add(node, class, likelihood, trigger(class));
    }

    /// Whether a loop that walks a chain stops where it loops back: it
    /// compares a link with the next (`t != t.getCause()`), keeps the links
    /// it has seen, or counts its steps against a limit.
    pub(super) fn stops_at_a_cycle(&self, node: Node) -> bool {
        let text = self.text(node);
        let words = [
            "seen", "visited", "Seen", "Visited", "dejaVu", "depth", "Depth", "limit", "MAX", "max",
        ];
        if words.iter().any(|w| text.contains(w)) {
            return true;
        }
        text.split([';', '\n', ',', '(', '&', '|']).any(|part| {
            ["!=", "!==", "==", "===", " is not ", " is "]
                .iter()
                .any(|op| {
                    part.split_once(op).is_some_and(|(left, right)| {
                        let left = left.trim();
                        !left.is_empty()
                            && left.chars().all(|c| c.is_alphanumeric() || c == '_')
                            && right.trim().starts_with(&format!("{left}."))
                    })
                })
        })
    }

    /// Whether a loop walks a linked structure: `t = t.getCause()`,
    /// `node = node.parent`, `cur = cur.next`.
    pub(super) fn follows_a_chain(&self, node: Node) -> bool {
        let text = self.text(node);
        text.split([';', '\n', ',']).any(|part| {
            let Some((left, right)) = part.split_once('=') else {
                return false;
            };
            let left = left.trim().rsplit(' ').next().unwrap_or_default();
            let right = right.trim();
            !left.is_empty()
                && left.chars().all(|c| c.is_alphanumeric() || c == '_')
                && right.starts_with(&format!("{left}."))
                && !right.contains(['(', '['])
                // `t = t.getCause()`, in a loop's header or its body.
                || right
                    .split_once("()")
                    .is_some_and(|(call, rest)| {
                        call.starts_with(&format!("{left}.get"))
                            && !call.contains(['(', '['])
                            && rest.trim_start_matches([')', ' ', '{', ':']).is_empty()
                    })
        })
    }
}
