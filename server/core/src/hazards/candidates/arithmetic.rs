//! Operators: division by a value that may be zero, narrowing conversions
//! and overflow.

use super::*;

/// The collection a call's arguments walk: `rules` in `(len(r) for r in
/// rules)`, `values` in `(values)` or `(iter(values), None)`.
pub(super) fn iterated(args: &str) -> Option<&str> {
    let inner = args.trim().strip_prefix('(')?.strip_suffix(')')?;
    let word = match inner.rsplit_once(" in ") {
        Some((_, rest)) => rest.split([' ', ')', ',']).next()?,
        None => counted_operand(inner.split(',').next()?),
    };
    let word = word.trim();
    (!word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.')))
    .then_some(word)
}

/// What a divisor counts or converts: `sg.Samples` for
/// `uint64(len(sg.Samples))`, `items` for `items.len()` or `items.length`.
pub(super) fn counted_operand(divisor: &str) -> &str {
    let mut text = divisor.trim();
    loop {
        let unwrapped = text
            .strip_suffix(')')
            .and_then(|t| t.split_once('('))
            .filter(|(callee, _)| {
                !callee.is_empty() && callee.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
            .map(|(_, inner)| inner.trim());
        let stripped = unwrapped
            .or_else(|| text.strip_suffix(".len()"))
            .or_else(|| text.strip_suffix(".length"))
            .or_else(|| text.strip_suffix(".size()"))
            .or_else(|| text.strip_prefix('(').and_then(|t| t.strip_suffix(')')));
        match stripped {
            Some(inner) if !inner.is_empty() => text = inner.trim(),
            _ => return text,
        }
    }
}

/// Whether an operand gives `name` a value of its own when it is None or
/// empty (`(event or '')`, `name or "anonymous"`) or makes text of it
/// (`str(count)`): the fixes for `'on_' + event` and `"n=" + n`.
fn defaulted(operand: &str, name: &str) -> bool {
    let operand = operand.trim();
    let inner = operand
        .strip_prefix('(')
        .and_then(|o| o.strip_suffix(')'))
        .unwrap_or(operand)
        .trim();
    inner
        .strip_prefix(name)
        .is_some_and(|rest| rest.trim_start().starts_with("or "))
        || ["str(", "repr("]
            .iter()
            .any(|c| operand.starts_with(c) && operand.ends_with(')'))
}

/// A Java cast's target type: `int` of `(int) x`.
fn java_cast_target(text: &str) -> &str {
    text.trim_start_matches('(')
        .split(')')
        .next()
        .unwrap_or_default()
        .trim()
}

/// Whether a Java cast's target is a numeric type that can truncate or
/// wrap (`(int) x`).
/// Whether a divisor is a constant: a number (`1_000_000_000`, `8u64`,
/// `2.0`) or a name written as constants are (`NANOS_PER_SEC`,
/// `time::NANOS_PER_SEC`, `Self::BLOCK`), which no input sets to zero.
pub(super) fn constant_divisor(text: &str) -> bool {
    let text = text
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let name = text.rsplit([':', '.']).next().unwrap_or(text);
    literal_with_suffix(&text.replace('_', ""))
        || name.len() > 1
            && name.chars().any(|c| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// `8u64`, `1000i32`, `2.5f32`, `10L`: a number with its type's suffix.
fn literal_with_suffix(text: &str) -> bool {
    let at = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(at);
    !number.is_empty()
        && number.parse::<f64>().is_ok()
        && matches!(
            suffix,
            "" | "u8"
                | "u16"
                | "u32"
                | "u64"
                | "u128"
                | "usize"
                | "i8"
                | "i16"
                | "i32"
                | "i64"
                | "i128"
                | "isize"
                | "f32"
                | "f64"
                | "L"
                | "l"
                | "f"
                | "d"
                | "F"
                | "D"
        )
}

/// The name the local `name` was last made from by a cast alone (`len`
/// of `let mut left = len as usize;`, of `u64::from(len)`, of
/// `len.into()`): the same value, which a check of `len` bounds too.
pub(super) fn cast_of<'b>(before: &'b str, name: &str) -> Option<&'b str> {
    let ident = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !ident(name) {
        return None;
    }
    let right = before.lines().rev().find_map(|line| {
        let (left, right) = absent::assignment(line.trim())?;
        let bound = left
            .trim()
            .trim_start_matches("let ")
            .trim_start_matches("mut ")
            .split(':')
            .next()?
            .trim();
        (bound == name).then_some(right)
    })?;
    let right = right.trim().trim_end_matches(';').trim();
    let origin = right
        .split_once(" as ")
        .map(|(value, _)| value.trim())
        .or_else(|| right.strip_suffix(".into()"))
        .or_else(|| {
            right
                .split_once("::from(")
                .and_then(|(_, value)| value.strip_suffix(')'))
        })?;
    ident(origin).then_some(origin)
}

pub(super) fn numeric_cast(text: &str) -> bool {
    matches!(java_cast_target(text), "int" | "short" | "byte" | "char")
}

/// Whether a Java cast cannot lose a value's magnitude: to `long`, which
/// holds every narrower integer and every double a program counts with (a
/// double past 9.2e18 saturates, it does not throw), or to a floating type
/// (precision may go, the magnitude stays, as with Rust's `as f64`). It
/// is what the fixes write: `(int) offset` becomes `(long) offset`.
pub(super) fn widening_java_cast(text: &str) -> bool {
    matches!(java_cast_target(text), "long" | "double" | "float")
}

/// Whether a Rust cast (`expr as T`) cannot truncate or wrap: to a float
/// (precision may go, the magnitude stays), or from an expression whose
/// integer type the code spells out (`u32::from_be_bytes(b)`, `(x as u16)`,
/// `7u8`) into one that holds all its values. `usize` counts as 32 bits,
/// the least it has on the targets Rust supports in practice.
pub(super) fn lossless_rust_cast(text: &str) -> bool {
    fn width(ty: &str) -> Option<(bool, u32)> {
        let (signed, bits) = match ty.as_bytes().first()? {
            b'u' => (false, &ty[1..]),
            b'i' => (true, &ty[1..]),
            _ => return None,
        };
        let bits = if bits == "size" {
            32
        } else {
            bits.parse().ok()?
        };
        Some((signed, bits))
    }
    let Some((source, target)) = text.rsplit_once(" as ") else {
        return false;
    };
    let target = target.trim().trim_end_matches(')').trim();
    // A float keeps the magnitude; `char` is cast to from `u8` alone; the
    // 128-bit integers hold every narrower integer (`u128` every unsigned
    // one: a signed source may be negative).
    if matches!(target, "f32" | "f64" | "char" | "i128") {
        return true;
    }
    // A pointer cast (`p.as_ptr() as *const i8`, FFI's bread and butter)
    // changes no number.
    if target.starts_with(['*', '&']) {
        return true;
    }
    let source = source.trim().trim_start_matches('(').trim();
    let source_type = if let Some((_, inner)) = source.rsplit_once(" as ") {
        inner.trim().trim_end_matches(')').trim().to_owned()
    } else if let Some((prefix, _)) = source.split_once("::") {
        prefix.to_owned()
    } else {
        // A suffixed literal: `7u8`, `1_000u32`.
        let digits = source.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
        if digits.len() < source.len() {
            digits.to_owned()
        } else {
            // Of a type the code does not spell: most often a length,
            // an index or a digit, all unsigned.
            return target == "u128";
        }
    };
    let (Some((from_signed, from)), Some((to_signed, to))) = (width(&source_type), width(target))
    else {
        return target == "u128" && !source_type.starts_with('i');
    };
    match (from_signed, to_signed) {
        (false, false) | (true, true) => to >= from,
        (false, true) => to > from,
        (true, false) => false,
    }
}

impl Scan<'_, '_, '_> {
    /// JavaScript divides by zero without an error: the quotient is
    /// Infinity or NaN, and where the code checks what it stored
    /// (`isFinite(eta)`, `Number.isFinite(rate)`) before using it, that
    /// check is the guard.
    fn quotient_checked(&self, node: Node) -> bool {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return false;
        }
        let mut ancestor = node.parent();
        while let Some(parent) = ancestor {
            if parent.id() == self.cx.node.id() {
                return false;
            }
            if parent.kind() == "variable_declarator" || parent.kind() == "assignment_expression" {
                let Some(target) = parent
                    .child_by_field_name("name")
                    .or_else(|| parent.child_by_field_name("left"))
                else {
                    return false;
                };
                let target = self.text(target);
                // `isNaN` does not do: a non-zero number over zero is
                // Infinity, which is a number.
                return self.body.contains(&format!("isFinite({target})"));
            }
            ancestor = parent.parent();
        }
        false
    }

    /// Rust divides floats by zero without a panic (the quotient is
    /// infinite or NaN): `l / r as f64`, `x as f32 / n`, `total / 2.0`.
    fn float_division(&self, node: Node, right: &str) -> bool {
        if self.cx.language != Language::Rust {
            return false;
        }
        let left = node
            .child_by_field_name("left")
            .map(|l| self.text(l))
            .unwrap_or_default();
        let float = |side: &str| {
            let side = side.trim();
            side.ends_with("as f64")
                || side.ends_with("as f32")
                || (side.contains('.') && side.replace('_', "").parse::<f64>().is_ok())
        };
        float(&left) || float(right)
    }

    pub(super) fn binary(&mut self, node: Node) {
        let Some(operator) = node.child_by_field_name("operator") else {
            return;
        };
        let op = self.text(operator);
        if matches!(op.trim(), "+" | "-" | "+=" | "-=") {
            self.day_as_hours(node);
            self.wall_clock_arithmetic(node);
        }
        let right = node.child_by_field_name("right");
        let right_text = right.map(|r| self.text(r)).unwrap_or_default();
        let right_literal = right_text.trim().parse::<f64>().is_ok();
        match op.trim() {
            "%" | "%=" if self.formats(node) => {}
            "/" | "//" | "%" | "/=" | "//=" | "%=" if !constant_divisor(&right_text) => {
                if self.float_division(node, &right_text)
                    || self.divisor_checked(node, &right_text)
                    || self.caught_here(node, DivisionByZero)
                    || self.quotient_checked(node)
                {
                    return;
                }
                self.add(node, DivisionByZero, 0.10, trigger(DivisionByZero));
            }
            "*" | "+" | "<<" | "*=" | "+=" | "<<=" | "-" | "-=" => {
                // A literal is no bound on a decoded value: `n * 4` of a
                // `u8` read from the header overflows as surely.
                if matches!(
                    self.cx.language,
                    Language::Rust | Language::Go | Language::Java
                ) {
                    let left_text = node
                        .child_by_field_name("left")
                        .map(|l| self.text(l))
                        .unwrap_or_default();
                    self.decoded_arithmetic(node, op.trim(), &left_text, &right_text);
                }
                if matches!(
                    self.cx.language,
                    Language::Rust | Language::Go | Language::Java
                ) && !right_literal
                {
                    let text = self.text(node);
                    let sizey = [
                        "len", "size", "count", "length", "offset", "cap", "total", "num", "width",
                        "height", "secs", "millis", "duration",
                    ]
                    .iter()
                    .any(|w| text.to_lowercase().contains(w));
                    let left_operand = node
                        .child_by_field_name("left")
                        .map(|l| self.text(l))
                        .unwrap_or_default();
                    // `if a >= b { a - b }`: a check of both operands.
                    let checked = guarded(
                        self.cx.language,
                        node,
                        self.cx.node,
                        self.cx.rope,
                        &[left_operand.trim(), right_text.trim()],
                    ) || self.fixed_length(node, &right_text)
                        && self.checked_or_cast_from_checked(node, left_operand.trim());
                    if sizey && !checked {
                        // `n - s.len()` on usize: below zero when `s` is the longer.
                        let base = if op.trim().starts_with('-') {
                            if self.cx.language == Language::Rust
                                && (right_text.contains(".len()") || right_text.contains("size"))
                            {
                                0.11
                            } else {
                                0.05
                            }
                        } else {
                            0.07
                        };
                        self.add(node, Overflow, base, trigger(Overflow));
                    }
                }
                let left_text = node
                    .child_by_field_name("left")
                    .map(|l| self.text(l))
                    .unwrap_or_default();
                let absent = self
                    .optional
                    .iter()
                    .find(|o| **o == left_text.trim() || **o == right_text.trim())
                    .cloned()
                    .or_else(|| {
                        [left_text.trim(), right_text.trim()]
                            .into_iter()
                            .find(|n| {
                                self.absent_before(n, node)
                                    || self.cx.language == Language::Python
                                        && self.nullable.iter().any(|x| x == n)
                            })
                            .map(str::to_owned)
                    });
                if let Some(name) = absent {
                    let words = [name.as_str()];
                    if !guarded(self.cx.language, node, self.cx.node, self.cx.rope, &words) {
                        self.add(node, NullOrNone, 0.12, trigger(NullOrNone));
                    }
                    return;
                }
                if self.cx.language == Language::Python && op.trim().starts_with(['*', '+']) {
                    // `None * 2`, `"a" + 1`: a value of an unexpected type.
                    let operands = self.text(node);
                    let sides = [left_text.as_str(), right_text.as_str()];
                    let unchecked = self.parameters.iter().any(|p| {
                        mentions(&operands, p)
                            && !sides
                                .iter()
                                .filter(|side| mentions(side, p))
                                .all(|side| defaulted(side, p))
                            && !guarded(
                                self.cx.language,
                                node,
                                self.cx.node,
                                self.cx.rope,
                                &[p.as_str()],
                            )
                    });
                    if unchecked {
                        self.add(node, NullOrNone, 0.05, trigger(NullOrNone));
                        self.add(node, TypeError, 0.04, trigger(TypeError));
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether `operand` is a length fixed where it is written, as good
    /// as a literal: `flags.len()` of `let mut flags = [0u8];`,
    /// `size_of::<u32>()`.
    pub(super) fn fixed_length(&self, node: Node, operand: &str) -> bool {
        let operand = operand.trim();
        self.cx.language == Language::Rust
            && (operand.starts_with("size_of::<") && operand.ends_with(">()")
                || operand.strip_suffix(".len()").is_some_and(|array| {
                    crate::hazards::rust::fixed_array_length(self.before(node), array).is_some()
                }))
    }

    /// Whether a check bounds `name` before `node`, or bounds the value
    /// `name` was cast from (`if len == 0 { return … }`, then `let mut
    /// left = len as usize; left -= flags.len()`).
    pub(super) fn checked_or_cast_from_checked(&self, node: Node, name: &str) -> bool {
        let origin = cast_of(self.before(node), name);
        std::iter::once(name)
            .chain(origin)
            .any(|name| guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[name]))
    }

    /// Whether `left % right` formats a string (Python's `"%s" % x`)
    /// rather than taking a remainder.
    pub(super) fn formats(&self, node: Node) -> bool {
        self.cx.language == Language::Python
            && (node.child_by_field_name("left").is_some_and(|l| {
                matches!(l.kind(), "string" | "concatenated_string")
                    || (l.kind() == "identifier" && {
                        let name = self.text(l);
                        ["\"", "'"]
                            .iter()
                            .any(|q| self.body.contains(&format!("{name} = {q}")))
                    })
            })
                // No number is divided by a tuple: `MESSAGE % (2, n)` is a
                // format, whatever the constant's name.
                || node
                    .child_by_field_name("right")
                    .is_some_and(|r| r.kind() == "tuple"))
    }

    /// Whether a check before a division keeps its divisor off zero: one
    /// that names the divisor (`if n:`), what it counts (`if not
    /// sg.Samples`, for `uint64(len(sg.Samples))`), or a predicate named
    /// for it (`if !sg.HasSamples() { return }`).
    pub(super) fn divisor_checked(&self, node: Node, divisor: &str) -> bool {
        let (language, boundary, rope) = (self.cx.language, self.cx.node, self.cx.rope);
        // A product is zero only where a factor is: `x * 4`, `self *
        // C256` are checked when every factor that is no constant is.
        let inner = divisor.trim();
        let inner = inner
            .strip_prefix('(')
            .and_then(|i| i.strip_suffix(')'))
            .unwrap_or(inner);
        let factors: Vec<&str> = inner.split(" * ").map(str::trim).collect();
        if factors.len() > 1 && !inner.contains(['(', '+', '-', '/']) {
            let constant = |f: &str| {
                f.parse::<f64>().is_ok()
                    || (f.chars().any(|c| c.is_ascii_uppercase())
                        && f.chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            };
            // Every condition of a method mentions its own object; only
            // one that speaks of zero checks it (`!self.is_zero()`).
            let own_checked = |f: &str| {
                guarded_by(language, node, boundary, rope, &|text| {
                    mentions(text, f) && (text.contains("zero") || text.contains('0'))
                })
            };
            return factors.iter().filter(|f| !constant(f)).all(|f| {
                if self.is_own(f.trim_start_matches('*')) {
                    own_checked(f.trim_start_matches('*'))
                } else {
                    self.divisor_checked(node, f)
                }
            });
        }
        let counted = counted_operand(divisor);
        if [divisor.trim(), counted].iter().any(|w| {
            guarded_by(language, node, boundary, rope, &|text| {
                mentions(text, w)
                    && !admits_zero(text, w)
                    && !(language == Language::Rust && only_binds(text, w))
            })
        }) {
            return true;
        }
        // The counted field's name inside a longer identifier: `HasSamples`,
        // `samples_count`, `isEmptySamples`.
        let field = counted
            .rsplit(['.', ':'])
            .next()
            .unwrap_or_default()
            .trim_start_matches(['*', '&'])
            .to_lowercase();
        if field.len() < 4 || !field.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        guarded_by(language, node, boundary, rope, &|text| {
            text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word.len() > field.len() && word.to_lowercase().contains(&field))
        })
    }
}

/// Whether a Rust pattern only binds `name` (`(Value::Int(l), Value::Int(r))`,
/// `Some(r)`): the arm matches whatever the value is, zero too.
fn only_binds(text: &str, name: &str) -> bool {
    let mut bound = false;
    for at in crate::hazards::guards::mentioned_at(text, name) {
        let before = text[..at].trim_end();
        let after = text[at + name.len()..].trim_start();
        let in_constructor = (before.ends_with('(') || before.ends_with(','))
            && (after.starts_with(')') || after.starts_with(','));
        if !in_constructor || text.contains(" if ") {
            return false;
        }
        bound = true;
    }
    bound
}

/// Whether every test of `name` in a condition lets zero through: a check
/// for a sentinel or for absence (`total != -1`, `n >= 0`, `count is not
/// None`, `size != null`), which the real fixes of division by zero turn
/// into a check for zero.
pub(super) fn admits_zero(condition: &str, name: &str) -> bool {
    const LETS_ZERO_THROUGH: &[&str] = &[
        "!= -1",
        "!== -1",
        "> -1",
        ">= 0",
        "is not None",
        "!= None",
        "!= null",
        "!== null",
        "!== undefined",
        "!= undefined",
        "!= nil",
    ];
    let mut tested = false;
    let mut from = 0;
    while let Some(at) = condition[from..].find(name) {
        let end = from + at + name.len();
        let rest = condition[end..].trim_start();
        if !LETS_ZERO_THROUGH.iter().any(|test| {
            rest.strip_prefix(test)
                .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
        }) {
            return false;
        }
        tested = true;
        from = end;
    }
    tested
}

impl Scan<'_, '_, '_> {
    /// A day added as a fixed 24 hours (`t + 86400`, `now + 24*60*60*1000`,
    /// `24 * time.Hour`): across a daylight-saving change a local day is 23
    /// or 25 hours long, so "tomorrow at the same time" lands an hour off,
    /// and "the end of the day" in the next day or the same one.
    fn day_as_hours(&mut self, node: Node) {
        const DAY: &[&str] = &[
            "86400",
            "86_400",
            "864e5",
            "24 * 60 * 60",
            "24*60*60",
            "60 * 60 * 24",
            "60*60*24",
            "24 * 3600",
            "24*3600",
            "3600 * 24",
            "hours=24",
            "24 * time.Hour",
            "time.Hour * 24",
            "ofHours(24)",
            "hours(24)",
            "ONE_DAY",
            "MS_PER_DAY",
            "DAY_MS",
            "MILLIS_PER_DAY",
            "SECONDS_PER_DAY",
            "SECS_PER_DAY",
        ];
        // The outermost sum only: `a + b + 86400` is one addition.
        if node
            .parent()
            .is_some_and(|p| self.facts.binary.contains(&p.kind()))
        {
            return;
        }
        let text = self.text(node);
        if DAY.iter().any(|d| text.contains(d)) {
            self.add(
                node,
                TimezoneDst,
                0.09,
                "the day crosses a daylight-saving change, so it is 23 or 25 hours long and a fixed 24 hours lands an hour off",
            );
        }
    }

    /// Whether the zone corrects the time `node` computes, the fix for
    /// wall-clock arithmetic: pytz's `tz.normalize(dt + delta)` moves it to
    /// the offset in force then, and `(dt + delta).astimezone(tz)`
    /// converts it through UTC.
    pub(super) fn corrected_for_dst(&self, node: Node) -> bool {
        self.inside_call_to(node, "normalize") || self.inside_call_to(node, "astimezone")
    }

    /// Python arithmetic on aware datetimes that share a `tzinfo` is done
    /// on the wall clock: `end - now` across a daylight-saving change is an
    /// hour off, and `start + timedelta(days=1)` keeps the old offset.
    fn wall_clock_arithmetic(&mut self, node: Node) {
        if self.cx.language != Language::Python {
            return;
        }
        let dated = *self.dated.get_or_init(|| {
            self.domain.factor(TimezoneDst) > 1.0
                || ["datetime", "timedelta", "tzinfo", "now()"]
                    .iter()
                    .any(|w| self.body.contains(w))
        });
        if !dated {
            return;
        }
        const MOMENTS: &[&str] = &[
            "now", "date", "time", "dt", "deadline", "expires", "until", "since", "due", "eta",
            "run", "start", "end", "when", "moment",
        ];
        // Positions and text are no times: a regex match's `m.start()`,
        // a slice, a length, a string literal.
        let positional = |text: &str| {
            [
                ".start()", ".end()", ".span()", "[:", ":]", "len(", "\"", "'", ".find(", ".index(",
            ]
            .iter()
            .any(|w| text.contains(w))
        };
        let momentary = |n: Option<Node>| {
            n.is_some_and(|n| {
                let text = self.text(n).to_lowercase();
                text.contains("timedelta(")
                    || !positional(&text) && MOMENTS.iter().any(|m| text.contains(m))
            })
        };
        let (left, right) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        );
        // Times in UTC have no daylight saving to cross.
        let utc = |n: Option<Node>| n.is_some_and(|n| self.text(n).to_lowercase().contains("utc"));
        if momentary(left)
            && momentary(right)
            && !(utc(left) && utc(right))
            && !self.corrected_for_dst(node)
        {
            self.add(
                node,
                TimezoneDst,
                0.07,
                "the two times lie on either side of a daylight-saving change, and Python subtracts aware datetimes that share a tzinfo on the wall clock, an hour off",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{cast_of, constant_divisor, lossless_rust_cast};

    #[test]
    fn constant_divisors() {
        for constant in [
            "1_000_000_000",
            "8u64",
            "2.0",
            "10L",
            "NANOS_PER_SEC",
            "time::NANOS_PER_SEC",
            "Self::BLOCK",
            "(4)",
        ] {
            assert!(constant_divisor(constant), "{constant}");
        }
        for variable in [
            "n",
            "self.count",
            "len(xs)",
            "N_items",
            "x - 1",
            "A",
            "0x10",
        ] {
            assert!(!constant_divisor(variable), "{variable}");
        }
    }

    #[test]
    fn a_local_made_by_a_cast_is_the_value_it_was_cast_from() {
        let body = "let mut left = len as usize;\nlet wide = u64::from(n);\nlet x = y.into();\nlet z = f(len) as usize;\n";
        assert_eq!(cast_of(body, "left"), Some("len"));
        assert_eq!(cast_of(body, "wide"), Some("n"));
        assert_eq!(cast_of(body, "x"), Some("y"));
        assert_eq!(cast_of(body, "z"), None);
        assert_eq!(cast_of(body, "other"), None);
    }

    #[test]
    fn widening_rust_casts_are_lossless_and_the_rest_are_not() {
        for lossless in [
            "u32::from_be_bytes(len) as usize",
            "u16::from_le_bytes(b) as u32",
            "(x as u16) as usize",
            "7u8 as i16",
            "u8::MAX as u64",
            "n as f64",
            "i32::from_be_bytes(b) as i64",
            "mount_point.as_ptr() as *const i8",
            "addr as *mut u8",
        ] {
            assert!(lossless_rust_cast(lossless), "{lossless}");
        }
        for lossy in [
            "len as u32",
            "u64::from_be_bytes(b) as usize",
            "i32::from_be_bytes(b) as u32",
            "u32::MAX as i32",
            "(x as u64) as u32",
            "offset as usize",
        ] {
            assert!(!lossless_rust_cast(lossy), "{lossy}");
        }
    }
}
