//! Runs every comparison of BENCHMARKS.md in one process and prints a
//! markdown table of medians and ratios:
//!
//!     CARGO_TARGET_DIR=... cargo run --release -p awaitsim-bench --bin compare [-- --reps N]
//!
//! Ratios are "peer time / awaitsim time": above 1 means awaitsim is faster.

use awaitsim::Strategy;
use awaitsim_bench::lost_update::{self, Shape, ShuttleStrategy};
use awaitsim_bench::measure::{medians, ns_per};
use awaitsim_bench::{switch, timers};
use std::time::Duration;

const PCT3: Strategy = Strategy::Pct { depth: 3 };

fn main() {
    let (reps, only) = parse_args();
    let run = |section: &str| only.as_deref().is_none_or(|o| o == section);
    let load_before = load();
    println!("# awaitsim comparisons: medians of {reps} batches per cell, interleaved round-robin with the other cells of its row or table (after one warm-up each)\n");
    if run("switch") {
        task_switch(reps);
    }
    if run("timers") {
        timer_sleeps(reps);
    }
    if run("lost") {
        schedules_per_second(reps);
    }
    if run("find") {
        schedules_to_find();
    }
    println!(
        "load average (1, 5, 15 min) at start: {load_before}; at end: {}",
        load()
    );
}

/// The machine's load average, to judge how noisy a run was (other builds
/// share these 2 cores).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// `--reps N` (batches per measurement, default 15) and `--only SECTION`.
fn parse_args() -> (usize, Option<String>) {
    let mut reps = 15;
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--reps", Some(n)) => {
                reps = n.parse().ok().filter(|&n| n > 0).unwrap_or_else(|| usage())
            }
            ("--only", Some(s)) if ["switch", "timers", "lost", "find"].contains(&s.as_str()) => {
                only = Some(s)
            }
            _ => usage(),
        }
    }
    (reps, only)
}

fn usage() -> ! {
    eprintln!("usage: compare [--reps N] [--only switch|timers|lost|find]");
    std::process::exit(2);
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}

/// (a) ns per task switch; target: awaitsim at most 12 ns.
fn task_switch(reps: usize) {
    println!("## (a) task switch: N tasks x M yield_now (ns per switch; target <= 12 ns)\n");
    println!("| N x M | awaitsim fifo | awaitsim random | LocalPool | tokio current_thread | LocalPool / fifo | tokio / fifo | tokio / random | target (fifo, random) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let rt = switch::tokio_rt();
    let mut fifo = switch::awaitsim_sim(Strategy::Fifo);
    let mut random = switch::awaitsim_sim(Strategy::Random);
    for (n, m) in [(100, 1000), (10, 10_000)] {
        let ops = (n * m) as u64;
        let t = medians(
            reps,
            &mut [
                &mut || switch::awaitsim(&mut fifo, n, m),
                &mut || switch::awaitsim(&mut random, n, m),
                &mut || switch::local_pool(n, m),
                &mut || switch::tokio(&rt, n, m),
            ],
        );
        let [f, r, lp, tk] = [0, 1, 2, 3].map(|i| ns_per(t[i], ops));
        println!(
            "| {n} x {m} | {f:.1} | {r:.1} | {lp:.1} | {tk:.1} | {:.2}x | {:.2}x | {:.2}x | {}, {} |",
            lp / f,
            tk / f,
            tk / r,
            verdict(f <= 12.0),
            verdict(r <= 12.0),
        );
    }
    println!();
}

/// (b) ns per sleep; target: awaitsim at least 2x faster than tokio paused.
fn timer_sleeps(reps: usize) {
    println!("## (b) timers: N tasks x M random sleeps, 1 us..10 ms, fixed seed (ns per sleep; target >= 2x tokio paused)\n");
    println!("| N x M | awaitsim fifo | tokio paused | tokio / awaitsim | target |");
    println!("|---|---|---|---|---|");
    let mut sim = awaitsim::Sim::new(1);
    for (n, m) in [(100, 100), (1000, 10)] {
        let plan = timers::durations(n, m);
        let ops = (n * m) as u64;
        let t = medians(
            reps,
            &mut [&mut || timers::awaitsim(&mut sim, &plan), &mut || {
                timers::tokio(&plan)
            }],
        );
        let [a, tk] = [0, 1].map(|i| ns_per(t[i], ops));
        println!(
            "| {n} x {m} | {a:.1} | {tk:.1} | {:.2}x | {} |",
            tk / a,
            verdict(tk / a >= 2.0)
        );
    }
    println!();
}

fn per_sec(d: Duration, runs: u64) -> f64 {
    runs as f64 / d.as_secs_f64()
}

/// (c) fresh runs per second of 2 tasks x 10 yields; target >= 2 M/s.
fn schedules_per_second(reps: usize) {
    const ROUNDS: usize = 10;
    // Batches of roughly 10 ms each.
    const FAST: u64 = 10_000;
    const SLOW: u64 = 2_000;
    println!("## (c) lost-update test, 2 tasks x {ROUNDS} yields, a fresh run per schedule (schedules/s; target >= 2 M/s)\n");
    println!("| explorer | schedules/s | awaitsim / it | target |");
    println!("|---|---|---|---|");
    let mut rnd = lost_update::awaitsim_sim(Strategy::Random, Shape::Together, ROUNDS);
    let mut pct = lost_update::awaitsim_sim(PCT3, Shape::Together, ROUNDS);
    let mut fifo = lost_update::awaitsim_sim(Strategy::Fifo, Shape::Together, ROUNDS);
    // Every batch explores new seeds, as exploration does.
    let seed = std::cell::Cell::new(0u64);
    let next = |n: u64| {
        seed.set(seed.get() + n);
        seed.get()
    };
    let t = medians(
        reps,
        &mut [
            &mut || lost_update::awaitsim_runs(&mut rnd, next(FAST), FAST, ROUNDS),
            &mut || lost_update::awaitsim_runs(&mut pct, next(FAST), FAST, ROUNDS),
            &mut || lost_update::awaitsim_runs(&mut fifo, next(FAST), FAST, ROUNDS),
            &mut || lost_update::shuttle_random_runs(next(1), SLOW, ROUNDS),
            &mut || lost_update::shuttle_check_random(SLOW, ROUNDS),
            &mut || lost_update::shuttle_pct_runs(next(1), SLOW, ROUNDS),
            &mut || lost_update::shuttle_check_pct(SLOW, ROUNDS),
            &mut || lost_update::tokio_runs(SLOW, ROUNDS),
        ],
    );
    let [ar, ap, af] = [0, 1, 2].map(|i| per_sec(t[i], FAST));
    let [sr, scr, sp, scp, tk] = [3, 4, 5, 6, 7].map(|i| per_sec(t[i], SLOW));
    let row = |name: &str, v: f64, base: f64, target: Option<bool>| {
        println!(
            "| {name} | {} | {} | {} |",
            fmt_rate(v),
            if base > 0.0 {
                format!("{:.1}x", base / v)
            } else {
                "-".into()
            },
            target.map_or("-", verdict)
        );
    };
    row("awaitsim random (one Sim reused)", ar, 0.0, Some(ar >= 2e6));
    row("awaitsim pct:3 (one Sim reused)", ap, 0.0, Some(ap >= 2e6));
    row("awaitsim fifo (one Sim reused)", af, 0.0, None);
    row("shuttle random (seeded Runner)", sr, ar, None);
    row("shuttle::check_random", scr, ar, None);
    row("shuttle pct:3 (seeded Runner)", sp, ap, None);
    row("shuttle::check_pct depth 3", scp, ap, None);
    row("tokio current_thread built per run", tk, ar, None);
    println!("\n(random rows compare with awaitsim random, pct rows with awaitsim pct:3)\n");
}

fn fmt_rate(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else {
        format!("{:.0} k", v / 1e3)
    }
}

/// Schedules until the lost update (2 tasks x 1 read-yield-write) is found,
/// median (and max) over 20 base seeds.
fn schedules_to_find() {
    const SEEDS: u64 = 20;
    const LIMIT: u64 = 10_000;
    println!("## schedules needed to find the lost update (2 tasks x 1 read/yield/write; median [max] over {SEEDS} base seeds, limit {LIMIT})\n");
    println!("| shape | awaitsim fifo | awaitsim random | awaitsim pct:3 | shuttle random | shuttle pct:3 |");
    println!("|---|---|---|---|---|---|");
    for shape in [Shape::Together, Shape::Staggered] {
        let aw = |s: Strategy| stat(|seed| lost_update::awaitsim_find(s, shape, seed, LIMIT));
        let sh = |s: ShuttleStrategy| {
            lost_update::quietly(|| stat(|seed| lost_update::shuttle_find(s, shape, seed, LIMIT)))
        };
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            match shape {
                Shape::Together => "together".to_string(),
                Shape::Staggered => format!("staggered ({} yields)", lost_update::STAGGER),
            },
            // FIFO makes no choices: one schedule says all there is.
            stat_n(1, |seed| lost_update::awaitsim_find(
                Strategy::Fifo,
                shape,
                seed,
                1
            )),
            aw(Strategy::Random),
            aw(PCT3),
            sh(ShuttleStrategy::Random),
            sh(ShuttleStrategy::Pct),
        );
    }
    println!();
}

fn stat(find: impl FnMut(u64) -> Option<u64>) -> String {
    stat_n(20, find)
}

fn stat_n(seeds: u64, mut find: impl FnMut(u64) -> Option<u64>) -> String {
    let found: Vec<Option<u64>> = (0..seeds).map(|k| find(1000 + 7919 * k)).collect();
    let mut hits: Vec<u64> = found.iter().flatten().copied().collect();
    if hits.len() * 2 <= found.len() {
        return format!("not found ({} of {seeds} seeds)", hits.len());
    }
    hits.sort_unstable();
    // Misses count as larger than every hit.
    let missed = found.len() - hits.len();
    let median = hits[found.len() / 2];
    let max = if missed > 0 {
        format!("{missed} missed")
    } else {
        hits.last().unwrap().to_string()
    };
    format!("{median} [{max}]")
}
