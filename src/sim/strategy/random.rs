//! Random: any ready callback may run next, chosen uniformly.

use super::Scheduler;
use crate::sim::decide::SimRng;
use crate::sim::ready::Ready;

/// Uniform choice among ready callbacks (trio shuffles its run batches for
/// the same reason: I/O can make anything ready first).
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomPick;

impl Scheduler for RandomPick {
    #[inline]
    fn pick(&mut self, ready: &[Ready], _pick: u64, rng: &mut SimRng) -> usize {
        rng.below(ready.len() as u64) as usize
    }
}
