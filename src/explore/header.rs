//! The expectation header of a scenario file: leading comment lines
//! `# awaitsim: key=value ...` that set per-file defaults and what a run of
//! the file must show.

use super::plan::StrategyChoice;
use crate::report::diagnostic::{Diagnostic, Span};
use crate::sim::{FaultPlan, HazardKind, HazardPolicy, Policy};

/// What exploring a scenario must show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Expect {
    /// No schedule may fail (the default).
    #[default]
    Pass,
    /// Exploration must find a failing schedule (a file demonstrating a bug).
    Fail,
    /// The FIFO run must report this hazard.
    Hazard(HazardKind),
}

/// A scenario's header.
///
/// ```
/// use awaitsim::explore::{Header, Expect};
/// let src = "# awaitsim: expect=fail seeds=500\n# awaitsim: faults=late=1,fail=0.1\nimport asyncio\n";
/// let h = Header::parse(src).unwrap();
/// assert_eq!(h.expect, Expect::Fail);
/// assert_eq!(h.seeds, Some(500));
/// assert_eq!(h.faults.unwrap().fail, 0.1);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    /// Schedules to explore.
    pub seeds: Option<u64>,
    /// Strategy to explore with.
    pub strategy: Option<StrategyChoice>,
    /// Fault plan to explore with.
    pub faults: Option<FaultPlan>,
    /// Hazards that fail a run (`deny=blocking,...`).
    pub deny: Vec<HazardKind>,
    /// Hazards that are ignored (`allow=pending-at-exit,...`).
    pub allow: Vec<HazardKind>,
    /// What exploring must show.
    pub expect: Expect,
    /// Virtual seconds the FIFO run must take.
    pub expect_elapsed: Option<f64>,
    /// Virtual CPU time per interpreted operation (`cpu-cost=1us`).
    pub cpu_cost: Option<std::time::Duration>,
}

const KEYS: &str = "seeds, strategy, faults, deny, allow, expect, expect-elapsed, cpu-cost";

impl Header {
    /// Parses the header from a scenario's source. Only the leading block of
    /// comment and blank lines is read. A malformed item comes back as a
    /// diagnostic pointing at it.
    pub fn parse(source: &str) -> Result<Header, Diagnostic> {
        let mut h = Header::default();
        let mut offset = 0;
        for line in source.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let text = line.trim_end_matches(['\n', '\r']);
            let trimmed = text.trim_start();
            if trimmed.is_empty() {
                continue;
            }
            if !trimmed.starts_with('#') {
                break;
            }
            let body = trimmed[1..].trim_start();
            let Some(rest) = body.strip_prefix("awaitsim:") else {
                continue;
            };
            let rest_at = start + (text.len() - rest.len());
            let mut pos = 0;
            for item in rest.split(' ') {
                let at = rest_at + pos;
                pos += item.len() + 1;
                if item.is_empty() {
                    continue;
                }
                h.apply(item).map_err(|(message, help)| Diagnostic {
                    message,
                    span: Span::new(at as u32, (at + item.len()) as u32),
                    help,
                })?;
            }
        }
        Ok(h)
    }

    fn apply(&mut self, item: &str) -> Result<(), (String, String)> {
        let Some((key, value)) = item.split_once('=') else {
            return Err((
                format!("header item `{item}` has no `=`"),
                format!("write key=value; keys: {KEYS}"),
            ));
        };
        let bad = |what: &str| (format!("bad `{key}` value `{value}`"), what.to_string());
        match key {
            "seeds" => {
                self.seeds = Some(
                    value
                        .parse()
                        .map_err(|_| bad("seeds takes a whole number, like seeds=1000"))?,
                )
            }
            "strategy" => {
                self.strategy = Some(value.parse().map_err(|e: String| bad(&e))?);
            }
            "faults" => {
                self.faults = Some(value.parse().map_err(|e: crate::sim::FaultSpecError| {
                    bad(&format!(
                        "{}; expected a comma list like late=1,fail=0.05,block=0.01:200ms or none",
                        e.message
                    ))
                })?);
            }
            "deny" | "allow" => {
                let kinds = value
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<Vec<HazardKind>, String>>()
                    .map_err(|e| bad(&e))?;
                if key == "deny" {
                    self.deny = kinds;
                } else {
                    self.allow = kinds;
                }
            }
            "expect" => {
                self.expect = match value {
                    "pass" => Expect::Pass,
                    "fail" => Expect::Fail,
                    v => match v.strip_prefix("hazard:").map(str::parse) {
                        Some(Ok(k)) => Expect::Hazard(k),
                        _ => {
                            return Err(bad(
                                "expect takes pass, fail or hazard:KIND (blocking, never-yields, unretrieved, pending-at-exit)",
                            ))
                        }
                    },
                }
            }
            "expect-elapsed" => {
                self.expect_elapsed = Some(
                    value
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite() && *v >= 0.0)
                        .ok_or_else(|| bad("expect-elapsed takes virtual seconds, like 1.5"))?,
                )
            }
            "cpu-cost" => {
                self.cpu_cost = Some(
                    crate::sim::parse_duration(value)
                        .map_err(|_| bad("cpu-cost takes a duration per operation, like 1us"))?,
                )
            }
            _ => {
                return Err((
                    format!("unknown header key `{key}`"),
                    format!("known keys: {KEYS}"),
                ))
            }
        }
        Ok(())
    }

    /// The hazard policy this header asks for, on top of `base`.
    pub fn hazard_policy(&self, base: HazardPolicy) -> HazardPolicy {
        let mut p = base;
        for k in &self.deny {
            p = p.set(*k, Policy::Fail);
        }
        for k in &self.allow {
            p = p.set(*k, Policy::Ignore);
        }
        p
    }
}
