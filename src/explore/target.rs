//! `Target`: a program the explorer can run again and again.

use crate::sim::{Outcome, Sim};
use std::future::Future;

/// A program to explore. The explorer configures a [`Sim`] (seed, strategy,
/// faults, schedule) and asks the target to run once on it; worker threads
/// share the target, each with its own `Sim`.
///
/// Any `Fn() -> impl Future<Output = ()>` that is `Sync` is a target:
///
/// ```
/// use awaitsim::explore::{explore, ExploreConfig};
/// let target = || async {
///     let h = awaitsim::spawn(async { awaitsim::yield_now().await });
///     h.await.unwrap();
/// };
/// let result = explore(&target, &ExploreConfig::seeds(50));
/// assert_eq!(result.schedules, 50);
/// assert!(result.failures.is_empty());
/// ```
pub trait Target: Sync {
    /// Runs the program once on `sim`.
    fn run(&self, sim: &mut Sim) -> Outcome<()>;
}

impl<F, Fut> Target for F
where
    F: Fn() -> Fut + Sync,
    Fut: Future<Output = ()>,
{
    fn run(&self, sim: &mut Sim) -> Outcome<()> {
        sim.try_run(self())
    }
}
