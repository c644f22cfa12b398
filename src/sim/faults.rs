//! The fault plan: which failures, stalls, blocking calls and lateness a run
//! may inject, and the `fail=0.05,block=0.01:200ms,late=0.5` syntax for it.

use super::time::{format_nanos, parse_duration, to_nanos, Nanos};
use std::fmt;
use std::str::FromStr;

/// What a run may inject. Each injection is a seeded, recorded decision.
///
/// ```
/// use awaitsim::FaultPlan;
/// let plan: FaultPlan = "fail=0.05,block=0.01:200ms,late=0.5".parse().unwrap();
/// assert_eq!(plan.fail, 0.05);
/// assert_eq!(plan.to_string(), "late=0.5,fail=0.05,block=0.01:200ms");
/// assert_eq!("none".parse::<FaultPlan>().unwrap(), FaultPlan::none());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    /// A timer or I/O completion fires up to `late` × its delay late (never
    /// early), and a blocking call lasts up to `late` × longer.
    pub late: f64,
    /// Probability that an I/O point fails with an injected error.
    pub fail: f64,
    /// Probability that the task awaiting an I/O point is cancelled there.
    pub cancel: f64,
    /// Probability that an I/O point never completes.
    pub stall: f64,
    /// A blocking call of the given length holds the loop at a task step.
    pub block: Option<BlockFault>,
}

/// `block=P:DUR`: with probability `p` a step starts with a blocking call of
/// `duration` nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BlockFault {
    /// Probability per task step.
    pub p: f64,
    /// Length of the injected blocking call.
    pub duration: Nanos,
}

impl FaultPlan {
    /// No faults: the run is FIFO-timed exactly as written.
    pub fn none() -> Self {
        FaultPlan::default()
    }

    /// The exploration default: timers and blocking calls may run up to 1×
    /// late, never early.
    pub fn late(factor: f64) -> Self {
        FaultPlan {
            late: factor,
            ..FaultPlan::default()
        }
    }

    /// True when nothing can be injected.
    pub fn is_none(&self) -> bool {
        *self == FaultPlan::none()
    }

    /// The largest lateness for something of length `delay`.
    pub(crate) fn max_late(&self, delay: Nanos) -> Nanos {
        if self.late <= 0.0 || delay == 0 {
            0
        } else {
            (delay as f64 * self.late).min(u64::MAX as f64 / 2.0) as Nanos
        }
    }
}

impl fmt::Display for FaultPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if self.late > 0.0 {
            parts.push(format!("late={}", self.late));
        }
        if self.fail > 0.0 {
            parts.push(format!("fail={}", self.fail));
        }
        if self.cancel > 0.0 {
            parts.push(format!("cancel={}", self.cancel));
        }
        if self.stall > 0.0 {
            parts.push(format!("stall={}", self.stall));
        }
        if let Some(b) = self.block {
            let d = format_nanos(b.duration);
            parts.push(format!("block={}:{}", b.p, compact_duration(&d)));
        }
        if parts.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

/// `0.200s` → `200ms`, so a printed plan reads like the one typed.
fn compact_duration(secs: &str) -> String {
    let ns = parse_duration(secs).map(to_nanos).unwrap_or(0);
    for (unit, scale) in [("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)] {
        if ns.is_multiple_of(scale) {
            return format!("{}{unit}", ns / scale);
        }
    }
    format!("{ns}ns")
}

/// A malformed fault spec: where in the spec, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultSpecError {
    /// The whole spec as given.
    pub spec: String,
    /// Byte offset of the offending item in `spec`.
    pub offset: usize,
    /// Length of the offending item.
    pub len: usize,
    /// What is wrong, for a person.
    pub message: String,
}

impl fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let col = self.spec[..self.offset].chars().count();
        let width = self.spec[self.offset..self.offset + self.len]
            .chars()
            .count()
            .max(1);
        writeln!(f, "bad fault spec: {}", self.message)?;
        writeln!(f, "  {}", self.spec)?;
        writeln!(f, "  {}{}", " ".repeat(col), "^".repeat(width))?;
        write!(
            f,
            "  expected a comma list of late=F, fail=P, cancel=P, stall=P, block=P:DUR (P in 0..1, DUR like 200ms), or `none`"
        )
    }
}

impl std::error::Error for FaultSpecError {}

impl FromStr for FaultPlan {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut plan = FaultPlan::none();
        if spec.trim() == "none" {
            return Ok(plan);
        }
        let mut offset = 0;
        for item in spec.split(',') {
            let at = offset;
            offset += item.len() + 1;
            let err = |message: String| FaultSpecError {
                spec: spec.to_string(),
                offset: at,
                len: item.len(),
                message,
            };
            let trimmed = item.trim();
            let (key, value) = trimmed
                .split_once('=')
                .ok_or_else(|| err(format!("`{trimmed}` has no `=`")))?;
            let prob = |v: &str| -> Result<f64, FaultSpecError> {
                match v.trim().parse::<f64>() {
                    Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
                    _ => Err(err(format!(
                        "`{key}` takes a probability between 0 and 1, got `{v}`"
                    ))),
                }
            };
            match key.trim() {
                "late" => match value.trim().parse::<f64>() {
                    Ok(v) if (0.0..=1e6).contains(&v) => plan.late = v,
                    _ => {
                        return Err(err(format!(
                            "`late` takes a non-negative factor like 0.5 or 1, got `{value}`"
                        )))
                    }
                },
                "fail" => plan.fail = prob(value)?,
                "cancel" => plan.cancel = prob(value)?,
                "stall" => plan.stall = prob(value)?,
                "block" => {
                    let (p, d) = value.split_once(':').ok_or_else(|| {
                        err(format!(
                            "`block` takes P:DUR, like block=0.01:200ms, got `{value}`"
                        ))
                    })?;
                    let p = prob(p)?;
                    let duration = parse_duration(d).map_err(|e| err(e.to_string()))?;
                    plan.block = Some(BlockFault {
                        p,
                        duration: to_nanos(duration),
                    });
                }
                other => {
                    return Err(err(format!(
                        "unknown fault `{other}`; known faults: late, fail, cancel, stall, block"
                    )))
                }
            }
        }
        Ok(plan)
    }
}
