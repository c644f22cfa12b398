//! POS: partial-order sampling (Yuan, Yang, Gu; CAV 2018), in its basic form.
//!
//! Every ready callback gets a random priority when it becomes ready, and
//! the highest-priority one runs. Unlike a uniform pick at each step, a
//! callback that drew a low priority stays behind everything that becomes
//! ready after it — the schedule a bug needs when one task must be delayed
//! behind many others, which uniform random sampling reaches only with
//! vanishing probability. (Full POS also redraws the priorities of events
//! that race with the one just run; awaitsim has no read/write sets, so
//! every event keeps its draw until it runs.)

use super::Scheduler;
use crate::sim::decide::SimRng;
use crate::sim::ready::Ready;

/// Basic POS state for one run.
#[derive(Clone, Debug, Default)]
pub struct Pos {
    /// Priority of each callback seen ready and not yet run.
    priority: Vec<(Ready, u64)>,
}

impl Scheduler for Pos {
    fn begin(&mut self, _rng: &mut SimRng) {
        self.priority.clear();
    }

    fn pick(&mut self, ready: &[Ready], _pick: u64, rng: &mut SimRng) -> usize {
        // Forget callbacks that left the queue without being picked (a
        // lone callback runs without a pick); draw for newcomers in queue
        // order, so the draws are deterministic.
        self.priority.retain(|(r, _)| ready.contains(r));
        for r in ready {
            if !self.priority.iter().any(|(p, _)| p == r) {
                self.priority.push((*r, rng.next_u64()));
            }
        }
        let mut best = 0;
        let mut best_p = 0;
        for (i, r) in ready.iter().enumerate() {
            let p = self
                .priority
                .iter()
                .find(|(q, _)| q == r)
                .map_or(0, |(_, p)| *p);
            if i == 0 || p > best_p {
                best = i;
                best_p = p;
            }
        }
        // The chosen callback runs now; if it is queued again (a task that
        // yields), that is a new event with a fresh draw.
        let chosen = ready[best];
        self.priority.retain(|(r, _)| *r != chosen);
        best
    }
}
