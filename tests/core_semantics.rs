//! Focused behaviour tests of the core executor, each with an exact
//! expectation. Orders that mirror asyncio were checked against CPython 3.11
//! with the Python program quoted in the test's comment (`time.sleep` for
//! `block`, `asyncio.sleep(0)` for `yield_now`).

use awaitsim::sim::{call_soon, set_wait, BudgetKind, Event, Fault, Wait, Waiting};
use awaitsim::{
    block, io, now, sleep, sleep_until, spawn, spawn_named, timeout, yield_now, Budget, Elapsed,
    Failure, FailureKind, FaultPlan, HazardKind, HazardPolicy, JoinError, JoinHandle, Policy, Sim,
    Strategy, TraceMode,
};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

type Log = Rc<RefCell<Vec<String>>>;

fn new_log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn push(log: &Log, s: impl Into<String>) {
    log.borrow_mut().push(s.into());
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn entries(log: &Log) -> Vec<String> {
    log.borrow().clone()
}

/// Runs `fut` on a fresh FIFO loop and returns its value; panics if the run
/// fails.
fn run<F: Future>(fut: F) -> F::Output {
    Sim::new(0).run(fut)
}

// ---------------------------------------------------------------------------
// Loop iterations and queue order
// ---------------------------------------------------------------------------

/// A timer wake-up takes two iterations: the timer callback completes the
/// sleep, and that queues the task's step. A task whose yields start in the
/// iteration where the timer becomes due gets two yields in before the
/// sleeper resumes.
///
/// CPython 3.11: `S: await sleep(.05); log S` and
/// `Y: time.sleep(.1); 3 × (await sleep(0); log Yi)` log Y1, Y2, S, Y3.
#[test]
fn a_timer_wake_up_takes_two_loop_iterations() {
    let log = new_log();
    let (l1, l2) = (log.clone(), log.clone());
    run(async move {
        let s = spawn(async move {
            sleep(ms(1)).await;
            push(&l1, "S");
        });
        let y = spawn(async move {
            // Holds the loop past S's deadline; S's timer becomes due at the
            // start of the next iteration, together with Y's first yield.
            block(ms(1));
            for i in 1..=3 {
                yield_now().await;
                push(&l2, format!("Y{i}"));
            }
        });
        s.await.unwrap();
        y.await.unwrap();
    });
    assert_eq!(entries(&log), ["Y1", "Y2", "S", "Y3"]);
}

/// Due timers join the back of the ready queue, behind callbacks already
/// ready: after a blocking call, the blocker and a `call_soon` callback it
/// queued run before the overdue sleeper.
///
/// CPython 3.11: `S: await sleep(.01); log S`,
/// `B: time.sleep(.05); call_soon(log callback); await sleep(0); log B`
/// log callback, B, S.
#[test]
fn due_timers_join_the_back_of_the_ready_queue() {
    let log = new_log();
    let (ls, lb) = (log.clone(), log.clone());
    run(async move {
        let s = spawn(async move {
            sleep(ms(1)).await;
            push(&ls, format!("S at {:?}", now()));
        });
        let b = spawn(async move {
            block(ms(5));
            let lc = lb.clone();
            call_soon(move || push(&lc, "callback"));
            yield_now().await;
            push(&lb, "B");
        });
        s.await.unwrap();
        b.await.unwrap();
    });
    assert_eq!(entries(&log), ["callback", "B", "S at 5ms"]);
}

/// A blocking call makes an overdue sleeper run after the blocker, and late:
/// at the time the block ended, not at its deadline.
///
/// CPython 3.11: `S: await sleep(.01); log S`, `B: time.sleep(.05);
/// await sleep(0); log B` log B, S.
#[test]
fn a_blocking_call_makes_an_overdue_sleeper_run_after_the_blocker() {
    let log = new_log();
    let (ls, lb) = (log.clone(), log.clone());
    run(async move {
        let s = spawn(async move {
            sleep(ms(1)).await;
            push(&ls, format!("S at {:?}", now()));
        });
        let b = spawn(async move {
            block(ms(50));
            push(&lb, format!("B blocked until {:?}", now()));
            yield_now().await;
            push(&lb, "B resumed");
        });
        s.await.unwrap();
        b.await.unwrap();
    });
    assert_eq!(
        entries(&log),
        ["B blocked until 50ms", "B resumed", "S at 50ms"]
    );
}

/// Equal deadlines resume in registration order, not spawn order: tasks
/// that yield once before sleeping register their timers after the others.
///
/// CPython 3.11: W(0, yield first), W(1), W(2), all `sleep(.02)`: 1, 2, 0.
#[test]
fn equal_deadlines_resume_in_registration_order() {
    let log = new_log();
    let l = log.clone();
    run(async move {
        let hs: Vec<_> = (0..5)
            .map(|i| {
                let l = l.clone();
                spawn(async move {
                    if i % 2 == 0 {
                        yield_now().await;
                    }
                    // Two ways to the same deadline.
                    if i == 3 {
                        sleep_until(ms(10)).await;
                    } else {
                        sleep(ms(10)).await;
                    }
                    push(&l, format!("{i} at {:?}", now()));
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
    });
    assert_eq!(
        entries(&log),
        [
            "1 at 10ms",
            "3 at 10ms",
            "0 at 10ms",
            "2 at 10ms",
            "4 at 10ms"
        ]
    );
}

/// Awaiting a finished task does not yield; a finished task wakes its
/// awaiter one iteration later (`call_soon` of the wake-up).
///
/// CPython 3.11: C logs C; Z does 2 × (sleep(0); log Zi); main: create both,
/// `sleep(0)`, log m1, `await c`, log m2, `await z` → C, m1, m2, Z0, Z1.
#[test]
fn awaiting_a_finished_task_does_not_yield() {
    let log = new_log();
    let (lc, lz, lm) = (log.clone(), log.clone(), log.clone());
    run(async move {
        let c = spawn(async move { push(&lc, "C") });
        let z = spawn(async move {
            for i in 0..2 {
                yield_now().await;
                push(&lz, format!("Z{i}"));
            }
        });
        sleep(Duration::ZERO).await;
        push(&lm, "m1");
        c.await.unwrap();
        push(&lm, "m2");
        z.await.unwrap();
    });
    assert_eq!(entries(&log), ["C", "m1", "m2", "Z0", "Z1"]);
}

/// A spawned task does not start before its spawner suspends, even if the
/// spawner keeps working (and blocking) after the spawn.
#[test]
fn a_spawned_task_starts_only_after_its_spawner_suspends() {
    let log = new_log();
    let (lc, lm) = (log.clone(), log.clone());
    run(async move {
        let h = spawn(async move { push(&lc, format!("child at {:?}", now())) });
        push(&lm, "spawned");
        block(ms(3));
        push(&lm, "blocked");
        yield_now().await;
        push(&lm, "resumed");
        h.await.unwrap();
    });
    assert_eq!(
        entries(&log),
        ["spawned", "blocked", "child at 3ms", "resumed"]
    );
}

/// A sleep's deadline counts from its first poll, not from its creation nor
/// from the spawn of its task.
#[test]
fn a_sleep_deadline_counts_from_its_first_poll() {
    let (created_late, child_woke) = run(async {
        let s = sleep(ms(10));
        sleep(ms(5)).await;
        s.await;
        let created_late = now();
        let child = spawn(async {
            sleep(ms(10)).await;
            now()
        });
        // The child's first step comes after this 3 ms blocking call.
        block(ms(3));
        (created_late, child.await.unwrap())
    });
    assert_eq!(created_late, ms(15));
    assert_eq!(child_woke, ms(15 + 3 + 10));
}

/// A future that is created but never awaited runs none of its body, and a
/// sleep that is never polled sets no timer.
#[test]
fn a_future_never_awaited_never_runs() {
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let mut sim = Sim::new(0).trace(TraceMode::Full);
    let out = sim.try_run(async move {
        let never = async move { r.set(true) };
        let unpolled = sleep(ms(10));
        yield_now().await;
        drop(never);
        drop(unpolled);
    });
    out.result.unwrap();
    assert!(!ran.get());
    let trace = out.report.trace.unwrap();
    assert!(!trace
        .events
        .iter()
        .any(|r| matches!(r.event, Event::TimerSet { .. })));
}

// ---------------------------------------------------------------------------
// Deadlocks, stalls, budgets
// ---------------------------------------------------------------------------

/// Two tasks joining each other deadlock; the report lists every waiting
/// task and what it waits on.
#[test]
fn tasks_joining_each_other_are_reported_as_a_deadlock() {
    let ids = Rc::new(Cell::new(None));
    let ids_in = ids.clone();
    let mut sim = Sim::new(0);
    let out = sim.try_run(async move {
        type Slot = Rc<RefCell<Option<JoinHandle<()>>>>;
        let (slot_a, slot_b): (Slot, Slot) = Default::default();
        let join_other = |other: Slot| async move {
            yield_now().await;
            let h = other.borrow_mut().take().expect("handle stored");
            let _ = h.await;
        };
        let a = spawn_named("a", join_other(slot_b.clone()));
        let b = spawn_named("b", join_other(slot_a.clone()));
        ids_in.set(Some((a.id(), b.id())));
        *slot_a.borrow_mut() = Some(a);
        *slot_b.borrow_mut() = Some(b);
        std::future::pending::<()>().await;
    });
    let (a, b) = ids.get().unwrap();
    let err = out.result.unwrap_err();
    assert_eq!(err.kind(), FailureKind::Deadlock);
    let waiting = |task: &str, on: Wait| Waiting {
        task: task.into(),
        on,
    };
    assert_eq!(
        err,
        Failure::Deadlock {
            waiting: vec![
                waiting("main", Wait::Unknown),
                waiting("a", Wait::Join(b)),
                waiting("b", Wait::Join(a)),
            ]
        }
    );
    // Task ids are creation order: main #0, a #1, b #2.
    let text = err.to_string();
    assert!(text.contains("deadlock"), "{text}");
    assert!(text.contains("task a waits on join #2"), "{text}");
    assert!(text.contains("task b waits on join #1"), "{text}");
}

/// A future that waits on something that will never happen deadlocks, and
/// the report shows what a layer above said it waits on (`set_wait`).
#[test]
fn awaiting_a_never_completed_future_is_reported_as_a_deadlock() {
    struct Lock;
    impl Future for Lock {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            set_wait("lock `db` held by nobody");
            Poll::Pending
        }
    }
    let mut sim = Sim::new(0);
    let out = sim.try_run(async {
        let w = spawn_named("waiter", Lock);
        let (_tx, rx) = futures::channel::oneshot::channel::<()>();
        let _ = rx.await;
        let _ = w.await;
    });
    let err = out.result.unwrap_err();
    assert_eq!(
        err,
        Failure::Deadlock {
            waiting: vec![
                Waiting {
                    task: "main".into(),
                    on: Wait::Unknown
                },
                Waiting {
                    task: "waiter".into(),
                    on: Wait::Custom("lock `db` held by nobody".into())
                },
            ]
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("task main waits on a future outside awaitsim"),
        "{text}"
    );
    assert!(
        text.contains("task waiter waits on lock `db` held by nobody"),
        "{text}"
    );
}

/// A stall fault makes an I/O point never complete: the run ends as a stall
/// naming the stalled I/O, and the fault is in the trace.
#[test]
fn a_stall_fault_ends_the_run_as_a_stall() {
    let mut sim = Sim::new(0)
        .faults("stall=1".parse().unwrap())
        .trace(TraceMode::Full);
    let out = sim.try_run(async {
        let h = spawn_named("fetcher", async { io("db", ms(10)).await });
        let _ = h.await;
    });
    let err = out.result.unwrap_err();
    assert_eq!(err.kind(), FailureKind::Stall);
    let Failure::Stall { waiting } = &err else {
        panic!("{err}")
    };
    assert_eq!(waiting.len(), 2);
    assert_eq!(waiting[0].task, "main");
    assert!(matches!(waiting[0].on, Wait::Join(_)));
    assert_eq!(
        waiting[1],
        Waiting {
            task: "fetcher".into(),
            on: Wait::Io {
                name: "db".into(),
                until: None
            }
        }
    );
    assert!(err.to_string().contains("io `db` (stalled"), "{err}");
    let trace = out.report.trace.unwrap();
    assert!(trace.events.iter().any(
        |r| matches!(&r.event, Event::Fault { fault: Fault::Stall { name }, .. } if &**name == "db")
    ));
}

/// `max_steps` stops a run that never ends, after exactly that many steps.
#[test]
fn the_step_budget_stops_a_run_that_never_ends() {
    let mut sim = Sim::new(0).budget(Budget {
        max_steps: 50,
        ..Budget::default()
    });
    let out = sim.try_run(async {
        spawn(async {
            loop {
                yield_now().await
            }
        });
        loop {
            yield_now().await
        }
    });
    let err = out.result.unwrap_err();
    assert_eq!(err.kind(), FailureKind::Budget);
    assert!(matches!(
        err,
        Failure::Budget {
            budget: BudgetKind::Steps,
            limit: 50,
            ..
        }
    ));
    assert_eq!(out.report.steps, 50);
}

/// `max_time` stops a run before the clock passes it: the sleep whose
/// deadline lies beyond never completes.
#[test]
fn the_time_budget_stops_a_run_before_the_horizon() {
    let done = Rc::new(Cell::new(0));
    let d = done.clone();
    let mut sim = Sim::new(0).budget(Budget {
        max_time: 10_000_000_000,
        ..Budget::default()
    });
    let out = sim.try_run(async move {
        loop {
            sleep(Duration::from_secs(1)).await;
            d.set(d.get() + 1);
        }
    });
    assert_eq!(
        out.result.unwrap_err(),
        Failure::Budget {
            budget: BudgetKind::Time,
            limit: 10_000_000_000,
            at: 11_000_000_000
        }
    );
    assert_eq!(done.get(), 10);
}

/// A blocking call past the time budget stops the run too.
#[test]
fn a_blocking_call_past_the_time_budget_stops_the_run() {
    let mut sim = Sim::new(0).budget(Budget {
        max_time: 1_000_000_000,
        ..Budget::default()
    });
    let out = sim.try_run(async {
        block(Duration::from_secs(2));
        yield_now().await;
    });
    let err = out.result.unwrap_err();
    assert!(
        matches!(
            err,
            Failure::Budget {
                budget: BudgetKind::Time,
                ..
            }
        ),
        "{err}"
    );
}

/// `max_tasks` stops a run that spawns without end.
#[test]
fn the_task_budget_stops_a_spawning_loop() {
    let mut sim = Sim::new(0).budget(Budget {
        max_tasks: 20,
        ..Budget::default()
    });
    let out = sim.try_run(async {
        loop {
            drop(spawn(async {}));
            yield_now().await;
        }
    });
    let err = out.result.unwrap_err();
    assert_eq!(err.kind(), FailureKind::Budget);
    assert!(matches!(
        err,
        Failure::Budget {
            budget: BudgetKind::Tasks,
            limit: 20,
            ..
        }
    ));
}

async fn spinner() {
    // Calls into the simulator forever without ever awaiting.
    loop {
        std::hint::black_box(now());
    }
}

/// A step that never yields is stopped by the per-step operation budget
/// (`max_ops_per_step`) and fails the run as a never-yields hazard naming
/// the task (the issue lists it among hazards, whose default policy for it
/// is Fail).
#[test]
fn a_step_that_never_yields_is_stopped_by_the_operation_budget() {
    let mut sim = Sim::new(0).budget(Budget {
        max_ops_per_step: 1000,
        ..Budget::default()
    });
    let out = sim.try_run(async {
        let _ = spawn_named("spinner", spinner()).await;
    });
    let err = out.result.unwrap_err();
    assert_eq!(err.kind(), FailureKind::Hazard);
    let Failure::Hazard(h) = &err else {
        panic!("{err}")
    };
    assert_eq!(h.kind, HazardKind::NeverYields);
    assert_eq!(h.task.as_deref(), Some("spinner"));
    assert!(h.message.contains("1000 operations"), "{}", h.message);
}

/// With the never-yields policy at Report, the runaway step is still
/// stopped, its awaiter gets the error, and the run goes on.
#[test]
fn a_reported_never_yielding_step_fails_only_its_task() {
    let mut sim = Sim::new(0)
        .budget(Budget {
            max_ops_per_step: 1000,
            ..Budget::default()
        })
        .hazards(HazardPolicy::default().set(HazardKind::NeverYields, Policy::Report));
    let out = sim.try_run(async {
        let r = spawn_named("spinner", spinner()).await;
        sleep(ms(1)).await;
        r
    });
    let r = out.result.unwrap();
    assert!(
        matches!(&r, Err(JoinError::Panicked(m)) if m.contains("operation budget")),
        "{r:?}"
    );
    assert_eq!(out.report.hazards.len(), 1);
    assert_eq!(out.report.hazards[0].kind, HazardKind::NeverYields);
}

// ---------------------------------------------------------------------------
// Failures and hazards
// ---------------------------------------------------------------------------

/// A task's panic reaches its awaiter as `JoinError::Panicked` with the
/// message; the run itself succeeds.
#[test]
fn an_awaited_task_panic_reaches_the_awaiter() {
    let r = run(async {
        let h = spawn(async {
            yield_now().await;
            panic!("boom in child")
        });
        let r: Result<(), JoinError> = h.await;
        r
    });
    assert!(
        matches!(&r, Err(JoinError::Panicked(m)) if m.contains("boom in child")),
        "{r:?}"
    );
}

/// A task panic nobody retrieves fails the run (as an assertion, naming the
/// task), whether its handle was dropped or just never awaited.
#[test]
fn an_unretrieved_task_panic_fails_the_run() {
    for keep_handle in [false, true] {
        let mut sim = Sim::new(0);
        let out = sim.try_run(async move {
            let h = spawn_named("worker", async { panic!("lost failure") });
            let kept = if keep_handle { Some(h) } else { None };
            sleep(ms(1)).await;
            drop(kept);
        });
        let err = out.result.unwrap_err();
        assert_eq!(err.kind(), FailureKind::Assertion, "{err}");
        let Failure::Panic { task, message } = &err else {
            panic!("{err}")
        };
        assert_eq!(task, "worker");
        assert!(message.contains("lost failure"), "{message}");
        assert!(out
            .report
            .hazards
            .iter()
            .any(|h| h.kind == HazardKind::UnretrievedFailure));
    }
}

/// The main future finishing while tasks are pending is a reported hazard
/// (naming them), not a failure; with the policy at Fail it fails the run.
#[test]
fn main_finishing_with_pending_tasks_is_a_reported_hazard() {
    let prog = || async {
        spawn_named("straggler", sleep(Duration::from_secs(1)));
        yield_now().await;
    };
    let out = Sim::new(0).try_run(prog());
    out.result.unwrap();
    assert_eq!(out.report.hazards.len(), 1);
    let h = &out.report.hazards[0];
    assert_eq!(h.kind, HazardKind::PendingAtExit);
    assert!(h.message.contains("straggler"), "{}", h.message);
    assert_eq!(out.report.elapsed, 0, "main did not wait for the straggler");

    let strict = HazardPolicy::default().set(HazardKind::PendingAtExit, Policy::Fail);
    let out = Sim::new(0).hazards(strict).try_run(prog());
    assert_eq!(out.result.unwrap_err().kind(), FailureKind::Hazard);
}

/// A blocking call at or over the threshold (100 ms) is a hazard naming the
/// task and the caller's `file:line`; one under it is not.
#[test]
fn a_blocking_hazard_names_the_task_and_the_callers_line() {
    let out = Sim::new(0).try_run(async {
        let h = spawn_named("blocker", async {
            block(ms(99));
            let (line, ()) = (line!(), block(ms(100)));
            line
        });
        h.await.unwrap()
    });
    let line = out.result.unwrap();
    assert_eq!(out.report.hazards.len(), 1, "{:?}", out.report.hazards);
    let h = &out.report.hazards[0];
    assert_eq!(h.kind, HazardKind::Blocking);
    assert_eq!(h.task.as_deref(), Some("blocker"));
    let loc = h.location.as_deref().unwrap();
    assert!(
        loc.starts_with(&format!("{}:{line}:", file!())),
        "{loc} is not line {line} of {}",
        file!()
    );
    // With the policy at Fail the same call fails the run.
    let strict = HazardPolicy::default().set(HazardKind::Blocking, Policy::Fail);
    let out = Sim::new(0)
        .hazards(strict)
        .try_run(async { block(ms(100)) });
    assert_eq!(out.result.unwrap_err().kind(), FailureKind::Hazard);
}

// ---------------------------------------------------------------------------
// Timeout and cancellation
// ---------------------------------------------------------------------------

/// Records the virtual time at which it is dropped.
struct DropAt(Rc<Cell<Option<Duration>>>);

impl Drop for DropAt {
    fn drop(&mut self) {
        self.0.set(Some(now()));
    }
}

fn timer_fires(trace: &awaitsim::Trace) -> usize {
    trace
        .events
        .iter()
        .filter(|r| matches!(r.event, Event::TimerFire { .. }))
        .count()
}

/// `timeout` gives `Elapsed` exactly at its deadline and drops the inner
/// future then: its body never finishes and its timer never fires.
#[test]
fn timeout_returns_elapsed_at_the_deadline_and_drops_the_inner_future() {
    let dropped = Rc::new(Cell::new(None));
    let finished = Rc::new(Cell::new(false));
    let (d, f) = (dropped.clone(), finished.clone());
    let mut sim = Sim::new(0).trace(TraceMode::Full);
    let out = sim.try_run(async move {
        let inner = async move {
            let _guard = DropAt(d);
            sleep(Duration::from_secs(10)).await;
            f.set(true);
        };
        let r = timeout(Duration::from_secs(1), inner).await;
        let at = now();
        // Long enough that the inner sleep would have fired.
        sleep(Duration::from_secs(20)).await;
        (r, at)
    });
    let (r, at) = out.result.unwrap();
    assert_eq!(r, Err(Elapsed));
    assert_eq!(at, Duration::from_secs(1));
    assert_eq!(dropped.get(), Some(Duration::from_secs(1)));
    assert!(!finished.get());
    // The timeout's own timer and the 20 s sleep: the inner 10 s never fires.
    assert_eq!(timer_fires(out.report.trace.as_ref().unwrap()), 2);
    assert_eq!(out.report.elapsed, 21_000_000_000);
}

/// When the future wins, `timeout` gives its value at its time and the
/// deadline timer never fires.
#[test]
fn timeout_returns_the_value_when_the_future_finishes_first() {
    let mut sim = Sim::new(0).trace(TraceMode::Full);
    let out = sim.try_run(async {
        let r = timeout(ms(100), async {
            sleep(ms(30)).await;
            7
        })
        .await;
        let at = now();
        sleep(Duration::from_secs(1)).await;
        (r, at)
    });
    let (r, at) = out.result.unwrap();
    assert_eq!(r, Ok(7));
    assert_eq!(at, ms(30));
    assert_eq!(timer_fires(out.report.trace.as_ref().unwrap()), 2);
}

/// `JoinHandle::cancel` drops the task at its next step; the awaiter gets
/// `JoinError::Cancelled` without waiting for the task's sleep.
#[test]
fn cancelling_a_task_gives_cancelled_to_its_awaiter() {
    let dropped = Rc::new(Cell::new(None));
    let finished = Rc::new(Cell::new(false));
    let (d, f) = (dropped.clone(), finished.clone());
    let (r, at) = run(async move {
        let h = spawn(async move {
            let _guard = DropAt(d);
            sleep(Duration::from_secs(10)).await;
            f.set(true);
        });
        sleep(ms(1)).await;
        h.cancel();
        let r = h.await;
        (r, now())
    });
    assert_eq!(r, Err(JoinError::Cancelled));
    assert_eq!(at, ms(1));
    assert_eq!(dropped.get(), Some(ms(1)));
    assert!(!finished.get());
}

/// A task cancelled before its first step never runs.
#[test]
fn a_task_cancelled_before_its_first_step_never_runs() {
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let out = run(async move {
        let h = spawn(async move { r.set(true) });
        h.cancel();
        h.await
    });
    assert_eq!(out, Err(JoinError::Cancelled));
    assert!(!ran.get());
}

/// Cancelling a task that already finished changes nothing: its output is
/// still there.
#[test]
fn cancelling_a_finished_task_keeps_its_output() {
    let out = run(async {
        let h = spawn(async { 7 });
        yield_now().await;
        assert!(h.is_finished());
        h.cancel();
        h.await
    });
    assert_eq!(out, Ok(7));
}

/// A `cancel=1` fault cancels the task at its I/O point; the awaiter sees
/// `Cancelled`, and a `fail=1` fault makes the I/O return `Err(IoError)`.
#[test]
fn io_faults_reach_the_awaiter() {
    let out = Sim::new(0)
        .faults("cancel=1".parse().unwrap())
        .run(async { spawn(async { io("rpc", ms(5)).await }).await });
    assert_eq!(out, Err(JoinError::Cancelled));
    let out = Sim::new(0)
        .faults("fail=1".parse().unwrap())
        .run(async { (io("rpc", ms(5)).await, now()) });
    assert_eq!(out.0.unwrap_err().name.as_ref(), "rpc");
    assert_eq!(out.1, ms(5), "a failing I/O still takes its latency");
}

// ---------------------------------------------------------------------------
// Reuse and determinism
// ---------------------------------------------------------------------------

/// A small racy program whose interleaving depends on the seed.
async fn racy(log: Log) {
    let hs: Vec<_> = (0..3)
        .map(|i| {
            let log = log.clone();
            spawn(async move {
                for k in 0..3 {
                    push(&log, format!("{i}.{k}@{:?}", now()));
                    if k == 1 {
                        sleep(ms(i + 1)).await;
                    } else {
                        yield_now().await;
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.await.unwrap();
    }
}

type Seen = (u64, String, Vec<String>);

fn racy_on(sim: &mut Sim) -> Seen {
    let log = new_log();
    let out = sim.try_run(racy(log.clone()));
    out.result.unwrap();
    (
        out.report.trace_hash,
        out.report.trace.unwrap().render(),
        entries(&log),
    )
}

fn fresh(seed: u64) -> Sim {
    Sim::new(seed)
        .strategy(Strategy::Random)
        .faults(FaultPlan::late(1.0))
        .trace(TraceMode::Full)
}

/// A `Sim` reused across runs (seed A, B, then A again, with a failed run
/// in between that leaves tasks and timers behind) gives exactly the runs
/// of fresh `Sim`s.
#[test]
fn a_reused_sim_gives_the_same_runs_as_fresh_ones() {
    let (a, b) = (11, 12);
    let mut sim = fresh(a);
    let first_a = racy_on(&mut sim);
    sim.set_seed(b.into());
    let then_b = racy_on(&mut sim);
    // A run that fails with pending timers and tasks.
    let failed = sim.try_run(async {
        spawn(sleep(Duration::from_secs(5)));
        sleep(ms(1)).await;
        panic!("fails mid-run");
    });
    assert!(failed.result.is_err());
    sim.set_seed(a.into());
    let again_a = racy_on(&mut sim);
    assert_eq!(first_a, racy_on(&mut fresh(a)));
    assert_eq!(then_b, racy_on(&mut fresh(b)));
    assert_eq!(again_a, first_a);
    assert_ne!(
        first_a.0, then_b.0,
        "seeds 11 and 12 interleave differently"
    );
}

/// A waker kept from an earlier run does nothing in the next run of the
/// same `Sim`.
#[test]
fn a_waker_from_an_earlier_run_does_nothing() {
    struct Keep(Rc<RefCell<Option<Waker>>>);
    impl Future for Keep {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            *self.0.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }
    let kept = Rc::new(RefCell::new(None));
    let mut sim = Sim::new(0).trace(TraceMode::Full);
    let k = kept.clone();
    let first = sim.try_run(async move {
        // Task #1 parks forever, leaving its waker behind.
        spawn(Keep(k));
        yield_now().await;
    });
    first.result.unwrap();
    let program = |stale: Option<Waker>| async move {
        let h = spawn(async { sleep(ms(5)).await });
        yield_now().await;
        // Task #1 is now asleep; the stale waker names task #1 of the
        // previous run and must not poll this one.
        if let Some(w) = stale {
            w.wake();
        }
        h.await.unwrap();
        now()
    };
    let stale = kept.borrow_mut().take();
    assert!(stale.is_some());
    let reused = sim.try_run(program(stale));
    let clean = Sim::new(0).trace(TraceMode::Full).try_run(program(None));
    assert_eq!(reused.result.unwrap(), ms(5));
    assert_eq!(
        reused.report.trace.unwrap().render(),
        clean.report.trace.unwrap().render()
    );
}

/// A task cancelled after its sleep completed, but before its wake-up step
/// ran, is still cancelled: the code after the sleep never runs (asyncio: a
/// cancelled task whose sleep already completed still gets CancelledError).
#[test]
fn a_task_cancelled_after_its_sleep_completed_is_still_cancelled() {
    let after = Rc::new(Cell::new(false));
    let a = after.clone();
    let (r, at) = run(async move {
        let h = spawn(async move {
            sleep(ms(1)).await;
            a.set(true);
        });
        // Registered before the task's (which sleeps in its first step, after
        // this one suspends): at 1 ms this timer fires first, then the
        // task's, so main runs while the task's wake-up is queued.
        sleep(ms(1)).await;
        h.cancel();
        (h.await, now())
    });
    assert_eq!(r, Err(JoinError::Cancelled));
    assert_eq!(at, ms(1));
    assert!(!after.get());
}

/// A task awaiting its own handle can never finish: the run reports a
/// deadlock in which the task waits on joining itself.
#[test]
fn a_task_awaiting_its_own_handle_is_a_deadlock() {
    let ids = Rc::new(Cell::new(None));
    let ids_in = ids.clone();
    let out = Sim::new(0).try_run(async move {
        let slot: Rc<RefCell<Option<JoinHandle<()>>>> = Default::default();
        let s = slot.clone();
        let h = spawn_named("ouroboros", async move {
            yield_now().await;
            let me = s.borrow_mut().take().unwrap();
            let _ = me.await;
        });
        ids_in.set(Some(h.id()));
        *slot.borrow_mut() = Some(h);
        std::future::pending::<()>().await;
    });
    let id = ids.get().unwrap();
    assert_eq!(
        out.result.unwrap_err(),
        Failure::Deadlock {
            waiting: vec![
                Waiting {
                    task: "main".into(),
                    on: Wait::Unknown
                },
                Waiting {
                    task: "ouroboros".into(),
                    on: Wait::Join(id)
                },
            ]
        }
    );
}

// ---------------------------------------------------------------------------
// Foreign wakers: combinators and channels
// ---------------------------------------------------------------------------

/// Sleeps, yields and I/O polled inside a combinator with its own wakers
/// (`FuturesUnordered`) wake the combinator's waker, not just the task:
/// every member completes, in deadline order, at the max of its latencies.
#[test]
fn leaf_futures_inside_futures_unordered_complete_in_deadline_order() {
    use futures::stream::{FuturesUnordered, StreamExt};
    let (order, at) = run(async {
        let mut set = FuturesUnordered::new();
        for (i, d) in [(0u64, 30u64), (1, 10), (2, 20), (3, 0)] {
            set.push(async move {
                yield_now().await;
                if i == 2 {
                    io("rpc", ms(d)).await.unwrap();
                } else {
                    sleep(ms(d)).await;
                }
                yield_now().await;
                (i, now())
            });
        }
        let mut order = Vec::new();
        while let Some(done) = set.next().await {
            order.push(done);
        }
        (order, now())
    });
    assert_eq!(order, [(3, ms(0)), (1, ms(10)), (2, ms(20)), (0, ms(30))]);
    assert_eq!(at, ms(30));
}

/// `select` of two sleeps resumes at the earlier deadline; `join` of two
/// at the later one.
#[test]
fn select_and_join_of_sleeps_cost_the_min_and_the_max() {
    use futures::future::{join, select, Either};
    let (first, t_select, t_join) = run(async {
        let first = match select(Box::pin(sleep(ms(20))), Box::pin(sleep(ms(5)))).await {
            Either::Left(_) => "left",
            Either::Right(_) => "right",
        };
        let t_select = now();
        join(sleep(ms(7)), sleep(ms(3))).await;
        (first, t_select, now())
    });
    assert_eq!(first, "right");
    assert_eq!(t_select, ms(5));
    assert_eq!(t_join, ms(12));
}

/// A waker kept by a hand-written primitive and woken from another task
/// queues the waiting task's step at the moment of the wake (`call_soon`),
/// behind what is already ready.
#[test]
fn a_task_woken_by_another_task_resumes_behind_the_ready_queue() {
    struct Signal(Rc<RefCell<(bool, Option<Waker>)>>);
    impl Future for Signal {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut s = self.0.borrow_mut();
            if s.0 {
                return Poll::Ready(());
            }
            s.1 = Some(cx.waker().clone());
            set_wait("signal");
            Poll::Pending
        }
    }
    let log = new_log();
    let (lw, ls, lo) = (log.clone(), log.clone(), log.clone());
    run(async move {
        let state = Rc::new(RefCell::new((false, None::<Waker>)));
        let st = state.clone();
        let waiter = spawn(async move {
            Signal(st).await;
            push(&lw, format!("waiter at {:?}", now()));
        });
        let st = state.clone();
        let setter = spawn(async move {
            sleep(ms(4)).await;
            let w = {
                let mut s = st.borrow_mut();
                s.0 = true;
                s.1.take()
            };
            push(&ls, "set");
            w.expect("the waiter is parked").wake();
            yield_now().await;
            push(&ls, "setter after yield");
        });
        let other = spawn(async move {
            sleep(ms(4)).await;
            push(&lo, "other");
        });
        waiter.await.unwrap();
        setter.await.unwrap();
        other.await.unwrap();
    });
    // At 4 ms the setter's and other's steps are ready (in timer order); the
    // setter wakes the waiter (queued after other) and yields (queued after
    // the waiter).
    assert_eq!(
        entries(&log),
        ["set", "other", "waiter at 4ms", "setter after yield"]
    );
}

/// A `futures` channel between tasks: the receiver resumes one iteration
/// after the send, at the sender's time.
#[test]
fn a_futures_channel_between_tasks_delivers_at_the_senders_time() {
    let (v, at) = run(async {
        let (tx, rx) = futures::channel::oneshot::channel();
        spawn(async move {
            sleep(ms(8)).await;
            tx.send(42).unwrap();
        });
        let v = rx.await.unwrap();
        (v, now())
    });
    assert_eq!((v, at), (42, ms(8)));
}
