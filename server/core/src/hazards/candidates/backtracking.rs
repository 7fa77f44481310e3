//! Patterns that backtrack: a regular expression whose matching time grows
//! with the square (or the power) of its input's length on a backtracking
//! engine (JavaScript, Python, Java). One crafted header or form field of a
//! few kilobytes then holds the event loop or a worker for seconds.

use super::*;

/// Calls that take a pattern as their first argument, by last name.
const PATTERN_CALLS: &[&str] = &[
    "compile",
    "match",
    "search",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
    "fullmatch",
    "matches",
    "replaceAll",
    "replaceFirst",
    "RegExp",
];

/// Atoms that match runs of ordinary text, where two quantifiers fight
/// over the same characters.
const BROAD_ATOMS: &[&str] = &[" ", "\\s", ".", "\\w", "\\S", "\\d", "[^"];

/// Whether a pattern can backtrack badly: a quantified group that holds a
/// quantifier (`(a+)+`, `(\s*x)*`), an unanchored pattern that opens with a
/// quantified run of broad characters (` *, *` tried at every offset of a
/// long run of spaces, and the trim idiom `\s\s*$`), or two `.*`/`.+` runs
/// in a row.
pub(super) fn backtracks(pattern: &str) -> bool {
    let leading_run = !pattern.starts_with('^')
        && BROAD_ATOMS.iter().any(|atom| {
            let Some(rest) = pattern.strip_prefix(atom) else {
                return false;
            };
            // `[^,]*`: skip the class to its quantifier.
            let rest = if *atom == "[^" {
                rest.split_once(']').map_or("", |(_, r)| r)
            } else {
                rest
            };
            // `\s\s*` is `\s+` spelled out (the trim idiom `\s\s*$`).
            let rest = match rest.strip_prefix(atom) {
                Some(again) if *atom != "[^" && again.starts_with('*') => again,
                _ => rest,
            };
            (rest.starts_with('*') || rest.starts_with('+')) && rest.len() > 1
        });
    leading_run || trailing_run(pattern) || backtracks_anchored(pattern)
}

/// Whether a pattern backtracks even when tried only at the text's start
/// (Python's `match` and `fullmatch`): all of [`backtracks`] but the
/// leading and trailing runs, which cost only because a search tries them
/// at every offset.
fn backtracks_anchored(pattern: &str) -> bool {
    let runs = pattern.matches(".*").count() + pattern.matches(".+").count();
    backtracks_nested(pattern)
        || runs >= 2
        || overlapping_runs(pattern)
        || overlapping_alternatives(pattern)
}

/// A repeated group of alternatives two of which accept the same character
/// (`(?:.|;)*`, `(\w|\d)+`, `(a|ab)*` is not one: its alternatives are not
/// single atoms): a run of that character can be split between them in
/// two ways per character, and a failing match tries every way,
/// exponentially many (colorama's OSC pattern on a run of `;`).
fn overlapping_alternatives(pattern: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut opens: Vec<usize> = Vec::new();
    let (mut i, mut in_class) = (0, false);
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => opens.push(i),
            ')' if !in_class => {
                if let Some(open) = opens.pop()
                    && matches!(chars.get(i + 1), Some('*' | '+' | '{'))
                    && alternatives_overlap(&chars[open + 1..i])
                {
                    return true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Whether two of a group's top-level alternatives are each one atom and
/// accept a common character.
fn alternatives_overlap(group: &[char]) -> bool {
    let body: String = group.iter().collect();
    // `?:`, `?P<name>`, `?<name>`: what the group matches starts after.
    let body = match body.strip_prefix('?') {
        Some(rest) if rest.starts_with(':') => rest[1..].to_owned(),
        Some(rest) if rest.starts_with("P<") || rest.starts_with('<') => rest
            .split_once('>')
            .map_or(String::new(), |(_, r)| r.to_owned()),
        Some(_) => return false,
        None => body,
    };
    let mut alternatives: Vec<String> = vec![String::new()];
    let (mut depth, mut in_class, mut escaped) = (0usize, false, false);
    for c in body.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if in_class {
            in_class = c != ']';
        } else if c == '[' {
            in_class = true;
        } else if c == '(' {
            depth += 1;
        } else if c == ')' {
            depth = depth.saturating_sub(1);
        } else if c == '|' && depth == 0 {
            alternatives.push(String::new());
            continue;
        }
        if let Some(last) = alternatives.last_mut() {
            last.push(c);
        }
    }
    let single: Vec<CharSet> = alternatives
        .iter()
        .filter_map(|alternative| match atoms(alternative).as_slice() {
            [Atom::Set { set, .. }] => Some(set.clone()),
            _ => None,
        })
        .collect();
    single
        .iter()
        .enumerate()
        .any(|(i, a)| single[i + 1..].iter().any(|b| a.overlaps(b)))
}

/// Whether a search with `pattern` is linear in the text: it does not
/// backtrack, and it is anchored or has no unbounded run followed by
/// something the run also takes. `\\{.*\\}` tried from every `{` of a
/// text with no `}` scans to the end each time (micromatch's braces).
fn linear(pattern: &str) -> bool {
    if backtracks(pattern) {
        return false;
    }
    if pattern.starts_with('^') {
        return true;
    }
    let atoms = atoms(pattern);
    !runs(&atoms).any(|(first, rest)| {
        rest.iter().any(|next| match next {
            Atom::Set { set, .. } => first.overlaps(set),
            Atom::Break => false,
        })
    })
}

/// A quantified group that holds a quantifier (`(a+)+`, `(\s*x)*`).
fn backtracks_nested(pattern: &str) -> bool {
    let mut depth_has_quantifier: Vec<bool> = Vec::new();
    let mut nested = false;
    let mut chars = pattern.chars().peekable();
    let mut escaped = false;
    while let Some(c) = chars.next() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '(' => depth_has_quantifier.push(false),
            ')' => {
                let inner = depth_has_quantifier.pop().unwrap_or(false);
                let outer = matches!(chars.peek(), Some('*' | '+' | '{'));
                if inner && outer {
                    nested = true;
                }
                if inner && let Some(parent) = depth_has_quantifier.last_mut() {
                    *parent = true;
                }
            }
            '*' | '+' => {
                if let Some(top) = depth_has_quantifier.last_mut() {
                    *top = true;
                }
            }
            _ => {}
        }
    }
    nested
}

/// Whether an alternative of `pattern` is a single repeated atom at the
/// end of the text and nothing else (`[\\r\\n]+$`, `\\s+$`, ` *$`): tried at
/// every start of a long run that something else ends, each try scans
/// to the run's end.
fn trailing_run(pattern: &str) -> bool {
    let atoms = atoms(pattern);
    atoms
        .split(|a| *a == Atom::Break)
        .zip(pattern.split('|'))
        .any(|(alternative, text)| {
            !text.starts_with('^')
                && text.ends_with('$')
                && matches!(alternative, [Atom::Set { run: true, .. }])
        })
}

/// One atom of a pattern: the characters it accepts, and how often.
#[derive(Clone, Debug, PartialEq)]
enum Atom {
    /// An atom with its set, whether it repeats without bound (`*`, `+`,
    /// `{n,}`, not possessive), and whether it may be absent (`?`, `*`,
    /// `{0,n}`), when it keeps no two runs apart.
    Set {
        set: CharSet,
        run: bool,
        optional: bool,
    },
    /// `|`, `$` or a lookaround: no run reaches past it.
    Break,
}

#[derive(Clone, Debug, PartialEq)]
struct CharSet {
    negated: bool,
    chars: Vec<char>,
    ranges: Vec<(char, char)>,
    /// `\s`, `\w`, `\d` and their negations, by letter.
    classes: Vec<char>,
}

impl CharSet {
    fn one(c: char) -> Self {
        CharSet {
            negated: false,
            chars: vec![c],
            ranges: Vec::new(),
            classes: Vec::new(),
        }
    }

    fn any() -> Self {
        CharSet {
            negated: true,
            chars: vec!['\n'],
            ranges: Vec::new(),
            classes: Vec::new(),
        }
    }

    fn class(letter: char) -> Self {
        CharSet {
            negated: false,
            chars: Vec::new(),
            ranges: Vec::new(),
            classes: vec![letter],
        }
    }

    fn contains(&self, c: char) -> bool {
        let listed = self.chars.contains(&c)
            || self.ranges.iter().any(|&(a, b)| a <= c && c <= b)
            || self.classes.iter().any(|&k| match k {
                's' => c.is_whitespace(),
                'S' => !c.is_whitespace(),
                'w' => c.is_alphanumeric() || c == '_',
                'W' => !(c.is_alphanumeric() || c == '_'),
                'd' => c.is_ascii_digit(),
                'D' => !c.is_ascii_digit(),
                _ => false,
            });
        listed != self.negated
    }

    /// Whether some character is in both: tried on the characters either
    /// names and a sample of every kind of character.
    fn overlaps(&self, other: &CharSet) -> bool {
        const SAMPLE: &str = "aZ09 \t-_.,;:=<>/\\\"'()[]{}|&%+*?é";
        SAMPLE
            .chars()
            .chain(self.chars.iter().copied())
            .chain(other.chars.iter().copied())
            .chain(self.ranges.iter().map(|r| r.0))
            .chain(other.ranges.iter().map(|r| r.0))
            .any(|c| self.contains(c) && other.contains(c))
    }
}

/// The atoms of `pattern` in order, groups flattened: enough to see which
/// quantified runs follow one another.
fn atoms(pattern: &str) -> Vec<Atom> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut atoms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let set = match chars[i] {
            '|' | '$' => {
                atoms.push(Atom::Break);
                i += 1;
                continue;
            }
            '^' => {
                i += 1;
                continue;
            }
            ')' => {
                // A group's own quantifier is no atom (`(?:\\d+)?`); what
                // it repeats, the nesting rule reads.
                i += 1;
                match chars.get(i) {
                    Some('?' | '*' | '+') => i += 1,
                    Some('{') => {
                        i += chars[i..]
                            .iter()
                            .position(|&c| c == '}')
                            .map_or(1, |p| p + 1);
                    }
                    _ => {}
                }
                if chars.get(i) == Some(&'?') {
                    i += 1;
                }
                continue;
            }
            '(' => {
                // `(?:`, `(?P<name>`, `(?i)`; a lookaround breaks the run.
                if chars.get(i + 1) == Some(&'?') {
                    match chars.get(i + 2) {
                        Some('=' | '!') => atoms.push(Atom::Break),
                        Some('<') if matches!(chars.get(i + 3), Some('=' | '!')) => {
                            atoms.push(Atom::Break)
                        }
                        _ => {}
                    }
                    let close = if matches!(chars.get(i + 2), Some('P' | '<'))
                        && !matches!(chars.get(i + 3), Some('=' | '!'))
                    {
                        chars[i..].iter().position(|&c| c == '>').map(|p| i + p + 1)
                    } else {
                        // `(?:`, or a flag (`(?i)`) whose `)` is skipped.
                        Some(i + 3)
                    };
                    i = close.unwrap_or(chars.len());
                } else {
                    i += 1;
                }
                continue;
            }
            '.' => {
                i += 1;
                CharSet::any()
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    break;
                };
                i += 2;
                if "sSwWdD".contains(next) {
                    CharSet::class(next)
                } else {
                    CharSet::one(match next {
                        't' => '\t',
                        'n' => '\n',
                        c => c,
                    })
                }
            }
            '[' => {
                let mut set = CharSet {
                    negated: chars.get(i + 1) == Some(&'^'),
                    chars: Vec::new(),
                    ranges: Vec::new(),
                    classes: Vec::new(),
                };
                let mut j = i + 1 + usize::from(set.negated);
                let mut first = true;
                while j < chars.len() && (chars[j] != ']' || first) {
                    first = false;
                    let c = if chars[j] == '\\' && j + 1 < chars.len() {
                        j += 1;
                        if "sSwWdD".contains(chars[j]) {
                            set.classes.push(chars[j]);
                            j += 1;
                            continue;
                        }
                        chars[j]
                    } else {
                        chars[j]
                    };
                    if chars.get(j + 1) == Some(&'-') && chars.get(j + 2).is_some_and(|&e| e != ']')
                    {
                        set.ranges.push((c, chars[j + 2]));
                        j += 3;
                    } else {
                        set.chars.push(c);
                        j += 1;
                    }
                }
                i = j + 1;
                set
            }
            c => {
                i += 1;
                CharSet::one(c)
            }
        };
        // The quantifier, if any: a run repeats without bound and gives
        // characters back (not a possessive `*+`).
        let (run, mut optional, skip) = match chars.get(i) {
            Some('*') => (chars.get(i + 1) != Some(&'+'), true, 1),
            Some('+') => (chars.get(i + 1) != Some(&'+'), false, 1),
            Some('{') => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '}')
                    .map_or(0, |p| p + 1);
                let body: String = chars[i..i + end].iter().collect();
                (body.ends_with(",}"), body.starts_with("{0"), end)
            }
            _ => (false, false, 0),
        };
        i += skip;
        // `?` after a quantifier makes it lazy; alone it makes the atom
        // optional, which a run neither needs nor is held up by.
        if chars.get(i) == Some(&'?') {
            optional |= skip == 0;
            i += 1;
        }
        atoms.push(Atom::Set { set, run, optional });
    }
    atoms
}

/// Each unbounded run of `atoms` with the atoms after it.
fn runs(atoms: &[Atom]) -> impl Iterator<Item = (&CharSet, &[Atom])> {
    atoms.iter().enumerate().filter_map(|(i, atom)| match atom {
        Atom::Set { set, run: true, .. } => Some((set, &atoms[i + 1..])),
        _ => None,
    })
}

/// Whether two unbounded runs that accept a common character follow one
/// another with nothing between them that the first cannot take
/// (`[^'">]+[^>]*`, `[^>]*\\srel\\s*`, `\\d+\\d*`): each split of a long
/// input between them is tried before the match fails, at each start.
fn overlapping_runs(pattern: &str) -> bool {
    let atoms = atoms(pattern);
    runs(&atoms).any(|(first, rest)| {
        for next in rest {
            match next {
                Atom::Set {
                    set,
                    run: true,
                    optional,
                } => {
                    // A run that may match nothing (`\\d+\\s*\\S+`) leaves
                    // the first next to what follows it.
                    if first.overlaps(set) {
                        return true;
                    }
                    if !*optional {
                        return false;
                    }
                }
                // An atom the first run can take, or one that may be
                // absent (`\\d+\\.?\\d+`), keeps nothing apart.
                Atom::Set {
                    set,
                    run: false,
                    optional,
                } if *optional || first.overlaps(set) => continue,
                _ => return false,
            }
        }
        false
    })
}

/// The pattern a string or regex literal spells, from the start of an
/// argument list or a right-hand side: `r'(a+)+'`, `"\\s+$"`, `/x+y+/g`.
fn pattern_literal(text: &str) -> Option<String> {
    let text = text.trim().trim_start_matches('(').trim_start();
    if let Some(rest) = text.strip_prefix('/') {
        // A JavaScript literal: up to the closing slash not escaped.
        let mut escaped = false;
        let end = rest.char_indices().find_map(|(i, c)| {
            let end = !escaped && c == '/';
            escaped = !escaped && c == '\\';
            end.then_some(i)
        })?;
        return Some(rest[..end].to_owned());
    }
    quoted_pattern(text)
}

/// The pattern a string literal spells at the start of `text` (`r'(a+)+'`,
/// `"\\s+$"`), or of an argument list (`("…", s)`).
fn quoted_pattern(text: &str) -> Option<String> {
    let inner = text.trim().trim_start_matches('(').trim_start();
    let inner = inner.trim_start_matches(['r', 'b']);
    let quote = inner.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    // A triple-quoted pattern (Python's verbose ones), to its end or the
    // end of the line.
    let triple: String = std::iter::repeat_n(quote, 3).collect();
    let pattern = match inner.strip_prefix(triple.as_str()) {
        Some(rest) => rest.split(triple.as_str()).next()?,
        None => inner[1..].split(quote).next()?,
    };
    // Java spells a backslash twice inside a string.
    Some(pattern.replace("\\\\", "\\"))
}

/// Names the file binds to a compiled pattern that backtracks, wherever
/// the binding is (a module constant, a class attribute, a static final
/// field, a local): `_func_re = re.compile(r'(.+?)\((.*)\)')`, `private
/// static final Pattern P = Pattern.compile("…")`, `const RE = /…/`. The
/// pattern is written once, away from the functions that run it on input,
/// which is where it hangs.
pub(super) fn backtracking_patterns(language: Language, segments: &[&str]) -> PatternNames {
    if !matches!(
        language,
        Language::Python
            | Language::Java
            | Language::JavaScript
            | Language::TypeScript
            | Language::Tsx
    ) {
        return PatternNames::default();
    }
    // Per segment, kept by its text's hash, as the other file-wide scans.
    static MEMO: super::memo::Memo<PatternNames> = super::memo::Memo::new();
    let mut all = PatternNames::default();
    for segment in segments {
        let found = MEMO.get(segment, patterns_in);
        all.backtracking.extend(found.backtracking);
        all.searched_only.extend(found.searched_only);
        all.plain.extend(found.plain);
    }
    for names in [
        &mut all.backtracking,
        &mut all.searched_only,
        &mut all.plain,
    ] {
        names.sort();
        names.dedup();
    }
    all
}

/// The file's compiled patterns by name, by how they run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatternNames {
    /// Backtrack wherever they are tried.
    pub backtracking: Vec<String>,
    /// Backtrack only when a search tries them at every offset (a leading
    /// or trailing run): not under Python's `match` and `fullmatch`.
    pub searched_only: Vec<String>,
    /// Read, and found linear when searched ([`linear`]).
    pub plain: Vec<String>,
    /// Of `backtracking` and `searched_only`, those the file runs under
    /// their name (`RE.test(s)`, `self._re.match(s)`, `s.replace(RE, "")`),
    /// where the runs are predicted; part of every function's cache key,
    /// since the module's prediction of the pattern depends on them.
    pub run: Vec<String>,
}

impl PatternNames {
    /// These names with [`PatternNames::run`] read from the file's `text`.
    pub(super) fn run_in(mut self, text: &str) -> PatternNames {
        let runs = |name: &str| {
            MATCHING
                .iter()
                .any(|m| text.contains(&format!("{name}.{m}(")))
                || RUN_ON_TEXT
                    .iter()
                    .any(|m| text.contains(&format!(".{m}({name}")))
        };
        self.run = self
            .backtracking
            .iter()
            .chain(&self.searched_only)
            .filter(|name| runs(name))
            .cloned()
            .collect();
        self
    }
}

fn patterns_in(text: &str) -> PatternNames {
    let mut names = PatternNames::default();
    let lines: Vec<&str> = text.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        let Some((left, right)) = line.split_once('=') else {
            continue;
        };
        let right = right.trim_start();
        if right.starts_with('=') || left.ends_with(['!', '<', '>', '=']) {
            continue;
        }
        let literal = if let Some(call) = right.find("compile(").or_else(|| right.find("RegExp(")) {
            let open = right[call..].find('(').map_or(call, |o| call + o);
            // `re.compile(` with the pattern on the next line.
            match right[open + 1..].trim() {
                "" => lines.get(at + 1).and_then(|next| pattern_literal(next)),
                _ => pattern_literal(&right[open..]),
            }
        } else if right.starts_with('/') && !right.starts_with("//") {
            pattern_literal(right)
        } else {
            None
        };
        let Some(pattern) = literal else {
            continue;
        };
        let name = left
            .trim()
            .trim_end_matches(':')
            .rsplit([' ', '.'])
            .next()
            .unwrap_or_default();
        if name.len() < 2
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
        {
            continue;
        }
        let list = if backtracks_anchored(&pattern) {
            &mut names.backtracking
        } else if backtracks(&pattern) {
            &mut names.searched_only
        } else if linear(&pattern) {
            &mut names.plain
        } else {
            continue;
        };
        list.push(name.to_owned());
    }
    names
}

/// Methods that run a compiled pattern over their argument.
const MATCHING: &[&str] = &[
    "match",
    "search",
    "fullmatch",
    "findall",
    "finditer",
    "sub",
    "subn",
    "split",
    "matcher",
    "test",
    "exec",
    "replace",
    "replaceAll",
];

/// Methods of a text that run the pattern handed to them (`s.replace(RE,
/// "")`, `s.split(RE)`).
const RUN_ON_TEXT: &[&str] = &["match", "replace", "replaceAll", "split", "search"];

impl Scan<'_, '_, '_> {
    /// A pattern of the file that backtracks ([`backtracking_patterns`]),
    /// run here: `self._func_re.match(check)`, `P.matcher(s)`, `RE.test(s)`,
    /// `s.replace(RE, "")`, `s.split(RE)`.
    pub(super) fn precompiled_pattern(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        let names = self.patterns;
        if names.backtracking.is_empty() && names.searched_only.is_empty()
            || !MATCHING.contains(&last)
        {
            return;
        }
        // Python's `match` and `fullmatch` try the pattern at the start only.
        let anchored =
            self.cx.language == Language::Python && matches!(last, "match" | "fullmatch");
        let backtracks = |name: &str| {
            names.backtracking.iter().any(|p| p == name)
                || !anchored && names.searched_only.iter().any(|p| p == name)
        };
        let receiver = callee.rsplit_once('.').map_or("", |(r, _)| r);
        let receiver_name = receiver.rsplit('.').next().unwrap_or_default();
        let argument = first_argument(args);
        let (runs, subject) = if backtracks(receiver_name) {
            (true, argument)
        } else {
            let on_text = RUN_ON_TEXT.contains(&last) && backtracks(argument);
            (on_text, receiver)
        };
        if runs && !self.length_bounded(node, subject) {
            self.add(node, Timeout, 0.08, BACKTRACKING);
        }
    }

    /// Whether `pattern`, compiled by the module's code, is run by the
    /// file's functions under the name it is bound to (`RE.test(s)`,
    /// `self._re.match(s)`, `s.replace(RE, "")`): those runs are the
    /// predictions. A pattern run elsewhere (a base class's parser, another
    /// module) hangs where it is written, as far as this file can tell.
    fn run_by_the_file(&self, pattern: Node) -> bool {
        if !self.cx.is_module() {
            return false;
        }
        let mut binding = pattern.parent();
        while let Some(node) = binding {
            if matches!(
                node.kind(),
                "assignment"
                    | "variable_declarator"
                    | "field_definition"
                    | "public_field_definition"
                    | "pair"
            ) {
                break;
            }
            binding = node.parent();
        }
        let Some(name) = binding
            .and_then(|b| {
                b.child_by_field_name("left")
                    .or_else(|| b.child_by_field_name("name"))
                    .or_else(|| b.child_by_field_name("property"))
                    .or_else(|| b.child_by_field_name("key"))
            })
            .map(|n| self.text(n))
        else {
            return false;
        };
        let name = name.rsplit('.').next().unwrap_or_default();
        // Only a name the runs are followed to ([`backtracking_patterns`]):
        // a table's entry (`regexp: /…/`) handed to another module's parser
        // is predicted here or nowhere.
        self.patterns.run.iter().any(|run| run == name)
    }

    /// Whether the pattern `callee` runs (`RE.test`, `/x/.exec`) is one
    /// the file spells out and that is linear when searched ([`linear`]).
    pub(super) fn plain_pattern(&self, callee: &str) -> bool {
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return false;
        };
        if receiver.starts_with('/') {
            return pattern_literal(receiver).is_some_and(|p| linear(&p));
        }
        let name = receiver.rsplit('.').next().unwrap_or_default();
        self.patterns.plain.iter().any(|p| p == name)
    }

    /// Whether the text a pattern runs on was checked against an upper
    /// bound first (`if (str.length > 100) return;`): backtracking costs a
    /// power of the length, so a bounded input is the standard fix.
    pub(super) fn length_bounded(&self, node: Node, subject: &str) -> bool {
        let plain = !subject.is_empty()
            && subject
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$'));
        if !plain {
            return false;
        }
        let spellings = [
            format!("{subject}.length()"),
            format!("{subject}.length"),
            format!("{subject}.len()"),
            format!("len({subject})"),
        ];
        crate::hazards::guards::guarded_by(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &|text| spellings.iter().any(|s| compared_to_bound(text, s)),
        )
    }

    /// A JavaScript regular expression literal that backtracks.
    pub(super) fn regex_literal(&mut self, node: Node) {
        if node.kind() != "regex" {
            return;
        }
        let Some(pattern) = node.child_by_field_name("pattern") else {
            return;
        };
        if !backtracks(&self.text(pattern)) {
            return;
        }
        // The text it runs on: `/re/.exec(s)`, or `s.replace(/re/, "")`.
        let parent = node.parent();
        let call = parent
            .and_then(|p| p.parent())
            .filter(|c| c.kind() == "call_expression");
        let subject = match (parent.map(|p| p.kind()), call) {
            (Some("member_expression"), Some(call)) => call
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(0))
                .map(|a| self.text(a)),
            (Some("arguments"), Some(call)) => call
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("object"))
                .map(|o| self.text(o)),
            _ => None,
        };
        if subject
            .as_ref()
            .is_some_and(|s| self.length_bounded(node, s))
        {
            return;
        }
        // A pattern the module names runs in the functions of the file
        // that use it, where the file's patterns are followed to.
        if subject.is_none() && self.run_by_the_file(node) {
            return;
        }
        self.add(node, Timeout, 0.08, BACKTRACKING);
    }

    /// A pattern handed to a regular-expression call as a string.
    pub(super) fn regex_argument(&mut self, node: Node, last: &str, args: &str) {
        if !PATTERN_CALLS.contains(&last)
            || !matches!(
                self.cx.language,
                Language::Python
                    | Language::Java
                    | Language::JavaScript
                    | Language::TypeScript
                    | Language::Tsx
            )
        {
            return;
        }
        // Compiled by the module, it runs in the functions that use it.
        if matches!(last, "compile" | "RegExp") && self.run_by_the_file(node) {
            return;
        }
        if quoted_pattern(args).is_some_and(|pattern| backtracks(&pattern)) {
            self.add(node, Timeout, 0.08, BACKTRACKING);
        }
    }

    /// Text from the input compiled as a pattern: `re.search(user, s)`,
    /// `Pattern.compile(query)`, `s.split(sep)` in Java, `new RegExp(term)`
    /// or `s.match(term)` in JavaScript. A `(`, `[` or `+` in it makes the
    /// pattern invalid (`re.error`, `PatternSyntaxException`, `SyntaxError:
    /// Invalid regular expression`), and a `.` or `|` matches what it was
    /// never meant to. Escaping it (`re.escape`, `Pattern.quote`, an
    /// `escapeRegExp` helper) is the fix.
    pub(super) fn pattern_from_input(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        let takes_pattern = match self.cx.language {
            Language::Python => {
                (callee.starts_with("re.") || callee.starts_with("regex."))
                    && PATTERN_CALLS.contains(&last)
            }
            Language::Java => {
                callee == "Pattern.compile"
                    || matches!(last, "matches" | "replaceAll" | "replaceFirst" | "split")
                        && callee.contains('.')
            }
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                last == "RegExp" || matches!(last, "match" | "search") && callee.contains('.')
            }
            _ => false,
        };
        if !takes_pattern {
            return;
        }
        let pattern = first_argument(args);
        // A name the function was given (`sep`, `options.query`), not a
        // literal, a constant or a pattern built by the code.
        let root = pattern.split(['.', '[']).next().unwrap_or_default();
        if pattern.is_empty()
            || !pattern
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$'))
            || !self.parameters.iter().any(|p| p == root)
        {
            return;
        }
        let lower = self.body.to_lowercase();
        if ["escape", "quote(", "sanitize"]
            .iter()
            .any(|w| lower.contains(w))
            || self.caught_here(node, ParseError)
            || caught(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[
                    "re.error",
                    "error",
                    "PatternSyntaxException",
                    "SyntaxError",
                    "Exception",
                ],
            )
        {
            return;
        }
        self.add(
            node,
            ParseError,
            0.06,
            "the text holds a character the pattern syntax reserves (`(`, `[`, `+`, `\\`), so compiling it fails",
        );
    }
}

/// Whether `text` compares `length` (`str.length`, `len(s)`) with a
/// bound that keeps a polynomial backtrack short: a number from 8 to
/// 1,000 (a million steps for a quadratic pattern; ms bounded its input to
/// 10,000 and was still slow enough to need a second fix, at 100), or a
/// named limit (`MAX_LEN`, `maxLength`).
fn compared_to_bound(text: &str, length: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut from = 0;
    while let Some(at) = text[from..].find(length) {
        let start = from + at;
        from = start + length.len();
        if text[..start].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = text[from..].trim_start();
        let Some(rest) = rest.strip_prefix(['>', '<']) else {
            continue;
        };
        let operand: String = rest
            .trim_start_matches('=')
            .trim_start()
            .chars()
            .take_while(|c| is_ident(*c) || *c == '.')
            .collect();
        let named = operand.chars().any(|c| c.is_ascii_uppercase())
            || operand.to_ascii_lowercase().contains("max")
            || operand.to_ascii_lowercase().contains("limit");
        if operand
            .parse::<u64>()
            .is_ok_and(|n| (8..=1_000).contains(&n))
            || named
        {
            return true;
        }
    }
    false
}

const BACKTRACKING: &str = "the input is long and almost matches (a run of spaces, repeated characters), and the pattern tries every way to split it between its quantifiers";

#[cfg(test)]
mod tests {
    use super::backtracks;

    #[test]
    fn patterns_that_backtrack() {
        for pattern in [
            " *, *",
            "(a+)+$",
            "(\\s*x)*y",
            "\\s*=\\s*",
            ".*foo.*bar",
            "[^,]*,",
            "\\s\\s*$",
            "\\s+$",
            // setuptools' REL: runs of `[^>]` around `\s` and `rel`.
            "<([^>]*\\srel\\s*=\\s*['\"]?([^'\">]+)[^>]*)>",
            "<a[^>]*\\shref[^>]*>",
            // trim-newlines' end: a run of newlines that a letter ends.
            "[\\r\\n]+$",
            "^[\\r\\n]+|[\\r\\n]+$",
        ] {
            assert!(backtracks(pattern), "{pattern}");
        }
    }

    #[test]
    fn runs_kept_apart_only_by_what_may_be_absent() {
        // ms: `\d+` twice, with an optional `.` between and the first in
        // an optional group; py's blame: `\d+` and `\S+` across `\s*`.
        for pattern in [
            "^((?:\\d+)?\\.?\\d+) *(ms|s)?$",
            "\\s*(\\d+)\\s*(\\S+) (.*)",
        ] {
            assert!(super::backtracks_anchored(pattern), "{pattern}");
        }
        // The fixes: a required separator the first run cannot take. The
        // blame pattern still opens with a run, which costs only a search.
        assert!(!super::backtracks("^\\d+\\.\\d+ *(ms|s)?$"));
        let blame = "\\s*(\\d+)\\s+(\\S+) (.*)";
        assert!(super::backtracks(blame) && !super::backtracks_anchored(blame));
    }

    #[test]
    fn linear_searches() {
        for pattern in ["^\\d+$", "abc", "[a-z]+@", "^\\{.*\\}$"] {
            assert!(super::linear(pattern), "{pattern}");
        }
        // Tried from every `{`, the run scans to the end each time.
        for pattern in ["\\{.*\\}", "[\\{\\[].*[\\}\\]]$"] {
            assert!(!super::linear(pattern), "{pattern}");
        }
    }

    #[test]
    fn broken_patterns_are_read_without_a_panic() {
        for pattern in [
            "[",
            "[^",
            "[]",
            "[]]",
            "[a-",
            "[a-]",
            "(?",
            "(?P<",
            "(?<=",
            "(?P<n",
            "\\",
            "a{",
            "a{2,",
            "a{,}",
            "*",
            "+?",
            "é+é*",
            "[é-ü]+[^>]*",
        ] {
            backtracks(pattern);
        }
    }

    #[test]
    fn patterns_that_do_not() {
        for pattern in [
            "^\\s*,\\s*$",
            "^[a-z]+$",
            "\\d{4}-\\d{2}",
            "foo(bar)?",
            ",",
            "^(\\w+)=(.*)$",
            "^\\s\\s*",
            "\\s$",
            "<(\\w+)\\s*=\\s*\"([^\"]*)\">",
            "(\\d+)\\.(\\d+)",
            "<[a-z]+\\s+[^>\\s]*>",
            "^(?P<name>[^=]+)=(?P<value>.*)$",
            "[a-z]++[a-z]*x",
            "^[\\r\\n]+",
            "^[\\r\\n]+$",
        ] {
            assert!(!backtracks(pattern), "{pattern}");
        }
    }
}
