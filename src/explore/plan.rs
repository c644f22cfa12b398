//! What an exploration runs: how many schedules, which strategies, which
//! slice of the seed space.

use crate::sim::{Budget, FaultPlan, HazardPolicy, Seed, Strategy};
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// The strategy of an exploration: one for every schedule, or a portfolio
/// that varies it by schedule index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrategyChoice {
    /// Every schedule uses this strategy.
    Single(Strategy),
    /// Schedules rotate through POS, random, PCT (depth 3), random, POS, so
    /// one exploration gets the strengths of each: random finds shallow
    /// races fastest, POS and PCT find bugs that need one task delayed
    /// behind many others or starved. The rotation was tuned with
    /// `bench/src/bin/find.rs` (see BENCHMARKS.md).
    Portfolio,
}

impl StrategyChoice {
    /// Will any schedule use PCT (which needs the run-length probe, `pct_horizon`)?
    pub fn uses_pct(self) -> bool {
        match self {
            StrategyChoice::Single(s) => matches!(s, Strategy::Pct { .. }),
            StrategyChoice::Portfolio => true,
        }
    }

    /// The strategy of schedule `index`.
    pub fn for_index(self, index: u64) -> Strategy {
        match self {
            StrategyChoice::Single(s) => s,
            StrategyChoice::Portfolio => match index % 5 {
                0 | 4 => Strategy::Pos,
                1 | 3 => Strategy::Random,
                _ => Strategy::Pct { depth: 3 },
            },
        }
    }
}

impl fmt::Display for StrategyChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrategyChoice::Single(s) => s.fmt(f),
            StrategyChoice::Portfolio => f.write_str("portfolio"),
        }
    }
}

impl FromStr for StrategyChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim() == "portfolio" {
            return Ok(StrategyChoice::Portfolio);
        }
        s.parse::<Strategy>()
            .map(StrategyChoice::Single)
            .map_err(|_| {
                format!(
                    "unknown strategy `{s}`; expected random, pct, pct:DEPTH, portfolio or fifo"
                )
            })
    }
}

/// `I/N`: the I-th (0-based) of N disjoint slices of the schedule indices —
/// index `i` belongs to shard `i % N`.
///
/// ```
/// use awaitsim::explore::Shard;
/// let s: Shard = "1/4".parse().unwrap();
/// assert!(s.owns(5) && !s.owns(4));
/// assert!("4/4".parse::<Shard>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which slice (0-based).
    pub index: u64,
    /// How many slices.
    pub count: u64,
}

impl Shard {
    /// The whole seed space.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// True if schedule `i` is in this shard.
    pub fn owns(self, i: u64) -> bool {
        i % self.count == self.index
    }

    /// How many of the indices `0..total` this shard owns.
    pub fn size_of(self, total: u64) -> u64 {
        total / self.count + u64::from(total % self.count > self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: expected I/N with 0 <= I < N, like 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// How long to explore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    /// Exactly this many schedules (over all shards).
    Seeds(u64),
    /// As many as fit in this wall-clock time.
    Time(Duration),
}

/// Everything an exploration needs besides the target.
#[derive(Clone, Debug)]
pub struct ExploreConfig {
    /// Schedule `i` runs with seed `base_seed.nth(i)`.
    pub base_seed: Seed,
    /// How many schedules, or for how long.
    pub amount: Amount,
    /// Strategy per schedule.
    pub strategy: StrategyChoice,
    /// Faults every schedule may inject.
    pub faults: FaultPlan,
    /// Worker threads (results do not depend on it).
    pub jobs: usize,
    /// Which slice of the schedule indices to run.
    pub shard: Shard,
    /// Keep going after the first failure.
    pub keep_going: bool,
    /// Budgets per run.
    pub budget: Budget,
    /// Hazard policy per run.
    pub hazards: HazardPolicy,
    /// The first schedule index to run (to resume an interrupted run).
    pub start: u64,
    /// Set (by a Ctrl-C handler) to stop after the schedules in flight:
    /// every index below [`crate::explore::Exploration::next_index`] has
    /// then run, none above it.
    pub interrupt: Option<Arc<AtomicBool>>,
    /// Distinct interleavings counted exactly; above this many the count
    /// is a HyperLogLog estimate, so memory stays flat however long the
    /// run ([`crate::explore::DEFAULT_CAP`]; shards to be merged must use
    /// the same cap).
    pub distinct_cap: usize,
}

impl ExploreConfig {
    /// `n` schedules, portfolio strategy, `late=1`, one job per core.
    pub fn seeds(n: u64) -> Self {
        ExploreConfig {
            base_seed: Seed(0),
            amount: Amount::Seeds(n),
            strategy: StrategyChoice::Portfolio,
            faults: FaultPlan::late(1.0),
            jobs: default_jobs(),
            shard: Shard::ALL,
            keep_going: false,
            budget: Budget::default(),
            hazards: HazardPolicy::default(),
            start: 0,
            interrupt: None,
            distinct_cap: super::distinct::DEFAULT_CAP,
        }
    }
}

/// One worker per available core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
