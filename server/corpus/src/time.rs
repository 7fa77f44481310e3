//! Timestamps as the corpus keeps them: ISO-8601 text, which sorts in time
//! order as plain strings. Logs write time in many ways; only the common
//! ISO-like forms and Unix epochs are understood, others are left unknown.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time, ISO-8601 in UTC with seconds.
pub fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    from_unix_secs(secs as i64)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn from_unix_secs(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// An epoch number in seconds, milliseconds, microseconds or nanoseconds
/// (told apart by magnitude) as ISO-8601.
pub fn from_epoch(value: f64) -> Option<String> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    let secs = if value > 1e17 {
        value / 1e9
    } else if value > 1e14 {
        value / 1e6
    } else if value > 1e11 {
        value / 1e3
    } else {
        value
    };
    // Past year 9999 the text would no longer sort as a time (and the cast
    // saturates): such a number is not an epoch we understand.
    (secs < LAST_FOUR_DIGIT_YEAR_SECS).then(|| from_unix_secs(secs as i64))
}

/// `10000-01-01T00:00:00Z` in seconds since the Unix epoch.
const LAST_FOUR_DIGIT_YEAR_SECS: f64 = 253_402_300_800.0;

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The length of an ISO-8601 timestamp at the start of `text`
/// (`2026-03-29T10:00:00.123Z`, `2026-03-29 10:00:00,123+02:00`), if any.
pub fn leading_iso(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    // Go's log package writes `2026/03/29 10:00:00`.
    let sep = b.get(4).copied().filter(|c| *c == b'-' || *c == b'/');
    let date = (0..4).all(digit)
        && sep.is_some()
        && digit(5)
        && digit(6)
        && b.get(7).copied() == sep
        && digit(8)
        && digit(9);
    if !date {
        return None;
    }
    let mut end = 10;
    if matches!(b.get(10), Some(b'T' | b' '))
        && digit(11)
        && digit(12)
        && b.get(13) == Some(&b':')
        && digit(14)
        && digit(15)
    {
        end = 16;
        if b.get(16) == Some(&b':') && digit(17) && digit(18) {
            end = 19;
        }
        if matches!(b.get(end), Some(b'.' | b',')) && digit(end + 1) {
            end += 1;
            while digit(end) {
                end += 1;
            }
        }
        match b.get(end) {
            Some(b'Z') => end += 1,
            Some(b'+' | b'-') if digit(end + 1) && digit(end + 2) => {
                end += 3;
                if b.get(end) == Some(&b':') {
                    end += 1;
                }
                if digit(end) && digit(end + 1) {
                    end += 2;
                }
            }
            _ => {}
        }
    }
    Some(end)
}

/// An ISO-like timestamp normalised to `T` between date and time and `.`
/// before fractions.
pub fn normalise(text: &str) -> String {
    let mut out = text.to_owned();
    if out.len() >= 10 && out.as_bytes()[4] == b'/' {
        out.replace_range(4..5, "-");
        out.replace_range(7..8, "-");
    }
    if out.len() > 10 && out.as_bytes()[10] == b' ' {
        out.replace_range(10..11, "T");
    }
    if out.len() > 19 && out.as_bytes()[19] == b',' {
        out.replace_range(19..20, ".");
    }
    out
}

/// The date part of a timestamp (`2026-03-29`), for "last seen on".
pub fn date(text: &str) -> &str {
    text.get(..10).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_and_iso() {
        assert_eq!(from_unix_secs(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            from_epoch(1_774_778_400_000_000_000.0).as_deref(),
            Some("2026-03-29T10:00:00Z")
        );
        assert_eq!(
            from_epoch(1_774_778_400_000.0).as_deref(),
            Some("2026-03-29T10:00:00Z")
        );
        for (text, len) in [
            ("2026-03-29T10:00:00Z rest", 20),
            ("2026-03-29 10:00:00,123 INFO", 23),
            ("2026-03-29T10:00:00.5+02:00 x", 27),
            ("2026-03-29 x", 10),
        ] {
            assert_eq!(leading_iso(text), Some(len), "{text}");
        }
        assert_eq!(leading_iso("081109 203615"), None);
        // Found by the `ingest` fuzz target: a 71-digit `ts` came out as
        // year 292277026596, which sorts before 2026 as text.
        let late = from_epoch(2.5e20).expect("nanoseconds in year 9892");
        assert_eq!(leading_iso(&late), Some(late.len()));
        assert_eq!(from_epoch(2.6e20), None);
        assert_eq!(from_epoch(1.7e69), None);
        assert_eq!(
            normalise("2026-03-29 10:00:00,123"),
            "2026-03-29T10:00:00.123"
        );
    }
}
