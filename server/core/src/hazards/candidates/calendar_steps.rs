//! Calendar arithmetic: a date stepped by a day, an hour or a month, moved
//! to the start or end of a unit, or given a wall-clock time. Across a
//! daylight-saving change a local day is 23 or 25 hours long, a local
//! midnight or 02:30 may not exist or may exist twice, and a month may not
//! have the 31st: each step can land an hour off, skip, repeat or loop.
//! Each language's table ([`Facts::calendar`]) names its date-stepping
//! calls; the call must say it works on a date (a word of time in the call
//! or the file being about time zones), since `add` and `plus` are also
//! sums. A call on a UTC value or naming UTC is the guard: UTC has no
//! daylight saving, and the fixes move the arithmetic there.

use super::*;

const BASE: f32 = 0.03;

/// Words that say a call works on a moment in time.
const MOMENTS: &[&str] = &[
    "date",
    "time",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "month",
    "months",
    "week",
    "weeks",
    "year",
    "years",
    "tz",
    "zone",
    "moment",
    "dt",
    "datetime",
    "timestamp",
    "now",
    "today",
    "local",
    "clock",
    "dst",
    "offset",
    "midnight",
];

impl Scan<'_, '_, '_> {
    /// Whether a date call is a step the fixes write: a calendar day
    /// stepped in local time (`d.setDate(d.getDate() + 1)`), which keeps
    /// the wall-clock time and is the fix for a day of 24 hours, or a step
    /// the zone corrects ([`corrected_for_dst`](Self::corrected_for_dst)).
    /// Every rule that names a date call asks it.
    pub(super) fn safe_step(&self, node: Node, last: &str) -> bool {
        let day_step = last == "setDate" && self.text(node).to_lowercase().contains("getdate()")
            || last == "getDate" && self.inside_call_to(node, "setDate");
        day_step || self.corrected_for_dst(node)
    }

    pub(super) fn calendar_step(&mut self, node: Node, callee: &str, last: &str) {
        if !self.facts.calendar.contains(&last) {
            return;
        }
        let text = self.text(node).to_lowercase();
        if text.contains("utc") || self.safe_step(node, last) || self.zoned_receiver(callee) {
            return;
        }
        // Whole words of the call's identifiers: `update` holds no date.
        let original = self.text(node);
        let words: Vec<String> = original
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .flat_map(identifier_words)
            .collect();
        let dated = self.domain.factor(TimezoneDst) > 1.0
            || words.iter().any(|w| MOMENTS.contains(&w.as_str()))
            || callee.starts_with("time.");
        if !dated {
            return;
        }
        // A pytz zone attached with `replace(tzinfo=…)` or the datetime
        // constructor takes the zone's first offset in its history (LMT,
        // minutes off); `localize` is the fix.
        let attaches_pytz = self.cx.language == Language::Python
            && text.contains("tzinfo=")
            && (text.contains("timezone(") || text.contains("pytz"))
            && !text.contains("utc");
        if attaches_pytz {
            self.add(
                node,
                TimezoneDst,
                0.10,
                "a pytz zone attached with tzinfo= takes the zone's first historical offset (LMT), minutes off the real one",
            );
            return;
        }
        self.add(node, TimezoneDst, BASE, trigger(TimezoneDst));
    }
}
