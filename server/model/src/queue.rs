//! The engine's bounded priority queue of prediction jobs.
//!
//! Highest priority first, first come first served among equals. One job per
//! key: a newer job for the same function replaces the queued one, since only
//! the latest version of a function is worth predicting. When the queue is
//! full the job that would run last is dropped. Capacities are small (tens of
//! jobs), so plain vectors and linear scans are the simplest correct choice.

use super::engine::Job;

/// A job waiting in the queue.
#[derive(Debug)]
pub(crate) struct Queued {
    pub job: Job,
    /// Arrival order, for FIFO among equal priorities.
    pub seq: u64,
    /// The prediction cache was consulted with the model identity known and
    /// missed; while the model loads the job just waits.
    pub cache_checked: bool,
}

/// What pushing a job displaced.
#[derive(Debug, Default)]
pub(crate) struct PushOutcome {
    /// The queued job with the same key that the new one replaced.
    pub replaced: Option<Job>,
    /// The job dropped because the queue was full (possibly the new one).
    pub dropped: Option<Job>,
}

#[derive(Debug)]
pub(crate) struct JobQueue {
    entries: Vec<Queued>,
    next_seq: u64,
    capacity: usize,
}

impl JobQueue {
    pub fn new(capacity: usize) -> Self {
        JobQueue {
            entries: Vec::new(),
            next_seq: 0,
            capacity: capacity.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// How many more jobs fit before the next push drops one.
    pub fn room(&self) -> usize {
        self.capacity.saturating_sub(self.entries.len())
    }

    pub fn set_capacity(&mut self, capacity: usize) -> Vec<Job> {
        self.capacity = capacity.max(1);
        let mut dropped = Vec::new();
        while self.entries.len() > self.capacity {
            if let Some(job) = self.drop_lowest() {
                dropped.push(job);
            }
        }
        dropped
    }

    pub fn push(&mut self, job: Job) -> PushOutcome {
        let replaced = self.remove_key(&job.key);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push(Queued {
            job,
            seq,
            cache_checked: false,
        });
        let dropped = self.enforce_capacity();
        PushOutcome { replaced, dropped }
    }

    /// Puts back a job taken out earlier, keeping its place in line. Returns
    /// a job dropped for capacity, if any.
    pub fn reinsert(&mut self, queued: Queued) -> Option<Job> {
        self.entries.push(queued);
        self.enforce_capacity()
    }

    fn enforce_capacity(&mut self) -> Option<Job> {
        (self.entries.len() > self.capacity)
            .then(|| self.drop_lowest())
            .flatten()
    }

    /// Removes the job that would run last: lowest priority, newest among equals.
    fn drop_lowest(&mut self) -> Option<Job> {
        let index = (0..self.entries.len()).min_by(|&a, &b| {
            let (a, b) = (&self.entries[a], &self.entries[b]);
            a.job.priority.cmp(&b.job.priority).then(b.seq.cmp(&a.seq))
        })?;
        Some(self.entries.swap_remove(index).job)
    }

    /// Takes the job that should run next.
    pub fn pop(&mut self) -> Option<Queued> {
        self.pop_where(|_| true)
    }

    /// Takes the next job whose cache entry has not been looked up yet.
    pub fn pop_unchecked(&mut self) -> Option<Queued> {
        self.pop_where(|q| !q.cache_checked)
    }

    fn pop_where(&mut self, eligible: impl Fn(&Queued) -> bool) -> Option<Queued> {
        let index = (0..self.entries.len())
            .filter(|&i| eligible(&self.entries[i]))
            .max_by(|&a, &b| {
                let (a, b) = (&self.entries[a], &self.entries[b]);
                a.job.priority.cmp(&b.job.priority).then(b.seq.cmp(&a.seq))
            })?;
        Some(self.entries.swap_remove(index))
    }

    pub fn remove_key(&mut self, key: &str) -> Option<Job> {
        let index = self.entries.iter().position(|q| q.job.key == key)?;
        Some(self.entries.swap_remove(index).job)
    }

    pub fn drain(&mut self) -> Vec<Job> {
        let mut entries = std::mem::take(&mut self.entries);
        entries.sort_by_key(|q| q.seq);
        entries.into_iter().map(|q| q.job).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use super::*;
    use crate::prompt::PromptInput;

    fn job(key: &str, priority: i64) -> Job {
        Job {
            key: key.to_string(),
            content_hash: priority as u64,
            priority,
            input: PromptInput {
                language: "python".into(),
                path: "a.py".into(),
                function_name: "f".into(),
                first_line: 1,
                source: "def f(): pass".into(),
                hazards: vec![],
                callers: vec![],
                incidents: vec![],
            },
            cancel: Arc::new(AtomicBool::new(false)),
            partial: false,
            work: crate::engine::Work::RankAndWrite,
        }
    }

    fn keys(queue: &mut JobQueue) -> Vec<String> {
        std::iter::from_fn(|| queue.pop().map(|q| q.job.key)).collect()
    }

    #[test]
    fn highest_priority_first_fifo_among_equals() {
        let mut q = JobQueue::new(8);
        for (key, priority) in [("a", 1), ("b", 5), ("c", 1), ("d", 5), ("e", 3)] {
            q.push(job(key, priority));
        }
        assert_eq!(keys(&mut q), ["b", "d", "e", "a", "c"]);
    }

    #[test]
    fn same_key_replaces_and_full_queue_drops_the_last_in_line() {
        let mut q = JobQueue::new(3);
        q.push(job("a", 1));
        q.push(job("b", 1));
        let outcome = q.push(job("a", 2));
        assert_eq!(outcome.replaced.map(|j| j.content_hash), Some(1));
        assert!(outcome.dropped.is_none());
        assert_eq!(q.room(), 1);
        q.push(job("c", 0));
        assert_eq!(q.room(), 0);
        // Full: a new low-priority job is itself the one to drop...
        let outcome = q.push(job("d", 0));
        assert_eq!(outcome.dropped.map(|j| j.key), Some("d".to_string()));
        // ...while a high-priority one pushes out the last in line.
        let outcome = q.push(job("e", 9));
        assert_eq!(outcome.dropped.map(|j| j.key), Some("c".to_string()));
        assert_eq!(keys(&mut q), ["e", "a", "b"]);
    }

    #[test]
    fn reinserted_jobs_keep_their_place() {
        let mut q = JobQueue::new(4);
        q.push(job("a", 1));
        q.push(job("b", 1));
        let mut first = q.pop_unchecked().unwrap();
        assert_eq!(first.job.key, "a");
        first.cache_checked = true;
        assert!(q.reinsert(first).is_none());
        assert_eq!(q.pop_unchecked().map(|q| q.job.key), Some("b".to_string()));
        assert!(q.pop_unchecked().is_none());
        assert_eq!(q.len(), 1);
        assert_eq!(keys(&mut q), ["a"]);
    }
}
