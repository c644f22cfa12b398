//! Property tests of the core executor over generated task programs.
//!
//! A generator builds random trees of tasks: each task is a list of
//! operations (sleep, also through a foreign waker; yield, blocking call,
//! I/O point, timeout, spawn a child, cancel a child, join a child,
//! create-and-drop a future) and may end by panicking. The same
//! program is run by awaitsim under every strategy and many seeds, with every
//! task logging what it does into one shared log, and the log is checked
//! against the guarantees of DESIGN.md. Under `fifo` with no faults the log
//! must equal, event for event, the log of a small reference interpreter of
//! CPython's `_run_once` written below, independently of `src/sim`.
//!
//! Cost: `AWAITSIM_PROPTEST_CASES` (default 256) programs per property and
//! `AWAITSIM_PROPTEST_SEEDS` (default 4) seeds per strategy and program.

use awaitsim::sim::{Event, Fault};
use awaitsim::{
    FailureKind, FaultPlan, JoinError, JoinHandle, Outcome, Schedule, Sim, Strategy, TraceMode,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

const MS: u64 = 1_000_000;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: env_u64("AWAITSIM_PROPTEST_CASES", 256) as u32,
        ..ProptestConfig::default()
    }
}

fn seeds_per_strategy() -> u64 {
    env_u64("AWAITSIM_PROPTEST_SEEDS", 4)
}

/// Every strategy the executor offers: fifo, random, pos, and pct at depths
/// 1..=4.
const STRATEGIES: [Strategy; 7] = [
    Strategy::Fifo,
    Strategy::Random,
    Strategy::Pos,
    Strategy::Pct { depth: 1 },
    Strategy::Pct { depth: 2 },
    Strategy::Pct { depth: 3 },
    Strategy::Pct { depth: 4 },
];

// ---------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------

/// A generated task, as a tree.
#[derive(Clone, Debug)]
struct GTask {
    ops: Vec<GOp>,
    panics: bool,
}

#[derive(Clone, Debug)]
enum GOp {
    Sleep(u64),
    Yield,
    Block(u64),
    Io(u64),
    Spawn(Box<GTask>),
    /// Join one of the children spawned so far and not yet joined (chosen by
    /// the number); nothing if there is none.
    Await(usize),
    /// Create a future and drop it without awaiting or spawning it.
    Ghost,
    /// Cancel one of the children spawned so far and not yet joined (it is
    /// still joined later, and gives `Cancelled` unless it had finished).
    Cancel(usize),
    /// `timeout(first, sleep(second))`.
    Timeout(u64, u64),
    /// A sleep polled with a waker that is not the loop's own (as inside a
    /// combinator): must behave exactly like `Sleep`.
    ForeignSleep(u64),
}

/// One operation of a flattened program; tasks are named by their index in
/// pre-order (main is 0), which does not depend on the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Sleep(u64),
    Yield,
    Block(u64),
    Io(u64),
    Spawn(usize),
    Join(usize),
    Ghost,
    Cancel(usize),
    Timeout(u64, u64),
}

#[derive(Clone, Debug)]
struct TaskDef {
    ops: Vec<Op>,
    panics: bool,
    parent: Option<usize>,
    /// Indices of the `Op::Sleep`s awaited through a foreign waker.
    foreign: BTreeSet<usize>,
}

#[derive(Clone, Debug)]
struct Program {
    tasks: Vec<TaskDef>,
}

impl Program {
    fn from_tree(root: &GTask) -> Program {
        let mut tasks = Vec::new();
        flatten(root, None, &mut tasks);
        // A panicking main ends the run; failures are exercised in children,
        // where they must reach the awaiter.
        tasks[0].panics = false;
        // Cancelling a task drops the handles of its children, detaching
        // them; a detached task that panics is an unretrieved failure that
        // ends the run. Keep failures out of subtrees that may be cancelled,
        // so that fault-free runs always complete.
        let targets: BTreeSet<usize> = tasks
            .iter()
            .flat_map(|t| t.ops.iter())
            .filter_map(|op| match op {
                Op::Cancel(c) => Some(*c),
                _ => None,
            })
            .collect();
        for i in 0..tasks.len() {
            let mut up = Some(i);
            while let Some(a) = up {
                if targets.contains(&a) {
                    tasks[i].panics = false;
                }
                up = tasks[a].parent;
            }
        }
        Program { tasks }
    }

    fn has_cancels(&self) -> bool {
        self.ops().any(|op| matches!(op, Op::Cancel(_)))
    }

    fn has_timeouts(&self) -> bool {
        self.ops().any(|op| matches!(op, Op::Timeout(..)))
    }

    fn has_blocks(&self) -> bool {
        self.ops().any(|op| matches!(op, Op::Block(_)))
    }

    fn ops(&self) -> impl Iterator<Item = Op> + '_ {
        self.tasks.iter().flat_map(|t| t.ops.iter().copied())
    }

    /// The same program with every timer and blocking call replaced by a
    /// yield: virtual time can then only move through injected faults.
    fn untimed(&self) -> Program {
        let mut p = self.clone();
        for t in &mut p.tasks {
            for op in &mut t.ops {
                if matches!(
                    op,
                    Op::Sleep(_) | Op::Block(_) | Op::Io(_) | Op::Timeout(..)
                ) {
                    *op = Op::Yield;
                }
            }
        }
        p
    }
}

fn flatten(t: &GTask, parent: Option<usize>, out: &mut Vec<TaskDef>) -> usize {
    let me = out.len();
    out.push(TaskDef {
        ops: Vec::new(),
        panics: t.panics,
        parent,
        foreign: BTreeSet::new(),
    });
    let mut foreign = BTreeSet::new();
    let mut ops = Vec::new();
    let mut unjoined: Vec<usize> = Vec::new();
    for op in &t.ops {
        match op {
            GOp::Sleep(d) => ops.push(Op::Sleep(*d)),
            GOp::ForeignSleep(d) => {
                foreign.insert(ops.len());
                ops.push(Op::Sleep(*d));
            }
            GOp::Yield => ops.push(Op::Yield),
            GOp::Block(d) => ops.push(Op::Block(*d)),
            GOp::Io(d) => ops.push(Op::Io(*d)),
            GOp::Ghost => ops.push(Op::Ghost),
            GOp::Timeout(a, b) => ops.push(Op::Timeout(*a, *b)),
            GOp::Cancel(k) => {
                if !unjoined.is_empty() {
                    ops.push(Op::Cancel(unjoined[k % unjoined.len()]));
                }
            }
            GOp::Spawn(child) => {
                let c = flatten(child, Some(me), out);
                ops.push(Op::Spawn(c));
                unjoined.push(c);
            }
            GOp::Await(k) => {
                if !unjoined.is_empty() {
                    let c = unjoined.remove(k % unjoined.len());
                    ops.push(Op::Join(c));
                }
            }
        }
    }
    // Every task joins all its children before it ends (or panics): without
    // faults, all work is done when main returns and every failure is
    // retrieved by an awaiter.
    ops.extend(unjoined.into_iter().map(Op::Join));
    out[me].ops = ops;
    out[me].foreign = foreign;
    me
}

fn leaf_op() -> BoxedStrategy<GOp> {
    prop_oneof![
        // Few distinct delays, so that equal deadlines are common.
        3 => prop::sample::select(vec![0u64, 1, 2, 3, 5, 10]).prop_map(|ms| GOp::Sleep(ms * MS)),
        1 => prop::sample::select(vec![0u64, 1, 2, 5]).prop_map(|ms| GOp::ForeignSleep(ms * MS)),
        2 => Just(GOp::Yield),
        // 120 ms crosses the blocking-hazard threshold (reported, not fatal).
        1 => prop::sample::select(vec![1u64, 2, 5, 120]).prop_map(|ms| GOp::Block(ms * MS)),
        2 => prop::sample::select(vec![1u64, 2, 3, 5, 10]).prop_map(|ms| GOp::Io(ms * MS)),
        2 => any::<u8>().prop_map(|k| GOp::Await(k as usize)),
        1 => Just(GOp::Ghost),
        1 => any::<u8>().prop_map(|k| GOp::Cancel(k as usize)),
        1 => (
            prop::sample::select(vec![0u64, 1, 2, 5]),
            prop::sample::select(vec![0u64, 1, 2, 5]),
        )
            .prop_map(|(a, b)| GOp::Timeout(a * MS, b * MS)),
    ]
    .boxed()
}

fn task_tree() -> impl proptest::strategy::Strategy<Value = GTask> {
    let leaf = (vec(leaf_op(), 0..5), prop::bool::weighted(0.25))
        .prop_map(|(ops, panics)| GTask { ops, panics });
    leaf.prop_recursive(3, 24, 5, |inner| {
        (
            vec(
                prop_oneof![
                    3 => leaf_op(),
                    2 => inner.prop_map(|t| GOp::Spawn(Box::new(t))),
                ],
                0..7,
            ),
            prop::bool::weighted(0.25),
        )
            .prop_map(|(ops, panics)| GTask { ops, panics })
    })
}

/// Main always has a few operations and children, so that most programs
/// have several tasks competing.
fn program() -> impl proptest::strategy::Strategy<Value = Program> {
    vec(
        prop_oneof![
            2 => leaf_op(),
            3 => task_tree().prop_map(|t| GOp::Spawn(Box::new(t))),
        ],
        2..8,
    )
    .prop_map(|ops| Program::from_tree(&GTask { ops, panics: false }))
}

// ---------------------------------------------------------------------------
// The log every task writes
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum Joined {
    Ok,
    Panicked,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// First step of the task began.
    Start,
    /// The task suspended at op `i` (the awaited future returned Pending).
    Suspend(usize),
    /// The task resumed at op `i`.
    Resume(usize),
    Spawned(usize),
    Joined(usize, Joined),
    BlockBegin(usize),
    BlockEnd(usize),
    IoDone(usize, bool),
    /// Written by a future that must never run.
    Ghost,
    Cancelling(usize),
    /// The task's future was dropped by a cancellation (at a loop step,
    /// outside the task's own steps).
    Dropped,
    /// `Op::Timeout` at op `i` gave `Ok` (true) or `Elapsed`.
    TimedOut(usize, bool),
    Panicking,
    End,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Ev {
    task: usize,
    at: u64,
    kind: Kind,
}

/// Shared by every task of one run.
struct Ctx {
    prog: Rc<Program>,
    log: RefCell<Vec<Ev>>,
    /// The task whose step is running, between its resume and its next
    /// suspension; `None` while the loop itself runs.
    running: Cell<Option<usize>>,
    violations: RefCell<Vec<String>>,
}

impl Ctx {
    fn violation(&self, what: String) {
        self.violations.borrow_mut().push(what);
    }

    fn record(&self, task: usize, kind: Kind) {
        if self.running.get() != Some(task) {
            self.violation(format!(
                "task {task} logged {kind:?} while {:?} was running",
                self.running.get()
            ));
        }
        let at = awaitsim::sim::now_nanos();
        self.log.borrow_mut().push(Ev { task, at, kind });
    }

    /// A step of `task` begins.
    fn enter(&self, task: usize, kind: Kind) {
        if let Some(other) = self.running.replace(Some(task)) {
            self.violation(format!(
                "task {task} ran ({kind:?}) inside a step of task {other}"
            ));
        }
        self.record(task, kind);
    }

    /// The future of `task` is dropped by a cancellation: this happens in
    /// a loop step of its own, outside any step of a task's code.
    fn dropped(&self, task: usize) {
        if let Some(other) = self.running.get() {
            self.violation(format!("task {task} was dropped inside a step of {other}"));
        }
        let at = awaitsim::sim::now_nanos();
        self.log.borrow_mut().push(Ev {
            task,
            at,
            kind: Kind::Dropped,
        });
    }

    /// The step of `task` ends.
    fn leave(&self, task: usize, kind: Kind) {
        self.record(task, kind);
        if self.running.replace(None) != Some(task) {
            self.violation(format!("task {task} left a step it was not running"));
        }
    }
}

/// Wraps one await of a task so that its real suspensions are logged: a
/// `Suspend` when the inner future returns `Pending`, a `Resume` when the
/// task is polled again.
struct Point<F: Future> {
    ctx: Rc<Ctx>,
    task: usize,
    op: usize,
    fut: Pin<Box<F>>,
    suspended: bool,
}

impl<F: Future> Future for Point<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        if this.suspended {
            this.suspended = false;
            this.ctx.enter(this.task, Kind::Resume(this.op));
        }
        match this.fut.as_mut().poll(cx) {
            Poll::Pending => {
                this.ctx.leave(this.task, Kind::Suspend(this.op));
                this.suspended = true;
                Poll::Pending
            }
            ready => ready,
        }
    }
}

fn point<F: Future>(ctx: &Rc<Ctx>, task: usize, op: usize, fut: F) -> Point<F> {
    Point {
        ctx: ctx.clone(),
        task,
        op,
        fut: Box::pin(fut),
        suspended: false,
    }
}

/// Polls its future with a waker of its own that forwards to the task's, as
/// combinators do (without `FuturesUnordered`'s extra cooperative yields).
struct Foreign<F>(Pin<Box<F>>);

struct Forward(std::task::Waker);

impl std::task::Wake for Forward {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.wake_by_ref();
    }
}

impl<F: Future> Future for Foreign<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let waker = std::task::Waker::from(std::sync::Arc::new(Forward(cx.waker().clone())));
        self.0.as_mut().poll(&mut Context::from_waker(&waker))
    }
}

fn io_name(task: usize, op: usize) -> String {
    format!("t{task}.{op}")
}

fn parse_io_name(name: &str) -> (usize, usize) {
    let (t, o) = name[1..]
        .split_once('.')
        .expect("io names are t<task>.<op>");
    (t.parse().unwrap(), o.parse().unwrap())
}

fn panic_message(task: usize) -> String {
    format!("task {task} fails")
}

/// Logs `Dropped` if the task's future is dropped before it ends, during the
/// run (not when the loop tears down what is left after main returned).
struct DropLog {
    ctx: Rc<Ctx>,
    task: usize,
    ended: bool,
}

impl Drop for DropLog {
    fn drop(&mut self) {
        if !self.ended && awaitsim::sim::current_task().is_some() {
            self.ctx.dropped(self.task);
        }
    }
}

/// The awaitsim future of task `me` of the program.
fn task(ctx: Rc<Ctx>, me: usize) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(async move {
        ctx.enter(me, Kind::Start);
        let mut guard = DropLog {
            ctx: ctx.clone(),
            task: me,
            ended: false,
        };
        let def = ctx.prog.tasks[me].clone();
        let mut handles: BTreeMap<usize, JoinHandle<()>> = BTreeMap::new();
        for (i, op) in def.ops.iter().enumerate() {
            match *op {
                Op::Sleep(d) if def.foreign.contains(&i) => {
                    let sleep = awaitsim::sleep(Duration::from_nanos(d));
                    point(&ctx, me, i, Foreign(Box::pin(sleep))).await;
                }
                Op::Sleep(d) => point(&ctx, me, i, awaitsim::sleep(Duration::from_nanos(d))).await,
                Op::Yield => point(&ctx, me, i, awaitsim::yield_now()).await,
                Op::Block(d) => {
                    ctx.record(me, Kind::BlockBegin(i));
                    awaitsim::block(Duration::from_nanos(d));
                    ctx.record(me, Kind::BlockEnd(i));
                }
                Op::Io(d) => {
                    let name = io_name(me, i);
                    let io = awaitsim::io(name.as_str(), Duration::from_nanos(d));
                    let r = point(&ctx, me, i, io).await;
                    if let Err(e) = &r {
                        if *e.name != *name {
                            ctx.violation(format!("io {name} failed as {}", e.name));
                        }
                    }
                    ctx.record(me, Kind::IoDone(i, r.is_ok()));
                }
                Op::Spawn(c) => {
                    let h = awaitsim::spawn(task(ctx.clone(), c));
                    ctx.record(me, Kind::Spawned(c));
                    handles.insert(c, h);
                }
                Op::Join(c) => {
                    let h = handles.remove(&c).expect("each child is joined once");
                    let joined = match point(&ctx, me, i, h).await {
                        Ok(()) => Joined::Ok,
                        Err(JoinError::Cancelled) => Joined::Cancelled,
                        Err(JoinError::Panicked(m)) => {
                            if !m.contains(&panic_message(c)) {
                                ctx.violation(format!("join of {c} gave panic message {m:?}"));
                            }
                            Joined::Panicked
                        }
                    };
                    ctx.record(me, Kind::Joined(c, joined));
                }
                Op::Ghost => {
                    let ghost = {
                        let ctx = ctx.clone();
                        async move { ctx.record(me, Kind::Ghost) }
                    };
                    drop(ghost);
                }
                Op::Cancel(c) => {
                    ctx.record(me, Kind::Cancelling(c));
                    handles[&c].cancel();
                }
                Op::Timeout(limit, d) => {
                    let inner = awaitsim::sleep(Duration::from_nanos(d));
                    let t = awaitsim::timeout(Duration::from_nanos(limit), inner);
                    let r = point(&ctx, me, i, t).await;
                    ctx.record(me, Kind::TimedOut(i, r.is_ok()));
                }
            }
        }
        guard.ended = true;
        if def.panics {
            ctx.leave(me, Kind::Panicking);
            panic!("{}", panic_message(me));
        }
        ctx.leave(me, Kind::End);
    })
}

struct Run {
    out: Outcome<()>,
    log: Vec<Ev>,
    violations: Vec<String>,
}

fn run_on(sim: &mut Sim, prog: &Rc<Program>) -> Run {
    let ctx = Rc::new(Ctx {
        prog: prog.clone(),
        log: RefCell::new(Vec::new()),
        running: Cell::new(None),
        violations: RefCell::new(Vec::new()),
    });
    let out = sim.try_run(task(ctx.clone(), 0));
    let log = ctx.log.take();
    let violations = ctx.violations.take();
    Run {
        out,
        log,
        violations,
    }
}

fn new_sim(strategy: Strategy, seed: u64, plan: &FaultPlan, horizon: u64) -> Sim {
    Sim::new(seed)
        .strategy(strategy)
        .faults(plan.clone())
        .trace(TraceMode::Full)
        .pct_horizon(horizon)
}

fn rendered(r: &Run) -> String {
    r.out
        .report
        .trace
        .as_ref()
        .expect("runs keep the full trace")
        .render()
}

/// Runs `prog` under every strategy and `seeds_per_strategy` seeds from
/// `base`, calling `each` with the strategy and the run. One `Sim` per
/// strategy is reused across its seeds (as exploration does).
fn for_each_run(
    prog: &Program,
    plan: &FaultPlan,
    base: u64,
    mut each: impl FnMut(Strategy, u64, &Run) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    let prog = Rc::new(prog.clone());
    // PCT spreads its change points over about as many choices as a run
    // makes; measure it with a FIFO run, as `check` does.
    let horizon = run_on(&mut new_sim(Strategy::Fifo, 0, plan, 1), &prog)
        .out
        .report
        .steps;
    for strategy in STRATEGIES {
        let mut sim = new_sim(strategy, base, plan, horizon);
        let seeds = if strategy == Strategy::Fifo && plan.is_none() {
            1
        } else {
            seeds_per_strategy()
        };
        for k in 0..seeds {
            let seed = base.wrapping_add(k.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            sim.set_seed(seed.into());
            let r = run_on(&mut sim, &prog);
            each(strategy, seed, &r)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The reference model: CPython's `_run_once`, written from the docs, not
// from src/sim. Cancellation follows the Rust API (the future is dropped at
// the task's next step, its children's handles with it, detaching them);
// its timing is CPython's (`cancel()` queues the task's step at once).
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Entry {
    /// A task's `__step`.
    Step(usize),
    /// A timer callback (by registration number): completes a sleep, which
    /// `call_soon`s the task's wake-up.
    Timer(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TimerState {
    Armed,
    Queued,
    Fired,
    Cancelled,
}

#[derive(Clone, Debug, Default)]
struct ModelTask {
    pc: usize,
    started: bool,
    queued: bool,
    cancel: bool,
    end: Option<Joined>,
    joiner: Option<usize>,
    waiting: Option<usize>,
    /// Timers the task is waiting on: a sleep's, or a timeout's inner sleep
    /// and deadline (`None` for a zero-length one, which is a yield).
    timers: Vec<Option<usize>>,
}

struct Model<'a> {
    prog: &'a Program,
    now: u64,
    ready: VecDeque<Entry>,
    /// CPython's `_scheduled` heap, ordered by (deadline, registration).
    heap: BTreeSet<(u64, usize)>,
    /// Per registration number: the task it wakes, and its state.
    timers: Vec<(usize, TimerState)>,
    tasks: Vec<ModelTask>,
    log: Vec<Ev>,
}

impl Model<'_> {
    fn run(prog: &Program) -> Vec<Ev> {
        let mut m = Model {
            prog,
            now: 0,
            ready: VecDeque::new(),
            heap: BTreeSet::new(),
            timers: Vec::new(),
            tasks: vec![ModelTask::default(); prog.tasks.len()],
            log: Vec::new(),
        };
        m.wake(0);
        'run: while m.tasks[0].end.is_none() {
            // One `_run_once`: if nothing is ready, jump to the first
            // deadline; move every due timer to the back of the ready queue;
            // then run exactly the callbacks ready at this point.
            if m.ready.is_empty() {
                let &(deadline, _) = m
                    .heap
                    .first()
                    .expect("model: no deadlock possible when every child is joined");
                m.now = m.now.max(deadline);
            }
            while let Some(&(deadline, seq)) = m.heap.first() {
                if deadline > m.now {
                    break;
                }
                m.heap.remove(&(deadline, seq));
                m.timers[seq].1 = TimerState::Queued;
                m.ready.push_back(Entry::Timer(seq));
            }
            for _ in 0..m.ready.len() {
                // The run ends as soon as main has: what is left is dropped.
                if m.tasks[0].end.is_some() {
                    break 'run;
                }
                match m.ready.pop_front().unwrap() {
                    Entry::Timer(seq) => {
                        if m.timers[seq].1 == TimerState::Queued {
                            m.timers[seq].1 = TimerState::Fired;
                            m.wake(m.timers[seq].0);
                        }
                    }
                    Entry::Step(t) => m.step(t),
                }
            }
        }
        m.log
    }

    fn log(&mut self, task: usize, kind: Kind) {
        self.log.push(Ev {
            task,
            at: self.now,
            kind,
        });
    }

    /// `call_soon(task.__step)`, unless already queued or finished.
    fn wake(&mut self, t: usize) {
        let task = &mut self.tasks[t];
        if task.queued || task.end.is_some() {
            return;
        }
        task.queued = true;
        self.ready.push_back(Entry::Step(t));
    }

    /// A sleep of `d` at the current time: a timer, or a yield for 0.
    fn sleep(&mut self, t: usize, d: u64) -> Option<usize> {
        if d == 0 {
            self.wake(t);
            return None;
        }
        let seq = self.timers.len();
        self.timers.push((t, TimerState::Armed));
        self.heap.insert((self.now + d, seq));
        Some(seq)
    }

    fn fired(&self, timer: Option<usize>) -> bool {
        timer.is_none_or(|seq| self.timers[seq].1 == TimerState::Fired)
    }

    fn cancel_timer(&mut self, timer: Option<usize>) {
        if let Some(seq) = timer {
            if matches!(self.timers[seq].1, TimerState::Armed | TimerState::Queued) {
                let deadline = self.heap.iter().find(|&&(_, s)| s == seq).map(|&(d, _)| d);
                if let Some(d) = deadline {
                    self.heap.remove(&(d, seq));
                }
                self.timers[seq].1 = TimerState::Cancelled;
            }
        }
    }

    fn suspend(&mut self, t: usize, i: usize) {
        self.tasks[t].waiting = Some(i);
        self.log(t, Kind::Suspend(i));
    }

    fn finish(&mut self, t: usize, end: Joined) {
        self.tasks[t].end = Some(end);
        // Done callbacks are scheduled with `call_soon`.
        if let Some(j) = self.tasks[t].joiner {
            self.wake(j);
        }
    }

    fn step(&mut self, t: usize) {
        let prog = self.prog;
        let ops = &prog.tasks[t].ops;
        self.tasks[t].queued = false;
        if self.tasks[t].end.is_some() {
            return;
        }
        if self.tasks[t].cancel {
            // The future is dropped: its timers are cancelled, its
            // children's handles dropped (they run on, detached).
            if self.tasks[t].started {
                self.log(t, Kind::Dropped);
            }
            for timer in std::mem::take(&mut self.tasks[t].timers) {
                self.cancel_timer(timer);
            }
            return self.finish(t, Joined::Cancelled);
        }
        if !self.tasks[t].started {
            self.tasks[t].started = true;
            self.log(t, Kind::Start);
        } else {
            let i = self.tasks[t].waiting.take().expect("woken while waiting");
            self.log(t, Kind::Resume(i));
            let timers = std::mem::take(&mut self.tasks[t].timers);
            match ops[i] {
                Op::Io(_) => self.log(t, Kind::IoDone(i, true)),
                Op::Join(c) => {
                    let j = self.tasks[c].end.clone().expect("joiner woken by the end");
                    self.log(t, Kind::Joined(c, j));
                }
                Op::Timeout(..) => {
                    // `Timeout` polls the inner future first, then the
                    // deadline; the loser's timer is cancelled when the
                    // timeout is dropped.
                    let ok = self.fired(timers[0]);
                    assert!(ok || self.fired(timers[1]), "model: spurious wake-up");
                    self.cancel_timer(timers[if ok { 1 } else { 0 }]);
                    self.log(t, Kind::TimedOut(i, ok));
                }
                _ => {}
            }
        }
        while self.tasks[t].pc < ops.len() {
            let i = self.tasks[t].pc;
            self.tasks[t].pc += 1;
            match ops[i] {
                // `asyncio.sleep(0)` and a yield: the step is queued again
                // at once, behind everything already ready.
                Op::Sleep(d) | Op::Io(d) => {
                    let timer = self.sleep(t, d);
                    self.tasks[t].timers = vec![timer];
                    return self.suspend(t, i);
                }
                Op::Yield => {
                    self.wake(t);
                    return self.suspend(t, i);
                }
                Op::Timeout(limit, d) => {
                    let inner = self.sleep(t, d);
                    let deadline = self.sleep(t, limit);
                    self.tasks[t].timers = vec![inner, deadline];
                    return self.suspend(t, i);
                }
                Op::Block(d) => {
                    self.log(t, Kind::BlockBegin(i));
                    self.now += d;
                    self.log(t, Kind::BlockEnd(i));
                }
                Op::Spawn(c) => {
                    // `create_task` → `call_soon(__step)`.
                    self.log(t, Kind::Spawned(c));
                    self.wake(c);
                }
                Op::Join(c) => match self.tasks[c].end.clone() {
                    // Awaiting a finished task does not yield.
                    Some(j) => self.log(t, Kind::Joined(c, j)),
                    None => {
                        self.tasks[c].joiner = Some(t);
                        return self.suspend(t, i);
                    }
                },
                Op::Cancel(c) => {
                    self.log(t, Kind::Cancelling(c));
                    let child = &mut self.tasks[c];
                    if child.end.is_none() && !child.cancel {
                        child.cancel = true;
                        self.wake(c);
                    }
                }
                Op::Ghost => {}
            }
        }
        let end = if prog.tasks[t].panics {
            self.log(t, Kind::Panicking);
            Joined::Panicked
        } else {
            self.log(t, Kind::End);
            Joined::Ok
        };
        self.finish(t, end);
    }
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

/// Guarantees that hold for every run, under any strategy and fault plan.
fn check_log(prog: &Program, plan: &FaultPlan, r: &Run) -> Result<(), TestCaseError> {
    // Without cancel faults, only `Op::Cancel` cancels.
    let only_ops_cancel = plan.cancel == 0.0;
    prop_assert!(r.violations.is_empty(), "violations: {:?}", r.violations);
    let log = &r.log;
    // An un-awaited, un-spawned future never runs.
    prop_assert!(!log.iter().any(|e| e.kind == Kind::Ghost), "a ghost ran");
    // Virtual time never goes backwards.
    for w in log.windows(2) {
        prop_assert!(
            w[0].at <= w[1].at,
            "time went back: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    // Steps never overlap: each step is Start/Resume ... Suspend/End/Panicking
    // of one task, and nothing else is logged in between.
    let mut open: Option<usize> = None;
    for e in log {
        match e.kind {
            Kind::Start | Kind::Resume(_) => {
                prop_assert_eq!(
                    open,
                    None,
                    "step of {} began inside another: {:?}",
                    e.task,
                    e
                );
                open = Some(e.task);
            }
            Kind::Suspend(_) | Kind::End | Kind::Panicking => {
                prop_assert_eq!(open, Some(e.task), "{:?}", e);
                open = None;
            }
            // A cancelled task is dropped by the loop, between steps.
            Kind::Dropped => prop_assert_eq!(open, None, "{:?}", e),
            _ => prop_assert_eq!(open, Some(e.task), "{:?}", e),
        }
    }
    for (i, e) in log.iter().enumerate() {
        // A spawned task never starts before its spawner suspends.
        if let Kind::Spawned(c) = e.kind {
            if let Some(j) = log
                .iter()
                .position(|s| s.task == c && s.kind == Kind::Start)
            {
                prop_assert!(j > i, "task {} started before it was spawned", c);
                let parent_suspended = log[i..j].iter().any(|s| {
                    s.task == e.task
                        && matches!(s.kind, Kind::Suspend(_) | Kind::End | Kind::Panicking)
                });
                prop_assert!(
                    parent_suspended,
                    "task {} started before {} suspended",
                    c,
                    e.task
                );
            }
        }
        // Sleeps and I/O never resume before their deadline.
        if let Kind::Resume(op) = e.kind {
            if let Op::Sleep(d) | Op::Io(d) = prog.tasks[e.task].ops[op] {
                let before = log[..i]
                    .iter()
                    .rev()
                    .find(|s| s.task == e.task)
                    .expect("a resume follows its suspend");
                prop_assert_eq!(&before.kind, &Kind::Suspend(op));
                prop_assert!(
                    e.at >= before.at + d,
                    "op {} of task {} ended early",
                    op,
                    e.task
                );
            }
        }
        // A timeout resumes no earlier than whichever of its inner sleep and
        // its deadline it reports.
        if let Kind::TimedOut(op, ok) = e.kind {
            let Op::Timeout(limit, d) = prog.tasks[e.task].ops[op] else {
                unreachable!()
            };
            prop_assert_eq!(&log[i - 1].kind, &Kind::Resume(op));
            let suspended = log[..i - 1]
                .iter()
                .rev()
                .find(|s| s.task == e.task)
                .unwrap();
            prop_assert_eq!(&suspended.kind, &Kind::Suspend(op));
            let waited = if ok { d } else { limit };
            prop_assert!(
                e.at >= suspended.at + waited,
                "timeout op {} of task {} early",
                op,
                e.task
            );
        }
        // A cancelled task never runs again; only its drop is logged.
        if let Kind::Cancelling(c) = e.kind {
            let ended_before = log[..i]
                .iter()
                .any(|s| s.task == c && matches!(s.kind, Kind::End | Kind::Panicking));
            if !ended_before {
                let ran = log[i..]
                    .iter()
                    .find(|s| s.task == c && s.kind != Kind::Dropped);
                prop_assert!(ran.is_none(), "task {} ran after its cancel: {:?}", c, ran);
            }
        }
        if e.kind == Kind::Dropped && only_ops_cancel {
            let asked = log[..i].iter().any(|s| s.kind == Kind::Cancelling(e.task));
            prop_assert!(asked, "task {} dropped without a cancel", e.task);
        }
        // A blocking call of d moves the clock by d (up to `late` × d more),
        // and, with time monotonic, delays everything logged after it.
        if let Kind::BlockEnd(op) = e.kind {
            let Op::Block(d) = prog.tasks[e.task].ops[op] else {
                unreachable!()
            };
            let begin = &log[i - 1];
            prop_assert_eq!(&begin.kind, &Kind::BlockBegin(op));
            let took = e.at - begin.at;
            prop_assert!(took >= d, "block of {} took {}", d, took);
            let max_late = (d as f64 * plan.late) as u64;
            prop_assert!(took <= d + max_late, "block of {} took {}", d, took);
        }
        // A failure reaches the awaiter; so does a cancellation.
        if let Kind::Joined(c, j) = &e.kind {
            let child_end = log[..i]
                .iter()
                .filter(|s| s.task == *c)
                .find(|s| matches!(s.kind, Kind::End | Kind::Panicking));
            let expected = match child_end.map(|s| &s.kind) {
                Some(Kind::End) => Joined::Ok,
                Some(_) => Joined::Panicked,
                None => Joined::Cancelled,
            };
            prop_assert_eq!(j, &expected, "join of task {}", c);
            if *j == Joined::Cancelled && only_ops_cancel {
                let asked = log[..i].iter().any(|s| s.kind == Kind::Cancelling(*c));
                prop_assert!(asked, "task {} cancelled without a cancel", c);
            }
        }
    }
    Ok(())
}

/// In the trace: timers never fire before their deadline; with `ordered`,
/// each firing timer is the first by (deadline, registration) of the armed
/// timers that fire at all (a cancelled timer leaves no event); with
/// `on_time`, it fires exactly at its deadline.
fn check_timers(r: &Run, ordered: bool, on_time: bool) -> Result<(), TestCaseError> {
    let trace = r.out.report.trace.as_ref().unwrap();
    let fires: BTreeSet<u64> = trace
        .events
        .iter()
        .filter_map(|rec| match rec.event {
            Event::TimerFire { seq } => Some(seq),
            _ => None,
        })
        .collect();
    let mut armed: BTreeMap<u64, u64> = BTreeMap::new();
    // A blocking call holds the loop: nothing at all (no step, no timer)
    // happens until the clock has moved by its whole length.
    let mut held_until = 0;
    let mut last = 0;
    for rec in &trace.events {
        prop_assert!(rec.at >= last, "trace time went back at {:?}", rec);
        prop_assert!(rec.at >= held_until, "{:?} during a blocking call", rec);
        last = rec.at;
        match rec.event {
            Event::Block { duration, .. } => held_until = rec.at + duration,
            Event::TimerSet { seq, deadline } => {
                prop_assert!(deadline >= rec.at);
                if fires.contains(&seq) {
                    armed.insert(seq, deadline);
                }
            }
            Event::TimerFire { seq } => {
                let deadline = armed.remove(&seq).expect("fired timers were set");
                prop_assert!(rec.at >= deadline, "timer #{} fired early", seq);
                if on_time {
                    prop_assert_eq!(rec.at, deadline, "timer #{} fired late", seq);
                }
                if ordered {
                    let first = armed.iter().map(|(&s, &d)| (d, s)).min();
                    prop_assert!(
                        first.is_none_or(|f| f > (deadline, seq)),
                        "timer #{} fired before {:?}",
                        seq,
                        first
                    );
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The same run again gives the same trace; its schedule token, printed and
/// parsed back, replays it on a `Sim` with another seed and strategy and no
/// fault plan.
fn check_replay(
    prog: &Program,
    plan: &FaultPlan,
    strategy: Strategy,
    seed: u64,
    horizon_of: &Run,
    r: &Run,
) -> Result<(), TestCaseError> {
    let prog = Rc::new(prog.clone());
    let report = &r.out.report;
    // A fresh Sim (the run under test came from a reused one).
    let horizon = horizon_of.out.report.steps;
    let again = run_on(&mut new_sim(strategy, seed, plan, horizon), &prog);
    prop_assert_eq!(again.out.report.trace_hash, report.trace_hash);
    prop_assert_eq!(rendered(&again), rendered(r));
    prop_assert_eq!(&again.log, &r.log);
    prop_assert_eq!(&again.out.result, &r.out.result);
    // The hash does not depend on whether the full trace is kept.
    let hashed = run_on(
        &mut Sim::new(seed)
            .strategy(strategy)
            .faults(plan.clone())
            .pct_horizon(horizon),
        &prog,
    );
    prop_assert_eq!(hashed.out.report.trace_hash, report.trace_hash);
    // The token replays without the scheduler's RNG.
    let token = report.schedule.to_string();
    let parsed: Schedule = token.parse().expect("tokens parse");
    prop_assert_eq!(&parsed, &report.schedule);
    // The token carries the fault plan: the replaying Sim has none of its
    // own, another seed, and the default strategy.
    let mut replay = Sim::new(seed ^ 0x5555_aaaa_5555_aaaa)
        .trace(TraceMode::Full)
        .schedule(parsed);
    let replayed = run_on(&mut replay, &prog);
    prop_assert_eq!(replayed.out.report.trace_hash, report.trace_hash);
    prop_assert_eq!(rendered(&replayed), rendered(r));
    prop_assert_eq!(&replayed.log, &r.log);
    Ok(())
}

/// PCT with depth 1 has no priority change points: whenever two tasks are
/// ready together, the same one of the two always runs first. Readiness is
/// read off the trace (spawned or woken, until its step begins).
fn check_fixed_priorities(r: &Run) -> Result<(), TestCaseError> {
    let trace = r.out.report.trace.as_ref().unwrap();
    let mut ready: BTreeSet<usize> = BTreeSet::new();
    let mut before: BTreeSet<(usize, usize)> = BTreeSet::new();
    for rec in &trace.events {
        match rec.event {
            Event::Spawn { task, .. } | Event::Wake { task } => {
                ready.insert(task.index());
            }
            Event::Step { task } => {
                let t = task.index();
                ready.remove(&t);
                for &u in &ready {
                    prop_assert!(
                        !before.contains(&(u, t)),
                        "pct:1 ran task #{} before #{} and later #{} before #{}",
                        u,
                        t,
                        t,
                        u
                    );
                    before.insert((t, u));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn faults_of(r: &Run) -> Vec<Fault> {
    r.out
        .report
        .trace
        .as_ref()
        .unwrap()
        .events
        .iter()
        .filter_map(|rec| match &rec.event {
            Event::Fault { fault, .. } => Some(fault.clone()),
            _ => None,
        })
        .collect()
}

/// Every injected fault is in the trace, and its effect is what the program
/// saw: failed I/O returned `Err`, cancelled tasks gave `Cancelled` to their
/// awaiter, stalled I/O never completed, late timers were late by exactly
/// the recorded amount.
fn check_faults(prog: &Program, plan: &FaultPlan, r: &Run) -> Result<(), TestCaseError> {
    let faults = faults_of(r);
    let mut fails = BTreeMap::new();
    let mut cancels = BTreeSet::new();
    let mut stalls = BTreeSet::new();
    let mut late = Vec::new();
    for f in &faults {
        match f {
            Fault::Fail { name } => *fails.entry(parse_io_name(name)).or_insert(0) += 1,
            Fault::Cancel { name } => prop_assert!(cancels.insert(parse_io_name(name))),
            Fault::Stall { name } => prop_assert!(stalls.insert(parse_io_name(name))),
            Fault::Late { by } => late.push(*by),
            Fault::LongerBlock { .. } | Fault::Block { .. } => {}
        }
    }
    // Only enabled faults are injected.
    prop_assert!(plan.fail > 0.0 || fails.is_empty());
    prop_assert!(plan.cancel > 0.0 || cancels.is_empty());
    prop_assert!(plan.stall > 0.0 || stalls.is_empty());
    prop_assert!(plan.late > 0.0 || late.is_empty());
    let log = &r.log;
    let pos = |t: usize, k: &Kind| log.iter().position(|e| e.task == t && e.kind == *k);
    for e in log {
        if let Kind::IoDone(i, ok) = e.kind {
            let injected = fails.get(&(e.task, i)).copied().unwrap_or(0);
            prop_assert_eq!(injected, usize::from(!ok), "io t{}.{} ok={}", e.task, i, ok);
        }
    }
    for &(t, i) in fails.keys() {
        prop_assert!(
            pos(t, &Kind::Suspend(i)).is_some(),
            "fail at an io never reached"
        );
    }
    // A cancelled or stalled task does nothing after that I/O point.
    for &(t, i) in cancels.iter().chain(&stalls) {
        let at = pos(t, &Kind::Suspend(i));
        prop_assert!(at.is_some(), "fault at t{}.{} never reached", t, i);
        let after = log[at.unwrap() + 1..]
            .iter()
            .filter(|e| e.task == t && e.kind != Kind::Dropped)
            .count();
        prop_assert_eq!(
            after,
            0,
            "task {} ran after its I/O was cancelled or stalled",
            t
        );
    }
    for e in log {
        if let Kind::Joined(c, Joined::Cancelled) = e.kind {
            let by_fault = cancels.iter().any(|&(t, _)| t == c);
            let by_op = log.iter().any(|s| s.kind == Kind::Cancelling(c));
            prop_assert!(by_fault || by_op, "task {} cancelled without a fault", c);
        }
    }
    match &r.out.result {
        Ok(()) => {}
        Err(f) => match f.kind() {
            FailureKind::Stall => prop_assert!(!stalls.is_empty(), "stall without a stall: {}", f),
            FailureKind::Exception => {
                prop_assert!(
                    cancels.iter().any(|&(t, _)| t == 0),
                    "main not cancelled: {}",
                    f
                )
            }
            // A cancelled task detaches its children; a child that then
            // panics is an unretrieved failure.
            FailureKind::Assertion => {
                prop_assert!(
                    !cancels.is_empty() && f.to_string().contains("fails"),
                    "{}",
                    f
                )
            }
            _ => prop_assert!(false, "unexpected failure: {}", f),
        },
    }
    // Lateness: with no blocking calls, a sleep or I/O resumes exactly at its
    // (late) deadline, so each observed delay beyond the request is one
    // recorded `late` fault.
    let blocking = prog.has_blocks() || plan.block.is_some();
    if !blocking {
        let mut observed = Vec::new();
        for (i, e) in log.iter().enumerate() {
            if let Kind::Resume(op) = e.kind {
                if let Op::Sleep(d) | Op::Io(d) = prog.tasks[e.task].ops[op] {
                    let before = log[..i].iter().rev().find(|s| s.task == e.task).unwrap();
                    let extra = e.at - before.at - d;
                    prop_assert!(extra as f64 <= d as f64 * plan.late, "late beyond the plan");
                    if extra > 0 {
                        observed.push(extra);
                    }
                }
            }
        }
        let mut injected = late.clone();
        for x in &observed {
            let k = injected.iter().position(|y| y == x);
            prop_assert!(
                k.is_some(),
                "a delay of {} with no late fault ({:?})",
                x,
                late
            );
            injected.swap_remove(k.unwrap());
        }
        // (A timeout or a cancellation drops timers whose lateness is then
        // never seen.)
        if r.out.result.is_ok() && cancels.is_empty() && !prog.has_cancels() && !prog.has_timeouts()
        {
            prop_assert!(
                injected.is_empty(),
                "late faults with no effect: {:?}",
                injected
            );
        }
    }
    Ok(())
}

fn fault_plan() -> impl proptest::strategy::Strategy<Value = FaultPlan> {
    (
        prop::sample::select(vec![0.0, 0.5, 1.0]),
        prop::sample::select(vec![0.0, 0.2]),
        prop::sample::select(vec![0.0, 0.1]),
        prop::sample::select(vec![0.0, 0.1]),
        prop::option::weighted(0.3, prop::sample::select(vec![1u64, 3, 150])),
    )
        .prop_map(|(late, fail, cancel, stall, block)| FaultPlan {
            late,
            fail,
            cancel,
            stall,
            block: block.map(|ms| awaitsim::sim::BlockFault {
                p: 0.1,
                duration: ms * MS,
            }),
        })
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Under fifo with no faults the executor is CPython's loop: the log of
    /// every generated program equals the reference model's, event for event
    /// and nanosecond for nanosecond; timers fire in (deadline,
    /// registration) order, exactly on time when nothing blocks.
    #[test]
    fn fifo_equals_the_reference_model_of_cpythons_loop(prog in program()) {
        let shared = Rc::new(prog.clone());
        let r = run_on(&mut new_sim(Strategy::Fifo, 0, &FaultPlan::none(), 100), &shared);
        prop_assert!(r.out.result.is_ok(), "{:?}", r.out.result);
        prop_assert_eq!(&r.log, &Model::run(&prog));
        check_log(&prog, &FaultPlan::none(), &r)?;
        check_timers(&r, true, !prog.has_blocks())?;
    }

    /// The guarantees that hold under every strategy: steps never overlap,
    /// children start only after their spawner suspends, un-awaited futures
    /// never run, sleeps never end early, a blocking call of d moves the
    /// clock by exactly d, every task finishes and every failure reaches its
    /// awaiter as `JoinError::Panicked`; the trace names each departure from
    /// FIFO order, and a run without one is the FIFO run.
    #[test]
    fn every_strategy_keeps_the_core_guarantees(prog in program(), base in any::<u64>()) {
        let plan = FaultPlan::none();
        let tasks = prog.tasks.len();
        let fifo = Model::run(&prog);
        for_each_run(&prog, &plan, base, |strategy, seed, r| {
            prop_assert!(r.out.result.is_ok(), "{} seed {}: {:?}", strategy, seed, r.out.result);
            check_log(&prog, &plan, r)?;
            // Every departure from FIFO order is named in the trace, one per
            // non-zero decision of the schedule; a run with none is the FIFO
            // run.
            let departures = r.out.report.trace.as_ref().unwrap().events.iter()
                .filter(|rec| matches!(rec.event, Event::Departure { .. }))
                .count();
            prop_assert_eq!(departures, r.out.report.schedule.departures());
            if strategy == Strategy::Fifo {
                prop_assert_eq!(departures, 0);
            }
            if departures == 0 {
                prop_assert_eq!(&r.log, &fifo, "{} seed {} made no departure", strategy, seed);
            }
            if strategy == (Strategy::Pct { depth: 1 }) {
                check_fixed_priorities(r)?;
            }
            check_timers(r, strategy == Strategy::Fifo, !prog.has_blocks())?;
            if !prog.has_cancels() {
                let ended = r.log.iter().filter(|e| matches!(e.kind, Kind::End | Kind::Panicking)).count();
                prop_assert_eq!(ended, tasks, "every task ends");
            }
            for h in &r.out.report.hazards {
                // Cancelling a task detaches its children, which may still
                // be running when main returns.
                let expected = h.kind == awaitsim::HazardKind::Blocking
                    || (h.kind == awaitsim::HazardKind::PendingAtExit && prog.has_cancels());
                prop_assert!(expected, "{}", h);
            }
            Ok(())
        })?;
    }

    /// Determinism: a seed gives the same trace hash, rendered trace and
    /// program log in a fresh `Sim` as in a reused one, with or without the
    /// full trace; the schedule token survives printing and parsing, and
    /// replays the identical run on a `Sim` with another seed.
    #[test]
    fn same_seed_same_trace_and_the_schedule_token_replays_it(
        prog in program(),
        plan in fault_plan(),
        base in any::<u64>(),
    ) {
        let shared = Rc::new(prog.clone());
        let probe = run_on(&mut new_sim(Strategy::Fifo, 0, &plan, 1), &shared);
        for_each_run(&prog, &plan, base, |strategy, seed, r| {
            check_replay(&prog, &plan, strategy, seed, &probe, r)
        })?;
    }

    /// Faults: whatever the plan injects is in the trace as `Event::Fault`
    /// and has exactly the effect the program observes; timers stay never
    /// early; injected I/O failures reach the awaiter as `Err(IoError)`.
    #[test]
    fn every_injected_fault_is_traced_and_reaches_the_program(
        prog in program(),
        plan in fault_plan(),
        base in any::<u64>(),
    ) {
        for_each_run(&prog, &plan, base, |_, _, r| {
            check_log(&prog, &plan, r)?;
            check_timers(r, false, false)?;
            check_faults(&prog, &plan, r)
        })?;
    }

    /// With timers and blocking calls taken out of the program, virtual time
    /// moves only through injected blocking calls: the clock at the end is
    /// exactly the sum of the blocking faults (and their lateness) recorded
    /// in the trace.
    #[test]
    fn every_injected_blocking_call_is_traced(
        prog in program(),
        late in prop::sample::select(vec![0.0, 1.0]),
        base in any::<u64>(),
    ) {
        let prog = prog.untimed();
        let plan = FaultPlan {
            late,
            block: Some(awaitsim::sim::BlockFault { p: 0.3, duration: 7 * MS }),
            ..FaultPlan::none()
        };
        for_each_run(&prog, &plan, base, |_, _, r| {
            prop_assert!(r.out.result.is_ok());
            check_log(&prog, &plan, r)?;
            let recorded: u64 = faults_of(r)
                .iter()
                .map(|f| match f {
                    Fault::Block { duration } => *duration,
                    Fault::LongerBlock { by } => *by,
                    _ => 0,
                })
                .sum();
            prop_assert_eq!(r.log.last().unwrap().at, recorded);
            prop_assert_eq!(r.out.report.elapsed, recorded);
            Ok(())
        })?;
    }

    /// Sequential awaits cost the sum of their latencies; spawned-then-joined
    /// ones cost the max, whatever order they are joined in; under `late=1`
    /// each may take up to twice as long, never less.
    #[test]
    fn sequential_awaits_cost_the_sum_and_joined_ones_the_max(
        lat in vec(1u64..50, 1..6),
        use_io in any::<bool>(),
        reverse in any::<bool>(),
        late in prop::sample::select(vec![0.0, 1.0]),
        seed in any::<u64>(),
    ) {
        let lat: Vec<Duration> = lat.into_iter().map(Duration::from_millis).collect();
        let sum: Duration = lat.iter().sum();
        let max = *lat.iter().max().unwrap();
        let wait = move |d: Duration| async move {
            if use_io {
                awaitsim::io("x", d).await.unwrap();
            } else {
                awaitsim::sleep(d).await;
            }
        };
        for strategy in STRATEGIES {
            let mut sim = Sim::new(seed).strategy(strategy).faults(FaultPlan::late(late));
            let seq = sim.run({
                let lat = lat.clone();
                async move {
                    for d in lat {
                        wait(d).await;
                    }
                    awaitsim::now()
                }
            });
            let joined = sim.run({
                let lat = lat.clone();
                async move {
                    let mut hs: Vec<_> = lat.into_iter().map(|d| awaitsim::spawn(wait(d))).collect();
                    if reverse {
                        hs.reverse();
                    }
                    for h in hs {
                        h.await.unwrap();
                    }
                    awaitsim::now()
                }
            });
            if late == 0.0 {
                prop_assert_eq!(seq, sum, "{}", strategy);
                prop_assert_eq!(joined, max, "{}", strategy);
            } else {
                prop_assert!(seq >= sum && seq <= 2 * sum, "{}: {:?} for {:?}", strategy, seq, sum);
                prop_assert!(joined >= max && joined <= 2 * max, "{}: {:?} for {:?}", strategy, joined, max);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Differential test against CPython itself
// ---------------------------------------------------------------------------

/// The program without cancellations and timeouts, whose Rust semantics
/// (drop the future; `timeout` drops, not cancels) differ from asyncio's.
fn cpython_subset(p: &Program) -> Program {
    let mut p = p.clone();
    for t in &mut p.tasks {
        t.ops.retain(|op| !matches!(op, Op::Cancel(_)));
        for op in &mut t.ops {
            if matches!(op, Op::Timeout(..)) {
                *op = Op::Yield;
            }
        }
    }
    p
}

/// One stdin line of tests/core_cpython_loop.py.
fn python_line(p: &Program) -> String {
    let tasks: Vec<String> = p
        .tasks
        .iter()
        .map(|t| {
            let ops: Vec<String> = t
                .ops
                .iter()
                .map(|op| match *op {
                    Op::Sleep(d) => format!("s:{d}"),
                    Op::Yield => "y".into(),
                    Op::Block(d) => format!("b:{d}"),
                    Op::Io(d) => format!("i:{d}"),
                    Op::Spawn(c) => format!("p:{c}"),
                    Op::Join(c) => format!("j:{c}"),
                    Op::Ghost => "g".into(),
                    Op::Cancel(_) | Op::Timeout(..) => unreachable!("not in the subset"),
                })
                .collect();
            format!("{};{}", u8::from(t.panics), ops.join(","))
        })
        .collect();
    tasks.join("|")
}

fn parse_python_event(words: &[&str]) -> Ev {
    let num = |i: usize| -> i64 { words[i].parse().unwrap() };
    let (a, b) = (num(4) as usize, num(5));
    let kind = match words[3] {
        "Start" => Kind::Start,
        "Suspend" => Kind::Suspend(a),
        "Resume" => Kind::Resume(a),
        "Spawned" => Kind::Spawned(a),
        "Joined" => Kind::Joined(a, if b == 0 { Joined::Ok } else { Joined::Panicked }),
        "BlockBegin" => Kind::BlockBegin(a),
        "BlockEnd" => Kind::BlockEnd(a),
        "IoDone" => Kind::IoDone(a, b == 1),
        "Panicking" => Kind::Panicking,
        "End" => Kind::End,
        other => panic!("unknown event {other}"),
    };
    Ev {
        task: words[1].parse().unwrap(),
        at: num(2) as u64,
        kind,
    }
}

fn python311() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import sys; sys.exit(sys.version_info < (3, 11))"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Generated programs (without cancellation and timeouts) run on CPython's
/// own asyncio loop, in virtual time (tests/core_cpython_loop.py), log
/// exactly what awaitsim's fifo mode logs. This checks the reference model's
/// claim to be CPython's loop, and the executor against CPython directly.
/// Needs `python3` >= 3.11 on the PATH; without it the test says so and
/// passes, unless `AWAITSIM_REQUIRE_PYTHON` is set.
#[test]
fn fifo_matches_cpython_asyncio_on_generated_programs() {
    use proptest::strategy::ValueTree;
    use std::io::Write;
    if !python311() {
        assert!(
            std::env::var_os("AWAITSIM_REQUIRE_PYTHON").is_none(),
            "python3 >= 3.11 is required"
        );
        eprintln!("skipped: needs python3 >= 3.11 on the PATH");
        return;
    }
    let n = env_u64("AWAITSIM_PROPTEST_CASES", 256);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let programs: Vec<Program> = (0..n)
        .map(|_| cpython_subset(&program().new_tree(&mut runner).unwrap().current()))
        .collect();
    let input: String = programs.iter().map(|p| python_line(p) + "\n").collect();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/core_cpython_loop.py");
    let mut child = std::process::Command::new("python3")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start python3");
    // Feed stdin from another thread: python writes while it reads, and
    // both pipes would fill up.
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().expect("write programs to python");
    assert!(out.status.success(), "python failed");
    let mut logs: Vec<Vec<Ev>> = vec![Vec::new(); programs.len()];
    let mut done = 0;
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let words: Vec<&str> = line.split(' ').collect();
        let k: usize = words[0].parse().unwrap();
        if words[1] == "done" {
            done += 1;
        } else {
            logs[k].push(parse_python_event(&words));
        }
    }
    assert_eq!(done, programs.len(), "python ran every program");
    for (k, (prog, cpython)) in programs.iter().zip(&logs).enumerate() {
        let shared = Rc::new(prog.clone());
        let r = run_on(
            &mut new_sim(Strategy::Fifo, 0, &FaultPlan::none(), 100),
            &shared,
        );
        assert!(r.out.result.is_ok(), "program {k}: {:?}", r.out.result);
        if &r.log != cpython {
            let at = r
                .log
                .iter()
                .zip(cpython)
                .take_while(|(a, b)| a == b)
                .count();
            let from = at.saturating_sub(6);
            panic!(
                "program {k} differs from CPython at event {at}: {}\nawaitsim: {:#?}\nCPython: {:#?}",
                python_line(prog),
                &r.log[from..(at + 4).min(r.log.len())],
                &cpython[from..(at + 4).min(cpython.len())],
            );
        }
        assert_eq!(&Model::run(prog), cpython, "model, program {k}");
    }
}
