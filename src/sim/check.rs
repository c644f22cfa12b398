//! `check`: explore many seeds of a test and fail with a replayable report.

use super::faults::FaultPlan;
use super::hazard::HazardPolicy;
use super::outcome::{Budget, Outcome};
use super::runner::Sim;
use super::schedule::Schedule;
use super::seed::Seed;
use super::strategy::Strategy;
use super::trace::TraceMode;
use std::future::Future;

/// Environment variable that replays one seed of a `check`.
pub const SEED_ENV: &str = "AWAITSIM_SEED";
/// Environment variable that replays one schedule token of a `check`.
pub const SCHEDULE_ENV: &str = "AWAITSIM_SCHEDULE";

/// Explores a test under many schedules. Build with [`check`], configure,
/// then [`Check::run`].
pub struct Check<F> {
    test: F,
    seeds: u64,
    first: Seed,
    strategy: Strategy,
    faults: FaultPlan,
    budget: Budget,
    hazards: HazardPolicy,
    determinism: bool,
}

/// Runs `test` (a function making a fresh future per run) under many seeds;
/// panics on the first failing schedule with the seed, the schedule token
/// and how to replay it (`AWAITSIM_SEED=...` or `AWAITSIM_SCHEDULE=...`).
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// awaitsim::check(|| async {
///     let n = Rc::new(Cell::new(0));
///     let hs: Vec<_> = (0..3).map(|_| {
///         let n = n.clone();
///         awaitsim::spawn(async move { awaitsim::yield_now().await; n.set(n.get() + 1) })
///     }).collect();
///     for h in hs { h.await.unwrap(); }
///     assert_eq!(n.get(), 3);
/// })
/// .seeds(100)
/// .strategy(awaitsim::Strategy::Pct { depth: 3 })
/// .run();
/// ```
pub fn check<F, Fut>(test: F) -> Check<F>
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    Check {
        test,
        seeds: 1000,
        first: Seed(0),
        strategy: Strategy::Random,
        faults: FaultPlan::none(),
        budget: Budget::default(),
        hazards: HazardPolicy::default(),
        determinism: false,
    }
}

/// The first failing schedule of an exploration.
#[derive(Debug)]
pub struct Found {
    /// How many schedules ran, counting the failing one.
    pub index: u64,
    /// The failing run.
    pub outcome: Outcome<()>,
}

impl<F, Fut> Check<F>
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    /// How many schedules to run (default 1000).
    pub fn seeds(mut self, n: u64) -> Self {
        self.seeds = n;
        self
    }

    /// The base seed; schedule `i` runs with `base.nth(i)`.
    pub fn first_seed(mut self, seed: impl Into<Seed>) -> Self {
        self.first = seed.into();
        self
    }

    /// The strategy (default [`Strategy::Random`]).
    pub fn strategy(mut self, s: Strategy) -> Self {
        self.strategy = s;
        self
    }

    /// The fault plan (default none).
    pub fn faults(mut self, plan: FaultPlan) -> Self {
        self.faults = plan;
        self
    }

    /// The budgets of each run.
    pub fn budget(mut self, b: Budget) -> Self {
        self.budget = b;
        self
    }

    /// The hazard policy of each run.
    pub fn hazards(mut self, p: HazardPolicy) -> Self {
        self.hazards = p;
        self
    }

    /// Runs every schedule twice and fails if the two runs interleave
    /// differently: the test depends on something the simulation does not
    /// control (the real clock, a thread-local RNG, `HashMap` order, state
    /// left over from an earlier run), so its failures would not replay.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// static RUNS: AtomicU64 = AtomicU64::new(0);
    /// let found = awaitsim::check(|| async {
    ///     let h = awaitsim::spawn(async {});
    ///     if RUNS.fetch_add(1, Ordering::Relaxed) % 2 == 1 {
    ///         awaitsim::yield_now().await; // hidden state changes the schedule
    ///     }
    ///     h.await.unwrap();
    /// })
    /// .check_determinism()
    /// .find_nondeterminism();
    /// assert!(found.is_some());
    /// ```
    pub fn check_determinism(mut self) -> Self {
        self.determinism = true;
        self
    }

    /// With [`Check::check_determinism`]: the first seed whose two runs
    /// interleaved differently.
    pub fn find_nondeterminism(&self) -> Option<Seed> {
        // Full traces, not the interleaving hash: nondeterminism that only
        // shifts timing must show too.
        let mut sim = self.sim(self.first).trace(TraceMode::Full);
        (0..self.seeds).map(|i| self.first.nth(i)).find(|&seed| {
            sim.set_seed(seed);
            let a = sim.try_run((self.test)()).report;
            let b = sim.try_run((self.test)()).report;
            (a.trace, a.elapsed) != (b.trace, b.elapsed)
        })
    }

    fn sim(&self, seed: Seed) -> Sim {
        let mut sim = Sim::new(seed)
            .strategy(self.strategy)
            .faults(self.faults.clone())
            .budget(self.budget)
            .hazards(self.hazards);
        if let Strategy::Pct { .. } = self.strategy {
            // PCT spreads its change points over the run's length; measure it
            // once, deterministically, with a FIFO run of the same program.
            let mut probe = Sim::new(self.first)
                .faults(self.faults.clone())
                .budget(self.budget)
                .hazards(self.hazards);
            let steps = probe.try_run((self.test)()).report.steps;
            sim = sim.pct_horizon(steps);
        }
        sim
    }

    /// Explores and returns the first failure instead of panicking.
    pub fn find(&self) -> Option<Found> {
        let mut sim = self.sim(self.first);
        for index in 0..self.seeds {
            sim.set_seed(self.first.nth(index));
            let outcome = sim.try_run((self.test)());
            if outcome.result.is_err() {
                return Some(Found {
                    index: index + 1,
                    outcome,
                });
            }
        }
        None
    }

    /// Explores; panics on the first failure with a replayable report. With
    /// `AWAITSIM_SEED` or `AWAITSIM_SCHEDULE` set, runs just that one
    /// schedule, with its full trace in the report.
    pub fn run(self) {
        let replay_seed = std::env::var(SEED_ENV).ok();
        let replay_schedule = std::env::var(SCHEDULE_ENV).ok();
        if replay_seed.is_some() || replay_schedule.is_some() {
            let mut sim = self.sim(self.first).trace(TraceMode::Full);
            if let Some(s) = &replay_seed {
                let seed: Seed = s.parse().unwrap_or_else(|e| panic!("{SEED_ENV}: {e}"));
                sim.set_seed(seed);
            }
            if let Some(t) = &replay_schedule {
                let schedule: Schedule =
                    t.parse().unwrap_or_else(|e| panic!("{SCHEDULE_ENV}: {e}"));
                sim.set_schedule(Some(schedule));
            }
            let outcome = sim.try_run((self.test)());
            if outcome.result.is_err() {
                self.fail(1, &outcome);
            }
            return;
        }
        if self.determinism {
            if let Some(seed) = self.find_nondeterminism() {
                panic!(
                    "awaitsim: uncontrolled nondeterminism: seed {seed} interleaved differently when run twice; \
                     the test reads something the simulation does not control (the real clock, a thread-local RNG, \
                     HashMap iteration order, or state kept between runs), so its failures would not replay"
                );
            }
        }
        if let Some(found) = self.find() {
            self.fail(found.index, &found.outcome);
        }
    }

    fn fail(&self, index: u64, out: &Outcome<()>) -> ! {
        let r = &out.report;
        let err = out
            .result
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        let test = std::thread::current().name().unwrap_or("").to_string();
        let mut msg = format!(
            "awaitsim: schedule {index} of {} failed (seed {}, strategy {}, faults {})\n{err}\n",
            self.seeds, r.seed, r.strategy, r.faults
        );
        for h in &r.hazards {
            msg.push_str(&format!("hazard: {h}\n"));
        }
        if let Some(t) = &r.trace {
            msg.push_str("trace:\n");
            msg.push_str(&t.render());
        }
        msg.push_str(&format!("schedule: {}\n", r.schedule));
        msg.push_str(&format!(
            "replay: {SEED_ENV}={} cargo test {test}   (or {SCHEDULE_ENV}={})",
            r.seed, r.schedule
        ));
        panic!("{msg}");
    }
}
