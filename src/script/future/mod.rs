//! asyncio's `Future` and `Task` bookkeeping natively: creation, completion,
//! done-callbacks and results, which every task runs.
//!
//! Interpreted, these methods were most of the bytecodes of an exploration's
//! schedule (a `Task.__init__` alone ran about 70). The state stays where the
//! prelude kept it — the instance's attributes (`_state`, `_result`,
//! `_callbacks`, …) — so the prelude's remaining Python (`Task.cancel`, locks,
//! queues, `wait_for`) and `step.rs` see exactly the objects they saw before.
//! The prelude binds these natives as methods (`done = _future_done`); an
//! instance lookup binds a `mod:fut.` builtin to its receiver as it would a
//! `def` (see [`Value::binds_to_instance`]). Each follows CPython 3.11's
//! `Lib/asyncio/futures.py` and `tasks.py` step for step.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use super::modules::{PreludeImage, RunState};
use super::value::*;
use super::vm::{PyResult, Vm};

mod attrs;
mod gather;
mod run;

use attrs::{fill, INTERNED};
pub(super) use attrs::{get, get_named, recycle as recycle_attrs, set, Attr, State};
pub(super) use gather::call_bound;
pub(super) use run::{main_result, report_unretrieved, start_main, start_shutdown};

/// The natives the prelude binds into `Future` and `Task` (the global name is the part after `mod:fut.`).
pub const NATIVES: &[&str] = &[
    "mod:fut._future_init",
    "mod:fut._future_done",
    "mod:fut._future_cancelled",
    "mod:fut._future_result",
    "mod:fut._future_exception",
    ADD_DONE_CALLBACK,
    "mod:fut._future_set_result",
    "mod:fut._future_set_exception",
    "mod:fut._future_cancel",
    "mod:fut._future_make_cancelled_error",
    TASK_INIT,
    GATHERING_INIT,
    WAKEUP,
    "mod:fut._gather",
];

/// A task's `__wakeup`, the done-callback it adds to what it awaits.
pub(super) const WAKEUP: &str = "mod:fut._task_wakeup";
/// `Future.add_done_callback`, which a task step calls directly unless a subclass overrides it.
pub(super) const ADD_DONE_CALLBACK: &str = "mod:fut._future_add_done_callback";
/// `Task.__init__` and `_GatheringFuture.__init__`, which a class call skips when they are these.
const TASK_INIT: &str = "mod:fut._task_init";
const GATHERING_INIT: &str = "mod:fut._gathering_init";

/// Call the native `name` (without its `mod:fut.` prefix); `args[0]` is the receiver.
pub fn call(
    vm: &mut Vm,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
) -> PyResult<Value> {
    if name == "_gather" {
        return gather::gather(vm, args, &kwargs);
    }
    // The Python-visible method name, for messages only.
    let method = || method_name(name).to_string();
    let Some(Value::Instance(t)) = args.first() else {
        let what = args.first().map(|a| vm.type_name(a)).unwrap_or_default();
        return vm.err(
            "TypeError",
            format!(
                "descriptor '{}' for 'Future' objects doesn't apply to a '{what}' object",
                method()
            ),
        );
    };
    let t = t.clone();
    let me = &args[0];
    let rest = &args[1..];
    let kw = |n: &str| {
        kwargs
            .iter()
            .find(|(k, _)| &**k == n)
            .map(|(_, v)| v.clone())
    };
    if !kwargs.is_empty() {
        let allowed: &[&str] = match name {
            "_future_init" => &["loop"],
            "_future_add_done_callback" => &["context"],
            "_future_cancel" => &["msg"],
            "_task_init" => &["loop", "name", "context", "coro"],
            _ => &[],
        };
        if let Some((k, _)) = kwargs.iter().find(|(k, _)| !allowed.contains(&&**k)) {
            return vm.err(
                "TypeError",
                format!("{}() got an unexpected keyword argument '{k}'", method()),
            );
        }
    }
    let positional = match name {
        "_future_add_done_callback"
        | "_future_set_result"
        | "_future_set_exception"
        | "_gathering_init"
        | "_task_wakeup"
        | "_task_init" => 1,
        "_future_cancel" => usize::from(!rest.is_empty()),
        _ => 0,
    };
    let given = rest.len() + usize::from(name == "_task_init" && kw("coro").is_some());
    if given != positional {
        return vm.err(
            "TypeError",
            format!(
                "{}() takes {} positional argument{} but {} were given",
                method(),
                positional + 1,
                if positional == 0 { "" } else { "s" },
                rest.len() + 1
            ),
        );
    }
    let arg = || rest.first().cloned().unwrap_or_default();
    // A parameter that may come by position or by keyword.
    let arg_or_kw = |name: &str| {
        rest.first()
            .cloned()
            .or_else(|| kw(name))
            .unwrap_or_default()
    };
    Ok(match name {
        "_future_init" => {
            init_future(vm, &t);
            Value::None
        }
        "_future_done" => Value::Bool(State::of(&t) != State::Pending),
        "_future_cancelled" => Value::Bool(State::of(&t) == State::Cancelled),
        "_future_result" => return result(vm, &t),
        "_future_exception" => match State::of(&t) {
            State::Cancelled => return Err(make_cancelled_error(vm, &t)),
            State::Pending => return vm.err("InvalidStateError", "Exception is not set."),
            State::Finished => {
                set(&t, Attr::LogTraceback, Value::Bool(false));
                get(&t, Attr::Exception)
            }
        },
        "_future_add_done_callback" => {
            add_done_callback(vm, me, arg())?;
            Value::None
        }
        "_future_set_result" => {
            check_pending(vm, &t)?;
            set_result(vm, me, &t, arg())?;
            Value::None
        }
        "_future_set_exception" => {
            check_pending(vm, &t)?;
            let mut exc = arg();
            if let Value::Class(_) = exc {
                exc = vm.call_sync(&exc, vec![], vec![])?;
            }
            if matches!(&exc, Value::Instance(i) if &*i.class.name == "StopIteration" && i.class.builtin)
            {
                return vm.err(
                    "TypeError",
                    "StopIteration interacts badly with generators and cannot be raised into a Future",
                );
            }
            set_exception(vm, me, &t, exc)?;
            Value::None
        }
        "_future_cancel" => Value::Bool(cancel(vm, me, &t, arg_or_kw("msg"))?),
        "_future_make_cancelled_error" => make_cancelled_error(vm, &t),
        // Called like any callback (with the future): wake the task.
        "_task_wakeup" => {
            wake(&t);
            Value::None
        }
        "_gathering_init" => {
            init_gathering(vm, &t, arg());
            Value::None
        }
        "_task_init" => {
            init_task(vm, &t, arg_or_kw("coro"), kw("name").unwrap_or_default())?;
            Value::None
        }
        other => return vm.err("AttributeError", format!("no native '{other}'")),
    })
}

/// The Python name of the native method `builtin` (`mod:fut._future_done` is `done`).
pub(super) fn method_name(builtin: &str) -> &str {
    let n = builtin.strip_prefix("mod:fut.").unwrap_or(builtin);
    let n = n.strip_prefix("_future_").unwrap_or(n);
    n.strip_prefix("_task_").unwrap_or(n)
}

fn prelude(vm: &Vm) -> PyResult<Rc<PreludeImage>> {
    match &vm.prelude {
        Some(p) => Ok(p.clone()),
        None => vm.err("RuntimeError", "asyncio is not imported"),
    }
}

/// `Future.__init__`: a pending future of the run's loop.
fn init_future(vm: &Vm, t: &Instance) {
    let values = [
        (Attr::Loop as usize, loop_of(vm)),
        (Attr::Callbacks as usize, Value::list(Vec::new())),
    ];
    INTERNED.with(|k| fill(&mut t.attrs.borrow_mut(), &k.future, values));
}

fn loop_of(vm: &Vm) -> Value {
    vm.prelude
        .as_ref()
        .map(|p| p.state(RunState::Loop))
        .unwrap_or_default()
}

/// `Task.__init__`: the future, its name, and a core task that will step it.
fn init_task(vm: &mut Vm, t: &Rc<Instance>, coro: Value, name: Value) -> PyResult<()> {
    let p = prelude(vm)?;
    if !matches!(coro, Value::Coro(_)) {
        init_future(vm, t);
        let shown = vm.repr(&coro)?;
        return vm.err(
            "TypeError",
            format!("a coroutine was expected, got {shown}"),
        );
    }
    // CPython's C Task counts every task, named or not.
    let n = match p.state(RunState::TaskNameCounter) {
        Value::Int(n) => n + 1,
        _ => 1,
    };
    p.set_state(RunState::TaskNameCounter, Value::Int(n));
    let (name, core_name) = match name {
        Value::None => default_task_name(n),
        Value::Str(s) => {
            let core = Arc::from(&*s);
            (s, core)
        }
        other => {
            let s: Rc<str> = Rc::from(vm.py_str(&other)?);
            let core = Arc::from(&*s);
            (s, core)
        }
    };
    let task = Value::Instance(t.clone());
    // CPython's `task.__wakeup`: a bound method of the task, which the
    // futures it awaits keep as their done-callback.
    let wakeup = Value::Method(Rc::new((task.clone(), Value::Builtin(Builtin(WAKEUP)))));
    let values = [
        (Attr::Loop as usize, loop_of(vm)),
        (Attr::Callbacks as usize, Value::list(Vec::new())),
        (Attr::Name as usize, Value::Str(name.clone())),
        (Attr::Coro as usize, coro),
        (Attr::Wakeup as usize, wakeup),
    ];
    INTERNED.with(|k| fill(&mut t.attrs.borrow_mut(), &k.task, values));
    let handle = crate::script::aio::spawn(vm, task.clone(), core_name);
    // The core task exists only now: the attribute's place was kept.
    set(t, Attr::Handle, handle);
    if let Value::List(all) = p.state(RunState::AllTasks) {
        all.borrow_mut().push(task);
    }
    Ok(())
}

/// `Task-{n}`, as the Python string and as the core's name for traces. Every
/// run numbers its tasks from 1, so each thread formats the first few
/// hundred names once and shares them.
fn default_task_name(n: i64) -> (Rc<str>, Arc<str>) {
    const CACHED: i64 = 256;
    thread_local! {
        static NAMES: RefCell<Vec<(Rc<str>, Arc<str>)>> = const { RefCell::new(Vec::new()) };
    }
    let make = |n: i64| {
        let s = format!("Task-{n}");
        (Rc::from(s.as_str()), Arc::from(s))
    };
    if !(1..=CACHED).contains(&n) {
        return make(n);
    }
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        while names.len() < n as usize {
            let next = names.len() as i64 + 1;
            names.push(make(next));
        }
        names[n as usize - 1].clone()
    })
}

/// CPython's C `Future` (which the 3.11 `asyncio.Future` is) says just this.
fn check_pending(vm: &Vm, t: &Instance) -> PyResult<()> {
    match State::of(t) {
        State::Pending => Ok(()),
        _ => vm.err("InvalidStateError", "invalid state"),
    }
}

/// `Future.result()`.
fn result(vm: &mut Vm, t: &Instance) -> PyResult<Value> {
    match State::of(t) {
        State::Cancelled => Err(make_cancelled_error(vm, t)),
        State::Pending => vm.err("InvalidStateError", "Result is not set."),
        State::Finished => {
            set(t, Attr::LogTraceback, Value::Bool(false));
            match get(t, Attr::Exception) {
                Value::None => Ok(get(t, Attr::Result)),
                e => {
                    let e = vm.make_exc(e)?;
                    vm.set_context(&e);
                    Err(e)
                }
            }
        }
    }
}

/// `Future._make_cancelled_error()`: the stored CancelledError once, else a new one with the message.
fn make_cancelled_error(vm: &Vm, t: &Instance) -> Value {
    match get(t, Attr::CancelledExc) {
        Value::None => {}
        exc => {
            set(t, Attr::CancelledExc, Value::None);
            return exc;
        }
    }
    let args = match get(t, Attr::CancelMessage) {
        Value::None => vec![],
        msg => vec![msg],
    };
    crate::script::vm::new_instance_with_args(vm.class("CancelledError"), args)
}

/// Complete a pending future `me` (whose instance is `t`) with a result.
pub(super) fn set_result(vm: &mut Vm, me: &Value, t: &Instance, v: Value) -> PyResult<()> {
    set(t, Attr::Result, v);
    set(t, Attr::State, State::Finished.value());
    schedule_callbacks(vm, me)
}

/// `Future.cancel(msg)`: true when it cancelled a pending future.
pub(super) fn cancel(vm: &mut Vm, me: &Value, t: &Instance, msg: Value) -> PyResult<bool> {
    set(t, Attr::LogTraceback, Value::Bool(false));
    if State::of(t) != State::Pending {
        return Ok(false);
    }
    set(t, Attr::State, State::Cancelled.value());
    set(t, Attr::CancelMessage, msg);
    schedule_callbacks(vm, me)?;
    Ok(true)
}

/// `Future.add_done_callback(fn)`: at once (soon) when done, else on completion.
pub(super) fn add_done_callback(vm: &mut Vm, me: &Value, f: Value) -> PyResult<()> {
    let Value::Instance(t) = me else {
        return Ok(());
    };
    if State::of(t) != State::Pending {
        return run_soon(vm, me, f);
    }
    if let Value::List(l) = get(t, Attr::Callbacks) {
        l.borrow_mut().push(f);
    }
    Ok(())
}

/// `Future.__schedule_callbacks()`: every callback, in order, once.
fn schedule_callbacks(vm: &mut Vm, me: &Value) -> PyResult<()> {
    let Value::Instance(t) = me else {
        return Ok(());
    };
    let Value::List(l) = get(t, Attr::Callbacks) else {
        return Ok(());
    };
    let callbacks = std::mem::take(&mut *l.borrow_mut());
    for cb in callbacks {
        run_soon(vm, me, cb)?;
    }
    Ok(())
}

/// Schedule one done-callback: a task's wake-up is a core wake (CPython's
/// `call_soon(task.__wakeup)`, which steps the task: one hop); anything else
/// is a loop callback called with the future.
fn run_soon(vm: &mut Vm, me: &Value, cb: Value) -> PyResult<()> {
    if let Some(task) = wakeup_of(&cb) {
        wake(task);
        return Ok(());
    }
    crate::script::aio::call_soon(vm, cb, vec![me.clone()]);
    Ok(())
}

/// The task whose `__wakeup` `cb` is, if it is one.
fn wakeup_of(cb: &Value) -> Option<&Instance> {
    match cb {
        Value::Method(m) => match (&m.0, &m.1) {
            (Value::Instance(task), Value::Builtin(Builtin(WAKEUP))) => Some(task),
            _ => None,
        },
        _ => None,
    }
}

/// Wake a task (its core task steps it next).
fn wake(task: &Instance) {
    crate::script::aio::wake(&get(task, Attr::Handle));
}

/// A new, uninitialized instance of `class` when its `__init__` is the
/// native `init` (the caller runs it directly); None when the class call must
/// go the general way (a monkeypatched `__init__`).
fn fresh_instance(vm: &mut Vm, class: &Value, init: &str) -> Option<Rc<Instance>> {
    let Value::Class(c) = class else { return None };
    if !matches!(c.lookup("__init__"), Some(Value::Builtin(Builtin(n))) if n == init) {
        return None;
    }
    let t = Rc::new(Instance {
        class: c.clone(),
        attrs: Default::default(),
        exc: Default::default(),
    });
    vm.made_instances.push(Rc::downgrade(&t));
    Some(t)
}

/// `Task(coro)`.
fn new_task(vm: &mut Vm, p: &PreludeImage, coro: Value) -> PyResult<Value> {
    let class = p.global("Task");
    match fresh_instance(vm, &class, TASK_INIT) {
        Some(t) => {
            init_task(vm, &t, coro, Value::None)?;
            Ok(Value::Instance(t))
        }
        None => vm.call_sync(&class, vec![coro], vec![]),
    }
}

/// `_GatheringFuture.__init__(children)`.
fn init_gathering(vm: &Vm, t: &Instance, children: Value) {
    init_future(vm, t);
    let mut a = t.attrs.borrow_mut();
    a.insert(Rc::from("_children"), children);
    a.insert(Rc::from("_cancel_requested"), Value::Bool(false));
}

/// `asyncio.ensure_future(arg)`: a future as it is, a coroutine as a new Task.
fn ensure_future(vm: &mut Vm, p: &PreludeImage, arg: Value) -> PyResult<Value> {
    match &arg {
        Value::Instance(i) if p.future.as_ref().is_some_and(|f| i.class.is_subclass(f)) => Ok(arg),
        Value::Coro(_) => new_task(vm, p, arg),
        _ => vm.err(
            "TypeError",
            "An asyncio.Future, a coroutine or an awaitable is required",
        ),
    }
}

/// `Future.set_exception` on a future known to be pending, with an exception instance.
pub(super) fn set_exception(vm: &mut Vm, me: &Value, t: &Instance, exc: Value) -> PyResult<()> {
    set(t, Attr::Exception, exc);
    set(t, Attr::State, State::Finished.value());
    schedule_callbacks(vm, me)?;
    set(t, Attr::LogTraceback, Value::Bool(true));
    Ok(())
}

/// `fut.result()` for any value that is a future (None for anything else).
pub(super) fn result_of(vm: &mut Vm, fut: &Value) -> PyResult<Value> {
    match fut {
        Value::Instance(t) => result(vm, t),
        _ => Ok(Value::None),
    }
}

/// Set `fut._asyncio_future_blocking` (what `__await__` tells the task before yielding).
pub(super) fn set_blocking(fut: &Value, on: bool) {
    if let Value::Instance(t) = fut {
        rebind(
            &mut t.attrs.borrow_mut(),
            "_asyncio_future_blocking",
            Value::Bool(on),
        );
    }
}

/// Is the future (or task) done?
pub(super) fn is_done(task: &Value) -> bool {
    matches!(task, Value::Instance(t) if State::of(t) != State::Pending)
}
