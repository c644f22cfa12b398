//! `Sim`: one reusable simulated loop, configured by a builder.

use super::context::Enter;
use super::core::{drive, Config, Core};
use super::faults::FaultPlan;
use super::hazard::HazardPolicy;
use super::outcome::{Budget, Outcome};
use super::schedule::Schedule;
use super::seed::Seed;
use super::strategy::Strategy;
use super::trace::TraceMode;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::future::Future;
use std::pin::pin;

/// A simulated event loop. Runs are a pure function of (program, strategy,
/// seed, fault plan). A `Sim` can run many times; it keeps its queues and
/// task slots between runs, so exploring millions of schedules does not
/// reallocate them.
///
/// ```
/// use std::time::Duration;
/// let out = awaitsim::Sim::new(7).run(async {
///     awaitsim::sleep(Duration::from_millis(5)).await;
///     awaitsim::now()
/// });
/// assert_eq!(out, Duration::from_millis(5));
/// ```
pub struct Sim {
    core: RefCell<Core>,
    config: Config,
}

impl Sim {
    /// A FIFO loop with no faults, seeded with `seed`.
    pub fn new(seed: impl Into<Seed>) -> Sim {
        Sim {
            core: RefCell::new(Core::new()),
            config: Config::new(seed.into()),
        }
    }

    /// Sets the scheduling strategy.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.config.strategy = strategy;
        self
    }

    /// Sets the fault plan.
    pub fn faults(mut self, faults: FaultPlan) -> Self {
        self.config.faults = faults;
        self
    }

    /// Keeps the full trace ([`TraceMode::Full`]) or only its hash.
    pub fn trace(mut self, mode: TraceMode) -> Self {
        self.config.trace = mode;
        self
    }

    /// Sets the budgets.
    pub fn budget(mut self, budget: Budget) -> Self {
        self.config.budget = budget;
        self
    }

    /// Sets the hazard policy.
    pub fn hazards(mut self, policy: HazardPolicy) -> Self {
        self.config.hazards = policy;
        self
    }

    /// Replays `schedule` instead of deciding with the RNG.
    ///
    /// ```
    /// use awaitsim::{Sim, Strategy};
    /// let prog = || async {
    ///     let a = awaitsim::spawn(async { awaitsim::yield_now().await; 1 });
    ///     let b = awaitsim::spawn(async { awaitsim::yield_now().await; 2 });
    ///     a.await.unwrap() + b.await.unwrap()
    /// };
    /// let mut sim = Sim::new(99).strategy(Strategy::Random);
    /// let first = sim.try_run(prog());
    /// let mut replay = Sim::new(0).schedule(first.report.schedule.clone());
    /// let again = replay.try_run(prog());
    /// assert_eq!(first.report.trace_hash, again.report.trace_hash);
    /// ```
    pub fn schedule(mut self, schedule: Schedule) -> Self {
        self.config.schedule = Some(schedule);
        self
    }

    /// PCT's estimate of how many choices a run makes (where its change
    /// points fall). [`crate::check`] measures it with one FIFO run.
    pub fn pct_horizon(mut self, choices: u64) -> Self {
        self.config.pct_horizon = choices.max(1);
        self
    }

    /// Sets the seed for the next run (for reuse across many runs).
    pub fn set_seed(&mut self, seed: Seed) {
        self.config.seed = seed;
    }

    /// Sets or clears the schedule to replay on the next run.
    pub fn set_schedule(&mut self, schedule: Option<Schedule>) {
        self.config.schedule = schedule;
    }

    /// The seed of the next run.
    pub fn seed(&self) -> Seed {
        self.config.seed
    }

    /// Runs `fut` as the main task until it finishes, the run fails, or
    /// nothing can make progress. Never panics because of the program: a
    /// panic, deadlock, hazard or exhausted budget comes back as a failure.
    ///
    /// ```
    /// let mut sim = awaitsim::Sim::new(0);
    /// let out = sim.try_run(async { assert_eq!(1 + 1, 3, "math") });
    /// let err = out.result.unwrap_err();
    /// assert_eq!(err.kind(), awaitsim::FailureKind::Assertion);
    /// assert!(err.to_string().contains("math"));
    /// ```
    pub fn try_run<F: Future>(&mut self, fut: F) -> Outcome<F::Output> {
        self.core.get_mut().reset(&self.config);
        let mut output = None;
        let (result, report) = {
            let _enter = Enter::new(&self.core);
            let main = pin!(async {
                output = Some(fut.await);
            });
            drive(&self.core, &self.config, main)
        };
        let result = result.map(|()| output.expect("main completed"));
        Outcome { result, report }
    }

    /// Like [`Sim::try_run`], but returns the value and panics with a full
    /// report (failure, seed, schedule token) if the run fails.
    pub fn run<F: Future>(&mut self, fut: F) -> F::Output {
        let out = self.try_run(fut);
        match out.result {
            Ok(v) => v,
            Err(f) => {
                let mut msg = format!(
                    "awaitsim: run failed (seed {}, strategy {}, faults {}): {f}",
                    out.report.seed, out.report.strategy, out.report.faults
                );
                let _ = write!(msg, "\nschedule: {}", out.report.schedule);
                panic!("{msg}");
            }
        }
    }
}
