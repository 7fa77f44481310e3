//! Which failure class a real error belongs to, from its type and message.
//!
//! Runtimes name the same failure differently (`KeyError`, `NoSuchElement`,
//! `index out of range [3] with length 3`), so the mapping looks at both the
//! type and the message, most specific first.

use crate::scenario::FailureClass;

/// The class of a failure with this error type and message.
pub fn classify(error_type: &str, message: &str) -> FailureClass {
    let t = error_type.to_lowercase();
    let m = message.to_lowercase();
    let both = format!("{t} {m}");
    let any = |text: &str, words: &[&str]| words.iter().any(|w| text.contains(w));
    use FailureClass::*;
    if any(&t, &["keyerror", "nosuchkey", "missingkey"]) {
        return KeyMissing;
    }
    if any(&t, &["zerodivision"]) || any(&m, &["by zero", "divide by zero"]) {
        return DivisionByZero;
    }
    if any(
        &t,
        &[
            "indexerror",
            "indexoutofbounds",
            "nosuchelement",
            "stopiteration",
        ],
    ) || any(
        &m,
        &["index out of range", "index out of bounds", "list index"],
    ) {
        return IndexOutOfRange;
    }
    if any(
        &both,
        &[
            "nonexistenttime",
            "ambiguoustime",
            "daylight saving",
            " dst",
            "timezone",
            "time zone",
        ],
    ) {
        return TimezoneDst;
    }
    if any(&t, &["unicode", "charactercoding", "malformedinput"])
        || any(&m, &["invalid utf-8", "utf-8", "codec can't", "encoding"])
    {
        return Encoding;
    }
    if any(
        &t,
        &["timeout", "timedout", "deadlineexceeded", "cancellederror"],
    ) || any(&m, &["timed out", "timeout", "deadline exceeded"])
    {
        return Timeout;
    }
    if any(
        &t,
        &[
            "connectionerror",
            "connecterror",
            "connectexception",
            "unknownhost",
            "socketexception",
            "httperror",
            "fetcherror",
            "networkerror",
        ],
    ) || any(
        &m,
        &[
            "connection refused",
            "connection reset",
            "econnrefused",
            "econnreset",
            "no such host",
            "broken pipe",
            "502 bad gateway",
            "503 service unavailable",
        ],
    ) {
        return NetworkError;
    }
    if any(
        &both,
        &[
            "concurrent map",
            "concurrentmodification",
            "data race",
            "deadlock",
            "poisoned",
            "race condition",
        ],
    ) {
        return RaceCondition;
    }
    if any(
        &both,
        &[
            "memoryerror",
            "outofmemory",
            "out of memory",
            "recursionerror",
            "stackoverflow",
            "stack overflow",
            "too many open files",
            "no space left",
            "capacity overflow",
            "heap out of memory",
            "resource exhausted",
        ],
    ) {
        return ResourceExhaustion;
    }
    if any(&both, &["overflow", "arithmeticexception"]) {
        return Overflow;
    }
    if any(
        &t,
        &[
            "nullpointer",
            "nonetype",
            "nilpointer",
            "unboundlocal",
            "attributeerror",
        ],
    ) || any(
        &m,
        &[
            "nonetype",
            "nil pointer",
            "null pointer",
            "on a `none` value",
            "of undefined",
            "of null",
            "is undefined",
            "is null",
            "is not an object",
            "none value",
        ],
    ) {
        return NullOrNone;
    }
    if any(
        &t,
        &[
            "valueerror",
            "numberformat",
            "parseerror",
            "parsererror",
            "parseexception",
            "jsondecode",
            "parseint",
            "parsefloat",
            "syntaxerror",
            "datetimeparse",
            "unmarshal",
            "decodeerror",
        ],
    ) || any(
        &m,
        &[
            "invalid literal",
            "invalid digit",
            "unexpected token",
            "cannot parse",
            "could not parse",
            "invalid syntax",
            "expecting value",
            "invalid character",
        ],
    ) {
        return ParseError;
    }
    // A precondition the code states and the input broke.
    if any(&t, &["assert", "illegalargument", "illegalstate"])
        || any(&m, &["assertion failed", "assertion `left"])
    {
        return Assertion;
    }
    if any(&t, &["typeerror", "classcast"]) || any(&m, &["is not a function"]) {
        return TypeError;
    }
    if any(
        &m,
        &[
            "missing key",
            "key not found",
            "no such key",
            "no entry found for key",
        ],
    ) {
        return KeyMissing;
    }
    Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtimes_name_the_same_failure_differently() {
        let cases = [
            ("KeyError", "'charge'", "key_missing"),
            (
                "panic",
                "index out of bounds: the len is 3 but the index is 5",
                "index_out_of_range",
            ),
            (
                "runtime error",
                "index out of range [3] with length 3",
                "index_out_of_range",
            ),
            ("java.lang.NullPointerException", "", "null_or_none"),
            (
                "TypeError",
                "Cannot read properties of undefined (reading 'id')",
                "null_or_none",
            ),
            (
                "panic",
                "called `Option::unwrap()` on a `None` value",
                "null_or_none",
            ),
            ("ZeroDivisionError", "division by zero", "division_by_zero"),
            (
                "java.lang.ArithmeticException",
                "/ by zero",
                "division_by_zero",
            ),
            (
                "requests.exceptions.ReadTimeout",
                "HTTPSConnectionPool",
                "timeout",
            ),
            ("fatal error", "concurrent map writes", "race_condition"),
            (
                "ValueError",
                "invalid literal for int() with base 10: 'abc'",
                "parse_error",
            ),
            (
                "UnicodeDecodeError",
                "'utf-8' codec can't decode byte",
                "encoding",
            ),
            (
                "pytz.exceptions.NonExistentTimeError",
                "2026-03-29 02:30:00",
                "timezone_dst",
            ),
            (
                "java.lang.OutOfMemoryError",
                "Java heap space",
                "resource_exhaustion",
            ),
            ("panic", "attempt to add with overflow", "overflow"),
            ("AssertionError", "", "assertion"),
            ("RuntimeError", "something else", "other"),
        ];
        for (t, m, want) in cases {
            assert_eq!(classify(t, m).as_str(), want, "{t}: {m}");
        }
    }
}
