//! (c) The lost-update test: two tasks each read a shared counter, yield,
//! and write it back plus one. Measures schedules per second (a fresh run
//! per schedule) and how many schedules each explorer needs to find the bug.
//!
//! Two shapes of the same bug:
//! - `Shape::Together`: both tasks start at once, so plain FIFO already
//!   loses an update — the throughput workload (2 tasks × 10 yields);
//! - `Shape::Staggered`: the second task first yields `STAGGER` times, so
//!   FIFO never loses an update and an explorer must move a task switch
//!   into the window between a read and its write.

use crate::measure::time;
use awaitsim::{Seed, Sim, Strategy};
use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How the two tasks line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Both tasks start together.
    Together,
    /// The second task yields [`STAGGER`] times before its first read.
    Staggered,
}

/// Yields the second task makes before it starts, in `Shape::Staggered`.
pub const STAGGER: usize = 4;

fn lead_in(shape: Shape, task: usize) -> usize {
    match shape {
        Shape::Staggered if task == 1 => STAGGER,
        _ => 0,
    }
}

/// Generates the test for one executor: its `spawn`, its `yield_now` and
/// its join. Returns the final counter (the test asserts it is
/// `2 × rounds`).
macro_rules! program {
    ($name:ident, $spawn:path, $yield_now:path) => {
        /// The lost-update program on this executor.
        pub async fn $name(shape: Shape, rounds: usize) -> usize {
            let counter = Rc::new(Cell::new(0usize));
            let handles: Vec<_> = (0..2)
                .map(|task| {
                    let c = counter.clone();
                    $spawn(async move {
                        for _ in 0..lead_in(shape, task) {
                            $yield_now().await;
                        }
                        for _ in 0..rounds {
                            let v = c.get();
                            $yield_now().await;
                            c.set(v + 1);
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
            counter.get()
        }
    };
}

program!(awaitsim_program, awaitsim::spawn, awaitsim::yield_now);
program!(
    shuttle_program,
    shuttle::future::spawn_local,
    shuttle::future::yield_now
);
program!(
    tokio_program,
    tokio::task::spawn_local,
    tokio::task::yield_now
);

/// awaitsim's PCT horizon for a program: the steps of one FIFO run (what
/// `awaitsim::check` measures too).
pub fn pct_horizon<F: Future>(program: impl Fn() -> F) -> u64 {
    Sim::new(0).try_run(program()).report.steps
}

/// A reusable awaitsim loop for `strategy` on the lost-update program.
pub fn awaitsim_sim(strategy: Strategy, shape: Shape, rounds: usize) -> Sim {
    let sim = Sim::new(0).strategy(strategy);
    match strategy {
        Strategy::Pct { .. } => sim.pct_horizon(pct_horizon(|| awaitsim_program(shape, rounds))),
        _ => sim,
    }
}

/// `runs` fresh awaitsim runs on one reused `Sim`, seeds `first.nth(i)`.
pub fn awaitsim_runs(sim: &mut Sim, first: u64, runs: u64, rounds: usize) -> Duration {
    let first = Seed(first);
    time(|| {
        let mut total = 0;
        for i in 0..runs {
            sim.set_seed(first.nth(i));
            let out = sim.try_run(awaitsim_program(Shape::Together, rounds));
            total += out.result.unwrap_or(0);
        }
        total
    })
}

fn shuttle_config() -> shuttle::Config {
    let mut config = shuttle::Config::new();
    config.failure_persistence = shuttle::FailurePersistence::None;
    config
}

/// `runs` shuttle runs (`check_random`'s scheduler, seeded).
pub fn shuttle_random_runs(seed: u64, runs: u64, rounds: usize) -> Duration {
    let scheduler = shuttle::scheduler::RandomScheduler::new_from_seed(seed, runs as usize);
    shuttle_runs(scheduler, rounds)
}

/// `runs` shuttle runs (`check_pct`'s scheduler, depth 3, seeded).
pub fn shuttle_pct_runs(seed: u64, runs: u64, rounds: usize) -> Duration {
    let scheduler = shuttle::scheduler::PctScheduler::new_from_seed(seed, 3, runs as usize);
    shuttle_runs(scheduler, rounds)
}

fn shuttle_runs(
    scheduler: impl shuttle::scheduler::Scheduler + 'static,
    rounds: usize,
) -> Duration {
    let runner = shuttle::Runner::new(scheduler, shuttle_config());
    time(|| {
        runner.run(move || {
            std::hint::black_box(shuttle::future::block_on(shuttle_program(
                Shape::Together,
                rounds,
            )));
        })
    })
}

/// `shuttle::check_random` itself (unseeded), for comparison with the
/// seeded runner above: same scheduler, same cost.
pub fn shuttle_check_random(runs: u64, rounds: usize) -> Duration {
    time(|| {
        shuttle::check_random(
            move || {
                std::hint::black_box(shuttle::future::block_on(shuttle_program(
                    Shape::Together,
                    rounds,
                )));
            },
            runs as usize,
        )
    })
}

/// `shuttle::check_pct` itself (unseeded, depth 3).
pub fn shuttle_check_pct(runs: u64, rounds: usize) -> Duration {
    time(|| {
        shuttle::check_pct(
            move || {
                std::hint::black_box(shuttle::future::block_on(shuttle_program(
                    Shape::Together,
                    rounds,
                )));
            },
            runs as usize,
            3,
        )
    })
}

/// `runs` tokio runs, each on a `current_thread` runtime built for it (a
/// fresh run each time), tasks in a `LocalSet`.
pub fn tokio_runs(runs: u64, rounds: usize) -> Duration {
    time(|| {
        let mut total = 0;
        for _ in 0..runs {
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("tokio runtime");
            let local = tokio::task::LocalSet::new();
            total += local.block_on(&rt, tokio_program(Shape::Together, rounds));
        }
        total
    })
}

/// Schedules awaitsim needs to find the lost update from base seed `first`
/// (counting the failing one), or `None` within `limit`.
pub fn awaitsim_find(strategy: Strategy, shape: Shape, first: u64, limit: u64) -> Option<u64> {
    awaitsim::check(move || async move {
        assert_eq!(awaitsim_program(shape, 1).await, 2, "lost update");
    })
    .strategy(strategy)
    .first_seed(first)
    .seeds(limit)
    .find()
    .map(|f| f.index)
}

/// Which shuttle scheduler to find with.
#[derive(Clone, Copy, Debug)]
pub enum ShuttleStrategy {
    /// `check_random`'s scheduler.
    Random,
    /// `check_pct`'s scheduler, depth 3.
    Pct,
}

/// Schedules shuttle needs to find the lost update with seed `seed`, or
/// `None` within `limit`. Shuttle reports a failure by panicking; the panic
/// is caught here (silence the panic hook around calls).
pub fn shuttle_find(strategy: ShuttleStrategy, shape: Shape, seed: u64, limit: u64) -> Option<u64> {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    RUNS.store(0, Ordering::SeqCst);
    let test = move || {
        RUNS.fetch_add(1, Ordering::SeqCst);
        let n = shuttle::future::block_on(shuttle_program(shape, 1));
        assert_eq!(n, 2, "lost update");
    };
    let limit = limit as usize;
    let found = std::panic::catch_unwind(|| match strategy {
        ShuttleStrategy::Random => {
            let s = shuttle::scheduler::RandomScheduler::new_from_seed(seed, limit);
            shuttle::Runner::new(s, shuttle_config()).run(test);
        }
        ShuttleStrategy::Pct => {
            let s = shuttle::scheduler::PctScheduler::new_from_seed(seed, 3, limit);
            shuttle::Runner::new(s, shuttle_config()).run(test);
        }
    })
    .is_err();
    found.then(|| RUNS.load(Ordering::SeqCst) as u64)
}

/// Runs `f` with the panic hook silenced (expected panics of shuttle's
/// failing schedules), restoring the previous hook afterwards.
pub fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = f();
    std::panic::set_hook(prev);
    out
}
