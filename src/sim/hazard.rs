//! Hazards: things a run did that real async code gets wrong — blocking the
//! loop, never yielding, losing a task's failure, leaving tasks behind.

use super::time::{format_nanos, Nanos};
use std::fmt;

/// The kinds of hazard the simulator detects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HazardKind {
    /// A blocking call longer than the threshold held the loop.
    Blocking,
    /// A step exceeded its operation budget without suspending.
    NeverYields,
    /// A task failed and nobody ever retrieved the failure.
    UnretrievedFailure,
    /// The main future finished while other tasks were still pending.
    PendingAtExit,
}

impl HazardKind {
    /// The name used in headers, flags and JSON: `blocking`, `never-yields`,
    /// `unretrieved`, `pending-at-exit`.
    pub fn name(self) -> &'static str {
        match self {
            HazardKind::Blocking => "blocking",
            HazardKind::NeverYields => "never-yields",
            HazardKind::UnretrievedFailure => "unretrieved",
            HazardKind::PendingAtExit => "pending-at-exit",
        }
    }

    /// All kinds, in a fixed order.
    pub const ALL: [HazardKind; 4] = [
        HazardKind::Blocking,
        HazardKind::NeverYields,
        HazardKind::UnretrievedFailure,
        HazardKind::PendingAtExit,
    ];
}

impl fmt::Display for HazardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for HazardKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        HazardKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown hazard `{s}`; known: blocking, never-yields, unretrieved, pending-at-exit")
            })
    }
}

/// One detected hazard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hazard {
    /// What kind.
    pub kind: HazardKind,
    /// The task involved, by name.
    pub task: Option<String>,
    /// Virtual time of detection.
    pub at: Nanos,
    /// Source location (`file:line:col`) of the call, where known.
    pub location: Option<String>,
    /// A sentence for a person.
    pub message: String,
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.kind, format_nanos(self.at))?;
        if let Some(t) = &self.task {
            write!(f, " in task {t}")?;
        }
        if let Some(l) = &self.location {
            write!(f, " ({l})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What to do when a hazard is detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Policy {
    /// Record nothing.
    Ignore,
    /// Record it in the run's report; the run goes on.
    #[default]
    Report,
    /// Stop the run as failed.
    Fail,
}

/// A policy per hazard kind.
///
/// ```
/// use awaitsim::{HazardKind, HazardPolicy, Policy};
/// let p = HazardPolicy::default().set(HazardKind::Blocking, Policy::Fail);
/// assert_eq!(p.get(HazardKind::Blocking), Policy::Fail);
/// assert_eq!(p.get(HazardKind::NeverYields), Policy::Fail);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HazardPolicy {
    policies: [Policy; 4],
    /// Blocking calls at least this long are hazards (default 100 ms, as
    /// asyncio's debug-mode `slow_callback_duration`).
    pub blocking_threshold: Nanos,
}

impl Default for HazardPolicy {
    fn default() -> Self {
        HazardPolicy {
            // A step that never yields, or a failure nobody looks at, is a
            // bug in every program; blocking and leftovers are judgement calls.
            policies: [Policy::Report, Policy::Fail, Policy::Fail, Policy::Report],
            blocking_threshold: 100_000_000,
        }
    }
}

impl HazardPolicy {
    /// The policy for `kind`.
    pub fn get(&self, kind: HazardKind) -> Policy {
        self.policies[kind as usize]
    }

    /// Sets the policy for `kind`.
    pub fn set(mut self, kind: HazardKind, policy: Policy) -> Self {
        self.policies[kind as usize] = policy;
        self
    }
}
