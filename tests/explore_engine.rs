//! The explorer's promises, on Rust programs: results independent of
//! `--jobs`, shards that merge into the single-run answer, replay and shrink
//! that reproduce a failure, regression files that keep every line.

use awaitsim::explore::regressions::{self, Regression};
use awaitsim::explore::{
    explore, run_one, shrink, Amount, ExploreConfig, RunSpec, Shard, StrategyChoice,
};
use awaitsim::report::json::{merge, merge_with_cap, ResultLine, ShardLine};
use awaitsim::{spawn, yield_now, FaultPlan, Schedule, Seed, Strategy};
use std::cell::Cell;
use std::rc::Rc;

/// Two tasks read a counter, yield, write back +1. The spawner yields
/// between the spawns, so FIFO order is safe and only a reordering loses an
/// update.
async fn lost_update() {
    let n = Rc::new(Cell::new(0));
    let mut hs = Vec::new();
    for _ in 0..2 {
        let n = n.clone();
        hs.push(spawn(async move {
            let v = n.get();
            yield_now().await;
            n.set(v + 1);
        }));
        yield_now().await;
    }
    for h in hs {
        h.await.unwrap();
    }
    assert_eq!(n.get(), 2, "lost update");
}

/// Many yields, never fails: lots of distinct interleavings.
async fn busy() {
    let hs: Vec<_> = (0..3)
        .map(|_| {
            spawn(async {
                for _ in 0..3 {
                    yield_now().await;
                }
            })
        })
        .collect();
    for h in hs {
        h.await.unwrap();
    }
}

fn cfg(n: u64, strategy: Strategy, jobs: usize) -> ExploreConfig {
    let mut c = ExploreConfig::seeds(n);
    c.strategy = StrategyChoice::Single(strategy);
    c.jobs = jobs;
    c.faults = FaultPlan::none();
    c
}

#[test]
fn results_do_not_depend_on_the_number_of_jobs() {
    let one = explore(&lost_update, &cfg(500, Strategy::Random, 1));
    let four = explore(&lost_update, &cfg(500, Strategy::Random, 4));
    assert_eq!(one.schedules, four.schedules);
    assert_eq!(one.distinct, four.distinct);
    assert_eq!(one.interleavings, four.interleavings);
    assert_eq!(one.failures[0].index, four.failures[0].index);
    assert_eq!(one.failures[0].seed, four.failures[0].seed);

    let one = explore(&busy, &cfg(400, Strategy::PCT, 1));
    let three = explore(&busy, &cfg(400, Strategy::PCT, 3));
    assert_eq!(
        (one.schedules, one.distinct),
        (three.schedules, three.distinct)
    );
    assert_eq!(one.schedules, 400);
    assert!(
        one.distinct > 10,
        "PCT explored only {} interleavings",
        one.distinct
    );
}

#[test]
fn the_first_failure_is_the_smallest_failing_index() {
    let mut c = cfg(300, Strategy::Random, 2);
    c.keep_going = true;
    let all = explore(&lost_update, &c);
    assert!(all.failures.len() > 1);
    let first = explore(&lost_update, &cfg(300, Strategy::Random, 2));
    assert_eq!(first.failures[0].index, all.failures[0].index);
    assert_eq!(first.schedules, all.failures[0].index + 1);
    assert_eq!(all.schedules, 300);
}

#[test]
fn shards_merge_into_the_single_run_answer() {
    for target in [true, false] {
        let run = |c: &ExploreConfig| {
            if target {
                explore(&lost_update, c)
            } else {
                explore(&busy, c)
            }
        };
        let whole = run(&cfg(240, Strategy::Random, 1));
        let mut lines = Vec::new();
        for i in 0..4 {
            let mut c = cfg(240, Strategy::Random, 1);
            c.shard = Shard { index: i, count: 4 };
            let e = run(&c);
            let line =
                ResultLine::from_exploration("x.py", "random", "none", &e, true, |_| String::new());
            lines.push(ShardLine::new(line).unwrap());
        }
        let merged = merge(&lines);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].schedules, whole.schedules, "schedules");
        assert_eq!(merged[0].distinct, whole.distinct, "distinct");
        assert_eq!(
            merged[0].failure.as_ref().map(|f| f.index),
            whole.failures.first().map(|f| f.index + 1)
        );
    }
}

#[test]
fn shards_merge_into_the_single_run_count_below_and_above_the_exact_cap() {
    // `busy` never fails; `lost_update` fails early, so shards run past
    // the first failure and merge must cut their hashes and sketches there.
    for fails in [false, true] {
        for cap in [0, 3, 20, 100_000] {
            let run = |c: &ExploreConfig| {
                if fails {
                    explore(&lost_update, c)
                } else {
                    explore(&busy, c)
                }
            };
            let mut c = cfg(300, Strategy::Random, 1);
            c.distinct_cap = cap;
            let whole = run(&c);
            let mut c2 = c.clone();
            c2.jobs = 3;
            let three = run(&c2);
            assert_eq!(whole.interleavings, three.interleavings, "cap {cap}");
            assert_eq!(
                (whole.distinct, whole.distinct_estimated),
                (three.distinct, three.distinct_estimated)
            );
            assert_eq!(
                whole.distinct_estimated,
                whole.distinct > cap as u64,
                "cap {cap}: {} distinct",
                whole.distinct
            );
            let mut lines = Vec::new();
            for i in 0..3 {
                let mut c = c.clone();
                c.shard = Shard { index: i, count: 3 };
                c.jobs = 2;
                let e = run(&c);
                let line = ResultLine::from_exploration("x.py", "random", "none", &e, true, |_| {
                    String::new()
                });
                // Through the text, as `awaitsim merge` reads it.
                let text = serde_json::to_string(&line).unwrap();
                let line = serde_json::from_str::<ResultLine>(&text).unwrap();
                lines.push(ShardLine::new(line).unwrap());
            }
            let merged = merge_with_cap(&lines, cap);
            assert_eq!(merged[0].schedules, whole.schedules, "cap {cap}");
            assert_eq!(
                (merged[0].distinct, merged[0].distinct_estimated),
                (whole.distinct, whole.distinct_estimated),
                "fails {fails}, cap {cap}"
            );
        }
    }
    // The busy program has enough interleavings to be estimated at cap 3.
    let mut c = cfg(300, Strategy::Random, 1);
    c.distinct_cap = 3;
    let e = explore(&busy, &c);
    assert!(e.distinct_estimated);
    // A damaged sketch or hash is an error, not a wrong count.
    let line = ResultLine::from_exploration("x.py", "random", "none", &e, true, |_| String::new());
    let mut bad = line.clone();
    bad.sketch = Some("not a sketch!".into());
    assert!(ShardLine::new(bad).unwrap_err().contains("sketch"));
    let mut bad = line;
    bad.hashes[0].0 = "0xzz".into();
    assert!(ShardLine::new(bad).unwrap_err().contains("0xzz"));
}

#[test]
fn a_found_seed_replays_and_its_token_replays_without_the_seed() {
    for strategy in [
        Strategy::Random,
        Strategy::PCT,
        Strategy::Pct { depth: 2 },
        Strategy::Pos,
    ] {
        let e = explore(&lost_update, &cfg(200, strategy, 2));
        let f = &e.failures[0];
        let spec = RunSpec {
            seed: f.seed,
            strategy,
            ..RunSpec::fifo()
        };
        let again = run_one(&lost_update, &spec);
        assert!(again.result.is_err(), "{strategy}: seed did not replay");
        assert_eq!(again.report.trace_hash, f.report.trace_hash);
        let token: Schedule = f.report.schedule.to_string().parse().unwrap();
        let by_token = run_one(
            &lost_update,
            &RunSpec {
                seed: Seed(12345),
                schedule: Some(token),
                ..RunSpec::fifo()
            },
        );
        assert!(by_token.result.is_err());
        assert_eq!(by_token.report.trace_hash, f.report.trace_hash);
    }
}

#[test]
fn shrinking_keeps_the_failure_and_never_grows_the_schedule() {
    let e = explore(&lost_update, &cfg(200, Strategy::Random, 1));
    let f = &e.failures[0];
    let spec = RunSpec {
        seed: f.seed,
        strategy: Strategy::Random,
        ..RunSpec::fifo()
    };
    let s = shrink(&lost_update, &spec).expect("the seed fails");
    assert!(s.schedule.departures() <= f.report.schedule.departures());
    // One reordering is all a lost update needs.
    assert_eq!(s.schedule.departures(), 1, "{:?}", s.schedule);
    let replay = run_one(
        &lost_update,
        &RunSpec {
            schedule: Some(s.schedule.clone()),
            ..RunSpec::fifo()
        },
    );
    assert_eq!(
        replay.result.unwrap_err().kind(),
        awaitsim::FailureKind::Assertion
    );
    let account = s.outcome.report.trace.unwrap().departures();
    assert_eq!(account.len(), 1);
    assert!(account[0].contains("ran before"), "{account:?}");
    assert!(shrink(&busy, &RunSpec::fifo()).is_err());
}

/// Fails in any order: nothing about the schedule matters.
async fn always_overdrawn() {
    let h = spawn(async {
        yield_now().await;
        -30
    });
    yield_now().await;
    assert!(h.await.unwrap() >= 0, "overdrawn");
}

#[test]
fn a_failure_that_needs_no_schedule_shrinks_to_the_empty_token() {
    // Found by a random schedule under faults, with a seed of its own...
    let spec = RunSpec {
        seed: Seed(0xe220_a839_7b1d_cdaf),
        strategy: Strategy::Random,
        faults: FaultPlan::late(1.0),
        ..RunSpec::fifo()
    };
    let s = shrink(&always_overdrawn, &spec).expect("it fails");
    // ...it needs none of them: FIFO, no fault plan, the default seed.
    assert_eq!(s.schedule, Schedule::default());
    assert_eq!(s.schedule.to_string(), "s1.AAA");
    assert!(s.outcome.report.trace.unwrap().departures().is_empty());
}

#[test]
fn time_budgeted_exploration_runs_and_stops() {
    let mut c = cfg(0, Strategy::Random, 2);
    c.amount = Amount::Time(std::time::Duration::from_millis(200));
    let e = explore(&busy, &c);
    assert!(e.schedules > 10);
    assert!(e.failures.is_empty());
}

fn entry(i: u64) -> Regression {
    Regression {
        sim: "sims/race.py".into(),
        strategy: Strategy::Random,
        seed: Seed(i),
        faults: "late=1".parse().unwrap(),
        schedule: Schedule::new(Seed(i), vec![0, 1, 0, 2]).with_faults("late=1".parse().unwrap()),
        summary: format!("assertion: lost update {i}"),
    }
}

#[test]
fn regression_lines_round_trip_and_concurrent_saves_keep_every_line() {
    let dir = std::env::temp_dir().join(format!("awaitsim-reg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("race.txt");
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let path = &path;
            s.spawn(move || {
                for i in 0..10 {
                    assert!(regressions::save(path, &entry(t * 100 + i)).unwrap());
                }
            });
        }
    });
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed = regressions::parse("race.txt", &text).unwrap();
    assert_eq!(parsed.len(), 40, "{text}");
    let mut seeds: Vec<u64> = parsed.iter().map(|r| r.seed.0).collect();
    seeds.sort();
    let mut want: Vec<u64> = (0..4)
        .flat_map(|t| (0..10).map(move |i| t * 100 + i))
        .collect();
    want.sort();
    assert_eq!(seeds, want);
    assert_eq!(
        parsed.iter().find(|r| r.seed == Seed(3)).unwrap(),
        &entry(3)
    );
    // Saving the same schedule again adds nothing.
    assert!(!regressions::save(&path, &entry(3)).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A full disk or a read-only folder at any step of a save: the error names
/// the file, the step and the system's reason, says earlier lines are
/// untouched (and they are, byte for byte), no temporary copy is left, and
/// the lock is released so the next save works.
#[test]
fn a_save_that_fails_at_any_step_keeps_earlier_lines_and_leaves_no_temp_file() {
    use regressions::Step;
    use std::io::{Error, ErrorKind};
    let cases = [
        (Step::CreateDir, ErrorKind::ReadOnlyFilesystem),
        (Step::Lock, ErrorKind::PermissionDenied),
        (Step::Read, ErrorKind::PermissionDenied),
        (Step::CreateTemp, ErrorKind::PermissionDenied),
        (Step::CreateTemp, ErrorKind::ReadOnlyFilesystem),
        (Step::Write, ErrorKind::StorageFull),
        (Step::Sync, ErrorKind::StorageFull),
        (Step::Rename, ErrorKind::ReadOnlyFilesystem),
    ];
    let covered: Vec<Step> = cases.iter().map(|c| c.0).collect();
    assert!(Step::ALL.iter().all(|s| covered.contains(s)));
    let root = std::env::temp_dir().join(format!("awaitsim-reg-faults-{}", std::process::id()));
    for (i, (step, kind)) in cases.into_iter().enumerate() {
        let dir = root.join(i.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("race.txt");
        assert!(regressions::save(&path, &entry(1)).unwrap());
        let before = std::fs::read(&path).unwrap();
        let err = regressions::save_with(&path, &entry(2), &|s| {
            if s == step {
                Err(Error::from(kind))
            } else {
                Ok(())
            }
        })
        .expect_err("the injected fault fails the save");
        assert_eq!(err.step, step);
        let msg = err.to_string();
        let want = format!("cannot save the regression to {}: ", path.display());
        assert!(msg.starts_with(&want), "{msg}");
        assert!(msg.contains(&Error::from(kind).to_string()), "{msg}");
        assert!(msg.contains(&err.at.display().to_string()), "{msg}");
        assert!(msg.ends_with("; earlier lines are untouched"), "{msg}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{step:?}");
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".race.txt.lock", "race.txt"], "{step:?}");
        // The lock was released: the same save now succeeds and keeps the first line.
        assert!(regressions::save(&path, &entry(2)).unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.as_bytes().starts_with(&before), "{text}");
        assert_eq!(regressions::parse("race.txt", &text).unwrap().len(), 2);
    }
    let _ = std::fs::remove_dir_all(&root);
}
