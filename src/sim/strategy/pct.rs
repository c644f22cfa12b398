//! PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
//! Nagarakatte; ASPLOS 2010).
//!
//! Each task gets a random priority when it is created; the highest-priority
//! ready task runs. At `depth - 1` change points, chosen uniformly among the
//! first `horizon` choices of the run, the task about to run drops below
//! every initial priority. Timer and loop callbacks are not tasks: they run
//! as soon as they are ready, and the task steps they queue compete by
//! priority.

use super::Scheduler;
use crate::sim::decide::SimRng;
use crate::sim::ready::Ready;
use crate::sim::task::TaskId;

/// PCT state for one run.
#[derive(Clone, Debug)]
pub struct Pct {
    depth: u32,
    horizon: u64,
    priority: Vec<u64>,
    /// Remaining change points, latest first (popped from the back).
    change_points: Vec<u64>,
}

impl Pct {
    /// PCT for bugs of depth `depth` in runs of about `horizon` choices.
    pub fn new(depth: u32, horizon: u64) -> Self {
        Pct {
            depth: depth.max(1),
            horizon: horizon.max(1),
            priority: Vec::new(),
            change_points: Vec::new(),
        }
    }

    /// Same as `Pct::new(depth, horizon)`, keeping this one's allocations.
    pub(crate) fn reconfigure(&mut self, depth: u32, horizon: u64) {
        self.depth = depth.max(1);
        self.horizon = horizon.max(1);
        self.priority.clear();
        self.change_points.clear();
    }
}

impl Scheduler for Pct {
    fn begin(&mut self, rng: &mut SimRng) {
        self.priority.clear();
        self.change_points.clear();
        for _ in 1..self.depth {
            self.change_points.push(rng.below(self.horizon));
        }
        self.change_points.sort_unstable_by(|a, b| b.cmp(a));
    }

    fn spawned(&mut self, task: TaskId, rng: &mut SimRng) {
        let i = task.index();
        if self.priority.len() <= i {
            self.priority.resize(i + 1, 0);
        }
        // Initial priorities sit above every change-point priority (< depth).
        self.priority[i] = u64::from(self.depth) + (rng.next_u64() >> 1);
    }

    fn pick(&mut self, ready: &[Ready], pick: u64, _rng: &mut SimRng) -> usize {
        if let Some(i) = ready.iter().position(|r| !matches!(r, Ready::Step(_))) {
            return i;
        }
        let best = |prio: &[u64]| {
            let mut best = 0;
            let mut best_p = 0;
            for (i, r) in ready.iter().enumerate() {
                if let Ready::Step(t) = r {
                    let p = prio.get(t.index()).copied().unwrap_or(0);
                    if i == 0 || p > best_p {
                        best = i;
                        best_p = p;
                    }
                }
            }
            best
        };
        let mut choice = best(&self.priority);
        while self.change_points.last().is_some_and(|&cp| cp <= pick) {
            self.change_points.pop();
            if let Ready::Step(t) = ready[choice] {
                // Later change points get lower priorities: d-1, d-2, ..., 1.
                let low = self.change_points.len() as u64 + 1;
                if let Some(p) = self.priority.get_mut(t.index()) {
                    *p = low;
                }
            }
            choice = best(&self.priority);
        }
        choice
    }
}
