//! Subscripts and slices: an index or a bound that the data may not reach.

use super::*;

/// A fixed table indexed by a computed value.
const TABLE: f32 = 0.2;

/// An index whose own check is off by one: the code states the bound and
/// gets it wrong, the likeliest index failure there is.
const FENCEPOST: f32 = 0.45;

impl Scan<'_, '_, '_> {
    pub(super) fn subscript(&mut self, node: Node) {
        let object = node
            .child_by_field_name("value")
            .or_else(|| node.child_by_field_name("object"))
            .or_else(|| node.child_by_field_name("operand"))
            .or_else(|| node.child_by_field_name("array"))
            .or_else(|| node.named_child(0));
        let index = node
            .child_by_field_name("subscript")
            .or_else(|| node.child_by_field_name("index"))
            .or_else(|| node.named_child(1));
        let (Some(object), Some(index)) = (object, index) else {
            return;
        };
        // An assignment target creates the key; it cannot be missing.
        if self.assigned_to(node) {
            return;
        }
        let object_text = self.text(object);
        let index_text = self.text(index);
        let index_word = index_text.trim();
        if self.cx.language == Language::Rust && self.rust_in_bounds(node, &object_text, index_word)
        {
            return;
        }
        // A Go map read gives a missing key's zero value; only slices,
        // arrays and strings panic. A map is what the file declares one,
        // or what the function reads with `v, ok := m[k]`.
        if self.cx.language == Language::Go && self.go_map(node, &object_text) {
            return;
        }
        // A constant position, or a range of constant bounds (`..4`, `1..3`).
        let literal_index = index_word.parse::<i64>().is_ok() || constant_range(index_word);
        // `struct.unpack(">H", b)[0]`: the tuple holds a value for each
        // field of the format; a short buffer fails in the unpack.
        if self.cx.language == Language::Python
            && index_word == "0"
            && object_text.trim_end().ends_with(')')
            && ["unpack(", "unpack_from("]
                .iter()
                .any(|u| object_text.contains(u))
        {
            return;
        }
        // The first part of a split on a separator always exists, and so
        // does Python's last (`parts[-1]`; JavaScript's `parts[-1]` is
        // no element at all).
        let first_or_last =
            index_word == "0" || index_word == "-1" && self.cx.language == Language::Python;
        if first_or_last && self.split_never_empty(node, &object_text) {
            return;
        }
        let clamped = ["min(", "max(", "clamp(", "%"]
            .iter()
            .any(|w| index_word.contains(w) && !index_word.contains(" + "));
        // An index counted from the length (`xs[len(xs) - 1]`,
        // `a[a.length - 1]`) is in range unless the collection is empty;
        // the length itself (`a[a.length]`) is one past the end.
        let from_length = ["len(", ".length", "Len(", ".len()", ".size()"]
            .iter()
            .any(|w| index_word.contains(w));
        // A constant index is guarded by a check of the collection (`if
        // not buf: return`); a computed one by a check of the index.
        // A Rust index converted where it is used (`names[offset as
        // usize]`) is checked as the value it converts.
        let converted = match index_word.rsplit_once(" as ") {
            Some((value, _)) if self.cx.language == Language::Rust => value.trim(),
            _ => index_word,
        };
        let guard_word = if literal_index {
            object_text.as_str()
        } else {
            converted
        };
        let held = if literal_index {
            // Whether a guard reaches this position: a truthiness or null
            // check (`if parts:`, `parts &&`) says the collection has a
            // first (and a last) element, not a second.
            // A constant range (no position) is checked like a length.
            let position = index_word.parse::<i64>().ok();
            // A view has its owner's length (`it.as_slice()` of `it`).
            let owner = (self.cx.language == Language::Rust)
                .then(|| crate::hazards::rust::viewed(guard_word))
                .flatten();
            // A split's text checked for its separator has two parts.
            let split = split_of(self.cx.language, guard_word)
                .filter(|_| matches!(position, Some(1 | -2)))
                .or_else(|| {
                    matches!(position, Some(1 | -2))
                        .then(|| self.split_assigned_to(node, guard_word))
                        .flatten()
                });
            let reaches = |text: &str| {
                split.as_ref().is_some_and(|(text_split, separator)| {
                    holds_separator(text, text_split, separator)
                }) || std::iter::once(guard_word).chain(owner).any(|word| {
                    crate::hazards::guards::covers_constant_index(
                        self.cx.language,
                        text,
                        word,
                        position,
                    )
                })
            };
            // In the condition of a loop whose body shrinks the collection
            // (`while s[-1] == "\n": s = s[:-1]`), a check before the loop
            // held for its first test only: the condition must check it.
            match self.shrinking_loop_condition(node, guard_word) {
                Some(before) => reaches(&before),
                None => guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &reaches),
            }
        } else {
            guarded_lookup(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                guard_word,
                &object_text,
            ) || self.range_bound_checked(node, guard_word, &object_text)
        };
        // `if i <= len(xs): xs[i]`: the check itself lets the one index
        // through that is out of range.
        let element = !literal_index && !index_word.contains([':', '.']);
        if element
            && !clamped
            && !held
            && guarded_by(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &|text| crate::hazards::guards::fencepost(text, index_word, &object_text),
            )
        {
            self.add_fencepost(node, index_word, &object_text);
            return;
        }
        if clamped || held {
            // A bounds check keeps a Rust range in the string, not off a
            // character's middle.
            self.cut_inside_a_character(node, &object_text, index_word);
            return;
        }
        // `&x[..]` is the whole of `x`: it cannot be out of range.
        if index_word == ".." {
            return;
        }
        let is_string_key = crate::hazards::guards::string_contents(&index_text).is_some();
        if let Some(key) = crate::hazards::guards::string_contents(&index_text)
            && self.cx.language == Language::Python
            && self.returned_without_key(node, &object_text, key)
        {
            return;
        }
        let ranged = index_text.contains(':') && self.cx.language == Language::Python
            || index_text.contains("..");
        if ranged && self.cx.language == Language::Python {
            return; // Python slices never raise.
        }
        // Rust indexes slices by position and maps by reference: `m[&k]`
        // panics on a missing key.
        let rust_map_key = self.cx.language == Language::Rust
            && (index_word.starts_with('&') || self.declared_map(&object_text));
        // A fixed table indexed by a computed value: a position, and the
        // data decides it ([`tables`]).
        let table = !literal_index && !ranged && !is_string_key && self.is_table(&object_text);
        let (class, mut likelihood): (FailureClass, f32) = if table {
            (IndexOutOfRange, TABLE)
        } else if is_string_key || rust_map_key {
            (KeyMissing, 0.09)
        } else if ranged && self.cx.language == Language::Rust {
            (IndexOutOfRange, 0.09)
        } else {
            let looks_like_key = !from_length
                && !index_text
                    .trim()
                    .starts_with(|c: char| c.is_ascii_digit() || c == '-')
                && matches!(
                    self.cx.language,
                    Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx
                )
                && !index_text.contains(['+', '-'])
                && ![
                    "i", "j", "k", "n", "idx", "index", "pos", "offset", "pointer", "ptr",
                ]
                .contains(&index_text.trim());
            if looks_like_key {
                (KeyMissing, 0.06)
            } else {
                (IndexOutOfRange, 0.08)
            }
        };
        if object_text.contains("split(")
            || object_text.contains("Split(")
            || object_text.contains("split_whitespace")
        {
            likelihood += 0.04;
        }
        if self.outside(&object_text) {
            likelihood += 0.02;
        }
        if index_text.trim() == "0" || index_text.trim() == "-1" {
            likelihood += 0.01;
        }
        if from_length && !ranged {
            if index_word.contains(" - ") || index_word.contains('-') {
                // Empty only: guarded like a constant index, by a check of
                // the collection.
                if guarded(
                    self.cx.language,
                    node,
                    self.cx.node,
                    self.cx.rope,
                    &[object_text.as_str()],
                ) {
                    return;
                }
                likelihood = likelihood.min(0.05);
            } else if !index_word.contains(" + ") {
                likelihood += 0.02;
            }
        }
        if self.caught_here(node, class) {
            return;
        }
        // A Go map gives a missing key's zero value, and a nil slice is
        // what `h["Retry-After"][0]` then indexes: the failure is the
        // outer index, which has its own candidate.
        if class == KeyMissing
            && self.cx.language == Language::Go
            && node.parent().is_some_and(|p| {
                self.facts.subscript.contains(&p.kind())
                    && p.child_by_field_name("operand")
                        .is_some_and(|o| o.id() == node.id())
            })
        {
            return;
        }
        self.add(node, class, likelihood, trigger(class));
        self.cut_inside_a_character(node, &object_text, index_word);
    }

    /// A Rust range into a string (`&s[..n]`) whose bounds are not known
    /// to fall on character boundaries: it panics in a multi-byte one.
    fn cut_inside_a_character(&mut self, node: Node, object: &str, range: &str) {
        if range.contains("..")
            && self.cx.language == Language::Rust
            && self.stringy(object)
            && !self.on_boundaries(node, range)
        {
            self.add(node, Encoding, 0.10, trigger(Encoding));
        }
    }

    /// Whether a Rust range's far bound is checked against the length
    /// before the cut: the end, or the start of a range open at the end.
    fn range_bound_checked(&self, node: Node, range: &str, object: &str) -> bool {
        if self.cx.language != Language::Rust {
            return false;
        }
        let Some((start, end)) = range.split_once("..") else {
            return false;
        };
        let inclusive = end.starts_with('=');
        let end = end.trim_start_matches('=').trim();
        let bound = if end.is_empty() { start.trim() } else { end };
        let bound = bound
            .rsplit_once(" as ")
            .map_or(bound, |(value, _)| value.trim());
        if bound.parse::<i64>().is_ok() {
            return false;
        }
        crate::hazards::guards::guarded_range_bound(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            bound,
            object,
            inclusive,
        )
    }

    /// Whether a Rust index cannot leave its object: a literal position
    /// in a constant array of the file, a range whose bounds a search of
    /// the text returned or the length clamps, literal bounds inside an
    /// array the function declares with its size.
    fn rust_in_bounds(&self, node: Node, object: &str, index: &str) -> bool {
        let before = self.before(node);
        (index.parse::<usize>().is_ok() && self.constant_arrays.iter().any(|a| a == object.trim()))
            || (index.contains("..")
                && (crate::hazards::guards::cut_at_found_offsets(before, index)
                    || crate::hazards::rust::range_clamped_to_length(before, object, index)))
            || crate::hazards::rust::inside_fixed_array(before, object, index)
    }

    fn go_map(&self, node: Node, object: &str) -> bool {
        let field = object.rsplit('.').next().unwrap_or(object).trim();
        self.maps.iter().any(|m| m == field)
            || node
                .parent()
                // `v, ok := m[k]`, not `a, b := s[0], s[1]`.
                .filter(|p| p.kind() == "expression_list" && p.named_child_count() == 1)
                .and_then(|p| p.parent())
                .is_some_and(|d| {
                    matches!(d.kind(), "short_var_declaration" | "assignment_statement")
                        && d.child_by_field_name("left")
                            .is_some_and(|l| l.named_child_count() == 2)
                })
    }

    /// Whether the function declares `object` a map (`prices:
    /// &HashMap<…>`, `let mut seen: BTreeMap<…>`, `seen =
    /// HashMap::new()`): indexing it looks a key up.
    fn declared_map(&self, object: &str) -> bool {
        self.declares(
            object.trim().trim_start_matches(['&', '*']),
            &[
                ": &HashMap",
                ": HashMap",
                ": &mut HashMap",
                ": &BTreeMap",
                ": BTreeMap",
                ": &mut BTreeMap",
                " = HashMap::",
                " = BTreeMap::",
            ],
        )
    }

    /// Whether every name in a Rust range's bounds holds a position a
    /// string search returned (`let i = s.find('=')?`, `if let Some(i) =
    /// s.rfind(':')`) or a length: those fall on character boundaries.
    /// Whether the function works in characters before the cut (a
    /// `char_indices` walk, a surrogate check) or found its bounds by a
    /// search: what comes after the cut cannot have chosen them.
    fn on_boundaries(&self, node: Node, range: &str) -> bool {
        let cut = node.start_byte().saturating_sub(self.cx.node.start_byte());
        let before = self.body.get(..cut).unwrap_or(&self.body);
        crate::hazards::guards::cut_at_found_offsets(before, range)
            || (super::boundaries::boundary_aware(before)
                || super::boundaries::boundary_aware(range))
                && !range.contains("..=")
            || constant_cut_after_ascii(before, range)
    }

    pub(super) fn slice(&mut self, node: Node) {
        let text = self.text(node);
        // `x[:]` is the whole of `x`: nothing to be out of range or to cut.
        if ["start", "end", "capacity"]
            .iter()
            .all(|f| node.child_by_field_name(f).is_none())
        {
            return;
        }
        if self.caught_here(node, IndexOutOfRange) {
            return;
        }
        // Like an index: computed bounds are guarded by a check of the
        // bounds (`if begin < end`), constant ones by a check of the
        // operand's length (`if len(buf) < 1 { return }`).
        let bounds: Vec<String> = ["start", "end", "capacity"]
            .iter()
            .filter_map(|f| node.child_by_field_name(f))
            .map(|b| self.text(b).trim().to_owned())
            .filter(|b| b.parse::<i64>().is_err())
            .collect();
        let operand = node
            .child_by_field_name("operand")
            .map(|o| self.text(o))
            .unwrap_or_default();
        let words: Vec<&str> = if bounds.is_empty() {
            vec![operand.trim()]
        } else {
            bounds.iter().map(String::as_str).collect()
        };
        // A bounds check does not keep a byte offset off a character's middle.
        let in_bounds = words
            .iter()
            .any(|w| guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[w]));
        if !in_bounds {
            let mut likelihood = 0.08;
            if self.outside(&text) {
                likelihood += 0.02;
            }
            self.add(node, IndexOutOfRange, likelihood, trigger(IndexOutOfRange));
        }
        if self.stringy(&text) && !self.boundary_aware() {
            self.add(node, Encoding, 0.07, trigger(Encoding));
        }
    }
}

impl Scan<'_, '_, '_> {
    /// The read of `object` at `index` whose own check lets the index
    /// equal the length: a diagnostic that says so.
    pub(super) fn add_fencepost(&mut self, node: Node, index: &str, object: &str) {
        let (index, object) = (index.trim(), object.trim());
        self.add_precise(
            node,
            IndexOutOfRange,
            FENCEPOST,
            (
                "index.fencepost",
                format!(
                    "Index out of range: the check of `{index}` lets it equal the length of `{}`",
                    one_line(object, 40)
                ),
            ),
            &format!("`{index}` equals the length of `{object}`, which its check lets through"),
        );
    }
}

/// Whether a cut at constant bounds (`&rest[1..]`, `&s[..2]`) comes after
/// the text's first characters were tested as ASCII (`starts_with('$')`,
/// `is_digit(10)`, `strip_prefix("_$")`): they are one byte each, so the
/// cut falls between characters.
fn constant_cut_after_ascii(before: &str, range: &str) -> bool {
    constant_range(range)
        && [
            "starts_with(",
            "is_digit(",
            "is_ascii",
            "strip_prefix(",
            "== b'",
        ]
        .iter()
        .any(|w| before.contains(w))
}

/// Whether `range` is a range of constant bounds (`..4`, `1..3`, `2..=5`).
fn constant_range(range: &str) -> bool {
    range.contains("..")
        && range
            .split("..")
            .map(|b| b.trim_start_matches('=').trim())
            .all(|b| b.is_empty() || b.parse::<i64>().is_ok())
}

impl Scan<'_, '_, '_> {
    /// When `node` is in the condition of a `while` loop whose body makes
    /// `collection` shorter (`s = s[:-1]`, `stack.pop()`, `s = s.slice(0,
    /// -1)`), the condition's text before `node`: the only check that holds
    /// on every test of it.
    fn shrinking_loop_condition(&self, node: Node, collection: &str) -> Option<String> {
        let collection = collection.trim();
        if collection.is_empty() {
            return None;
        }
        let looped = crate::hazards::guards::ancestors(node, self.cx.node)
            .into_iter()
            .find(|a| matches!(a.kind(), "while_statement" | "while_expression"))?;
        let condition = looped.child_by_field_name("condition")?;
        // `node` must sit in the condition, not the body.
        let inside =
            condition.start_byte() <= node.start_byte() && node.end_byte() <= condition.end_byte();
        if !inside {
            return None;
        }
        let body = self.text(looped.child_by_field_name("body")?);
        let shrinks = [
            format!("{collection} = {collection}["),
            format!("{collection} = {collection}.slice("),
            format!("{collection} = {collection}.substring("),
            format!("{collection} = &{collection}["),
            format!("{collection}.pop("),
            format!("{collection}.shift("),
            format!("{collection}.splice("),
            format!("{collection}.truncate("),
            format!("del {collection}["),
        ]
        .iter()
        .any(|shrink| body.contains(shrink.as_str()));
        if !shrinks {
            return None;
        }
        let start = condition.start_byte();
        let text = self.text(condition);
        Some(
            text.get(..node.start_byte().saturating_sub(start))
                .unwrap_or_default()
                .to_owned(),
        )
    }
}

/// `(text, separator)` of a split on a given separator: Python's
/// `s.split(",")` and `s.rsplit("=", 1)` (not `re.split`, whose
/// arguments are the other way round), JavaScript's
/// `s.split(",")`, Go's `strings.Split(s, ",")` and `SplitN`, Rust's
/// `s.split(',')` collected. Not a split on white space (`s.split()`,
/// `strings.Fields`, `split_whitespace`), which gives no part at all for
/// blank text, nor Java's `split`, which drops trailing empty parts
/// (`",".split(",")` has none).
fn split_of(language: Language, expression: &str) -> Option<(String, String)> {
    let expression = expression.trim();
    let expression = expression
        .strip_suffix(".collect::<Vec<_>>()")
        .or_else(|| expression.strip_suffix(".collect::<Vec<&str>>()"))
        .or_else(|| expression.strip_suffix(".collect()"))
        .unwrap_or(expression);
    let inner = expression.strip_suffix(')')?;
    match language {
        Language::Go => {
            let rest = inner
                .strip_prefix("strings.Split(")
                .or_else(|| inner.strip_prefix("strings.SplitN("))
                .or_else(|| inner.strip_prefix("bytes.Split("))?;
            let mut args = rest.splitn(3, ',').map(str::trim);
            let (text, separator) = (args.next()?, args.next()?);
            (!separator.is_empty() && separator != "\"\"" && args.next().is_none_or(|n| n != "0"))
                .then(|| (text.to_owned(), separator.to_owned()))
        }
        Language::Python
        | Language::JavaScript
        | Language::TypeScript
        | Language::Tsx
        | Language::Rust => {
            let (text, args) = [".split(", ".rsplit("]
                .iter()
                .find_map(|m| inner.rsplit_once(m))?;
            let separator = args.split(',').next()?.trim();
            let empty = separator.is_empty()
                || matches!(separator, "\"\"" | "''" | "None")
                || separator.starts_with(['/', '|']);
            (!empty && !text.is_empty() && text.trim() != "re")
                .then(|| (text.trim().to_owned(), separator.to_owned()))
        }
        _ => None,
    }
}

/// Whether a condition's `text` says `subject` holds `separator`: `sep in
/// s`, `s.includes(sep)`, `s.indexOf(sep) !== -1`, `strings.Contains(s,
/// sep)`, `s.contains(sep)`.
fn holds_separator(text: &str, subject: &str, separator: &str) -> bool {
    let forms = [
        format!("{separator} in {subject}"),
        format!("{subject}.includes({separator})"),
        format!("{subject}.contains({separator})"),
        format!("strings.Contains({subject}, {separator})"),
    ];
    forms.iter().any(|f| text.contains(f.as_str()))
        || text.contains(&format!("{subject}.indexOf({separator})"))
            && !text.contains(&format!("{subject}.indexOf({separator}) === -1"))
}

impl Scan<'_, '_, '_> {
    /// Whether `object` (indexed at its first or last position) is a split
    /// on a separator ([`split_of`]), written there or assigned to the name
    /// last before `node`: it has at least one part.
    fn split_never_empty(&self, node: Node, object: &str) -> bool {
        split_of(self.cx.language, object).is_some()
            || self.split_assigned_to(node, object).is_some()
    }

    /// The split ([`split_of`]) last assigned to the local `name` before
    /// `node`.
    fn split_assigned_to(&self, node: Node, name: &str) -> Option<(String, String)> {
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let right = absent::last_assigned(self.before(node), name)?;
        split_of(self.cx.language, right)
    }
}
