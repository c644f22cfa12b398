//! Every scenario in sims/ against its expectation header — the same check
//! `awaitsim check sims` runs — and every saved regression replayed.

use awaitsim::app::{self, CheckOptions, Exit, LoadOptions};
use awaitsim::explore::{regressions, run_one, Expect, RunSpec};
use awaitsim::sim::TraceMode;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_sim_meets_its_header() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = app::check(
        &CheckOptions {
            paths: vec![root().join("sims")],
            jobs: 2,
            max_seeds: None,
            load: LoadOptions::default(),
        },
        &awaitsim::script::load,
        &mut out,
        &mut err,
    );
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    assert_eq!(exit, Exit::Ok, "{out}{err}");
    assert!(out.lines().count() >= 25, "{out}");
}

#[test]
fn every_saved_regression_still_behaves() {
    let dir = root().join("regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = regressions::parse(&file.display().to_string(), &text)
            .unwrap_or_else(|e| panic!("{e}"));
        for r in lines {
            let sim = root().join(&r.sim);
            let p = awaitsim::script::load(&sim, &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let spec = RunSpec {
                seed: r.seed,
                strategy: r.strategy,
                faults: r.faults.clone(),
                schedule: Some(r.schedule.clone()),
                budget: Default::default(),
                hazards: p.hazard_policy(),
                trace: TraceMode::Hash,
            };
            let out = run_one(&*p, &spec);
            match p.header().expect {
                Expect::Fail => assert!(
                    out.result.is_err(),
                    "{}: {} should still fail with its saved schedule",
                    file.display(),
                    r.sim
                ),
                _ => assert!(
                    out.result.is_ok(),
                    "{}: {} fails again with a saved schedule ({}): the bug is back",
                    file.display(),
                    r.sim,
                    r.summary
                ),
            }
        }
    }
}
