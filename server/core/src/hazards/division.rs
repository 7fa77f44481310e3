//! Division by zero in every language: one table of what each runtime does
//! when an integer divisor is 0 (its error, its message, how a finding
//! reads) and how likely each kind of divisor is to be 0, and one place
//! that turns a divisor a language's check could not prove nonzero into a
//! finding. What stays in each language is what only it can tell: whether
//! the divisor is an integer, a constant, guarded, or a length, and which
//! parameter value makes it 0.

use super::{Finding, FnCx};
use crate::language::Language;
use crate::scenario::FailureClass;
use crate::text::one_line;

/// What one language's runtime does on an integer division by zero, and
/// how its findings read. The differences between languages (likelihoods,
/// how much of the divisor a trigger quotes) are kept as each language's
/// fixtures were written against them.
struct Facts {
    error_type: &'static str,
    /// The message for an operator as written (`/`, `%`, `//=`).
    error: fn(&str) -> &'static str,
    /// What the summary predicts: `Predicted {headline} when …`.
    headline: &'static str,
    /// The likelihood that a divisor which is a plain value is 0.
    zero: f32,
    /// The likelihood that a divisor which is a length is 0 (empty input).
    empty: f32,
    /// How many characters of the divisor a trigger quotes.
    quote: usize,
    /// The trigger when the divisor is the length of `collection`.
    empty_trigger: fn(collection: &str, divisor: &str) -> String,
    /// Whether the summary then says the collection is empty, rather than
    /// that the divisor is 0.
    empty_summary: bool,
}

fn facts(language: Language) -> Option<Facts> {
    Some(match language {
        Language::Go => Facts {
            error_type: "runtime.Error",
            error: |_| "panic: runtime error: integer divide by zero",
            headline: "panic: integer divide by zero",
            zero: 0.3,
            empty: 0.35,
            quote: 40,
            empty_trigger: |c, _| format!("`{c}` is empty, so len({c}) is 0"),
            empty_summary: false,
        },
        Language::Java => Facts {
            error_type: "java.lang.ArithmeticException",
            error: |_| "java.lang.ArithmeticException: / by zero",
            headline: "ArithmeticException: / by zero",
            zero: 0.3,
            empty: 0.35,
            quote: 40,
            empty_trigger: |c, d| format!("`{c}` is empty, so `{d}` is 0"),
            empty_summary: false,
        },
        Language::Python => Facts {
            error_type: "ZeroDivisionError",
            error: |op| {
                if op.contains('%') {
                    "ZeroDivisionError: integer modulo by zero"
                } else if op.contains("//") {
                    "ZeroDivisionError: integer division or modulo by zero"
                } else {
                    "ZeroDivisionError: division by zero"
                }
            },
            headline: "ZeroDivisionError",
            zero: 0.3,
            empty: 0.3,
            quote: 40,
            empty_trigger: |c, _| format!("`{c}` is empty"),
            empty_summary: false,
        },
        Language::Rust => Facts {
            error_type: "panic",
            error: |op| {
                if op == "%" {
                    "attempt to calculate the remainder with a divisor of zero"
                } else {
                    "attempt to divide by zero"
                }
            },
            headline: "panic: division by zero",
            zero: 0.3,
            empty: 0.3,
            quote: 30,
            empty_trigger: |c, _| format!("`{}` is empty", one_line(c, 30)),
            empty_summary: true,
        },
        // `x / 0` is Infinity in ECMAScript, not an error.
        Language::TypeScript | Language::Tsx | Language::JavaScript => return None,
    })
}

/// A divisor a language's check could not prove nonzero.
pub(super) struct Divisor {
    /// The operator as written, for runtimes whose message depends on it.
    pub op: String,
    /// The divisor as findings name it.
    pub text: String,
    /// The collection, when the divisor is its length (0 for empty input).
    pub collection: Option<String>,
    /// The parameter and the value of it that makes the divisor 0.
    pub input: Option<(String, String)>,
}

/// The finding for a division by `divisor`; none in a language whose
/// division by zero does not fail.
pub(super) fn finding(cx: &FnCx, divisor: Divisor) -> Option<Finding> {
    let facts = facts(cx.language)?;
    let (likelihood, trigger, summary) = match &divisor.collection {
        Some(collection) => (
            facts.empty,
            (facts.empty_trigger)(collection, &divisor.text),
            if facts.empty_summary {
                format!("{} is empty", one_line(collection, 30))
            } else {
                format!("{} is 0", one_line(&divisor.text, 30))
            },
        ),
        None => (
            facts.zero,
            format!("`{}` is 0", one_line(&divisor.text, facts.quote)),
            format!("{} is 0", one_line(&divisor.text, 30)),
        ),
    };
    let finding = Finding::new(
        FailureClass::DivisionByZero,
        likelihood,
        facts.error_type,
        (facts.error)(&divisor.op),
        trigger,
        format!("Predicted {} when {summary}", facts.headline),
    );
    Some(match divisor.input {
        Some((parameter, value)) => finding.input(parameter, value),
        None => finding,
    })
}
