//! The loop itself: ready queue, timers, tasks and clock of one run, and the
//! iteration that mirrors CPython's `BaseEventLoop._run_once`.
//!
//! Each iteration moves due timers to the back of the ready queue, then runs
//! exactly the callbacks that were ready when it began; when nothing is
//! ready the clock jumps to the next deadline. The loop never holds its own
//! borrow while user code runs (a task step, a waker, a callback, a
//! destructor), so that code can call back into the loop.

use super::context::{self, BudgetStop};
use super::decide::{Decider, SimRng};
use super::faults::FaultPlan;
use super::hazard::{Hazard, HazardKind, HazardPolicy, Policy};
use super::outcome::{Budget, BudgetKind, Failure, RunReport, Waiting};
use super::ready::{CallId, Ready, ReadyQueue};
use super::schedule::Schedule;
use super::seed::Seed;
use super::strategy::{AnyScheduler, Scheduler, Strategy};
use super::task::{epoch_key, own_waker_target, waker, Runnable, TaskId};
use super::time::{format_nanos, Nanos};
use super::timers::{TimerAction, TimerId, Timers};
use super::trace::{Event, Fault, Hasher, Record, Subject, TaskEnd, Trace, TraceMode, Wait};
use std::cell::RefCell;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// A loop callback (`call_soon`, `call_at`).
type Callback = Box<dyn FnOnce()>;
/// Everything that defines a run besides the program.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub seed: Seed,
    pub strategy: Strategy,
    pub faults: FaultPlan,
    pub trace: TraceMode,
    pub budget: Budget,
    pub hazards: HazardPolicy,
    pub pct_horizon: u64,
    pub schedule: Option<Schedule>,
}

impl Config {
    pub fn new(seed: Seed) -> Self {
        Config {
            seed,
            strategy: Strategy::Fifo,
            faults: FaultPlan::none(),
            trace: TraceMode::Hash,
            budget: Budget::default(),
            hazards: HazardPolicy::default(),
            pct_horizon: 100,
            schedule: None,
        }
    }
}

pub(crate) struct TaskSlot {
    /// `None` for the main future, which the driver polls in place.
    cell: Option<Rc<dyn Runnable>>,
    name: Option<Arc<str>>,
    queued: bool,
    end: Option<TaskEnd>,
    wait: Wait,
    cancel_requested: bool,
    failure_reported: bool,
}

pub(crate) struct Core {
    pub now: Nanos,
    ready: ReadyQueue,
    /// Callbacks left in the current iteration (CPython's `ntodo`).
    batch: usize,
    pub timers: Timers,
    tasks: Vec<TaskSlot>,
    /// `call_soon` callbacks, each with its name for the trace (if given).
    callbacks: Vec<Option<(Callback, Option<Arc<str>>)>>,
    free_callbacks: Vec<u32>,
    epoch: u32,
    pub current: Option<TaskId>,
    pub current_wait: Option<Wait>,
    ops: u32,
    steps: u64,
    picks: u64,
    scheduler: AnyScheduler,
    pub decider: Decider,
    /// The program's own RNG, seeded on first use: most runs never draw from
    /// it, and seeding a ChaCha costs as much as several task steps.
    user_rng: Option<SimRng>,
    user_seed: u64,
    pub faults: FaultPlan,
    policy: HazardPolicy,
    budget: Budget,
    full_trace: bool,
    events: Vec<Record>,
    hash: Hasher,
    hazards: Vec<Hazard>,
    abort: Option<Failure>,
}

// Tags mixed into the interleaving hash, one per kind of event that decides
// the interleaving.
const H_STEP: u64 = 1 << 56;
const H_TIMER: u64 = 2 << 56;
const H_CALL: u64 = 3 << 56;
const H_FAULT: u64 = 4 << 56;
const H_END: u64 = 5 << 56;

impl Core {
    pub fn new() -> Self {
        Core {
            now: 0,
            ready: ReadyQueue::default(),
            batch: 0,
            timers: Timers::default(),
            tasks: Vec::new(),
            callbacks: Vec::new(),
            free_callbacks: Vec::new(),
            epoch: 0,
            current: None,
            current_wait: None,
            ops: 0,
            steps: 0,
            picks: 0,
            scheduler: Strategy::Fifo.scheduler(1),
            decider: Decider::new(),
            user_rng: None,
            user_seed: 0,
            faults: FaultPlan::none(),
            policy: HazardPolicy::default(),
            budget: Budget::default(),
            full_trace: false,
            events: Vec::new(),
            hash: Hasher(Hasher::SEED),
            hazards: Vec::new(),
            abort: None,
        }
    }

    /// Prepares a fresh run, keeping the allocations of the last one.
    pub fn reset(&mut self, cfg: &Config) {
        self.now = 0;
        self.ready.clear();
        self.batch = 0;
        self.timers.clear();
        debug_assert!(self.tasks.is_empty(), "tasks are dropped by end_run");
        self.callbacks.clear();
        self.free_callbacks.clear();
        self.epoch = self.epoch.wrapping_add(1);
        self.current = None;
        self.current_wait = None;
        self.ops = 0;
        self.steps = 0;
        self.picks = 0;
        self.scheduler.reconfigure(cfg.strategy, cfg.pct_horizon);
        let user_seed = cfg.schedule.as_ref().map_or(cfg.seed, |s| s.seed);
        self.decider.reset(cfg.seed, cfg.schedule.as_ref());
        self.scheduler.begin(&mut self.decider.rng);
        // The program's own randomness gets its own stream, so that adding a
        // fault or a strategy decision does not change what `random()` says.
        self.user_rng = None;
        self.user_seed = user_seed.0 ^ 0x5eed_0f0a_5e1f;
        // A replayed schedule brings the plan it was made under: it decides
        // which fault decisions the log holds.
        self.faults = cfg
            .schedule
            .as_ref()
            .map_or_else(|| cfg.faults.clone(), |s| s.faults.clone());
        self.policy = cfg.hazards;
        self.budget = cfg.budget;
        self.full_trace = cfg.trace == TraceMode::Full;
        self.events.clear();
        self.hash = Hasher(Hasher::SEED);
        self.hazards.clear();
        self.abort = None;
    }

    /// A draw from the program's own RNG stream.
    pub fn user_random(&mut self) -> u64 {
        let seed = self.user_seed;
        self.user_rng
            .get_or_insert_with(|| SimRng::new(seed))
            .next_u64()
    }

    #[inline]
    pub fn full_trace(&self) -> bool {
        self.full_trace
    }

    pub fn emit(&mut self, event: impl FnOnce() -> Event) {
        if self.full_trace {
            let at = self.now;
            self.events.push(Record { at, event: event() });
        }
    }

    pub fn task_name(&self, t: TaskId) -> String {
        match self.tasks.get(t.index()).and_then(|s| s.name.as_deref()) {
            Some(n) => n.to_string(),
            None if t == TaskId::MAIN => "main".to_string(),
            None => format!("task-{}", t.0),
        }
    }

    fn name_rc(&self, t: TaskId) -> Arc<str> {
        match self.tasks.get(t.index()).and_then(|s| s.name.clone()) {
            Some(n) => n,
            None => self.task_name(t).into(),
        }
    }

    /// Stops the run after the current callback (first failure wins).
    pub fn fail(&mut self, f: Failure) {
        if self.abort.is_none() {
            self.abort = Some(f);
        }
    }

    /// Records a hazard according to its policy.
    pub fn hazard(
        &mut self,
        kind: HazardKind,
        task: Option<TaskId>,
        location: Option<String>,
        message: String,
    ) {
        let policy = self.policy.get(kind);
        if policy == Policy::Ignore {
            return;
        }
        let h = Hazard {
            kind,
            task: task.map(|t| self.task_name(t)),
            at: self.now,
            location,
            message,
        };
        self.emit(|| Event::Hazard {
            message: h.to_string(),
        });
        if policy == Policy::Fail {
            self.fail(Failure::Hazard(h.clone()));
        }
        self.hazards.push(h);
    }

    /// Counts one simulator operation in the current step; a step that
    /// exceeds its budget is stopped by unwinding out of it.
    #[inline]
    pub fn tick(&mut self) {
        self.ops += 1;
        if self.ops > self.budget.max_ops_per_step && self.current.is_some() {
            self.never_yields();
        }
    }

    #[cold]
    fn never_yields(&mut self) -> ! {
        let limit = self.budget.max_ops_per_step;
        self.hazard(
            HazardKind::NeverYields,
            self.current,
            None,
            format!("the step ran {limit} operations without suspending; every other task starved"),
        );
        std::panic::resume_unwind(Box::new(BudgetStop));
    }

    // ---- tasks ----

    pub fn add_task(&mut self, name: Option<Arc<str>>, cell: Option<Rc<dyn Runnable>>) -> TaskId {
        let id = TaskId(self.tasks.len() as u32);
        if self.tasks.len() as u64 >= u64::from(self.budget.max_tasks) && cell.is_some() {
            let (limit, at) = (u64::from(self.budget.max_tasks), self.now);
            self.fail(Failure::Budget {
                budget: BudgetKind::Tasks,
                limit,
                at,
            });
        }
        self.tasks.push(TaskSlot {
            cell,
            name,
            queued: true,
            end: None,
            wait: Wait::Unknown,
            cancel_requested: false,
            failure_reported: false,
        });
        self.ready.push(Ready::Step(id));
        self.scheduler.spawned(id, &mut self.decider.rng);
        let parent = self.current;
        self.emit(|| Event::Spawn {
            task: id,
            parent,
            name: Arc::from(""),
        });
        id
    }

    /// Wakes the running task if `w` is the loop's own waker for it, without
    /// the round trip through the waker's vtable and the thread-local (the
    /// hot path of every `yield_now`). False if `w` is some other waker.
    #[inline]
    pub fn wake_own(&mut self, w: &Waker) -> bool {
        match self.current {
            Some(t) if w.will_wake(&waker(self.epoch, t)) => {
                self.wake(epoch_key(self.epoch), t);
                true
            }
            _ => false,
        }
    }

    /// Queues a task's step at the back of the ready queue (`call_soon`).
    #[inline]
    pub fn wake(&mut self, epoch: u32, task: TaskId) {
        if epoch != epoch_key(self.epoch) {
            return;
        }
        if let Some(slot) = self.tasks.get_mut(task.index()) {
            if slot.queued || slot.end.is_some() {
                return;
            }
            slot.queued = true;
            self.ready.push(Ready::Step(task));
            self.emit(|| Event::Wake { task });
        }
    }

    pub fn cancel_task(&mut self, task: TaskId) {
        let Some(slot) = self.tasks.get_mut(task.index()) else {
            return;
        };
        if slot.end.is_some() || slot.cancel_requested {
            return;
        }
        slot.cancel_requested = true;
        if !slot.queued {
            slot.queued = true;
            self.ready.push(Ready::Step(task));
            self.emit(|| Event::Wake { task });
        }
    }

    pub fn is_done(&self, task: TaskId) -> bool {
        self.tasks
            .get(task.index())
            .is_some_and(|s| s.end.is_some())
    }

    #[inline(never)]
    fn finish_task(&mut self, t: TaskId, end: TaskEnd) {
        self.hash.mix(H_END | u64::from(t.0));
        let slot = &mut self.tasks[t.index()];
        slot.wait = Wait::Unknown;
        slot.end = Some(end.clone());
        let lost =
            matches!(end, TaskEnd::Failed(_)) && slot.cell.as_ref().is_some_and(|c| c.detached());
        self.emit(|| Event::End {
            task: t,
            end: end.clone(),
        });
        if lost {
            self.tasks[t.index()].failure_reported = true;
            if let TaskEnd::Failed(m) = end {
                self.unretrieved(t, m);
            }
        }
    }

    fn unretrieved(&mut self, t: TaskId, message: String) {
        self.hazard(
            HazardKind::UnretrievedFailure,
            Some(t),
            None,
            format!("the task failed and nobody awaited it: {message}"),
        );
        if self.policy.get(HazardKind::UnretrievedFailure) == Policy::Fail {
            // A lost assertion is still an assertion: report it as one.
            self.abort = Some(Failure::Panic {
                task: self.task_name(t),
                message,
            });
        }
    }

    // ---- time ----

    /// Registers a sleep's timer `delay` from now, adding injected lateness.
    pub fn sleep_timer(&mut self, delay: Nanos, waker: &Waker) -> (TimerId, Nanos) {
        let late = self.late(delay);
        let deadline = self.now.saturating_add(delay).saturating_add(late);
        (
            self.add_timer(deadline, TimerAction::Wake(Some(waker.clone()))),
            deadline,
        )
    }

    pub fn add_timer(&mut self, deadline: Nanos, action: TimerAction) -> TimerId {
        let (id, seq) = self.timers.insert(deadline, action);
        self.emit(|| Event::TimerSet { seq, deadline });
        id
    }

    /// Draws (and records) how late something of length `delay` runs.
    pub fn late(&mut self, delay: Nanos) -> Nanos {
        let by = self
            .decider
            .amount(self.current, self.faults.max_late(delay));
        if by > 0 {
            self.injected(Fault::Late { by });
        }
        by
    }

    pub fn injected(&mut self, fault: Fault) {
        // Lateness changes when things happen, not (by itself) the order:
        // the interleaving hash counts orders, so it leaves amounts out.
        if !matches!(fault, Fault::Late { .. } | Fault::LongerBlock { .. }) {
            self.hash.mix(H_FAULT | fault_tag(&fault));
        }
        let task = self.current;
        self.emit(|| Event::Fault { task, fault });
    }

    /// A blocking call: the clock moves, nothing else runs. `location`
    /// (`file:line`) names the caller in a blocking hazard, made lazily since
    /// most calls are short.
    pub fn block(&mut self, d: Nanos, what: &str, location: impl FnOnce() -> String) {
        self.tick();
        let extra = self.decider.amount(self.current, self.faults.max_late(d));
        if extra > 0 {
            self.injected(Fault::LongerBlock { by: extra });
        }
        // Stamped where the call starts: that is the line a reader looks for.
        if d >= self.policy.blocking_threshold {
            self.hazard(
                HazardKind::Blocking,
                self.current,
                Some(location()),
                format!(
                    "{what} held the loop for {}; every other task and timer waited",
                    format_nanos(d)
                ),
            );
        }
        self.advance(d.saturating_add(extra));
    }

    fn advance(&mut self, by: Nanos) {
        let task = self.current;
        self.emit(|| Event::Block { task, duration: by });
        self.now = self.now.saturating_add(by);
        if self.now > self.budget.max_time {
            let (limit, at) = (self.budget.max_time, self.now);
            self.fail(Failure::Budget {
                budget: BudgetKind::Time,
                limit,
                at,
            });
        }
    }

    // ---- callbacks ----

    pub fn call_soon(&mut self, f: Callback, name: Option<Arc<str>>) {
        let id = match self.free_callbacks.pop() {
            Some(i) => {
                self.callbacks[i as usize] = Some((f, name));
                i
            }
            None => {
                self.callbacks.push(Some((f, name)));
                (self.callbacks.len() - 1) as u32
            }
        };
        self.ready.push(Ready::Call(CallId(id)));
    }

    // ---- the iteration ----

    fn next_entry(&mut self) -> Result<Ready, Failure> {
        if self.batch == 0 {
            if self.ready.is_empty() {
                match self.timers.next_deadline() {
                    Some(t) if t > self.budget.max_time => {
                        return Err(Failure::Budget {
                            budget: BudgetKind::Time,
                            limit: self.budget.max_time,
                            at: t,
                        })
                    }
                    Some(t) => self.now = self.now.max(t),
                    None => return Err(self.stuck()),
                }
            }
            while let Some(id) = self.timers.pop_due(self.now) {
                self.ready.push(Ready::Timer(id));
            }
            self.batch = self.ready.len();
        }
        let n = self.ready.len();
        let i = if n == 1 {
            0
        } else {
            let pick = self.picks;
            self.picks += 1;
            let Core {
                decider,
                scheduler,
                ready,
                ..
            } = self;
            decider.decide((n - 1) as u64, |rng| {
                scheduler.pick(ready.as_slice(), pick, rng) as u64
            }) as usize
        };
        self.batch -= 1;
        if i != 0 && self.full_trace {
            let ran = self.subject(self.ready.as_slice()[i]);
            let over = self.subject(self.ready.as_slice()[0]);
            self.emit(|| Event::Departure { ran, over });
        }
        Ok(self.ready.take(i))
    }

    fn subject(&self, r: Ready) -> Subject {
        match r {
            Ready::Step(t) => Subject::Task(t),
            Ready::Timer(id) => Subject::Timer(self.timers.seq_of(id).unwrap_or(u64::MAX)),
            Ready::Call(_) => Subject::Callback,
        }
    }

    fn stuck(&self) -> Failure {
        let waiting: Vec<Waiting> = self
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, s)| s.end.is_none())
            .map(|(i, s)| Waiting {
                task: self.task_name(TaskId(i as u32)),
                on: s.wait.clone(),
            })
            .collect();
        if waiting
            .iter()
            .any(|w| matches!(w.on, Wait::Io { until: None, .. }))
        {
            Failure::Stall { waiting }
        } else {
            Failure::Deadlock { waiting }
        }
    }

    fn begin_step(&mut self, t: TaskId) -> StepStart {
        let slot = &mut self.tasks[t.index()];
        slot.queued = false;
        if slot.end.is_some() {
            return StepStart::Skip;
        }
        if self.steps >= self.budget.max_steps {
            let (limit, at) = (self.budget.max_steps, self.now);
            self.fail(Failure::Budget {
                budget: BudgetKind::Steps,
                limit,
                at,
            });
            return StepStart::Skip;
        }
        self.steps += 1;
        self.hash.mix(H_STEP | u64::from(t.0));
        self.emit(|| Event::Step { task: t });
        self.current = Some(t);
        if let Some(b) = self.faults.block {
            if self.decider.coin(self.current, b.p) {
                self.injected(Fault::Block {
                    duration: b.duration,
                });
                let extra = self
                    .decider
                    .amount(self.current, self.faults.max_late(b.duration));
                if extra > 0 {
                    self.injected(Fault::LongerBlock { by: extra });
                }
                self.advance(b.duration.saturating_add(extra));
            }
        }
        let slot = &self.tasks[t.index()];
        if slot.cancel_requested {
            return match &slot.cell {
                Some(c) => StepStart::Cancel(c.clone()),
                None => StepStart::CancelMain,
            };
        }
        self.ops = 0;
        self.current_wait = None;
        StepStart::Poll(slot.cell.clone(), waker(self.epoch, t))
    }

    // Inlined into the loop: it runs after every step, and as a call it
    // cost as much as the rest of a suspension's bookkeeping.
    #[inline(always)]
    fn end_step(&mut self, t: TaskId, polled: Poll<TaskEnd>) {
        self.current = None;
        match polled {
            Poll::Pending => {
                let on = self.current_wait.take().unwrap_or(Wait::Unknown);
                self.emit(|| Event::Suspend {
                    task: t,
                    on: on.clone(),
                });
                self.tasks[t.index()].wait = on;
            }
            Poll::Ready(end) => self.finish_task(t, end),
        }
    }

    /// Fires a due timer. A sleep woken through the loop's own waker is
    /// queued right here; any other action is handed back to run outside the
    /// loop's borrow.
    fn fire_timer(&mut self, id: TimerId) -> Option<TimerAction> {
        let (action, seq) = self.timers.fire(id)?;
        self.hash.mix(H_TIMER | seq);
        self.emit(|| Event::TimerFire { seq });
        if let TimerAction::Call(_, Some(name)) = &action {
            self.emit(|| Event::Callback { name: name.clone() });
        }
        if let TimerAction::Wake(Some(w)) = &action {
            if let Some((epoch, task)) = own_waker_target(w) {
                self.wake(epoch, task);
                return None;
            }
        }
        Some(action)
    }

    fn take_callback(&mut self, id: CallId) -> Option<Callback> {
        self.hash.mix(H_CALL);
        let (f, name) = self.callbacks.get_mut(id.0 as usize)?.take()?;
        self.free_callbacks.push(id.0);
        if let Some(name) = name {
            self.emit(|| Event::Callback { name });
        }
        Some(f)
    }

    /// End-of-run checks: tasks left behind, failures nobody retrieved.
    fn run_end_hazards(&mut self, main_completed: bool) {
        if main_completed {
            let pending: Vec<String> = (1..self.tasks.len())
                .filter(|&i| self.tasks[i].end.is_none())
                .map(|i| self.task_name(TaskId(i as u32)))
                .collect();
            if !pending.is_empty() {
                self.hazard(
                    HazardKind::PendingAtExit,
                    Some(TaskId::MAIN),
                    None,
                    format!(
                        "the main future finished while {} task(s) were still pending: {}",
                        pending.len(),
                        pending.join(", ")
                    ),
                );
            }
        }
        for i in 1..self.tasks.len() {
            let slot = &self.tasks[i];
            if slot.failure_reported {
                continue;
            }
            if let Some(m) = slot.cell.as_ref().and_then(|c| c.unretrieved_failure()) {
                self.unretrieved(TaskId(i as u32), m);
            }
        }
    }

    fn report(&mut self, cfg: &Config) -> RunReport {
        let trace = self.full_trace.then(|| {
            let names = (0..self.tasks.len())
                .map(|i| self.name_rc(TaskId(i as u32)))
                .collect();
            let mut events = std::mem::take(&mut self.events);
            for r in &mut events {
                if let Event::Spawn { task, name, .. } = &mut r.event {
                    *name = self.name_rc(*task);
                }
            }
            Trace { events, names }
        });
        RunReport {
            seed: cfg.seed,
            strategy: cfg.strategy,
            faults: self.faults.clone(),
            schedule: self.decider.schedule(
                cfg.schedule.as_ref().map_or(cfg.seed, |s| s.seed),
                &self.faults,
            ),
            trace_hash: self.hash.0,
            steps: self.steps,
            elapsed: self.now,
            hazards: std::mem::take(&mut self.hazards),
            trace,
        }
    }
}

fn fault_tag(f: &Fault) -> u64 {
    match f {
        Fault::Late { .. } => 1,
        Fault::LongerBlock { .. } => 2,
        Fault::Fail { .. } => 3,
        Fault::Cancel { .. } => 4,
        Fault::Stall { .. } => 5,
        Fault::Block { duration } => (6 << 48) ^ duration,
    }
}

enum StepStart {
    Skip,
    Poll(Option<Rc<dyn Runnable>>, Waker),
    Cancel(Rc<dyn Runnable>),
    CancelMain,
}

/// Runs one simulation to its end: the main future finishing, a failure, or
/// no way forward. The caller has entered `cell` as the current loop.
pub(crate) fn drive(
    cell: &RefCell<Core>,
    cfg: &Config,
    mut main: Pin<&mut dyn Future<Output = ()>>,
) -> (Result<(), Failure>, RunReport) {
    // No name: `task_name` calls task 0 "main" without allocating per run.
    cell.borrow_mut().add_task(None, None);
    let result = loop {
        let entry = {
            let mut core = cell.borrow_mut();
            if let Some(f) = core.abort.take() {
                break Err(f);
            }
            if core.is_done(TaskId::MAIN) {
                break Ok(());
            }
            match core.next_entry() {
                Ok(e) => e,
                Err(f) => break Err(f),
            }
        };
        match entry {
            Ready::Step(t) => {
                let start = cell.borrow_mut().begin_step(t);
                let polled = match start {
                    StepStart::Skip => continue,
                    StepStart::Poll(Some(task), waker) => {
                        // The loop's waker owns nothing: skip its no-op drop
                        // through the vtable.
                        let waker = ManuallyDrop::new(waker);
                        task.poll_step(&mut Context::from_waker(&waker))
                    }
                    StepStart::Poll(None, waker) => {
                        let mut cx = Context::from_waker(&waker);
                        match catch_unwind(AssertUnwindSafe(|| main.as_mut().poll(&mut cx))) {
                            Ok(Poll::Pending) => Poll::Pending,
                            Ok(Poll::Ready(())) => Poll::Ready(TaskEnd::Completed),
                            Err(payload) => {
                                let message = context::panic_message(payload);
                                let mut core = cell.borrow_mut();
                                core.end_step(t, Poll::Ready(TaskEnd::Failed(message.clone())));
                                let task = core.task_name(t);
                                core.fail(Failure::Panic { task, message });
                                continue;
                            }
                        }
                    }
                    StepStart::Cancel(task) => {
                        task.cancel();
                        Poll::Ready(TaskEnd::Cancelled)
                    }
                    StepStart::CancelMain => {
                        let mut core = cell.borrow_mut();
                        core.end_step(t, Poll::Ready(TaskEnd::Cancelled));
                        core.fail(Failure::Exception {
                            task: "main".into(),
                            message:
                                "CancelledError: the main future was cancelled by an injected fault"
                                    .into(),
                        });
                        continue;
                    }
                };
                cell.borrow_mut().end_step(t, polled);
            }
            Ready::Timer(id) => {
                let action = cell.borrow_mut().fire_timer(id);
                match action {
                    Some(TimerAction::Wake(Some(w))) => w.wake(),
                    Some(TimerAction::Call(f, _)) => run_callback(cell, f),
                    _ => {}
                }
            }
            Ready::Call(id) => {
                let f = cell.borrow_mut().take_callback(id);
                if let Some(f) = f {
                    run_callback(cell, f);
                }
            }
        }
    };
    // Tear down inside the run so destructors can still reach the loop.
    let tasks = {
        let mut core = cell.borrow_mut();
        core.run_end_hazards(result.is_ok());
        std::mem::take(&mut core.tasks)
    };
    let mut result = result;
    if result.is_ok() {
        if let Some(f) = cell.borrow_mut().abort.take() {
            result = Err(f);
        }
    }
    let mut tasks = tasks;
    for slot in &mut tasks {
        if let Some(c) = slot.cell.take() {
            // Drop pending futures; a panicking destructor must not escape.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(c)));
        }
    }
    let mut core = cell.borrow_mut();
    let report = {
        // Names are needed by the report; keep the slots until it is built.
        core.tasks = tasks;
        let r = core.report(cfg);
        core.tasks.clear();
        r
    };
    (result, report)
}

fn run_callback(cell: &RefCell<Core>, f: Box<dyn FnOnce()>) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
        let message = context::panic_message(payload);
        cell.borrow_mut().fail(Failure::Panic {
            task: "loop callback".into(),
            message,
        });
    }
}
