//! Peak memory of a long exploration: run N schedules of the lost-update
//! test through `explore` (one job) and let `/usr/bin/time -v` report the
//! peak RSS. `cargo run --release -p awaitsim-bench --bin memory -- 1000000`.

use awaitsim::explore::{explore, ExploreConfig, StrategyChoice};
use awaitsim::{spawn, yield_now, FaultPlan, Strategy};
use std::cell::Cell;
use std::rc::Rc;

async fn lost_update() {
    let n = Rc::new(Cell::new(0));
    let mut hs = Vec::new();
    for _ in 0..2 {
        let n = n.clone();
        hs.push(spawn(async move {
            for _ in 0..10 {
                let v = n.get();
                yield_now().await;
                n.set(v + 1);
            }
        }));
    }
    for h in hs {
        let _ = h.await;
    }
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let mut cfg = ExploreConfig::seeds(n);
    cfg.strategy = StrategyChoice::Single(Strategy::Random);
    cfg.faults = FaultPlan::late(1.0);
    cfg.jobs = 1;
    let e = explore(&lost_update, &cfg);
    println!(
        "{} schedules, {}{} distinct interleavings{}, {:.0} schedules/s",
        e.schedules,
        if e.distinct_estimated { "~" } else { "" },
        e.distinct,
        if e.distinct_estimated {
            format!(
                " (estimated; the first {} counted exactly)",
                e.interleavings.hashes().count()
            )
        } else {
            String::new()
        },
        e.schedules_per_sec()
    );
}
