//! `check`: every scenario in a folder against its expectation header.

use super::explore::{config_for, failure_report, ExploreOptions};
use super::run::spec;
use super::{collect_files, Exit, LoadOptions, Loader, Program};
use crate::explore::{explore, sim_for, Expect, Shard};
use crate::sim::{format_nanos, FaultPlan, Seed, Strategy};
use std::io::Write;
use std::path::PathBuf;

/// `awaitsim check [DIR]`.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Folder (or files) of scenarios; default `sims/`.
    pub paths: Vec<PathBuf>,
    /// Worker threads for the explorations.
    pub jobs: usize,
    /// Caps the schedules explored per file (for quick runs).
    pub max_seeds: Option<u64>,
    /// How to load scenarios.
    pub load: LoadOptions,
}

/// Why one scenario did not meet its header, or `None` if it did.
fn check_one(p: &dyn Program, o: &CheckOptions) -> (Option<String>, String) {
    let h = p.header().clone();
    // The FIFO run: CPython's own schedule, no faults.
    let fifo = spec(
        p,
        Seed(0),
        Strategy::Fifo,
        &FaultPlan::none(),
        o.load.budget,
    );
    let c = p.run_captured(&mut sim_for(p, &fifo));
    let report = &c.outcome.report;
    let mut detail = format!("fifo {}", format_nanos(report.elapsed));
    if let Some(want) = h.expect_elapsed {
        let want_ns = (want * 1e9).round() as u64;
        if report.elapsed.abs_diff(want_ns) > 1_000 {
            return (
                Some(format!(
                    "expected the FIFO run to take {want}s of virtual time (expect-elapsed), it took {}",
                    format_nanos(report.elapsed)
                )),
                detail,
            );
        }
    }
    match h.expect {
        Expect::Hazard(kind) => {
            let seen = report.hazards.iter().any(|x| x.kind == kind);
            if !seen {
                return (
                    Some(format!(
                        "expected a {kind} hazard in the FIFO run; none was reported"
                    )),
                    detail,
                );
            }
            (None, detail + &format!(", {kind} hazard reported"))
        }
        Expect::Pass | Expect::Fail => {
            if h.expect == Expect::Pass {
                if let Err(f) = &c.outcome.result {
                    return (
                        Some(format!("expected pass, but the FIFO run failed: {f}")),
                        detail,
                    );
                }
            }
            let eo = ExploreOptions {
                paths: Vec::new(),
                seeds: None,
                time: None,
                strategy: None,
                faults: None,
                jobs: o.jobs,
                shard: Some(Shard::ALL),
                keep_going: false,
                json: false,
                save: false,
                regressions_dir: PathBuf::new(),
                base_seed: Seed(0),
                load: o.load.clone(),
                resume: None,
                interrupt: None,
            };
            let mut cfg = config_for(p, &eo);
            if let (Some(cap), crate::explore::Amount::Seeds(n)) = (o.max_seeds, cfg.amount) {
                cfg.amount = crate::explore::Amount::Seeds(n.min(cap));
            }
            let e = explore(p, &cfg);
            detail.push_str(&format!(
                ", {}, {}",
                crate::report::count(e.schedules, "schedule"),
                crate::explore::describe_distinct(e.distinct, e.distinct_estimated)
            ));
            match (h.expect, e.failures.first()) {
                (Expect::Pass, Some(f)) => {
                    let report = failure_report(p, &cfg, f, &e.schedules.to_string());
                    (Some(format!("expected pass, but exploration failed:\n{report}")), detail)
                }
                (Expect::Fail, None) => (
                    Some(format!(
                        "expected exploration to find a failing schedule (expect=fail); {} schedules all passed",
                        e.schedules
                    )),
                    detail,
                ),
                (Expect::Fail, Some(f)) => (
                    None,
                    detail + &format!(", found {} at schedule {}", f.failure.kind(), f.index + 1),
                ),
                _ => (None, detail),
            }
        }
    }
}

/// Runs every scenario against its header; one line per file, then
/// `N passed, M failed`.
pub fn check(o: &CheckOptions, loader: &Loader, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let files = match collect_files(&o.paths) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "awaitsim: {e}");
            return Exit::BadInput;
        }
    };
    let (mut passed, mut failed, mut bad) = (0, 0, 0);
    for file in files {
        let p = match loader(&file, &o.load) {
            Ok(p) => p,
            Err(msg) => {
                let _ = writeln!(err, "{}", msg.trim_end());
                let _ = writeln!(out, "error {}", file.display());
                bad += 1;
                continue;
            }
        };
        match check_one(&*p, o) {
            (None, detail) => {
                passed += 1;
                let _ = writeln!(out, "ok    {} ({detail})", p.path());
            }
            (Some(why), detail) => {
                failed += 1;
                let _ = writeln!(out, "FAIL  {} ({detail})", p.path());
                for line in why.lines() {
                    let _ = writeln!(out, "      {line}");
                }
            }
        }
    }
    let _ = writeln!(out, "{passed} passed, {} failed", failed + bad);
    if bad > 0 {
        Exit::BadInput
    } else if failed > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    }
}
