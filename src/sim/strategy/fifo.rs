//! FIFO: CPython's order — the oldest ready callback runs next.

use super::Scheduler;
use crate::sim::decide::SimRng;
use crate::sim::ready::Ready;

/// The default strategy; with no faults, a run in this order is what
/// `asyncio` itself would do.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fifo;

impl Scheduler for Fifo {
    #[inline]
    fn pick(&mut self, _ready: &[Ready], _pick: u64, _rng: &mut SimRng) -> usize {
        0
    }
}
