//! awaitsim: a deterministic simulation harness for cooperative async code.
//!
//! A seeded, single-threaded event loop with a virtual clock runs async
//! programs — Rust futures through [`Sim`] and [`check`], or Python asyncio
//! scenarios through [`script`] — explores their interleavings, injects
//! faults, and turns every failure into a seed and a schedule that replay
//! exactly.
//!
//! ```
//! use std::time::Duration;
//! // one run
//! let out = awaitsim::Sim::new(7).run(async {
//!     awaitsim::sleep(Duration::from_millis(5)).await;
//!     awaitsim::now()
//! });
//! assert_eq!(out, Duration::from_millis(5));
//! // many schedules: panics on the first failure with a replay line
//! awaitsim::check(|| async {
//!     let h = awaitsim::spawn(async { awaitsim::yield_now().await; 7 });
//!     assert_eq!(h.await.unwrap(), 7);
//! })
//! .seeds(100)
//! .strategy(awaitsim::Strategy::Pct { depth: 3 })
//! .run();
//! ```

pub mod app;
pub mod explore;
pub mod report;
pub mod script;
pub mod sim;

pub use sim::{
    block, check, io, now, parse_duration, sleep, sleep_until, spawn, spawn_named, timeout,
    yield_now, Budget, Check, Elapsed, Failure, FailureKind, FaultPlan, Hazard, HazardKind,
    HazardPolicy, IoError, JoinError, JoinHandle, Outcome, Policy, RunReport, Schedule, Seed, Sim,
    Strategy, TaskId, Trace, TraceMode,
};
