//! Criterion micro-benchmarks of the same workloads `compare` runs, for
//! statistics and history across commits (criterion's own reports):
//!
//!     cargo bench -p awaitsim-bench --bench executor
//!
//! Each benchmark times whole batches with `iter_custom`; the throughput is
//! set so criterion reports elements (task switches, sleeps, schedules) per
//! second.

use awaitsim::Strategy;
use awaitsim_bench::lost_update::{self, Shape};
use awaitsim_bench::{switch, timers};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::time::Duration;

fn task_switch(c: &mut Criterion) {
    let (n, m) = (10, 10_000);
    let mut g = c.benchmark_group("task_switch_10x10000");
    g.throughput(Throughput::Elements((n * m) as u64));
    let mut fifo = switch::awaitsim_sim(Strategy::Fifo);
    g.bench_function("awaitsim_fifo", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| switch::awaitsim(&mut fifo, n, m)).sum())
    });
    let mut random = switch::awaitsim_sim(Strategy::Random);
    g.bench_function("awaitsim_random", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| switch::awaitsim(&mut random, n, m))
                .sum()
        })
    });
    g.bench_function("local_pool", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| switch::local_pool(n, m)).sum())
    });
    let rt = switch::tokio_rt();
    g.bench_function("tokio_current_thread", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| switch::tokio(&rt, n, m)).sum())
    });
    g.finish();
}

fn timer_sleeps(c: &mut Criterion) {
    let (n, m) = (100, 100);
    let plan = timers::durations(n, m);
    let mut g = c.benchmark_group("timers_100x100");
    g.throughput(Throughput::Elements((n * m) as u64));
    let mut sim = awaitsim::Sim::new(1);
    g.bench_function("awaitsim", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| timers::awaitsim(&mut sim, &plan)).sum())
    });
    g.bench_function("tokio_paused", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| timers::tokio(&plan)).sum())
    });
    g.finish();
}

fn schedules(c: &mut Criterion) {
    const RUNS: u64 = 1000;
    let mut g = c.benchmark_group("lost_update_2x10_schedules");
    g.throughput(Throughput::Elements(RUNS));
    for (name, strategy) in [
        ("awaitsim_random", Strategy::Random),
        ("awaitsim_pct3", Strategy::Pct { depth: 3 }),
    ] {
        let mut sim = lost_update::awaitsim_sim(strategy, Shape::Together, 10);
        let mut seed = 0;
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        seed += RUNS;
                        lost_update::awaitsim_runs(&mut sim, seed, RUNS, 10)
                    })
                    .sum::<Duration>()
            })
        });
    }
    let mut seed = 0;
    g.bench_function("shuttle_random", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    seed += 1;
                    lost_update::shuttle_random_runs(seed, RUNS, 10)
                })
                .sum::<Duration>()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = task_switch, timer_sleeps, schedules
}
criterion_main!(benches);
