//! Scenario benchmarks: the interpreter against CPython, exploration
//! throughput and interleaving coverage. `cargo run --release -p
//! awaitsim-bench --bin scenarios` (run from the repository root; needs
//! python3 for the CPython columns). Schedules needed to find each bug are
//! measured by the `find` binary.

use awaitsim::app::{LoadOptions, Program};
use awaitsim::explore::{explore, ExploreConfig, StrategyChoice};
use awaitsim::{FaultPlan, Seed, Strategy};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn time_cmd(cmd: &mut Command, reps: usize) -> f64 {
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                let out = cmd.output().expect("runs");
                assert!(out.status.success(), "{:?} failed", cmd);
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn load(path: &str) -> Box<dyn Program> {
    awaitsim::script::load(Path::new(path), &LoadOptions::default()).expect("loads")
}

fn interpreter(reps: usize) {
    println!("## Interpreter against CPython (`awaitsim run` vs `python3`, median of {reps} runs, wall seconds)\n");
    println!("| scenario | python3 | awaitsim run | python3 ÷ awaitsim |");
    println!("|---|---|---|---|");
    let exe = std::env::current_exe().unwrap();
    let awaitsim = exe.parent().unwrap().join("awaitsim");
    for s in ["many_sleepers", "slow_sleepers", "cpu_loop"] {
        let file = format!("bench/scenarios/{s}.py");
        let reps = if s == "slow_sleepers" { 3 } else { reps };
        let py = time_cmd(Command::new("python3").arg(&file), reps);
        let us = time_cmd(Command::new(&awaitsim).args(["run", &file]), reps);
        println!("| {s} | {py:.3} | {us:.3} | {:.2}× |", py / us);
    }
    println!();
}

fn cfg(
    strategy: StrategyChoice,
    faults: FaultPlan,
    n: u64,
    base: u64,
    jobs: usize,
) -> ExploreConfig {
    let mut c = ExploreConfig::seeds(n);
    c.strategy = strategy;
    c.faults = faults;
    c.base_seed = Seed(base);
    c.jobs = jobs;
    c
}

fn throughput() {
    const RUNS: usize = 7;
    println!("## Exploration throughput (`bench/scenarios/race.py`, 2 tasks × 3 read/yield/write rounds; random, faults late=1)\n");
    println!("Median of {RUNS} explorations of 20,000 schedules each (range in brackets).\n");
    println!("| jobs | seconds | schedules/s | per core |");
    println!("|---|---|---|---|");
    let p = load("bench/scenarios/race.py");
    for jobs in [1usize, 2] {
        let mut rates: Vec<(f64, f64)> = (0..RUNS)
            .map(|_| {
                let c = cfg(
                    StrategyChoice::Single(Strategy::Random),
                    FaultPlan::late(1.0),
                    20_000,
                    0,
                    jobs,
                );
                let e = explore(&*p, &c);
                (e.schedules_per_sec(), e.elapsed.as_secs_f64())
            })
            .collect();
        rates.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (median, secs) = rates[RUNS / 2];
        let per_core = |r: f64| r / jobs as f64;
        println!(
            "| {jobs} | {secs:.3} | {median:.0} [{:.0}–{:.0}] | {:.0} [{:.0}–{:.0}] |",
            rates[0].0,
            rates[RUNS - 1].0,
            per_core(median),
            per_core(rates[0].0),
            per_core(rates[RUNS - 1].0)
        );
    }
    println!();
}

fn coverage() {
    println!(
        "## Distinct interleavings in 2,000 schedules of `sims/counter_race.py` (70 possible)\n"
    );
    println!("| strategy | distinct |");
    println!("|---|---|");
    let p = load("sims/counter_race.py");
    for (n, st) in [
        ("random", StrategyChoice::Single(Strategy::Random)),
        ("pct", StrategyChoice::Single(Strategy::PCT)),
        ("pos", StrategyChoice::Single(Strategy::Pos)),
        ("portfolio", StrategyChoice::Portfolio),
    ] {
        let mut c = cfg(st, FaultPlan::none(), 2000, 0, 2);
        c.keep_going = true;
        let e = explore(&*p, &c);
        println!("| {n} | {} |", e.distinct);
    }
    println!();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let run = |s: &str| only.as_deref().is_none_or(|o| o == s);
    if run("interp") {
        interpreter(5);
    }
    if run("throughput") {
        throughput();
    }
    if run("coverage") {
        coverage();
    }
}

/// The awaitsim binary's allocator (src/main.rs), so these numbers are the
/// ones `awaitsim explore` gives.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
