//! Shrinking a failing schedule: fewest departures from FIFO, fewest
//! injected faults, shortest run that still fails the same way.
//!
//! A schedule is a list of decisions whose zero is the FIFO / on-time /
//! no-fault choice, so shrinking is greedy: make decisions zero or smaller,
//! cut the tail, and keep any candidate whose replay still fails with the
//! same kind of failure. Each accepted candidate is replaced by the log the
//! replay actually recorded, so the result always replays exactly. Last, the
//! fault plan and the program's RNG seed are dropped if the failure does not
//! need them, so a failure that needs nothing prints the shortest token.

use super::single::{run_one, RunSpec};
use super::target::Target;
use crate::sim::{Outcome, Schedule, Seed, TraceMode};

/// The result of shrinking.
#[derive(Debug)]
pub struct Shrunk {
    /// The minimal failing schedule found.
    pub schedule: Schedule,
    /// Its run, with the full trace.
    pub outcome: Outcome<()>,
    /// Departures from FIFO (and faults) in the original schedule.
    pub original_departures: usize,
    /// Replays tried.
    pub attempts: u32,
}

/// Shrinking needs a failing run to start from.
#[derive(Debug, PartialEq, Eq)]
pub struct NotFailing;

/// Most replays one shrink may try.
const MAX_ATTEMPTS: u32 = 5_000;

/// Shrinks the failing run `spec` describes (by seed or token).
pub fn shrink<T: Target + ?Sized>(target: &T, spec: &RunSpec) -> Result<Shrunk, NotFailing> {
    let original = run_one(target, spec);
    let kind = original.result.as_ref().err().ok_or(NotFailing)?.kind();
    let mut best = original.report.schedule.clone();
    let mut best_outcome = original;
    let original_departures = best.departures();
    let mut attempts = 0;
    let mut replay_spec = spec.clone();
    replay_spec.trace = TraceMode::Full;

    let mut try_candidate =
        |cand: Schedule, attempts: &mut u32| -> Option<(Schedule, Outcome<()>)> {
            *attempts += 1;
            replay_spec.schedule = Some(cand);
            let out = run_one(target, &replay_spec);
            match &out.result {
                Err(f) if f.kind() == kind => Some((out.report.schedule.clone(), out)),
                _ => None,
            }
        };
    let better = |a: &Schedule, a_steps: u64, b: &Schedule, b_steps: u64| {
        (a.departures(), a_steps, weight(a)) < (b.departures(), b_steps, weight(b))
    };

    let mut progress = true;
    while progress && attempts < MAX_ATTEMPTS {
        progress = false;
        // Cut the tail: from a point on, everything runs FIFO with no faults.
        let mut len = best.decisions.len();
        while len > 0 && attempts < MAX_ATTEMPTS {
            len /= 2;
            let cand = Schedule::new(best.seed, best.decisions[..len].to_vec())
                .with_faults(best.faults.clone());
            match try_candidate(cand, &mut attempts) {
                Some((s, out))
                    if better(&s, out.report.steps, &best, best_outcome.report.steps) =>
                {
                    best = s;
                    best_outcome = out;
                    progress = true;
                }
                _ => break,
            }
        }
        // Zero, then shrink, each remaining departure, latest first.
        let mut i = best.decisions.len();
        while i > 0 && attempts < MAX_ATTEMPTS {
            i -= 1;
            let v = best.decisions.get(i).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            for smaller in [0, 1, v / 2] {
                if smaller >= v {
                    continue;
                }
                let mut d = best.decisions.clone();
                d[i] = smaller;
                let cand = Schedule::new(best.seed, d).with_faults(best.faults.clone());
                if let Some((s, out)) = try_candidate(cand, &mut attempts) {
                    if better(&s, out.report.steps, &best, best_outcome.report.steps) {
                        best = s;
                        best_outcome = out;
                        progress = true;
                        break;
                    }
                }
            }
            i = i.min(best.decisions.len());
        }
    }
    // Drop what the failure does not need, so it replays from the shortest
    // token: the fault plan (every fault decision may already be zero), then
    // the seed of the program's own RNG. Kept only if no worse.
    for simpler in [
        |s: &Schedule| Schedule::new(s.seed, s.decisions.clone()),
        |s: &Schedule| {
            Schedule::new(Seed::default(), s.decisions.clone()).with_faults(s.faults.clone())
        },
    ] {
        let cand = simpler(&best);
        if cand == best || attempts >= MAX_ATTEMPTS {
            continue;
        }
        if let Some((s, out)) = try_candidate(cand, &mut attempts) {
            if !better(&best, best_outcome.report.steps, &s, out.report.steps) {
                best = s;
                best_outcome = out;
            }
        }
    }
    // The final outcome must carry a full trace for the account.
    if best_outcome.report.trace.is_none() {
        if let Some((s, out)) = try_candidate(best.clone(), &mut attempts) {
            best = s;
            best_outcome = out;
        }
    }
    Ok(Shrunk {
        schedule: best,
        outcome: best_outcome,
        original_departures,
        attempts,
    })
}

fn weight(s: &Schedule) -> u128 {
    s.decisions.iter().map(|&d| u128::from(d)).sum()
}
