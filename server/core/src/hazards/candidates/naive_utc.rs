//! A naive datetime that holds UTC, read as local time. Python's
//! `datetime.utcnow()` and `utcfromtimestamp()` return values without a
//! zone, and Python reads a value without a zone as the host's local time
//! wherever it needs one: `.timestamp()`, `.astimezone()`, and
//! `time.mktime(d.utctimetuple())`. The result is off by the host's UTC
//! offset, and by another hour across a daylight-saving change; it is right
//! only on a host that runs in UTC, which is why it passes tests on CI and
//! fails on a laptop or a server in another zone. Python 3.12 deprecates
//! both functions for this.

use super::*;

/// Calls that make a naive datetime holding UTC.
const NAIVE_UTC: &[&str] = &["utcnow()", "utcfromtimestamp("];

/// The likelihood of a certain misreading: the host decides how wrong.
const MISREAD: f32 = 0.4;

impl Scan<'_, '_, '_> {
    pub(super) fn naive_utc_read_as_local(
        &mut self,
        node: Node,
        callee: &str,
        last: &str,
        args: &str,
    ) {
        if self.cx.language != Language::Python {
            return;
        }
        let misread = match last {
            "timestamp" | "astimezone" => {
                let receiver = callee.rsplit_once('.').map_or("", |(r, _)| r).trim();
                makes_naive_utc(receiver) || self.naive_utc_local(receiver)
            }
            // `mktime` reads a time tuple as local time.
            "mktime" => args.contains("utctimetuple()"),
            _ => false,
        };
        if !misread {
            return;
        }
        let summary = format!(
            "Wrong time: `{}` reads a naive UTC datetime as the host's local time",
            one_line(callee, 50)
        );
        self.add_precise(
            node,
            TimezoneDst,
            MISREAD,
            ("py.naive-utc", summary),
            "the host's zone is not UTC (a laptop, a server in another region): the time is off by its offset, and by another hour across a daylight-saving change",
        );
    }

    /// Whether `name` is a local the function assigns from a call that
    /// makes a naive UTC datetime and never gives a zone
    /// (`.replace(tzinfo=…)`, `localize(…)`).
    fn naive_utc_local(&self, name: &str) -> bool {
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        let assigned = self.assigned_from(name, makes_naive_utc);
        let zoned = [format!("{name}.replace(tzinfo"), format!("localize({name}")]
            .iter()
            .any(|z| self.body.contains(z.as_str()));
        assigned && !zoned
    }
}

impl Scan<'_, '_, '_> {
    /// Whether the receiver of `callee` is a local the function gave a zone
    /// when it made it (`start = datetime.now(timezone.utc)`, `d =
    /// x.replace(tzinfo=…)`): reading it needs no guess at the host's zone.
    pub(super) fn zoned_receiver(&self, callee: &str) -> bool {
        let Some((receiver, _)) = callee.rsplit_once('.') else {
            return false;
        };
        let receiver = receiver.trim();
        !receiver.is_empty() && self.assigned_from(receiver, zoned)
    }
}

/// Whether `expression` names the zone of the time it makes.
fn zoned(expression: &str) -> bool {
    [
        "tzinfo",
        "timezone.utc",
        "tz=",
        "ZoneInfo(",
        "localize(",
        "pytz.utc",
    ]
    .iter()
    .any(|z| expression.contains(z))
}

/// Whether `expression` makes a naive UTC datetime and leaves it naive.
fn makes_naive_utc(expression: &str) -> bool {
    NAIVE_UTC.iter().any(|c| expression.contains(c)) && !expression.contains("tzinfo")
}
