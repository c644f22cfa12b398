//! Runs one awaitsim workload in a loop, for a profiler (callgrind):
//!
//!     valgrind --tool=callgrind target/release/workload switch-fifo
//!
//! Workloads: switch-fifo, switch-random, timers, lost-random, lost-pct.

use awaitsim::Strategy;
use awaitsim_bench::lost_update::{self, Shape};
use awaitsim_bench::{switch, timers};

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let batches: u64 = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    match which.as_str() {
        "switch-fifo" | "switch-random" => {
            let strategy = if which == "switch-fifo" {
                Strategy::Fifo
            } else {
                Strategy::Random
            };
            let mut sim = switch::awaitsim_sim(strategy);
            for _ in 0..batches {
                switch::awaitsim(&mut sim, 100, 1000);
            }
        }
        "timers" => {
            let mut sim = awaitsim::Sim::new(1);
            let plan = timers::durations(1000, 10);
            for _ in 0..batches {
                timers::awaitsim(&mut sim, &plan);
            }
        }
        "lost-random" | "lost-pct" => {
            let strategy = if which == "lost-random" {
                Strategy::Random
            } else {
                Strategy::Pct { depth: 3 }
            };
            let mut sim = lost_update::awaitsim_sim(strategy, Shape::Together, 10);
            for b in 0..batches {
                lost_update::awaitsim_runs(&mut sim, b * 20_000, 20_000, 10);
            }
        }
        _ => {
            eprintln!(
                "usage: workload switch-fifo|switch-random|timers|lost-random|lost-pct [BATCHES]"
            );
            std::process::exit(2);
        }
    }
}
