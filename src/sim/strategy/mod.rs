//! Scheduling strategies: which ready callback runs next.
//!
//! One file per strategy, each a [`Scheduler`]. A strategy is consulted only
//! when more than one callback is ready and the run is not replaying a
//! schedule; its answer is recorded as a decision either way.

mod fifo;
mod pct;
mod pos;
mod random;

pub use fifo::Fifo;
pub use pct::Pct;
pub use pos::Pos;
pub use random::RandomPick;

use super::decide::SimRng;
use super::ready::Ready;
use super::task::TaskId;
use std::fmt;
use std::str::FromStr;

/// Chooses the next ready callback.
pub trait Scheduler {
    /// A run begins.
    fn begin(&mut self, _rng: &mut SimRng) {}

    /// A task was created.
    fn spawned(&mut self, _task: TaskId, _rng: &mut SimRng) {}

    /// Index into `ready` (oldest first, at least two entries) of the
    /// callback to run. `pick` counts the choices made so far in this run.
    fn pick(&mut self, ready: &[Ready], pick: u64, rng: &mut SimRng) -> usize;
}

/// The scheduling strategy of a run.
///
/// ```
/// use awaitsim::Strategy;
/// assert_eq!("pct:5".parse::<Strategy>().unwrap(), Strategy::Pct { depth: 5 });
/// assert_eq!("pct".parse::<Strategy>().unwrap(), Strategy::Pct { depth: 3 });
/// assert_eq!(Strategy::Random.to_string(), "random");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strategy {
    /// CPython's order: the oldest ready callback runs next.
    #[default]
    Fifo,
    /// Any ready callback may run next, uniformly.
    Random,
    /// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010):
    /// random task priorities with `depth - 1` priority change points; finds
    /// a bug of depth `depth` with probability at least 1/(n·k^(d-1)).
    Pct {
        /// Bug depth to target (at least 1).
        depth: u32,
    },
    /// Partial-order sampling (Yuan et al., CAV 2018): a random priority per
    /// ready callback, drawn when it becomes ready; good at delaying one task
    /// behind many others.
    Pos,
}

impl Strategy {
    /// PCT with the usual depth of 3.
    pub const PCT: Strategy = Strategy::Pct { depth: 3 };

    pub(crate) fn scheduler(self, horizon: u64) -> AnyScheduler {
        match self {
            Strategy::Fifo => AnyScheduler::Fifo(Fifo),
            Strategy::Random => AnyScheduler::Random(RandomPick),
            Strategy::Pct { depth } => AnyScheduler::Pct(Pct::new(depth, horizon)),
            Strategy::Pos => AnyScheduler::Pos(Pos::default()),
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::Fifo => f.write_str("fifo"),
            Strategy::Random => f.write_str("random"),
            Strategy::Pct { depth: 3 } => f.write_str("pct"),
            Strategy::Pct { depth } => write!(f, "pct:{depth}"),
            Strategy::Pos => f.write_str("pos"),
        }
    }
}

/// Why a string is not a strategy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategyError(String);

impl fmt::Display for StrategyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown strategy `{}`; expected fifo, random, pct, pct:DEPTH (DEPTH 1..=64) or pos",
            self.0
        )
    }
}

impl std::error::Error for StrategyError {}

impl FromStr for Strategy {
    type Err = StrategyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "fifo" => Ok(Strategy::Fifo),
            "random" => Ok(Strategy::Random),
            "pct" => Ok(Strategy::PCT),
            "pos" => Ok(Strategy::Pos),
            other => other
                .strip_prefix("pct:")
                .and_then(|d| d.parse::<u32>().ok())
                .filter(|d| (1..=64).contains(d))
                .map(|depth| Strategy::Pct { depth })
                .ok_or_else(|| StrategyError(s.to_string())),
        }
    }
}

/// Static dispatch over the built-in strategies: the pick is on the hot path.
pub(crate) enum AnyScheduler {
    Fifo(Fifo),
    Random(RandomPick),
    Pct(Pct),
    Pos(Pos),
}

impl AnyScheduler {
    /// Switches to `strategy` for the next run. PCT keeps the buffers of the
    /// last run (its `begin` clears them): exploration starts a run per
    /// schedule, and reallocating them was a visible part of a short run.
    pub(crate) fn reconfigure(&mut self, strategy: Strategy, horizon: u64) {
        match (self, strategy) {
            (AnyScheduler::Pct(p), Strategy::Pct { depth }) => p.reconfigure(depth, horizon),
            (s, strategy) => *s = strategy.scheduler(horizon),
        }
    }
}

impl Scheduler for AnyScheduler {
    fn begin(&mut self, rng: &mut SimRng) {
        match self {
            AnyScheduler::Fifo(s) => s.begin(rng),
            AnyScheduler::Random(s) => s.begin(rng),
            AnyScheduler::Pct(s) => s.begin(rng),
            AnyScheduler::Pos(s) => s.begin(rng),
        }
    }

    fn spawned(&mut self, task: TaskId, rng: &mut SimRng) {
        if let AnyScheduler::Pct(s) = self {
            s.spawned(task, rng)
        }
    }

    #[inline]
    fn pick(&mut self, ready: &[Ready], pick: u64, rng: &mut SimRng) -> usize {
        match self {
            AnyScheduler::Fifo(s) => s.pick(ready, pick, rng),
            AnyScheduler::Random(s) => s.pick(ready, pick, rng),
            AnyScheduler::Pct(s) => s.pick(ready, pick, rng),
            AnyScheduler::Pos(s) => s.pick(ready, pick, rng),
        }
    }
}
