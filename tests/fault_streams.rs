//! Fault decisions come from their own seeded streams (one per task), apart
//! from the scheduling strategy's: on a given seed a fault plan does the
//! same thing whatever the strategy, so a bug that needs only a late timer
//! is found at the same schedule by every strategy.

use awaitsim::app::LoadOptions;
use awaitsim::explore::{explore, ExploreConfig, StrategyChoice};
use awaitsim::sim::{Event, Fault, TaskId};
use awaitsim::{io, spawn, yield_now, FaultPlan, Seed, Sim, Strategy, TraceMode};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

const STRATEGIES: [Strategy; 5] = [
    Strategy::Fifo,
    Strategy::Random,
    Strategy::Pct { depth: 2 },
    Strategy::Pct { depth: 3 },
    Strategy::Pos,
];

/// Each worker's injected faults, in the order it met them. (Not main's: how
/// many steps main takes, and so how many `block` coins it tosses, depends
/// on whether a worker already finished when main awaits it.)
fn faults_by_task(strategy: Strategy, seed: u64) -> BTreeMap<TaskId, Vec<Fault>> {
    let plan: FaultPlan = "late=1,fail=0.2,block=0.1:1ms".parse().unwrap();
    let out = Sim::new(seed)
        .strategy(strategy)
        .faults(plan)
        .trace(TraceMode::Full)
        .try_run(async {
            let workers: Vec<_> = (0..4u64)
                .map(|w| {
                    spawn(async move {
                        for k in 0..4u64 {
                            yield_now().await;
                            let _ =
                                io("req", Duration::from_millis(1 + (w * 7 + k * 3) % 10)).await;
                        }
                    })
                })
                .collect();
            for w in workers {
                w.await.unwrap();
            }
        });
    let mut by_task: BTreeMap<TaskId, Vec<Fault>> = BTreeMap::new();
    for r in out.report.trace.expect("full trace").events {
        if let Event::Fault {
            task: Some(task),
            fault,
        } = r.event
        {
            if task == TaskId::MAIN {
                continue;
            }
            by_task.entry(task).or_default().push(fault);
        }
    }
    by_task
}

#[test]
fn a_seed_injects_the_same_faults_in_each_worker_under_every_strategy() {
    let (mut saw_fail, mut saw_block) = (false, false);
    for seed in 0..40 {
        let fifo = faults_by_task(Strategy::Fifo, seed);
        // The random draws (not just `late`, which every I/O gets) must
        // happen, or equal fault lists would prove nothing about streams.
        let all = || fifo.values().flatten();
        saw_fail |= all().any(|f| matches!(f, Fault::Fail { .. }));
        saw_block |= all().any(|f| matches!(f, Fault::LongerBlock { .. }));
        for s in &STRATEGIES[1..] {
            assert_eq!(faults_by_task(*s, seed), fifo, "seed {seed}, {s}");
        }
    }
    assert!(saw_fail && saw_block, "fail={saw_fail} block={saw_block}");
}

#[test]
fn a_lateness_only_bug_is_found_at_the_same_schedule_by_every_strategy() {
    for sim in ["check_then_act_race", "lost_wakeup"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sims")
            .join(format!("{sim}.py"));
        let p = awaitsim::script::load(&path, &LoadOptions::default()).unwrap();
        for base in 0..5 {
            let first = |choice: StrategyChoice| {
                let mut cfg = ExploreConfig::seeds(2000);
                cfg.strategy = choice;
                cfg.faults = FaultPlan::late(1.0);
                cfg.hazards = p.hazard_policy();
                cfg.base_seed = Seed(base);
                cfg.jobs = 1;
                let e = explore(&*p, &cfg);
                let f = e.failures.first().expect("found");
                (f.index, f.seed)
            };
            let random = first(StrategyChoice::Single(Strategy::Random));
            for s in STRATEGIES[2..].iter().map(|s| StrategyChoice::Single(*s)) {
                assert_eq!(first(s), random, "{sim}, base {base}, {s}");
            }
            assert_eq!(
                first(StrategyChoice::Portfolio),
                random,
                "{sim}, base {base}"
            );
        }
    }
}
