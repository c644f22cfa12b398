//! The functions code inside a simulation calls: spawn, clock, blocking
//! calls, loop callbacks, and the hooks a scenario interpreter needs.

use super::context::{self, with_core};
use super::hazard::HazardKind;
use super::outcome::Failure;
use super::task::{JoinHandle, TaskCell, TaskId};
use super::time::{to_nanos, Nanos};
use super::timers::{TimerAction, TimerId};
use super::trace::Wait;
use std::future::Future;
use std::panic::Location;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// Starts a task. It is queued behind what is already ready and never starts
/// before the caller suspends. Await the handle for its output.
///
/// ```
/// use std::{cell::RefCell, rc::Rc};
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// awaitsim::Sim::new(0).run(async move {
///     let l2 = l.clone();
///     let h = awaitsim::spawn(async move { l2.borrow_mut().push("child") });
///     l.borrow_mut().push("parent before suspending");
///     h.await.unwrap();
/// });
/// assert_eq!(*log.borrow(), ["parent before suspending", "child"]);
/// ```
pub fn spawn<F: Future + 'static>(fut: F) -> JoinHandle<F::Output> {
    spawn_inner(None, fut)
}

/// Like [`spawn`], with a name that traces, timelines and reports show.
///
/// ```
/// let h = awaitsim::Sim::new(0).run(async {
///     awaitsim::spawn_named("worker", async { awaitsim::sim::current_task_name() }).await
/// });
/// assert_eq!(h.unwrap(), "worker");
/// ```
pub fn spawn_named<F: Future + 'static>(
    name: impl Into<Arc<str>>,
    fut: F,
) -> JoinHandle<F::Output> {
    spawn_inner(Some(name.into()), fut)
}

fn spawn_inner<F: Future + 'static>(name: Option<Arc<str>>, fut: F) -> JoinHandle<F::Output> {
    let cell = Rc::new(TaskCell::new(fut));
    let id = with_core(|c| {
        c.tick();
        c.add_task(name, Some(cell.clone()))
    });
    JoinHandle::new(cell, id)
}

/// Virtual time since the run began.
///
/// ```
/// use std::time::Duration;
/// let t = awaitsim::Sim::new(0).run(async {
///     awaitsim::sleep(Duration::from_secs(3600)).await; // instant in real time
///     awaitsim::now()
/// });
/// assert_eq!(t, Duration::from_secs(3600));
/// ```
pub fn now() -> Duration {
    Duration::from_nanos(now_nanos())
}

/// Virtual time since the run began, in nanoseconds.
pub fn now_nanos() -> Nanos {
    with_core(|c| {
        c.tick();
        c.now
    })
}

/// A blocking call (what `time.sleep` does inside a coroutine): the clock
/// moves by `d` while the current task keeps the loop, so every other task
/// and every due timer waits. Calls of 100 ms or more are reported as a
/// blocking hazard naming the caller's source line.
///
/// ```
/// use std::time::Duration;
/// let mut sim = awaitsim::Sim::new(0);
/// let out = sim.try_run(async {
///     awaitsim::block(Duration::from_millis(500));
///     awaitsim::now()
/// });
/// assert_eq!(out.result.unwrap(), Duration::from_millis(500));
/// assert_eq!(out.report.hazards[0].kind, awaitsim::HazardKind::Blocking);
/// ```
#[track_caller]
pub fn block(d: Duration) {
    let l = Location::caller();
    with_core(|c| {
        c.block(
            to_nanos(d),
            "a blocking call (awaitsim::block; await a sleep instead, or move the work off the loop)",
            || format!("{}:{}:{}", l.file(), l.line(), l.column()),
        )
    });
}

/// [`block`] for a layer above that knows better where the call is: a
/// scenario interpreter passes the Python `file:line` and says what blocked
/// (`time.sleep(0.5)`, a CPU-bound step).
///
/// ```
/// use std::time::Duration;
/// let out = awaitsim::Sim::new(0).try_run(async {
///     awaitsim::sim::block_at(Duration::from_millis(300), "time.sleep(0.3)", "app.py:7");
/// });
/// let h = &out.report.hazards[0];
/// assert_eq!(h.location.as_deref(), Some("app.py:7"));
/// assert!(h.message.starts_with("time.sleep(0.3) held the loop for 0.300s"));
/// ```
pub fn block_at(d: Duration, what: &str, location: impl Into<String>) {
    let location = location.into();
    with_core(|c| c.block(to_nanos(d), what, || location));
}

/// The running task, if a task step (not a loop callback) is running.
pub fn current_task() -> Option<TaskId> {
    with_core(|c| c.current)
}

/// The running task's name (`main` for the main future).
///
/// ```
/// assert_eq!(awaitsim::Sim::new(0).run(async { awaitsim::sim::current_task_name() }), "main");
/// ```
pub fn current_task_name() -> String {
    with_core(|c| c.current.map(|t| c.task_name(t)).unwrap_or_default())
}

/// A task's name.
pub fn task_name(task: TaskId) -> String {
    with_core(|c| c.task_name(task))
}

/// True once `task` has completed, failed or been cancelled.
pub fn is_done(task: TaskId) -> bool {
    with_core(|c| c.is_done(task))
}

/// Queues `f` at the back of the ready queue (asyncio's `loop.call_soon`).
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// let hit = Rc::new(Cell::new(false));
/// let h = hit.clone();
/// awaitsim::Sim::new(0).run(async move {
///     awaitsim::sim::call_soon(move || h.set(true));
///     awaitsim::yield_now().await;
/// });
/// assert!(hit.get());
/// ```
pub fn call_soon(f: impl FnOnce() + 'static) {
    with_core(|c| c.call_soon(Box::new(f), None));
}

/// [`call_soon`], with a name the trace shows when the callback runs
/// (`callback print('soon')`).
///
/// ```
/// use awaitsim::{Sim, TraceMode};
/// let out = Sim::new(0).trace(TraceMode::Full).try_run(async {
///     awaitsim::sim::call_soon_named("flush", || {});
///     awaitsim::yield_now().await;
/// });
/// assert!(out.report.trace.unwrap().render().contains("callback flush"));
/// ```
pub fn call_soon_named(name: impl Into<Arc<str>>, f: impl FnOnce() + 'static) {
    let name = name.into();
    with_core(|c| c.call_soon(Box::new(f), Some(name)));
}

/// Is this run keeping its full trace? A layer that would name its
/// callbacks can skip making the names when nobody will see them.
pub fn tracing() -> bool {
    with_core(|c| c.full_trace())
}

/// A callback registered with [`call_at`]; cancel it before it fires.
#[derive(Clone, Copy, Debug)]
pub struct TimerHandle(TimerId);

impl TimerHandle {
    /// Cancels the callback if it has not run (asyncio's `TimerHandle.cancel`).
    pub fn cancel(self) {
        let dropped = context::try_with_core(|c| c.timers.cancel(self.0));
        drop(dropped);
    }
}

/// Runs `f` on the loop at virtual time `deadline` (asyncio's `call_at`;
/// `call_later(d)` is `call_at(now + d)`). Fault-plan lateness applies.
///
/// ```
/// use std::{cell::Cell, rc::Rc, time::Duration};
/// let at = Rc::new(Cell::new(0));
/// let a = at.clone();
/// awaitsim::Sim::new(0).run(async move {
///     awaitsim::sim::call_at(5_000, move || a.set(awaitsim::sim::now_nanos()));
///     awaitsim::sleep(Duration::from_micros(10)).await;
/// });
/// assert_eq!(at.get(), 5_000);
/// ```
pub fn call_at(deadline: Nanos, f: impl FnOnce() + 'static) -> TimerHandle {
    call_at_inner(deadline, Box::new(f), None)
}

/// [`call_at`], with a name the trace shows when the callback runs.
pub fn call_at_named(
    deadline: Nanos,
    name: impl Into<Arc<str>>,
    f: impl FnOnce() + 'static,
) -> TimerHandle {
    call_at_inner(deadline, Box::new(f), Some(name.into()))
}

fn call_at_inner(deadline: Nanos, f: Box<dyn FnOnce()>, name: Option<Arc<str>>) -> TimerHandle {
    with_core(|c| {
        let delay = deadline.saturating_sub(c.now);
        let deadline = deadline.saturating_add(c.late(delay));
        TimerHandle(c.add_timer(deadline, TimerAction::Call(f, name)))
    })
}

/// Says what the current task is about to wait on, for deadlock reports and
/// traces (a lock, a queue): call it before returning `Poll::Pending`.
pub fn set_wait(description: impl Into<Arc<str>>) {
    context::set_wait(Wait::Custom(description.into()));
}

/// A draw from the program's own seeded RNG (a scenario's `random` module).
/// Separate from the scheduler's stream, and not recorded as a decision.
pub fn user_random_u64() -> u64 {
    with_core(|c| c.user_random())
}

/// Records a hazard detected by a layer above (a scenario interpreter),
/// applying the run's policy for its kind.
pub fn report_hazard(kind: HazardKind, location: Option<String>, message: impl Into<String>) {
    with_core(|c| {
        let task = c.current;
        c.hazard(kind, task, location, message.into())
    });
}

/// Stops the run after the current step with `failure`.
pub fn fail_run(failure: Failure) {
    with_core(|c| c.fail(failure));
}
