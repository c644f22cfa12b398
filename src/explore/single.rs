//! Running one schedule exactly: by seed, or by schedule token.

use super::plan::{ExploreConfig, StrategyChoice};
use super::runner::pct_horizon;
use super::target::Target;
use crate::sim::{
    Budget, FaultPlan, HazardPolicy, Outcome, Schedule, Seed, Sim, Strategy, TraceMode,
};

/// One schedule to run.
#[derive(Clone, Debug)]
pub struct RunSpec {
    /// Seed (ignored for decisions when `schedule` is given).
    pub seed: Seed,
    /// Strategy.
    pub strategy: Strategy,
    /// Fault plan.
    pub faults: FaultPlan,
    /// A schedule token to replay instead of deciding with the RNG.
    pub schedule: Option<Schedule>,
    /// Budgets.
    pub budget: Budget,
    /// Hazard policy.
    pub hazards: HazardPolicy,
    /// Keep the full trace.
    pub trace: TraceMode,
}

impl RunSpec {
    /// FIFO, seed 0, no faults, full trace: what `awaitsim run` does.
    pub fn fifo() -> Self {
        RunSpec {
            seed: Seed(0),
            strategy: Strategy::Fifo,
            faults: FaultPlan::none(),
            schedule: None,
            budget: Budget::default(),
            hazards: HazardPolicy::default(),
            trace: TraceMode::Full,
        }
    }
}

/// Runs one schedule, with PCT's horizon measured exactly as an
/// exploration measures it, so a seed found by `explore` replays.
pub fn run_one<T: Target + ?Sized>(target: &T, spec: &RunSpec) -> Outcome<()> {
    target.run(&mut sim_for(target, spec))
}

/// The `Sim` that runs `spec` for `target` (PCT's horizon included).
pub fn sim_for<T: Target + ?Sized>(target: &T, spec: &RunSpec) -> Sim {
    let mut sim = Sim::new(spec.seed)
        .strategy(spec.strategy)
        .faults(spec.faults.clone())
        .budget(spec.budget)
        .hazards(spec.hazards)
        .trace(spec.trace);
    if spec.schedule.is_none() {
        let mut cfg = ExploreConfig::seeds(1);
        cfg.strategy = StrategyChoice::Single(spec.strategy);
        cfg.faults = spec.faults.clone();
        cfg.budget = spec.budget;
        cfg.hazards = spec.hazards;
        sim = sim.pct_horizon(pct_horizon(target, &cfg));
    }
    sim.set_schedule(spec.schedule.clone());
    sim
}
