//! `run`, `replay` and `timeline`: one schedule of one scenario.

use super::{Captured, Exit, LoadOptions, Loader, Program};
use crate::explore::{sim_for, RunSpec};
use crate::report::failure::{render, replay_line};
use crate::report::timeline::Timeline;
use crate::sim::{Budget, Failure, FaultPlan, Schedule, Seed, Strategy, TraceMode};
use std::io::Write;
use std::path::PathBuf;

/// `awaitsim run FILE`.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The scenario.
    pub file: PathBuf,
    /// Seed (default 0).
    pub seed: Seed,
    /// Strategy (default fifo: CPython's order).
    pub strategy: Strategy,
    /// Faults (default none).
    pub faults: FaultPlan,
    /// Print the event trace to stderr.
    pub trace: bool,
    /// Print an ASCII timeline to stderr.
    pub timeline: bool,
    /// How to load the scenario.
    pub load: LoadOptions,
}

/// `awaitsim replay FILE (--seed S | --schedule TOKEN)`.
#[derive(Clone, Debug)]
pub struct ReplayOptions {
    /// The scenario.
    pub file: PathBuf,
    /// The seed to replay.
    pub seed: Seed,
    /// A schedule token to replay instead of the seed's decisions.
    pub schedule: Option<Schedule>,
    /// Strategy of the original run.
    pub strategy: Strategy,
    /// Fault plan of the original run.
    pub faults: FaultPlan,
    /// How to load the scenario.
    pub load: LoadOptions,
}

/// `awaitsim timeline FILE [--seed S] [--svg OUT]`.
#[derive(Clone, Debug)]
pub struct TimelineOptions {
    /// The scenario.
    pub file: PathBuf,
    /// Seed.
    pub seed: Seed,
    /// Strategy (default fifo).
    pub strategy: Strategy,
    /// Faults (default none).
    pub faults: FaultPlan,
    /// Also write an SVG picture here.
    pub svg: Option<PathBuf>,
    /// How to load the scenario.
    pub load: LoadOptions,
}

/// One schedule of `p` with its header's hazard policy and a full trace.
pub(crate) fn spec(
    p: &dyn Program,
    seed: Seed,
    strategy: Strategy,
    faults: &FaultPlan,
    budget: Budget,
) -> RunSpec {
    RunSpec {
        seed,
        strategy,
        faults: faults.clone(),
        schedule: None,
        budget,
        hazards: p.hazard_policy(),
        trace: TraceMode::Full,
    }
}

/// Loads the scenario (or explains why not, on `err`) and runs one
/// schedule of it: the common start of `run`, `replay` and `timeline`.
#[allow(clippy::too_many_arguments)]
fn load_and_run(
    loader: &Loader,
    file: &std::path::Path,
    opts: &LoadOptions,
    seed: Seed,
    strategy: Strategy,
    faults: &FaultPlan,
    schedule: Option<Schedule>,
    err: &mut dyn Write,
) -> Option<(Box<dyn Program>, RunSpec, Captured)> {
    let p = match loader(file, opts) {
        Ok(p) => p,
        Err(msg) => {
            let _ = writeln!(err, "{}", msg.trim_end());
            return None;
        }
    };
    let mut spec = spec(&*p, seed, strategy, faults, opts.budget);
    spec.schedule = schedule;
    let c = p.run_captured(&mut sim_for(&*p, &spec));
    Some((p, spec, c))
}

/// Writes what a run printed, its hazards, and — if it failed — the report
/// ending with the replay line. Returns the exit status.
fn finish(
    p: &dyn Program,
    spec: &RunSpec,
    c: &Captured,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let _ = out.write_all(c.stdout.as_bytes());
    let _ = out.flush();
    let _ = err.write_all(c.stderr.as_bytes());
    let report = &c.outcome.report;
    match &c.outcome.result {
        Ok(()) => {
            for h in &report.hazards {
                let _ = writeln!(err, "awaitsim: hazard: {h}");
            }
            Exit::Ok
        }
        Err(f) => {
            let replay = match &spec.schedule {
                Some(s) => format!("replay: awaitsim replay --schedule {s} {}", p.path()),
                None => replay_line(p.path(), spec.seed, spec.strategy, &spec.faults),
            };
            let shown = match f {
                Failure::Exception { message, .. } => c.stderr.contains(message.as_str()),
                _ => false,
            };
            let _ = write!(err, "{}", render(p.path(), f, report, "", &replay, shown));
            Exit::Failed
        }
    }
}

/// Runs one schedule (FIFO by default: the program's output is what
/// `python3 FILE` prints).
pub fn run(o: &RunOptions, loader: &Loader, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let Some((p, spec, c)) = load_and_run(
        loader, &o.file, &o.load, o.seed, o.strategy, &o.faults, None, err,
    ) else {
        return Exit::BadInput;
    };
    if let Some(t) = &c.outcome.report.trace {
        if o.trace {
            let _ = write!(err, "{}", t.render());
        }
        if o.timeline {
            let _ = write!(err, "{}", Timeline::from_trace(t).render_ascii(100));
        }
    }
    finish(&*p, &spec, &c, out, err)
}

/// Replays one schedule exactly and prints its trace.
pub fn replay(
    o: &ReplayOptions,
    loader: &Loader,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let Some((p, spec, c)) = load_and_run(
        loader,
        &o.file,
        &o.load,
        o.seed,
        o.strategy,
        &o.faults,
        o.schedule.clone(),
        err,
    ) else {
        return Exit::BadInput;
    };
    if let Some(t) = &c.outcome.report.trace {
        let _ = writeln!(err, "trace of {}:", p.path());
        let _ = write!(err, "{}", t.render());
    }
    let _ = writeln!(err, "trace hash: 0x{:016x}", c.outcome.report.trace_hash);
    finish(&*p, &spec, &c, out, err)
}

/// Draws one run as swimlanes (ASCII on `out`; SVG to a file).
pub fn timeline(
    o: &TimelineOptions,
    loader: &Loader,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let Some((_, _, c)) = load_and_run(
        loader, &o.file, &o.load, o.seed, o.strategy, &o.faults, None, err,
    ) else {
        return Exit::BadInput;
    };
    let Some(trace) = &c.outcome.report.trace else {
        return Exit::Failed;
    };
    let t = Timeline::from_trace(trace);
    let _ = write!(out, "{}", t.render_ascii(100));
    if let Some(path) = &o.svg {
        if let Err(e) = std::fs::write(path, t.render_svg()) {
            let _ = writeln!(err, "awaitsim: cannot write {}: {e}", path.display());
            return Exit::BadInput;
        }
        let _ = writeln!(err, "awaitsim: wrote {}", path.display());
    }
    match &c.outcome.result {
        Ok(()) => Exit::Ok,
        Err(f) => {
            let _ = writeln!(err, "awaitsim: the run failed: {f}");
            Exit::Failed
        }
    }
}
