//! What a run produces: its value or a [`Failure`], and a [`RunReport`].

use super::faults::FaultPlan;
use super::hazard::Hazard;
use super::schedule::Schedule;
use super::seed::Seed;
use super::strategy::Strategy;
use super::time::{format_nanos, Nanos};
use super::trace::{Trace, Wait};
use std::fmt;

/// Limits that stop a runaway program instead of hanging the harness.
///
/// ```
/// use awaitsim::{Budget, Sim};
/// let mut sim = Sim::new(0).budget(Budget { max_steps: 10, ..Budget::default() });
/// let out = sim.try_run(async { loop { awaitsim::yield_now().await } });
/// assert_eq!(out.result.unwrap_err().kind(), awaitsim::FailureKind::Budget);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Task steps in one run.
    pub max_steps: u64,
    /// Simulator operations (awaitsim calls, leaf-future polls) within one
    /// step; past it the step "never yields".
    pub max_ops_per_step: u32,
    /// Virtual time horizon in nanoseconds.
    pub max_time: Nanos,
    /// Tasks spawned in one run.
    pub max_tasks: u32,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_steps: 10_000_000,
            max_ops_per_step: 1_000_000,
            max_time: 100 * 24 * 3600 * 1_000_000_000,
            max_tasks: 1_000_000,
        }
    }
}

/// Which budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetKind {
    /// [`Budget::max_steps`].
    Steps,
    /// [`Budget::max_time`].
    Time,
    /// [`Budget::max_tasks`].
    Tasks,
}

/// A task still waiting when a run could make no progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// Task name.
    pub task: String,
    /// What it waits on.
    pub on: Wait,
}

/// The class of a failure, as `explore --json` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailureKind {
    /// A Rust panic or a failed `assert`.
    Assertion,
    /// An uncaught exception in a scenario.
    Exception,
    /// Tasks wait on each other; nothing can run and no timer is pending.
    Deadlock,
    /// Tasks wait on I/O that a fault stalled.
    Stall,
    /// A hazard whose policy is `Fail`.
    Hazard,
    /// A budget ran out.
    Budget,
}

impl FailureKind {
    /// `assertion`, `exception`, `deadlock`, `stall`, `hazard` or `budget`.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Assertion => "assertion",
            FailureKind::Exception => "exception",
            FailureKind::Deadlock => "deadlock",
            FailureKind::Stall => "stall",
            FailureKind::Hazard => "hazard",
            FailureKind::Budget => "budget",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a run failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A task panicked (an `assert!` failed) and the panic reached the run:
    /// in the main future, or in a task whose failure nobody retrieved.
    Panic {
        /// Task name.
        task: String,
        /// The panic message and location.
        message: String,
    },
    /// An uncaught exception from a layer above (a scenario's traceback).
    Exception {
        /// Task name.
        task: String,
        /// The rendered exception.
        message: String,
    },
    /// Nothing ready, no timer pending, tasks still waiting.
    Deadlock {
        /// Each waiting task and what it waits on.
        waiting: Vec<Waiting>,
    },
    /// Like a deadlock, but some task waits on a stalled I/O point.
    Stall {
        /// Each waiting task and what it waits on.
        waiting: Vec<Waiting>,
    },
    /// A hazard whose policy is [`crate::Policy::Fail`].
    Hazard(Hazard),
    /// A budget ran out.
    Budget {
        /// Which one.
        budget: BudgetKind,
        /// Its limit.
        limit: u64,
        /// Virtual time when it ran out.
        at: Nanos,
    },
}

impl Failure {
    /// The failure's class.
    pub fn kind(&self) -> FailureKind {
        match self {
            Failure::Panic { .. } => FailureKind::Assertion,
            Failure::Exception { .. } => FailureKind::Exception,
            Failure::Deadlock { .. } => FailureKind::Deadlock,
            Failure::Stall { .. } => FailureKind::Stall,
            Failure::Hazard(_) => FailureKind::Hazard,
            Failure::Budget { .. } => FailureKind::Budget,
        }
    }
}

impl Failure {
    /// One line for lists and regression files: the exception line of a
    /// traceback, the first line of anything else.
    ///
    /// ```
    /// use awaitsim::Failure;
    /// let f = Failure::Exception {
    ///     task: "main".into(),
    ///     message: "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\nValueError: bad".into(),
    /// };
    /// assert_eq!(f.summary(), "exception: ValueError: bad");
    /// ```
    pub fn summary(&self) -> String {
        let text = match self {
            Failure::Exception { message, .. } | Failure::Panic { message, .. } => message
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim()
                .to_string(),
            other => other.to_string().lines().next().unwrap_or("").to_string(),
        };
        format!("{}: {text}", self.kind())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Panic { task, message } => write!(f, "task {task} panicked: {message}"),
            Failure::Exception { task, message } => {
                write!(f, "uncaught exception in task {task}: {message}")
            }
            Failure::Deadlock { waiting } | Failure::Stall { waiting } => {
                let what = if matches!(self, Failure::Stall { .. }) {
                    "stall: tasks wait on I/O that never completes"
                } else {
                    "deadlock: no task can run and no timer is pending"
                };
                write!(f, "{what}")?;
                for w in waiting {
                    write!(f, "\n  task {} waits on {}", w.task, w.on)?;
                }
                Ok(())
            }
            Failure::Hazard(h) => write!(f, "hazard: {h}"),
            Failure::Budget { budget, limit, at } => {
                let (what, flag) = match budget {
                    BudgetKind::Steps => ("steps", "--max-steps (Budget::max_steps)"),
                    BudgetKind::Time => ("virtual nanoseconds", "--max-time (Budget::max_time)"),
                    BudgetKind::Tasks => ("tasks", "Budget::max_tasks"),
                };
                write!(
                    f,
                    "budget exhausted at {}: more than {limit} {what}; raise {flag} if the program is meant to run this long",
                    format_nanos(*at)
                )
            }
        }
    }
}

/// Everything about a run except its value.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// The seed it ran with.
    pub seed: Seed,
    /// The strategy.
    pub strategy: Strategy,
    /// The fault plan.
    pub faults: FaultPlan,
    /// The recorded decisions: replays this run exactly.
    pub schedule: Schedule,
    /// Hash of the interleaving (the order of steps, timer firings and
    /// faults): equal for equal interleavings, in any process.
    pub trace_hash: u64,
    /// Task steps run.
    pub steps: u64,
    /// Virtual time at the end.
    pub elapsed: Nanos,
    /// Hazards detected (those not ignored).
    pub hazards: Vec<Hazard>,
    /// The full trace, when [`crate::TraceMode::Full`] was asked for.
    pub trace: Option<Trace>,
}

/// A run's result and its report.
#[derive(Debug)]
pub struct Outcome<T> {
    /// The main future's value, or why the run failed.
    pub result: Result<T, Failure>,
    /// Seed, schedule, hazards, trace.
    pub report: RunReport,
}
