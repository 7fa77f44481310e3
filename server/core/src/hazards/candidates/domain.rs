//! What a file is about, read once from its text: failures cluster by what
//! a module does. A scheduler that imports a time-zone database fails on
//! daylight-saving jumps, a connection pool on races and stalled peers, a
//! codec on bytes that are not what it assumed. A candidate of the class
//! its file is about ranks above one of a class the file never touches.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::memo::Memo;
use crate::scenario::FailureClass::{self, *};

/// Words whose presence in a file says it deals with a class's subject:
/// library and type names and the vocabulary of the domain, in every
/// supported language. Each word counts once however often it appears.
const SIGNS: &[(FailureClass, &[&str])] = &[
    (
        TimezoneDst,
        &[
            "pytz",
            "zoneinfo",
            "tzinfo",
            "tzlocal",
            "dateutil",
            "utcoffset",
            "ZoneId",
            "ZonedDateTime",
            "TimeZone",
            "chrono_tz",
            "chrono::Local",
            "LoadLocation",
            "time.Local",
            "timeZone",
            "timezone",
            "Timezone",
            "daylight",
            "DST",
        ],
    ),
    (
        RaceCondition,
        &[
            "threading",
            "Thread",
            "sync.Mutex",
            "sync.RWMutex",
            "sync/atomic",
            "Mutex",
            "RwLock",
            "Atomic",
            "synchronized",
            "volatile",
            "Concurrent",
            "concurrent",
            "go func",
            "asyncio",
            "spawn",
            "Executor",
            "Semaphore",
        ],
    ),
    (
        NetworkError,
        &[
            "socket",
            "Socket",
            "urllib",
            "requests",
            "http.client",
            "net/http",
            "\"net\"",
            "XMLHttpRequest",
            "fetch(",
            "HttpURLConnection",
            "TcpStream",
            "reqwest",
            "hyper",
            "grpc",
            "WebSocket",
            "websocket",
            "aiohttp",
            "connection",
        ],
    ),
    (
        Encoding,
        &[
            "utf-8",
            "utf8",
            "UTF-8",
            "UTF_8",
            "charset",
            "Charset",
            "codecs",
            "encoding",
            "TextDecoder",
            "latin",
            "ISO-8859",
            "unicode",
            "surrogate",
            "char_indices",
            "is_char_boundary",
            "from_utf8",
            "CharsetDecoder",
        ],
    ),
];

/// The network's words also mark the files whose calls stall.
const TIMEOUT_ALSO: FailureClass = NetworkError;

/// How much one sign lifts its class, and the most signs that count.
const PER_SIGN: f32 = 0.3;
const MAX_SIGNS: usize = 4;

/// A factor per failure class: 1 for a class the file says nothing about,
/// up to `1 + PER_SIGN · MAX_SIGNS` for one it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Domain {
    factors: Vec<(FailureClass, f32)>,
}

/// Every sign in one automaton, so a file is read once whatever its size
/// (the whole file is scanned on each edit).
static AUTOMATON: LazyLock<(AhoCorasick, Vec<FailureClass>)> = LazyLock::new(|| {
    let (classes, words): (Vec<FailureClass>, Vec<&str>) = SIGNS
        .iter()
        .flat_map(|(class, words)| words.iter().map(move |w| (*class, *w)))
        .unzip();
    assert!(words.len() <= 128, "one bit per sign");
    let automaton = AhoCorasick::new(words).expect("the signs are plain words");
    (automaton, classes)
});

/// Which signs a piece of text holds, one bit each.
fn signs_in(text: &str) -> u128 {
    let (automaton, _) = &*AUTOMATON;
    let mut seen = 0u128;
    for found in automaton.find_overlapping_iter(text) {
        seen |= 1 << found.pattern().as_usize();
    }
    seen
}

static SEEN: Memo<u128> = Memo::new();

impl Domain {
    /// The domain of a file's text.
    pub fn of(text: &str) -> Domain {
        Domain::from_signs(signs_in(text))
    }

    /// The domain of a file cut in [`segments`](super::memo::segments),
    /// each read once while it stays the same.
    pub(super) fn of_segments(segments: &[&str]) -> Domain {
        Domain::from_signs(
            segments
                .iter()
                .fold(0, |seen, s| seen | SEEN.get(s, signs_in)),
        )
    }

    fn from_signs(seen: u128) -> Domain {
        let (_, classes) = &*AUTOMATON;
        let signs = |class: FailureClass| {
            classes
                .iter()
                .enumerate()
                .filter(|(i, c)| **c == class && seen & (1 << i) != 0)
                .count()
                .min(MAX_SIGNS)
        };
        let mut factors: Vec<(FailureClass, f32)> = SIGNS
            .iter()
            .map(|(class, _)| (*class, 1.0 + PER_SIGN * signs(*class) as f32))
            .collect();
        factors.push((Timeout, 1.0 + PER_SIGN * signs(TIMEOUT_ALSO) as f32));
        factors.retain(|(_, f)| *f > 1.0);
        Domain { factors }
    }

    /// The factor a candidate of `class` is lifted by in this file.
    pub fn factor(&self, class: FailureClass) -> f32 {
        self.factors
            .iter()
            .find(|(c, _)| *c == class)
            .map_or(1.0, |(_, f)| *f)
    }

    /// Feeds what candidates depend on to a cache key's hasher.
    pub fn hash_into(&self, hasher: &mut xxhash_rust::xxh3::Xxh3) {
        for (class, factor) in &self.factors {
            hasher.update(class.as_str().as_bytes());
            hasher.update(&factor.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_about_what_it_imports() {
        let scheduler = "import pytz\nfrom datetime import timedelta\n\ndef next_run(self):\n    return self.tz.localize(self.at) + timedelta(days=1)\n";
        let domain = Domain::of(scheduler);
        assert!(domain.factor(TimezoneDst) > 1.0);
        assert_eq!(domain.factor(RaceCondition), 1.0);
        assert_eq!(domain.factor(IndexOutOfRange), 1.0);
    }

    #[test]
    fn more_signs_lift_more_up_to_a_cap() {
        let one = Domain::of("import threading\n");
        let many = Domain::of(
            "import threading, asyncio\nfrom concurrent.futures import Executor\nlock = threading.Semaphore()\nThread(target=f)\n",
        );
        assert!(many.factor(RaceCondition) > one.factor(RaceCondition));
        assert_eq!(
            many.factor(RaceCondition),
            1.0 + PER_SIGN * MAX_SIGNS as f32
        );
    }

    #[test]
    fn network_code_also_stalls() {
        let client = Domain::of("import socket\nimport urllib.request\n");
        assert!(client.factor(Timeout) > 1.0);
        assert_eq!(client.factor(Timeout), client.factor(NetworkError));
    }
}
