//! `shrink`: the smallest schedule that still fails the same way.

use super::explore::save;
use super::run::spec;
use super::{Exit, LoadOptions, Loader};
use crate::explore::{shrink as shrink_run, Found};
use crate::sim::{FaultPlan, Schedule, Seed, Strategy};
use std::io::Write;
use std::path::PathBuf;

/// `awaitsim shrink FILE --seed S`.
#[derive(Clone, Debug)]
pub struct ShrinkOptions {
    /// The scenario.
    pub file: PathBuf,
    /// Seed of the failing run.
    pub seed: Seed,
    /// Or its schedule token.
    pub schedule: Option<Schedule>,
    /// Strategy of the failing run.
    pub strategy: Strategy,
    /// Fault plan of the failing run.
    pub faults: FaultPlan,
    /// Append the shrunk schedule to the regressions folder.
    pub save: bool,
    /// Where regressions go.
    pub regressions_dir: PathBuf,
    /// How to load the scenario.
    pub load: LoadOptions,
}

/// Shrinks a failing run and prints the minimal schedule, what it does
/// differently from FIFO, and its replay line.
pub fn shrink(
    o: &ShrinkOptions,
    loader: &Loader,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let p = match loader(&o.file, &o.load) {
        Ok(p) => p,
        Err(msg) => {
            let _ = writeln!(err, "{}", msg.trim_end());
            return Exit::BadInput;
        }
    };
    let mut s = spec(&*p, o.seed, o.strategy, &o.faults, o.load.budget);
    s.schedule = o.schedule.clone();
    let Ok(shrunk) = shrink_run(&*p, &s) else {
        let _ = writeln!(
            err,
            "awaitsim: {} passes with this schedule (seed {}, strategy {}, faults {}); shrink needs a failing run — copy the flags from the replay line of a failure report",
            p.path(),
            o.seed,
            o.strategy,
            o.faults
        );
        return Exit::BadInput;
    };
    let failure = shrunk.outcome.result.as_ref().err();
    let _ = writeln!(
        out,
        "shrunk {}: {} departures from FIFO and faults, down from {} ({} replays)",
        p.path(),
        shrunk.schedule.departures(),
        shrunk.original_departures,
        shrunk.attempts
    );
    if let Some(f) = failure {
        for line in f.to_string().lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if let Some(t) = &shrunk.outcome.report.trace {
        let d = t.departures();
        if d.is_empty() {
            let _ = writeln!(out, "it fails in plain FIFO order with no faults");
        } else {
            let _ = writeln!(out, "what it needs:");
            for line in d {
                let _ = writeln!(out, "  - {line}");
            }
        }
    }
    let _ = writeln!(out, "schedule: {}", shrunk.schedule);
    let _ = writeln!(
        out,
        "replay: awaitsim replay --schedule {} {}",
        shrunk.schedule,
        p.path()
    );
    if o.save {
        if let Some(f) = failure {
            let found = Found {
                index: 0,
                seed: o.seed,
                strategy: o.strategy,
                failure: f.clone(),
                report: shrunk.outcome.report.clone(),
            };
            if let Err(msg) = save(&o.regressions_dir, &o.file, p.path(), &o.faults, &found) {
                let _ = writeln!(err, "awaitsim: {msg}");
                return Exit::BadInput;
            }
        }
    }
    Exit::Failed
}
