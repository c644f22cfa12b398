//! The deterministic simulated executor: virtual clock, timers, tasks,
//! seeded scheduling strategies, faults, hazards and the trace.
//!
//! Layout: [`core`](self) runs the loop; `task`, `timers`, `ready` are its
//! data; `strategy/` decides what runs next; `decide` and `schedule` record
//! and replay every decision; `faults`, `hazard`, `trace`, `outcome` describe
//! a run; `sleep`, `io`, `timeout`, `api` are what code inside a run calls;
//! `sim` and `check` are the entry points.

mod api;
mod check;
mod context;
mod core;
mod decide;
mod faults;
mod hazard;
mod io;
mod outcome;
mod ready;
mod runner;
mod schedule;
mod seed;
mod sleep;
pub mod strategy;
mod task;
mod time;
mod timeout;
mod timers;
mod trace;

pub use api::{
    block, block_at, call_at, call_at_named, call_soon, call_soon_named, current_task,
    current_task_name, fail_run, is_done, now, now_nanos, report_hazard, set_wait, spawn,
    spawn_named, task_name, tracing, user_random_u64, TimerHandle,
};
pub use check::{check, Check, Found, SCHEDULE_ENV, SEED_ENV};
pub use decide::SimRng;
pub use faults::{BlockFault, FaultPlan, FaultSpecError};
pub use hazard::{Hazard, HazardKind, HazardPolicy, Policy};
pub use io::{io, Io, IoError};
pub use outcome::{Budget, BudgetKind, Failure, FailureKind, Outcome, RunReport, Waiting};
pub use ready::{CallId, Ready};
pub use runner::Sim;
pub use schedule::{Schedule, ScheduleError};
pub use seed::{Seed, SeedError};
pub use sleep::{sleep, sleep_until, yield_now, Sleep, YieldNow};
pub use strategy::{Scheduler, Strategy, StrategyError};
pub use task::{JoinError, JoinHandle, TaskId};
pub use time::{format_nanos, parse_duration, DurationError, Nanos};
pub use timeout::{timeout, Elapsed, Timeout};
pub use timers::TimerId;
pub use trace::{describe_fault, Event, Fault, Record, Subject, TaskEnd, Trace, TraceMode, Wait};
