//! Schedule tokens: a run's recorded decisions as a short printable string.
//!
//! Every decision a run makes — which ready callback runs next, how late a
//! timer fires, whether a fault is injected — is logged as a number whose
//! zero is the FIFO, on-time, no-fault choice. A token carries the seed (for
//! the program's own `random` draws), the fault plan (which decides which
//! decisions exist) and that log, so it alone replays the run without the
//! scheduler's RNG, and shrinking is "make numbers zero".

use super::faults::FaultPlan;
use super::seed::Seed;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::fmt;
use std::str::FromStr;

const PREFIX: &str = "s1.";

/// A recorded schedule: the seed, the fault plan and the decision log of
/// one run.
///
/// ```
/// use awaitsim::{FaultPlan, Schedule, Seed};
/// let s = Schedule::new(Seed(7), vec![0, 0, 0, 2, 0, 1]).with_faults(FaultPlan::late(1.0));
/// let token = s.to_string();
/// assert!(token.starts_with("s1."));
/// assert_eq!(token.parse::<Schedule>().unwrap(), s);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schedule {
    /// Seeds the program's own RNG (the `random` module of a scenario).
    pub seed: Seed,
    /// The fault plan the run was made under; a replay uses it, since it
    /// decides which fault decisions the log holds.
    pub faults: FaultPlan,
    /// One entry per decision, in the order the run made them; 0 is the
    /// FIFO / on-time / no-fault choice. Missing trailing entries read as 0.
    pub decisions: Vec<u64>,
}

impl Schedule {
    /// A schedule from its parts; trailing zero decisions are dropped since
    /// replay reads missing decisions as zero.
    pub fn new(seed: Seed, mut decisions: Vec<u64>) -> Self {
        while decisions.last() == Some(&0) {
            decisions.pop();
        }
        Schedule {
            seed,
            faults: FaultPlan::none(),
            decisions,
        }
    }

    /// The same schedule, made under `faults`.
    pub fn with_faults(mut self, faults: FaultPlan) -> Self {
        self.faults = faults;
        self
    }

    /// How many decisions depart from the default (FIFO order, on time, no
    /// fault): the number shrinking minimises.
    pub fn departures(&self) -> usize {
        self.decisions.iter().filter(|&&d| d != 0).count()
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Runs of zeros dominate (most decisions are FIFO), so they are stored
        // as a count: item = (zeros << 1) for a run, ((v - 1) << 1) | 1 for v.
        let mut bytes = Vec::with_capacity(16 + self.decisions.len() / 4);
        put_varint(&mut bytes, self.seed.0);
        let plan = if self.faults.is_none() {
            String::new()
        } else {
            self.faults.to_string()
        };
        put_varint(&mut bytes, plan.len() as u64);
        bytes.extend_from_slice(plan.as_bytes());
        let mut i = 0;
        let d = &self.decisions;
        while i < d.len() {
            if d[i] == 0 {
                let start = i;
                while i < d.len() && d[i] == 0 {
                    i += 1;
                }
                put_varint(&mut bytes, ((i - start) as u64) << 1);
            } else {
                put_varint(&mut bytes, ((d[i] - 1) << 1) | 1);
                i += 1;
            }
        }
        write!(f, "{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// Why a string is not a schedule token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleError {
    input: String,
    reason: &'static str,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.input.chars().take(40).collect();
        write!(
            f,
            "`{shown}` is not a schedule token: {}; copy the token exactly as a failure report printed it (it starts with `{PREFIX}`)",
            self.reason
        )
    }
}

impl std::error::Error for ScheduleError {}

/// Longest decision log a token may expand to; keeps a hostile token from
/// allocating without bound.
const MAX_DECISIONS: u64 = 1 << 24;

impl FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ScheduleError {
            input: s.to_string(),
            reason,
        };
        let body = s
            .trim()
            .strip_prefix(PREFIX)
            .ok_or_else(|| err("wrong prefix"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| err("not base64url"))?;
        let mut pos = 0;
        let seed = get_varint(&bytes, &mut pos).ok_or_else(|| err("truncated"))?;
        let plan_len = get_varint(&bytes, &mut pos).ok_or_else(|| err("truncated"))?;
        let plan_end = usize::try_from(plan_len)
            .ok()
            .and_then(|n| pos.checked_add(n))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| err("truncated"))?;
        let faults = match std::str::from_utf8(&bytes[pos..plan_end]) {
            Ok("") => FaultPlan::none(),
            Ok(spec) => spec
                .parse()
                .map_err(|_| err("its fault plan is malformed"))?,
            Err(_) => return Err(err("its fault plan is malformed")),
        };
        pos = plan_end;
        let mut decisions = Vec::new();
        while pos < bytes.len() {
            let item = get_varint(&bytes, &mut pos).ok_or_else(|| err("truncated"))?;
            if item & 1 == 0 {
                let zeros = item >> 1;
                if zeros + decisions.len() as u64 > MAX_DECISIONS {
                    return Err(err("too long"));
                }
                decisions.extend(std::iter::repeat_n(0, zeros as usize));
            } else {
                decisions.push((item >> 1) + 1);
            }
            if decisions.len() as u64 > MAX_DECISIONS {
                return Err(err("too long"));
            }
        }
        Ok(Schedule::new(Seed(seed), decisions).with_faults(faults))
    }
}
