//! The decider: the seeded RNG streams of a run, and the log that replays it.
//!
//! A run's seed keys independent ChaCha8 streams: stream 0 for the
//! scheduling strategy, and one stream per task for the fault decisions made
//! in that task's steps (task `t` draws from stream `t + 1`; decisions made
//! outside any task from the last stream). A fault plan thus does the same
//! thing on a seed whatever the strategy: a strategy that draws more does
//! not shift the fault draws, and the k-th lateness of a task is the same
//! draw whichever task happened to sleep first. Task ids are creation order,
//! so this holds as far as a run creates its tasks in the same order. A
//! strategy in turn draws the same values whatever the fault plan. Both
//! kinds of decision go into one log, in the order they are made, which is
//! all a replay reads.

use super::faults::FaultPlan;
use super::schedule::Schedule;
use super::seed::Seed;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use super::task::TaskId;

/// Stream of the scheduling strategy's draws.
const SCHEDULE_STREAM: u64 = 0;
/// Stream of the fault draws made outside any task's step.
const LOOP_FAULT_STREAM: u64 = u64::MAX;

/// Where the fault draws of `task`'s steps (or of none) are kept in
/// `Decider::faults`, and their stream: the slot number, but the loop's
/// stream for slot 0 (stream 0 is the scheduling stream).
fn fault_slot(task: Option<TaskId>) -> (usize, u64) {
    match task {
        Some(t) => (t.index() + 1, t.index() as u64 + 1),
        None => (0, LOOP_FAULT_STREAM),
    }
}

/// A seeded random source. Strategies draw from the run's scheduling
/// stream, faults from its fault stream; nothing else in a run may be random.
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    pub(crate) fn new(seed: u64) -> Self {
        SimRng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Stream `stream` of the ChaCha8 generator keyed by `seed` (stream 0 is
    /// `new(seed)`); streams of one key are independent.
    pub(crate) fn stream(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        SimRng(rng)
    }

    /// A uniform draw in `0..n` (`n > 0`), by widening multiply (unbiased
    /// enough for scheduling and cheaper than rejection).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A uniform draw in `0..=max`.
    pub fn up_to(&mut self, max: u64) -> u64 {
        if max == u64::MAX {
            self.0.next_u64()
        } else {
            self.below(max + 1)
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.0.next_u64() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }

    /// A raw 64-bit draw.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
}

/// Makes and records every decision of a run, or replays them from a log.
pub(crate) struct Decider {
    /// The scheduling stream.
    pub rng: SimRng,
    /// The fault streams: the loop's in slot 0, then one per task (task
    /// index + 1, its stream number too); each keyed when the run first draws
    /// from it (a run without faults never does).
    faults: Vec<Option<SimRng>>,
    seed: u64,
    log: Vec<u64>,
    replay: Option<Vec<u64>>,
    cursor: usize,
}

impl Decider {
    pub fn new() -> Self {
        Decider {
            rng: SimRng::new(0),
            faults: Vec::new(),
            seed: 0,
            log: Vec::new(),
            replay: None,
            cursor: 0,
        }
    }

    /// Starts a run: fresh streams from `seed`, or replay of `schedule` if given.
    pub fn reset(&mut self, seed: Seed, schedule: Option<&Schedule>) {
        self.rng = SimRng::stream(seed.0, SCHEDULE_STREAM);
        self.faults.clear();
        self.seed = seed.0;
        self.log.clear();
        self.cursor = 0;
        match schedule {
            Some(s) => {
                let buf = self.replay.get_or_insert_with(Vec::new);
                buf.clear();
                buf.extend_from_slice(&s.decisions);
            }
            None => self.replay = None,
        }
    }

    /// Records (or replays) one scheduling decision. `fresh` makes it from
    /// the scheduling stream when not replaying; `clamp` bounds a replayed
    /// value so an edited or shrunk token can never ask for an impossible
    /// choice.
    #[inline]
    pub fn decide(&mut self, clamp: u64, fresh: impl FnOnce(&mut SimRng) -> u64) -> u64 {
        let v = match self.replayed(clamp) {
            Some(v) => v,
            None => fresh(&mut self.rng),
        };
        self.log.push(v);
        v
    }

    /// The next logged value when replaying, bounded by `clamp`.
    #[inline]
    fn replayed(&mut self, clamp: u64) -> Option<u64> {
        let log = self.replay.as_ref()?;
        let v = log.get(self.cursor).copied().unwrap_or(0).min(clamp);
        self.cursor += 1;
        Some(v)
    }

    /// Records (or replays) one fault decision made in `task`'s step (or
    /// outside any), drawn from that task's fault stream.
    fn fault(
        &mut self,
        task: Option<TaskId>,
        clamp: u64,
        fresh: impl FnOnce(&mut SimRng) -> u64,
    ) -> u64 {
        let v = match self.replayed(clamp) {
            Some(v) => v,
            None => {
                let (slot, stream) = fault_slot(task);
                if self.faults.len() <= slot {
                    self.faults.resize_with(slot + 1, || None);
                }
                let seed = self.seed;
                fresh(self.faults[slot].get_or_insert_with(|| SimRng::stream(seed, stream)))
            }
        };
        self.log.push(v);
        v
    }

    /// A fault coin in `task`'s step: 1 with probability `p`. No decision
    /// is logged when `p == 0`, so turning a fault off does not shift the log.
    pub fn coin(&mut self, task: Option<TaskId>, p: f64) -> bool {
        p > 0.0 && self.fault(task, 1, |r| u64::from(r.chance(p))) == 1
    }

    /// An amount in `0..=max` (how late) in `task`'s step; no decision when
    /// `max == 0`.
    pub fn amount(&mut self, task: Option<TaskId>, max: u64) -> u64 {
        if max == 0 {
            0
        } else {
            self.fault(task, max, |r| r.up_to(max))
        }
    }

    pub fn schedule(&self, seed: Seed, faults: &FaultPlan) -> Schedule {
        Schedule::new(seed, self.log.clone()).with_faults(faults.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_zero_is_the_plain_generator_and_stream_one_differs() {
        for seed in [0, 1, 8, u64::MAX] {
            let (mut a, mut b, mut c) = (
                SimRng::new(seed),
                SimRng::stream(seed, SCHEDULE_STREAM),
                SimRng::stream(seed, fault_slot(Some(TaskId(0))).1),
            );
            let a: Vec<u64> = (0..40).map(|_| a.next_u64()).collect();
            let b: Vec<u64> = (0..40).map(|_| b.next_u64()).collect();
            let c: Vec<u64> = (0..40).map(|_| c.next_u64()).collect();
            assert_eq!(a, b);
            assert_ne!(a, c);
        }
    }

    #[test]
    fn fault_draws_do_not_depend_on_scheduling_draws_or_other_tasks() {
        // Draws of task 1, made `sched_draws` scheduling decisions apart,
        // after task 2 drew `other` times.
        let faults = |sched_draws: usize, other: usize| {
            let mut d = Decider::new();
            d.reset(Seed(42), None);
            for _ in 0..other {
                d.amount(Some(TaskId(2)), 1_000_000);
                d.coin(None, 0.5);
            }
            (0..10)
                .map(|_| {
                    for _ in 0..sched_draws {
                        d.decide(7, |r| r.below(8));
                    }
                    d.amount(Some(TaskId(1)), 1_000_000)
                })
                .collect::<Vec<u64>>()
        };
        assert_eq!(faults(0, 0), faults(1, 0));
        assert_eq!(faults(0, 0), faults(5, 3));
        let mut d = Decider::new();
        d.reset(Seed(42), None);
        let other: Vec<u64> = (0..10)
            .map(|_| d.amount(Some(TaskId(2)), 1_000_000))
            .collect();
        assert_ne!(faults(0, 0), other);
    }
}
