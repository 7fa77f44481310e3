//! The scenarios (or candidates) of every function of a file, shared
//! between versions of the file and moved only when read.
//!
//! A function's scenarios are rendered once for its text ([`Rendered`]);
//! while an edit elsewhere only moves the function (a line added above
//! it), the next analysis keeps the same rendering and notes by how much
//! it moved. Reading the list then moves a copy (origins, the failing
//! frame's line, the trace and logs that print it), once. Diagnostics
//! need none of that: [`ScenarioLists::origin`] moves one origin, and
//! [`ScenarioLists::as_rendered`] gives what does not depend on the place.
//! So an edit costs the functions it changed, not every function below it.
//!
//! Apart from that the lists read and write like a `Vec<Vec<Scenario>>`:
//! indexing, iterating, `get`, and mutable access, which makes the
//! function's list its own.

use std::fmt;
use std::ops::{Index, IndexMut};
use std::sync::{Arc, OnceLock};

use crate::language::Language;
use crate::scenario::{Scenario, Span};
use crate::telemetry::{self, Retrace};

/// One function's scenarios and candidates as rendered at one place.
#[derive(Debug)]
pub struct Rendered {
    /// Unique among all renderings of this process, so that what is derived
    /// from one (a surface's serialised diagnostics) can be kept beside it.
    id: u64,
    /// The byte and line where the function started.
    at: (usize, usize),
    language: Language,
    path: String,
    scenarios: Vec<Scenario>,
    candidates: Vec<Scenario>,
    /// What moving each scenario, then each candidate, needs.
    retrace: Vec<Retrace>,
    /// What the traces' callers were worked out from
    /// ([`telemetry::CallerChain::looked_up`]), if any trace has callers
    /// to look up.
    callers: Option<(u64, Vec<String>)>,
}

impl Rendered {
    /// `scenarios` and `candidates` (each with its [`Retrace`]) of a
    /// function starting at byte `at.0`, line `at.1`, of `path`, whose
    /// callers were worked out from `callers`.
    pub fn new(
        at: (usize, usize),
        language: Language,
        path: &str,
        scenarios: Vec<(Scenario, Retrace)>,
        candidates: Vec<(Scenario, Retrace)>,
        callers: Option<(u64, Vec<String>)>,
    ) -> Rendered {
        let mut retrace = Vec::with_capacity(scenarios.len() + candidates.len());
        let mut split = |list: Vec<(Scenario, Retrace)>| -> Vec<Scenario> {
            list.into_iter()
                .map(|(scenario, r)| {
                    retrace.push(r);
                    scenario
                })
                .collect()
        };
        let scenarios = split(scenarios);
        let candidates = split(candidates);
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Rendered {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            at,
            language,
            path: path.to_owned(),
            scenarios,
            candidates,
            retrace,
            callers,
        }
    }

    /// Whether the call index `calls` still gives the callers this was
    /// rendered with.
    pub fn callers_current(&self, calls: &crate::calls::CallIndex) -> bool {
        self.callers
            .as_ref()
            .is_none_or(|looked_up| telemetry::chain_current(looked_up, calls))
    }

    /// This rendering's identity: two lists with the same id share it.
    pub fn id(&self) -> u64 {
        self.id
    }

    fn part(&self, part: Part) -> &Vec<Scenario> {
        match part {
            Part::Scenarios => &self.scenarios,
            Part::Candidates => &self.candidates,
        }
    }

    fn retrace(&self, part: Part) -> &[Retrace] {
        match part {
            Part::Scenarios => &self.retrace[..self.scenarios.len()],
            Part::Candidates => &self.retrace[self.scenarios.len()..],
        }
    }

    /// How far a function now starting at byte `start`, line `line`, moved.
    fn move_to(&self, start: usize, line: usize) -> Option<Move> {
        let bytes = start as isize - self.at.0 as isize;
        let lines = line as isize - self.at.1 as isize;
        (bytes != 0 || lines != 0).then_some(Move { bytes, lines })
    }
}

/// Which of a [`Rendered`]'s lists a [`ScenarioLists`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Scenarios,
    Candidates,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Move {
    bytes: isize,
    lines: isize,
}

impl Move {
    fn span(self, span: &Span) -> Span {
        let mut moved = *span;
        moved.start = moved.start.saturating_add_signed(self.bytes);
        moved.end = moved.end.saturating_add_signed(self.bytes);
        moved.start_line = moved.start_line.saturating_add_signed(self.lines);
        moved.end_line = moved.end_line.saturating_add_signed(self.lines);
        moved
    }
}

#[derive(Clone)]
enum List {
    Owned(Vec<Scenario>),
    Shared {
        rendered: Arc<Rendered>,
        part: Part,
        moved: Option<Move>,
        /// The moved copy, made on first read.
        copy: OnceLock<Vec<Scenario>>,
    },
}

impl List {
    fn read(&self) -> &Vec<Scenario> {
        match self {
            List::Owned(list) => list,
            List::Shared {
                rendered,
                part,
                moved: None,
                ..
            } => rendered.part(*part),
            List::Shared {
                rendered,
                part,
                moved: Some(by),
                copy,
            } => copy.get_or_init(|| {
                rendered
                    .part(*part)
                    .iter()
                    .zip(rendered.retrace(*part))
                    .map(|(scenario, retrace)| {
                        telemetry::moved(
                            scenario,
                            retrace,
                            rendered.language,
                            &rendered.path,
                            by.bytes,
                            by.lines,
                        )
                    })
                    .collect()
            }),
        }
    }

    fn own(&mut self) -> &mut Vec<Scenario> {
        if let List::Shared { copy, .. } = self {
            let list = match copy.take() {
                Some(list) => list,
                None => self.read().clone(),
            };
            *self = List::Owned(list);
        }
        match self {
            List::Owned(list) => list,
            List::Shared { .. } => unreachable!("made owned above"),
        }
    }
}

/// The scenario lists of a file's functions, in function order.
#[derive(Clone, Default)]
pub struct ScenarioLists {
    lists: Vec<List>,
}

impl ScenarioLists {
    pub fn with_capacity(capacity: usize) -> ScenarioLists {
        ScenarioLists {
            lists: Vec::with_capacity(capacity),
        }
    }

    pub fn len(&self) -> usize {
        self.lists.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    pub fn push(&mut self, list: Vec<Scenario>) {
        self.lists.push(List::Owned(list));
    }

    /// Appends `part` of `rendered` for a function that now starts at
    /// byte `start`, line `line`.
    pub fn push_rendered(
        &mut self,
        rendered: Arc<Rendered>,
        part: Part,
        start: usize,
        line: usize,
    ) {
        let moved = rendered.move_to(start, line);
        self.lists.push(List::Shared {
            rendered,
            part,
            moved,
            copy: OnceLock::new(),
        });
    }

    pub fn get(&self, index: usize) -> Option<&Vec<Scenario>> {
        self.lists.get(index).map(List::read)
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            lists: self.lists.iter(),
        }
    }

    /// Every list, each made its own (moved if it had to be).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Vec<Scenario>> {
        self.lists.iter_mut().map(List::own)
    }

    /// The list at `index` as it was rendered, without moving it: its
    /// origins, frame lines, traces and logs may be those of an earlier
    /// version of the file, where the function then was. Everything else
    /// (how many, classes, likelihoods, messages, callers) is current.
    /// Empty past the last list, as `get` would be `None`.
    pub fn as_rendered(&self, index: usize) -> &[Scenario] {
        match self.lists.get(index) {
            None => &[],
            Some(List::Owned(list)) => list,
            Some(List::Shared { rendered, part, .. }) => rendered.part(*part),
        }
    }

    /// Where scenario `scenario` of the list at `index` is raised now,
    /// without moving the rest of the list.
    pub fn origin(&self, index: usize, scenario: usize) -> Span {
        match &self.lists[index] {
            List::Owned(list) => list[scenario].origin,
            List::Shared {
                rendered,
                part,
                moved,
                ..
            } => {
                let origin = &rendered.part(*part)[scenario].origin;
                moved.map_or(*origin, |by| by.span(origin))
            }
        }
    }

    /// The shared rendering of the list at `index`, if it has one: the same
    /// `Arc` in two analyses means the function was not rendered again.
    pub fn rendering(&self, index: usize) -> Option<&Arc<Rendered>> {
        match &self.lists[index] {
            List::Owned(_) => None,
            List::Shared { rendered, .. } => Some(rendered),
        }
    }

    /// Every list as plain vectors.
    pub fn to_vecs(&self) -> Vec<Vec<Scenario>> {
        self.iter().cloned().collect()
    }
}

impl Index<usize> for ScenarioLists {
    type Output = Vec<Scenario>;

    fn index(&self, index: usize) -> &Vec<Scenario> {
        self.lists[index].read()
    }
}

impl IndexMut<usize> for ScenarioLists {
    fn index_mut(&mut self, index: usize) -> &mut Vec<Scenario> {
        self.lists[index].own()
    }
}

/// The lists of a [`ScenarioLists`], each moved if it has to be.
pub struct Iter<'a> {
    lists: std::slice::Iter<'a, List>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Vec<Scenario>;

    fn next(&mut self) -> Option<&'a Vec<Scenario>> {
        self.lists.next().map(List::read)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.lists.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> DoubleEndedIterator for Iter<'a> {
    fn next_back(&mut self) -> Option<&'a Vec<Scenario>> {
        self.lists.next_back().map(List::read)
    }
}

impl<'a> IntoIterator for &'a ScenarioLists {
    type Item = &'a Vec<Scenario>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl From<Vec<Vec<Scenario>>> for ScenarioLists {
    fn from(lists: Vec<Vec<Scenario>>) -> ScenarioLists {
        ScenarioLists {
            lists: lists.into_iter().map(List::Owned).collect(),
        }
    }
}

impl FromIterator<Vec<Scenario>> for ScenarioLists {
    fn from_iter<I: IntoIterator<Item = Vec<Scenario>>>(lists: I) -> ScenarioLists {
        ScenarioLists {
            lists: lists.into_iter().map(List::Owned).collect(),
        }
    }
}

impl PartialEq for ScenarioLists {
    fn eq(&self, other: &ScenarioLists) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl PartialEq<Vec<Vec<Scenario>>> for ScenarioLists {
    fn eq(&self, other: &Vec<Vec<Scenario>>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl fmt::Debug for ScenarioLists {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
