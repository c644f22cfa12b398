//! Exploration: running many schedules of a program (in parallel, with
//! results independent of the thread count), replaying one, shrinking a
//! failure, and saving it as a regression.

mod distinct;
mod header;
mod plan;
pub mod regressions;
mod runner;
mod shrink;
mod single;
mod target;

pub use distinct::{describe as describe_distinct, Distinct, DEFAULT_CAP};
pub use header::{Expect, Header};
pub use plan::{default_jobs, Amount, ExploreConfig, Shard, StrategyChoice};
pub use runner::{explore, explore_with_progress, pct_horizon, Exploration, Found};
pub use shrink::{shrink, NotFailing, Shrunk};
pub use single::{run_one, sim_for, RunSpec};
pub use target::Target;
