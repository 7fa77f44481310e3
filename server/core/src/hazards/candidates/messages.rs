//! What a candidate says: the trigger behind each class and the runtime's
//! own error type and message in each language.

use super::*;

/// The input or environment condition behind each class, one sentence.
pub(super) fn trigger(class: FailureClass) -> &'static str {
    match class {
        IndexOutOfRange => {
            "the collection is shorter than the code assumes (an empty list, a line with fewer fields)"
        }
        NullOrNone => "the value is absent (a lookup found nothing, an optional field was omitted)",
        KeyMissing => {
            "the data has no such key (another server's or an older client's payload omits it)"
        }
        DivisionByZero => "the divisor is zero (an empty collection, a zero count or duration)",
        ParseError => {
            "the text is not in the expected format (empty, localised, or garbage from another system)"
        }
        TypeError => "the value has another type at run time than the code assumes",
        Timeout => {
            "the peer or the input never lets the call finish (a stalled server, a pathological input)"
        }
        NetworkError => {
            "the network call fails (DNS failure, connection refused or reset) and the error is not handled"
        }
        RaceCondition => "two threads or tasks reach this shared state at once",
        Overflow => "the value is larger than the type or the API allows",
        Encoding => {
            "the bytes are not valid in the assumed encoding, or a multi-byte character is cut"
        }
        TimezoneDst => "the clock crosses a daylight-saving change or runs in another time zone",
        ResourceExhaustion => "the input is huge, or nests or repeats without bound",
        Assertion => "the invariant the code asserts does not hold for this input",
        Other => "an unexpected input",
    }
}

/// The runtime's error type and message for a class, as each language
/// prints it.
pub(super) fn runtime_error(
    language: Language,
    class: FailureClass,
    subject: &str,
) -> (String, String) {
    let pick = |python: &str, ecma: &str, go: &str, java: &str, rust: &str| -> String {
        match language {
            Language::Python => python,
            Language::JavaScript | Language::TypeScript | Language::Tsx => ecma,
            Language::Go => go,
            Language::Java => java,
            Language::Rust => rust,
        }
        .to_owned()
    };
    let error_type = match class {
        IndexOutOfRange => pick(
            "IndexError",
            "RangeError",
            "panic",
            "java.lang.IndexOutOfBoundsException",
            "panic",
        ),
        NullOrNone => pick(
            "AttributeError",
            "TypeError",
            "panic",
            "java.lang.NullPointerException",
            "panic",
        ),
        KeyMissing => pick(
            "KeyError",
            "TypeError",
            "panic",
            "java.lang.NullPointerException",
            "panic",
        ),
        DivisionByZero => pick(
            "ZeroDivisionError",
            "RangeError",
            "panic",
            "java.lang.ArithmeticException",
            "panic",
        ),
        ParseError => pick(
            "ValueError",
            "SyntaxError",
            "error",
            "java.lang.NumberFormatException",
            "panic",
        ),
        TypeError => pick(
            "TypeError",
            "TypeError",
            "panic",
            "java.lang.ClassCastException",
            "panic",
        ),
        Timeout => pick(
            "TimeoutError",
            "hang",
            "hang",
            "java.net.SocketTimeoutException",
            "hang",
        ),
        NetworkError => pick(
            "ConnectionError",
            "Error",
            "error",
            "java.net.ConnectException",
            "panic",
        ),
        RaceCondition => pick(
            "RuntimeError",
            "Error",
            "fatal error",
            "java.util.ConcurrentModificationException",
            "panic",
        ),
        Overflow => pick(
            "OverflowError",
            "RangeError",
            "panic",
            "java.lang.ArithmeticException",
            "panic",
        ),
        Encoding => pick(
            "UnicodeDecodeError",
            "URIError",
            "error",
            "java.nio.charset.MalformedInputException",
            "panic",
        ),
        TimezoneDst => pick(
            "ValueError",
            "Date",
            "wrong result",
            "java.time.DateTimeException",
            "panic",
        ),
        ResourceExhaustion => pick(
            "RecursionError",
            "RangeError",
            "fatal error",
            "java.lang.StackOverflowError",
            "panic",
        ),
        Assertion => pick(
            "AssertionError",
            "AssertionError",
            "panic",
            "java.lang.AssertionError",
            "panic",
        ),
        Other => pick(
            "Exception",
            "Error",
            "panic",
            "java.lang.RuntimeException",
            "panic",
        ),
    };
    let short = one_line(subject, 40);
    let message = match class {
        IndexOutOfRange => pick(
            "list index out of range",
            "Invalid array length",
            "runtime error: index out of range",
            "Index out of range",
            "index out of bounds",
        ),
        NullOrNone => pick(
            "'NoneType' object has no attribute",
            "Cannot read properties of undefined",
            "runtime error: invalid memory address or nil pointer dereference",
            "null",
            "called `Option::unwrap()` on a `None` value",
        ),
        KeyMissing => pick(
            &python_key(&short),
            "Cannot read properties of undefined",
            "assignment to entry in nil map",
            "null",
            // What `Index` on a HashMap or a BTreeMap panics with.
            "no entry found for key",
        ),
        DivisionByZero => pick(
            "division by zero",
            "Division by zero",
            "runtime error: integer divide by zero",
            "/ by zero",
            "attempt to divide by zero",
        ),
        ParseError => pick(
            "invalid literal",
            "Unexpected token",
            "invalid syntax",
            "For input string",
            "called `Result::unwrap()` on an `Err` value: ParseIntError",
        ),
        Overflow => pick(
            "integer overflow",
            "Invalid time value",
            "runtime error: makeslice: len out of range",
            "integer overflow",
            "attempt to multiply with overflow",
        ),
        Encoding => pick(
            "'utf-8' codec can't decode byte",
            "URI malformed",
            "invalid UTF-8",
            "Input length = 1",
            "byte index is not a char boundary",
        ),
        ResourceExhaustion => pick(
            "maximum recursion depth exceeded",
            "Maximum call stack size exceeded",
            "runtime: goroutine stack exceeds 1000000000-byte limit",
            "",
            "memory allocation failed",
        ),
        RaceCondition => pick(
            "dictionary changed size during iteration",
            "stale state",
            "concurrent map writes",
            "",
            "data race",
        ),
        _ => short.clone(),
    };
    let error = if message.is_empty() {
        error_type.clone()
    } else if error_type.starts_with("java.")
        || language == Language::Python
        || matches!(
            language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        )
    {
        format!("{error_type}: {message}")
    } else {
        message
    };
    (error_type, error)
}

/// What Python's KeyError prints for a subscript: the repr of its last key
/// (`order["lines"][0]["sku"]` → `'sku'`), or the key expression when it is
/// not a literal; anything else unchanged.
pub(super) fn python_key(subject: &str) -> String {
    let Some(inner) = subject.strip_suffix(']') else {
        return subject.to_owned();
    };
    let mut depth = 0usize;
    let open = inner.char_indices().rev().find_map(|(at, c)| match c {
        ']' => {
            depth += 1;
            None
        }
        '[' if depth == 0 => Some(at),
        '[' => {
            depth -= 1;
            None
        }
        _ => None,
    });
    let Some(open) = open else {
        return subject.to_owned();
    };
    let key = inner[open + 1..].trim();
    match crate::hazards::guards::string_contents(key) {
        Some(text) => format!("'{text}'"),
        None if key.is_empty() => subject.to_owned(),
        None => key.to_owned(),
    }
}
