//! The decider: the one seeded RNG of a run, and the log that replays it.

use super::faults::FaultPlan;
use super::schedule::Schedule;
use super::seed::Seed;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

/// The scheduler's random source. Strategies draw from it; nothing else in a
/// run may be random.
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    pub(crate) fn new(seed: u64) -> Self {
        SimRng(ChaCha8Rng::seed_from_u64(seed))
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
    pub rng: SimRng,
    log: Vec<u64>,
    replay: Option<Vec<u64>>,
    cursor: usize,
}

impl Decider {
    pub fn new() -> Self {
        Decider {
            rng: SimRng::new(0),
            log: Vec::new(),
            replay: None,
            cursor: 0,
        }
    }

    /// Starts a run: fresh RNG from `seed`, or replay of `schedule` if given.
    pub fn reset(&mut self, seed: Seed, schedule: Option<&Schedule>) {
        self.rng = SimRng::new(seed.0);
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

    /// Records (or replays) one decision. `fresh` makes it from the RNG when
    /// not replaying; `clamp` bounds a replayed value so an edited or shrunk
    /// token can never ask for an impossible choice.
    #[inline]
    pub fn decide(&mut self, clamp: u64, fresh: impl FnOnce(&mut SimRng) -> u64) -> u64 {
        let v = match &self.replay {
            Some(log) => {
                let v = log.get(self.cursor).copied().unwrap_or(0).min(clamp);
                self.cursor += 1;
                v
            }
            None => fresh(&mut self.rng),
        };
        self.log.push(v);
        v
    }

    /// A fault coin: 1 with probability `p`. No decision is logged when
    /// `p == 0`, so turning a fault off does not shift the log.
    pub fn coin(&mut self, p: f64) -> bool {
        p > 0.0 && self.decide(1, |r| u64::from(r.chance(p))) == 1
    }

    /// An amount in `0..=max`; no decision when `max == 0`.
    pub fn amount(&mut self, max: u64) -> u64 {
        if max == 0 {
            0
        } else {
            self.decide(max, |r| r.up_to(max))
        }
    }

    pub fn schedule(&self, seed: Seed, faults: &FaultPlan) -> Schedule {
        Schedule::new(seed, self.log.clone()).with_faults(faults.clone())
    }
}
