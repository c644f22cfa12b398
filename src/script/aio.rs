//! asyncio on the core executor: each Python task is a core task whose steps run `Task.__step`
//! (`step.rs`); loop callbacks and timers are core callbacks; `asyncio.sleep(d)` is a core I/O await.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::code::Code;
use super::step::Next;
use super::value::*;
use super::vm::{Drive, PyResult, Vm};
use crate::sim::{self, Failure, HazardKind, Io, JoinHandle, TimerHandle};

/// Natives the asyncio prelude sees as globals (the name after `mod:sim.`).
pub const NATIVES: &[&str] = &[
    "mod:sim._yield",
    "mod:sim._now_ns",
    "mod:sim._step_begin",
    "mod:sim._heappush",
    "mod:sim._heappop",
    "mod:sim._secs_to_ns",
    "mod:sim._sleep_ns",
    "mod:sim._block",
    "mod:sim._suspend",
    "mod:sim._spawn",
    "mod:sim._wake",
    "mod:sim._cancel_io",
    "mod:sim._call_soon",
    "mod:sim._call_at",
    "mod:sim._handle_cancel",
    "mod:sim._wake_main",
    "mod:sim._set_wait",
    "mod:sim._unretrieved",
    "mod:sim._iscoro",
    "mod:sim._iscorofunc",
];

/// The Rust half of a Python task: its core task's waker, its pending I/O, its join handle.
#[derive(Default)]
pub struct TaskSlot {
    task: RefCell<Option<Value>>,
    waker: RefCell<Option<Waker>>,
    woken: Cell<bool>,
    io: RefCell<Option<Pin<Box<Io>>>>,
    /// Result of an I/O that completed while a cancellation looked at it.
    io_result: RefCell<Option<Result<(), sim::IoError>>>,
    join: RefCell<Option<JoinHandle<()>>>,
}

impl TaskSlot {
    /// Drop everything the slot holds (end of run): its join handle holds the
    /// core task, whose future holds this slot.
    pub fn release(&self) {
        let held = (
            self.join.borrow_mut().take(),
            self.task.borrow_mut().take(),
            self.io.borrow_mut().take(),
            self.waker.borrow_mut().take(),
        );
        drop(held);
    }
}

/// A `call_soon`/`call_at` handle: cancelling it stops the callback from running.
#[derive(Default)]
struct CallHandle {
    cancelled: Cell<bool>,
    timer: Cell<Option<TimerHandle>>,
}

/// The waker of the module's driver, woken when the shutdown gather finishes.
#[derive(Default)]
pub struct MainSlot {
    waker: RefCell<Option<Waker>>,
    woken: Cell<bool>,
}

fn slot_of(v: &Value) -> Option<Rc<TaskSlot>> {
    match v {
        Value::Native(n) => n.0.clone().downcast::<TaskSlot>().ok(),
        _ => None,
    }
}

/// Run a Python callable as a loop callback: exceptions are reported as CPython's loop does, and the run goes on.
fn run_callback(me: &Weak<RefCell<Vm>>, cb: Value, args: Vec<Value>) {
    let Some(vm) = me.upgrade() else { return };
    let Ok(mut vm) = vm.try_borrow_mut() else {
        return;
    };
    vm.step_begin();
    // CPython keeps 9 frames of its own (module, asyncio.run, Runner.run, run_until_complete, run_forever,
    // _run_once, Handle._run, ...) below a callback; measured against python3 by the corpus.
    vm.depth_offset = 9;
    let r = vm.call_sync(&cb, args, vec![]);
    vm.depth_offset = 0;
    if let Err(exc) = r {
        if vm.hazard.is_some() {
            report_budget(&mut vm);
            return;
        }
        let name = vm.repr(&cb).unwrap_or_default();
        let tb = vm.format_traceback(&exc);
        vm.err
            .push_str(&format!("Exception in callback {name}\n{tb}"));
    }
    charge_cpu(&mut vm);
}

fn charge_cpu(vm: &mut Vm) {
    if vm.cpu_cost_ns > 0 && vm.ops > 0 {
        let ns = vm.ops.saturating_mul(vm.cpu_cost_ns);
        vm.ops = 0;
        let line = match vm.current_line() {
            0 => vm.suspend_line,
            l => l,
        };
        let at = format!("{}:{}", vm.path, line);
        sim::block_at(
            Duration::from_nanos(ns),
            "CPU work that never awaited (at the --cpu-cost rate)",
            at,
        );
    }
}

fn report_budget(vm: &mut Vm) {
    let msg = vm.hazard.take().unwrap_or_default();
    let loc = format!("{}:{}", vm.path, vm.hazard_line);
    sim::report_hazard(HazardKind::NeverYields, Some(loc.clone()), msg.clone());
    sim::fail_run(Failure::Exception {
        task: "loop".into(),
        message: format!("{loc}: {msg}"),
    });
}

/// Make the core task that steps the Python task `task`; returns its slot (the task's `_handle`).
pub(super) fn spawn(vm: &mut Vm, task: Value, name: Arc<str>) -> Value {
    let slot = Rc::new(TaskSlot::default());
    vm.made_slots.push(Rc::downgrade(&slot));
    *slot.task.borrow_mut() = Some(task);
    let fut = py_task(vm.me.clone(), slot.clone());
    let jh = sim::spawn_named(name, fut);
    *slot.join.borrow_mut() = Some(jh);
    Value::Native(NativeObj(slot))
}

/// Wake the Python task whose `_handle` is `handle` (a done-callback of the future it awaits).
pub(super) fn wake(handle: &Value) {
    if let Some(slot) = slot_of(handle) {
        slot.woken.set(true);
        if let Some(w) = slot.waker.borrow().as_ref() {
            w.wake_by_ref();
        }
    }
}

/// Run `cb(*args)` as a loop callback: soon, or at virtual time `when` (ns).
/// A traced run names it, so the trace says what ran (`callback print('soon')`).
fn call_later(vm: &Vm, when: Option<u64>, cb: Value, args: Vec<Value>) -> Rc<CallHandle> {
    let name = if sim::tracing() {
        callback_name(vm, &cb, &args)
    } else {
        None
    };
    let h = Rc::new(CallHandle::default());
    let hh = h.clone();
    let me = vm.me.clone();
    let f = move || {
        if !hh.cancelled.get() {
            run_callback(&me, cb, args);
        }
    };
    match (when, name) {
        (Some(ns), Some(name)) => h.timer.set(Some(sim::call_at_named(ns, name, f))),
        (Some(ns), None) => h.timer.set(Some(sim::call_at(ns, f))),
        (None, Some(name)) => sim::call_soon_named(name, f),
        (None, None) => sim::call_soon(f),
    }
    h
}

/// What a trace calls the loop callback `cb(*args)`, after CPython's handle
/// reprs (`print('soon')`, `_done_callback(<Task-2>)`); None for a task's
/// wake-up, which the trace shows as the task's `wake`. Never runs Python
/// code (no `__repr__`): a traced run must do exactly what an untraced one
/// does.
fn callback_name(vm: &Vm, cb: &Value, args: &[Value]) -> Option<Arc<str>> {
    fn callable(v: &Value) -> Option<String> {
        Some(match v {
            Value::Func(f) => f.code.qualname.to_string(),
            Value::Builtin(b) if b.0 == super::future::WAKEUP => return None,
            Value::Builtin(b) => b.0.rsplit(['.', ':']).next().unwrap_or(b.0).to_string(),
            Value::Method(m) => return callable(&m.1),
            Value::BuiltinMethod(m) => m.1.to_string(),
            Value::Class(c) => c.name.to_string(),
            _ => "<callable>".to_string(),
        })
    }
    let arg = |v: &Value| -> String {
        const MAX: usize = 40;
        let shown = match v {
            Value::None => "None".to_string(),
            Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(x) => super::num::float_repr(*x),
            Value::Str(s) => super::format::str_repr(s),
            Value::Instance(i) => match super::future::get_named(i, "_name") {
                Value::Str(name) => format!("<{}>", name),
                _ => format!("<{}>", i.class.name),
            },
            other => format!("<{}>", vm.type_name(other)),
        };
        if shown.chars().count() > MAX {
            shown.chars().take(MAX - 3).collect::<String>() + "..."
        } else {
            shown
        }
    };
    let args: Vec<String> = args.iter().map(arg).collect();
    Some(Arc::from(format!("{}({})", callable(cb)?, args.join(", "))))
}

/// `loop.call_soon(cb, *args)`, the handle not wanted.
pub(super) fn call_soon(vm: &Vm, cb: Value, args: Vec<Value>) {
    call_later(vm, None, cb, args);
}

/// Report a hazard: a task's exception that nobody retrieved.
pub(super) fn unretrieved(msg: String) {
    sim::report_hazard(HazardKind::UnretrievedFailure, None, msg);
}

/// The asyncio natives backed by the core.
pub fn native(vm: &mut Vm, name: &str, args: Vec<Value>) -> PyResult<Value> {
    let a0 = args.first().cloned().unwrap_or_default();
    Ok(match name {
        "_spawn" => {
            let task_name = match args.get(1) {
                Some(Value::Str(s)) => Arc::from(&**s),
                _ => Arc::from("task"),
            };
            spawn(vm, a0, task_name)
        }
        "_wake" => {
            wake(&a0);
            Value::None
        }
        "_cancel_io" => {
            // True when the I/O was still pending: it is dropped and the task woken (CPython's fut.cancel()).
            let Some(slot) = slot_of(&a0) else {
                return Ok(Value::Bool(false));
            };
            let waker = slot.waker.borrow().clone();
            let mut io = slot.io.borrow_mut();
            let (Some(fut), Some(w)) = (io.as_mut(), waker) else {
                return Ok(Value::Bool(false));
            };
            let mut cx = Context::from_waker(&w);
            match fut.as_mut().poll(&mut cx) {
                Poll::Ready(r) => {
                    *io = None;
                    *slot.io_result.borrow_mut() = Some(r);
                    Value::Bool(false)
                }
                Poll::Pending => {
                    *io = None;
                    w.wake_by_ref();
                    Value::Bool(true)
                }
            }
        }
        "_call_soon" | "_call_at" => {
            let (when, cb, cargs) = if name == "_call_at" {
                (
                    Some(a0),
                    args.get(1).cloned().unwrap_or_default(),
                    args.get(2).cloned(),
                )
            } else {
                (None, a0, args.get(1).cloned())
            };
            let cargs = match cargs {
                Some(Value::Tuple(t)) => t.to_vec(),
                _ => vec![],
            };
            let when = match when {
                Some(Value::Int(ns)) => Some(ns.max(0) as u64),
                _ => None,
            };
            Value::Native(NativeObj(call_later(vm, when, cb, cargs)))
        }
        "_handle_cancel" => {
            if let Value::Native(n) = &a0 {
                if let Ok(h) = n.0.clone().downcast::<CallHandle>() {
                    h.cancelled.set(true);
                    if let Some(t) = h.timer.take() {
                        t.cancel();
                    }
                }
            }
            Value::None
        }
        "_wake_main" => {
            if let Value::Native(n) = &a0 {
                if let Ok(m) = n.0.clone().downcast::<MainSlot>() {
                    m.woken.set(true);
                    if let Some(w) = m.waker.borrow().as_ref() {
                        w.wake_by_ref();
                    }
                }
            }
            Value::None
        }
        "_set_wait" => {
            let d = vm.py_str(&a0)?;
            sim::set_wait(d);
            Value::None
        }
        "_unretrieved" => {
            unretrieved(vm.py_str(&a0)?);
            Value::None
        }
        "_iscoro" => Value::Bool(matches!(a0, Value::Coro(_))),
        "_iscorofunc" => Value::Bool(matches!(&a0, Value::Func(f) if f.code.is_async)),
        other => return vm.err("AttributeError", format!("no native '{other}'")),
    })
}

/// Waits until `_wake` marks the slot (a done callback of the future the task awaits).
struct Woken(Rc<TaskSlot>);

impl Future for Woken {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.woken.replace(false) {
            return Poll::Ready(());
        }
        *self.0.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Polls the task's pending I/O; `None` when a cancellation dropped it.
struct IoWait(Rc<TaskSlot>);

impl Future for IoWait {
    type Output = Option<Result<(), sim::IoError>>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        *self.0.waker.borrow_mut() = Some(cx.waker().clone());
        if let Some(r) = self.0.io_result.borrow_mut().take() {
            return Poll::Ready(Some(r));
        }
        let mut io = self.0.io.borrow_mut();
        match io.as_mut() {
            None => Poll::Ready(None),
            Some(f) => match f.as_mut().poll(cx) {
                Poll::Ready(r) => {
                    *io = None;
                    Poll::Ready(Some(r))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

fn task_step(vm: &Rc<RefCell<Vm>>, slot: &Rc<TaskSlot>, exc: Option<Value>) -> Next {
    let mut vm = vm.borrow_mut();
    let Some(task) = slot.task.borrow().clone() else {
        return Next::Done;
    };
    vm.step_begin();
    // Likewise below a task's coroutine (the callback chain, Task.__step); see aio_recursion_depth_matches.py.
    vm.depth_offset = 9;
    let r = super::step::task_step(&mut vm, &task, exc);
    vm.depth_offset = 0;
    charge_cpu(&mut vm);
    match r {
        Ok(next) => next,
        Err(e) => {
            if vm.hazard.is_some() {
                report_budget(&mut vm);
            } else {
                let tb = vm.format_traceback(&e);
                sim::fail_run(Failure::Exception {
                    task: sim::current_task_name(),
                    message: format!("internal error in the asyncio prelude:\n{tb}"),
                });
            }
            Next::Done
        }
    }
}

fn py_task(me: Weak<RefCell<Vm>>, slot: Rc<TaskSlot>) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(py_task_body(me, slot))
}

async fn py_task_body(me: Weak<RefCell<Vm>>, slot: Rc<TaskSlot>) {
    let mut exc: Option<Value> = None;
    loop {
        let Some(vm) = me.upgrade() else { return };
        match task_step(&vm, &slot, exc.take()) {
            Next::Done => {
                // Break the task <-> slot cycle so a finished run frees its objects.
                slot.task.borrow_mut().take();
                return;
            }
            Next::Again => sim::yield_now().await,
            Next::Wait => Woken(slot.clone()).await,
            Next::Io(ns) => {
                // An injected cancel raises CancelledError at the await, as
                // CPython's task.cancel() would; the core task goes on.
                let io = sim::io("sleep", Duration::from_nanos(ns)).cancel_by_error();
                *slot.io.borrow_mut() = Some(Box::pin(io));
                drop(vm);
                match IoWait(slot.clone()).await {
                    Some(Ok(())) | None => {}
                    Some(Err(e)) => {
                        let Some(vm) = me.upgrade() else { return };
                        let v = if e.cancelled {
                            vm.borrow().exc("CancelledError", "")
                        } else {
                            vm.borrow().exc("ConnectionError", e.to_string())
                        };
                        exc = Some(v);
                    }
                }
            }
        }
    }
}

/// Waits for the Python future `fut` to finish (the shutdown gather).
struct PyFutureDone {
    vm: Rc<RefCell<Vm>>,
    fut: Value,
    main: Rc<MainSlot>,
    registered: bool,
}

impl Future for PyFutureDone {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.main.waker.borrow_mut() = Some(cx.waker().clone());
        let done = {
            let mut vm = self.vm.borrow_mut();
            let r = vm
                .get_attr(&self.fut, "done")
                .and_then(|f| vm.call_sync(&f, vec![], vec![]));
            !matches!(r, Ok(Value::Bool(false)))
        };
        if done {
            return Poll::Ready(());
        }
        if !self.registered {
            self.registered = true;
            let mut vm = self.vm.borrow_mut();
            let h = Value::Native(NativeObj(self.main.clone()));
            let r = vm
                .get_attr(&self.fut, "_wake_main_when_done")
                .and_then(|f| vm.call_sync(&f, vec![h], vec![]));
            if r.is_err() {
                return Poll::Ready(());
            }
        }
        Poll::Pending
    }
}

/// The main future of a scenario run: the module, suspended at `asyncio.run` while the loop runs its main task.
pub async fn run_module(vm: Rc<RefCell<Vm>>, code: Rc<Code>, globals: Rc<RefCell<Attrs>>) {
    let coro = vm.borrow_mut().module_coro(code, globals);
    let mut send = Value::None;
    let mut throw: Option<Value> = None;
    loop {
        let step = vm
            .borrow_mut()
            .drive(&coro, std::mem::take(&mut send), throw.take());
        match step {
            Drive::Returned(_) => return,
            Drive::Raised(exc) => {
                let mut v = vm.borrow_mut();
                if v.hazard.is_some() {
                    report_budget(&mut v);
                    return;
                }
                // `raise SystemExit` / `SystemExit(0)` ends the program successfully, as in CPython.
                if v.is_exc(&exc, "SystemExit") {
                    let args = super::format::exc_args(&exc);
                    match args.first() {
                        None | Some(Value::None) | Some(Value::Int(0)) => return,
                        Some(Value::Int(_)) => {}
                        Some(other) => {
                            let msg = v.py_str(other).unwrap_or_default();
                            v.err.push_str(&format!("{msg}\n"));
                        }
                    }
                    let line = v.exc_line(&exc);
                    sim::fail_run(Failure::Exception {
                        task: "main".into(),
                        message: line,
                    });
                    return;
                }
                let tb = v.format_traceback(&exc);
                v.err.push_str(&tb);
                // The report carries the whole Python traceback: where it
                // failed matters as much as what.
                sim::fail_run(Failure::Exception {
                    task: "main".into(),
                    message: tb.trim_end().to_string(),
                });
                return;
            }
            Drive::Yielded(req) => {
                let main_coro = match &req {
                    Value::Tuple(t) if t.len() == 2 => t[1].clone(),
                    _ => Value::None,
                };
                let started = super::future::start_main(&mut vm.borrow_mut(), main_coro);
                let main = match started {
                    Ok(t) => t,
                    Err(e) => {
                        throw = Some(e);
                        continue;
                    }
                };
                let join = {
                    let mut v = vm.borrow_mut();
                    let h = v.get_attr(&main, "_handle").unwrap_or_default();
                    slot_of(&h).and_then(|s| s.join.borrow_mut().take())
                };
                // A fault may cancel the main task's core task; the Python task then continues in a new one.
                let mut join = join;
                while let Some(j) = join {
                    let _ = j.await;
                    if super::future::is_done(&main) {
                        break;
                    }
                    let mut v = vm.borrow_mut();
                    let h = v.get_attr(&main, "_handle").unwrap_or_default();
                    join = slot_of(&h).and_then(|s| s.join.borrow_mut().take());
                }
                // asyncio.run's shutdown: cancel what is pending and wait for it (runners._cancel_all_tasks).
                let shutdown = super::future::start_shutdown(&mut vm.borrow_mut());
                if let Ok(g) = shutdown {
                    if !matches!(g, Value::None) {
                        PyFutureDone {
                            vm: vm.clone(),
                            fut: g,
                            main: Rc::new(MainSlot::default()),
                            registered: false,
                        }
                        .await;
                    }
                }
                // shutdown_asyncgens and shutdown_default_executor each take loop iterations in CPython.
                for _ in 0..4 {
                    sim::yield_now().await;
                }
                // Take main's result first: asyncio.run retrieves it, so its
                // exception is never "unretrieved".
                let result = super::future::main_result(&mut vm.borrow_mut(), &main);
                let _ = super::future::report_unretrieved(&mut vm.borrow_mut());
                match result {
                    Ok(v) => send = v,
                    Err(e) => throw = Some(e),
                }
            }
        }
    }
}
