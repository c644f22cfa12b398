//! Snapshots of the rendered full trace of small representative programs.
//! Each snapshot also pins the trace hash and the schedule token: they must
//! be the same in any process, on any machine, so a change here is either a
//! deliberate change of the trace format or a determinism bug.

use awaitsim::{
    block, io, sleep, spawn_named, yield_now, FaultPlan, Outcome, Sim, Strategy, TraceMode,
};
use std::fmt::Debug;
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn render<T: Debug>(out: &Outcome<T>) -> String {
    let r = &out.report;
    let mut text = format!(
        "result: {:?}\nelapsed: {}\nsteps: {}\ntrace_hash: {:#018x}\nschedule: {}\n",
        out.result, r.elapsed, r.steps, r.trace_hash, r.schedule
    );
    for h in &r.hazards {
        text.push_str(&format!("hazard: {h}\n"));
    }
    text.push('\n');
    text.push_str(&r.trace.as_ref().expect("full trace").render());
    text
}

/// Two I/O awaits one after the other: 10 ms + 20 ms = 30 ms.
#[test]
fn trace_of_sequential_awaits() {
    let out = Sim::new(1).trace(TraceMode::Full).try_run(async {
        io("fetch-a", ms(10)).await.unwrap();
        io("fetch-b", ms(20)).await.unwrap();
        awaitsim::now()
    });
    assert_eq!(out.result, Ok(ms(30)));
    insta::assert_snapshot!("sequential_awaits", render(&out));
}

/// The same two awaits spawned, then joined (like `gather`): max = 20 ms.
#[test]
fn trace_of_joined_awaits() {
    let out = Sim::new(1).trace(TraceMode::Full).try_run(async {
        let a = spawn_named("a", io("fetch-a", ms(10)));
        let b = spawn_named("b", io("fetch-b", ms(20)));
        a.await.unwrap().unwrap();
        b.await.unwrap().unwrap();
        awaitsim::now()
    });
    assert_eq!(out.result, Ok(ms(20)));
    insta::assert_snapshot!("joined_awaits", render(&out));
}

/// A blocking call holds the loop: the sleeper's 1 ms timer fires at 150 ms,
/// after the blocker's next step; the hazard names the blocking line.
#[test]
fn trace_of_a_blocking_call() {
    let out = Sim::new(1).trace(TraceMode::Full).try_run(async {
        let s = spawn_named("sleeper", async {
            sleep(ms(1)).await;
            awaitsim::now()
        });
        let b = spawn_named("blocker", async {
            block(ms(150));
            yield_now().await;
        });
        b.await.unwrap();
        s.await.unwrap()
    });
    assert_eq!(out.result, Ok(ms(150)));
    insta::assert_snapshot!("blocking_call", render(&out));
}

/// A fault-injected exploration run with a fixed seed: random order, late
/// timers, failed I/O and an injected blocking call.
#[test]
fn trace_of_a_fault_injected_run() {
    let plan: FaultPlan = "late=0.5,fail=0.3,block=0.2:5ms".parse().unwrap();
    // Seed 15 injects all three (two failures, two blocking calls, lateness)
    // and runs w2 before w1.
    let out = Sim::new(15)
        .strategy(Strategy::Random)
        .faults(plan)
        .trace(TraceMode::Full)
        .try_run(async {
            let workers: Vec<_> = ["w1", "w2"]
                .into_iter()
                .map(|name| {
                    spawn_named(name, async move {
                        let mut failed = 0;
                        for i in 0..2 {
                            if io(format!("{name}-req{i}"), ms(10)).await.is_err() {
                                failed += 1;
                            }
                        }
                        failed
                    })
                })
                .collect();
            let mut failed = Vec::new();
            for w in workers {
                failed.push(w.await.unwrap());
            }
            failed
        });
    assert_eq!(out.result, Ok(vec![1, 1]));
    insta::assert_snapshot!("fault_injected_run", render(&out));
}
