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
//! `def` (see [`Builtin::binds`]). Each follows CPython 3.11's
//! `Lib/asyncio/futures.py` and `tasks.py` step for step.

use std::rc::Rc;

use super::modules::PreludeImage;
use super::value::*;
use super::vm::{PyResult, Vm};

/// The natives the prelude binds into `Future` and `Task` (the global name is the part after `mod:fut.`).
pub const NATIVES: &[&str] = &[
    "mod:fut._future_init",
    "mod:fut._future_done",
    "mod:fut._future_cancelled",
    "mod:fut._future_result",
    "mod:fut._future_exception",
    "mod:fut._future_add_done_callback",
    "mod:fut._future_schedule_callbacks",
    "mod:fut._future_set_result",
    "mod:fut._future_set_exception",
    "mod:fut._future_cancel",
    "mod:fut._future_make_cancelled_error",
    "mod:fut._task_init",
];

/// A future's `_state`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Cancelled,
    Finished,
}

impl State {
    fn of(t: &Instance) -> State {
        match t.attrs.borrow().get("_state") {
            Some(Value::Str(s)) if &**s == "CANCELLED" => State::Cancelled,
            Some(Value::Str(s)) if &**s == "FINISHED" => State::Finished,
            _ => State::Pending,
        }
    }

    fn value(self) -> Value {
        let i = match self {
            State::Pending => 0,
            State::Cancelled => 1,
            State::Finished => 2,
        };
        INTERNED.with(|k| Value::Str(k.states[i].clone()))
    }
}

/// Attribute names and state strings made once per thread: a new future's
/// attribute map then takes its keys by reference count, not by allocation.
struct Interned {
    states: [Rc<str>; 3],
    future: Vec<Rc<str>>,
    task: Vec<Rc<str>>,
    wakeup_task: Rc<str>,
}

/// `Future.__init__`'s attributes, in its order.
const FUTURE_ATTRS: [&str; 8] = [
    "_loop",
    "_state",
    "_result",
    "_exception",
    "_callbacks",
    "_cancel_message",
    "_cancelled_exc",
    "_log_traceback",
];

/// What `Task.__init__` adds, in its order.
const TASK_ATTRS: [&str; 11] = [
    "_name",
    "_must_cancel",
    "_fut_waiter",
    "_coro",
    "_num_cancels_requested",
    "_io_waiting",
    "_io_cancelled",
    "_io_cancel_msg",
    "_next_exc",
    "_wakeup",
    "_handle",
];

thread_local! {
    static INTERNED: Interned = Interned {
        states: ["PENDING", "CANCELLED", "FINISHED"].map(Rc::from),
        future: FUTURE_ATTRS.iter().map(|s| Rc::from(*s)).collect(),
        task: TASK_ATTRS.iter().map(|s| Rc::from(*s)).collect(),
        wakeup_task: Rc::from("task"),
    };
}

/// Call the native `name` (without its `mod:fut.` prefix); `args[0]` is the receiver.
pub fn call(
    vm: &mut Vm,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
) -> PyResult<Value> {
    let method = name
        .trim_start_matches("_future_")
        .trim_start_matches("_task_");
    let Some(Value::Instance(t)) = args.first() else {
        let what = args.first().map(|a| vm.type_name(a)).unwrap_or_default();
        return vm.err(
            "TypeError",
            format!(
                "descriptor '{method}' for 'Future' objects doesn't apply to a '{what}' object"
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
            format!("{method}() got an unexpected keyword argument '{k}'"),
        );
    }
    let positional = match name {
        "_future_add_done_callback"
        | "_future_set_result"
        | "_future_set_exception"
        | "_task_init" => 1,
        "_future_cancel" => usize::from(!rest.is_empty()),
        _ => 0,
    };
    let given = rest.len() + usize::from(name == "_task_init" && kw("coro").is_some());
    if given != positional {
        return vm.err(
            "TypeError",
            format!(
                "{method}() takes {} positional argument{} but {} were given",
                positional + 1,
                if positional == 0 { "" } else { "s" },
                rest.len() + 1
            ),
        );
    }
    let arg = || rest.first().cloned().unwrap_or_default();
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
                set(&t, "_log_traceback", Value::Bool(false));
                get(&t, "_exception")
            }
        },
        "_future_add_done_callback" => {
            add_done_callback(vm, me, arg())?;
            Value::None
        }
        "_future_schedule_callbacks" => {
            schedule_callbacks(vm, me)?;
            Value::None
        }
        "_future_set_result" => {
            check_pending(vm, &t)?;
            set(&t, "_result", arg());
            set(&t, "_state", State::Finished.value());
            schedule_callbacks(vm, me)?;
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
            set(&t, "_exception", exc);
            set(&t, "_state", State::Finished.value());
            schedule_callbacks(vm, me)?;
            set(&t, "_log_traceback", Value::Bool(true));
            Value::None
        }
        "_future_cancel" => {
            let msg = rest
                .first()
                .cloned()
                .or_else(|| kw("msg"))
                .unwrap_or_default();
            Value::Bool(cancel(vm, me, &t, msg)?)
        }
        "_future_make_cancelled_error" => make_cancelled_error(vm, &t),
        "_task_init" => {
            let coro = rest
                .first()
                .cloned()
                .or_else(|| kw("coro"))
                .unwrap_or_default();
            init_task(vm, &t, coro, kw("name").unwrap_or_default())?;
            Value::None
        }
        other => return vm.err("AttributeError", format!("no native '{other}'")),
    })
}

fn prelude(vm: &Vm) -> PyResult<Rc<PreludeImage>> {
    match &vm.prelude {
        Some(p) => Ok(p.clone()),
        None => vm.err("RuntimeError", "asyncio is not imported"),
    }
}

/// `Future.__init__`: a pending future of the run's loop.
fn init_future(vm: &Vm, t: &Instance) {
    let lp = vm
        .prelude
        .as_ref()
        .map(|p| p.global("_loop"))
        .unwrap_or_default();
    let values = [
        lp,
        State::Pending.value(),
        Value::None,
        Value::None,
        Value::list(Vec::new()),
        Value::None,
        Value::None,
        Value::Bool(false),
    ];
    let mut a = t.attrs.borrow_mut();
    INTERNED.with(|k| {
        for (key, v) in k.future.iter().zip(values) {
            a.insert(key.clone(), v);
        }
    });
}

/// `Task.__init__`: the future, its name, and a core task that will step it.
fn init_task(vm: &mut Vm, t: &Rc<Instance>, coro: Value, name: Value) -> PyResult<()> {
    let p = prelude(vm)?;
    init_future(vm, t);
    if !matches!(coro, Value::Coro(_)) {
        let shown = vm.repr(&coro)?;
        return vm.err(
            "TypeError",
            format!("a coroutine was expected, got {shown}"),
        );
    }
    // CPython's C Task counts every task, named or not.
    let n = match p.global("_task_name_counter") {
        Value::Int(n) => n + 1,
        _ => 1,
    };
    p.set_global("_task_name_counter", Value::Int(n));
    let name: Rc<str> = match name {
        Value::None => Rc::from(format!("Task-{n}")),
        Value::Str(s) => s,
        other => Rc::from(vm.py_str(&other)?),
    };
    let Some(wakeup_class) = p.task_wakeup.clone() else {
        return vm.err("RuntimeError", "the asyncio prelude defines no _TaskWakeup");
    };
    let task = Value::Instance(t.clone());
    let wakeup = Rc::new(Instance {
        class: wakeup_class,
        attrs: Default::default(),
        exc: Default::default(),
    });
    INTERNED.with(|k| {
        wakeup
            .attrs
            .borrow_mut()
            .insert(k.wakeup_task.clone(), task.clone())
    });
    vm.made_instances.push(Rc::downgrade(&wakeup));
    let values = [
        Value::Str(name.clone()),
        Value::Bool(false),
        Value::None,
        coro,
        Value::Int(0),
        Value::Bool(false),
        Value::Bool(false),
        Value::None,
        Value::None,
        Value::Instance(wakeup),
    ];
    INTERNED.with(|k| {
        let mut a = t.attrs.borrow_mut();
        for (key, v) in k.task.iter().zip(values) {
            a.insert(key.clone(), v);
        }
    });
    let handle = super::aio::native(vm, "_spawn", vec![task.clone(), Value::Str(name)])?;
    INTERNED.with(|k| t.attrs.borrow_mut().insert(k.task[10].clone(), handle));
    if let Value::List(all) = p.global("_all_tasks") {
        all.borrow_mut().push(task);
    }
    Ok(())
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
            set(t, "_log_traceback", Value::Bool(false));
            match get(t, "_exception") {
                Value::None => Ok(get(t, "_result")),
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
    match get(t, "_cancelled_exc") {
        Value::None => {}
        exc => {
            set(t, "_cancelled_exc", Value::None);
            return exc;
        }
    }
    let args = match get(t, "_cancel_message") {
        Value::None => vec![],
        msg => vec![msg],
    };
    super::vm::new_instance_with_args(vm.class("CancelledError"), args)
}

/// `Future.cancel(msg)`.
fn cancel(vm: &mut Vm, me: &Value, t: &Instance, msg: Value) -> PyResult<bool> {
    set(t, "_log_traceback", Value::Bool(false));
    if State::of(t) != State::Pending {
        return Ok(false);
    }
    set(t, "_state", State::Cancelled.value());
    set(t, "_cancel_message", msg);
    schedule_callbacks(vm, me)?;
    Ok(true)
}

/// `Future.add_done_callback(fn)`: at once (soon) when done, else on completion.
fn add_done_callback(vm: &mut Vm, me: &Value, f: Value) -> PyResult<()> {
    let Value::Instance(t) = me else {
        return Ok(());
    };
    if State::of(t) != State::Pending {
        return run_soon(vm, me, f);
    }
    if let Value::List(l) = get(t, "_callbacks") {
        l.borrow_mut().push(f);
    }
    Ok(())
}

/// `Future.__schedule_callbacks()`: every callback, in order, once.
fn schedule_callbacks(vm: &mut Vm, me: &Value) -> PyResult<()> {
    let Value::Instance(t) = me else {
        return Ok(());
    };
    let Value::List(l) = get(t, "_callbacks") else {
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
    let wakeup = vm.prelude.as_ref().and_then(|p| p.task_wakeup.clone());
    if let (Value::Instance(w), Some(wakeup)) = (&cb, wakeup) {
        if w.class.is_subclass(&wakeup) {
            let handle = match get(w, "task") {
                Value::Instance(task) => get(&task, "_handle"),
                _ => Value::None,
            };
            super::aio::native(vm, "_wake", vec![handle])?;
            return Ok(());
        }
    }
    super::aio::native(vm, "_call_soon", vec![cb, Value::tuple(vec![me.clone()])])?;
    Ok(())
}

fn get(i: &Instance, name: &str) -> Value {
    i.attrs.borrow().get(name).cloned().unwrap_or_default()
}

fn set(i: &Instance, name: &str, v: Value) {
    rebind(&mut i.attrs.borrow_mut(), name, v);
}
