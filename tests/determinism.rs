//! Determinism across processes: every sim under every strategy, explored in
//! two separate processes (one with `--jobs 1`, one with `--jobs 2`), gives
//! the same distinct interleavings (every trace hash, with the first
//! schedule that produced it), the same failures and the same counts.

mod common;

use std::process::Command;

fn explore(strategy: &str, jobs: &str) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_awaitsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "explore",
            "sims",
            "--json",
            "--keep-going",
            // A one-slice shard makes each line carry its trace hashes.
            "--shard",
            "0/1",
            "--seeds",
            "60",
            "--strategy",
            strategy,
            "--jobs",
            jobs,
        ])
        .output()
        .expect("run awaitsim");
    common::json_without_timing(&String::from_utf8(out.stdout).unwrap())
}

#[test]
fn every_sim_under_every_strategy_is_identical_across_processes_and_jobs() {
    for strategy in ["fifo", "random", "pct", "pos", "portfolio"] {
        let a = explore(strategy, "1");
        let b = explore(strategy, "2");
        assert!(a.len() >= 25, "{strategy}: {} results", a.len());
        for (x, y) in a.iter().zip(&b) {
            assert!(
                !x["hashes"].as_array().unwrap().is_empty(),
                "{strategy}: no hashes for {}",
                x["file"]
            );
            assert_eq!(x, y, "{strategy}: {} differs between processes", x["file"]);
        }
        assert_eq!(a.len(), b.len());
    }
}
