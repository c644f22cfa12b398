//! `Task.__step` natively: what runs on every wake-up of a Python task.
//!
//! CPython's `Task.__step` (Lib/asyncio/tasks.py) decides what a task does
//! next: resume its coroutine (or throw into it), then finish the task, wait
//! for a future, or hand an I/O request (a sleep) to the core. The prelude's
//! `Task` keeps the state (`_must_cancel`, `_fut_waiter`, `_next_exc`, …) as
//! instance attributes; this module reads and writes the same attributes
//! (by position, `future::Attr`) and completes the future with `Future`'s
//! own natives (`future/`), so Python code sees exactly the state the
//! interpreted version left. Interpreted, it was two thirds of the bytecodes
//! of a sleeping task's wake-up.

use std::rc::Rc;

use super::future::{self, get, get_named, set, Attr};
use super::modules::RunState;
use super::value::*;
use super::vm::{new_instance_with_args, Drive, PyResult, Vm};
use crate::sim;

/// What a task step asks the core for next.
pub enum Next {
    /// The task finished (its future is complete).
    Done,
    /// Run another step at once (after anything already ready).
    Again,
    /// Wait until a future's done-callback wakes the task.
    Wait,
    /// Sleep: a core I/O await of this many nanoseconds (subject to faults).
    Io(u64),
}

/// One step of the Python task `task`, with `exc` thrown into its coroutine.
pub fn task_step(vm: &mut Vm, task: &Value, exc: Option<Value>) -> PyResult<Next> {
    let (Value::Instance(t), Some(prelude)) = (task, vm.prelude.clone()) else {
        return vm.err("RuntimeError", "not an asyncio task");
    };
    let Some(future) = prelude.future.clone() else {
        return vm.err("RuntimeError", "the asyncio prelude defines no Future");
    };
    if future::State::of(t) != future::State::Pending {
        let shown = vm.repr(task)?;
        return vm.err(
            "InvalidStateError",
            format!("_step(): already done: {shown}"),
        );
    }
    let mut exc = exc.filter(|e| !matches!(e, Value::None));
    let next_exc = get(t, Attr::NextExc);
    if !matches!(next_exc, Value::None) {
        exc = Some(next_exc);
        set(t, Attr::NextExc, Value::None);
    }
    if get(t, Attr::IoCancelled).truthy() {
        set(t, Attr::IoCancelled, Value::Bool(false));
        let args = match get(t, Attr::IoCancelMsg) {
            Value::None => vec![],
            msg => vec![msg],
        };
        exc = Some(new_instance_with_args(vm.class("CancelledError"), args));
    }
    if get(t, Attr::MustCancel).truthy() {
        if !exc.as_ref().is_some_and(|e| vm.is_exc(e, "CancelledError")) {
            exc = Some(method(vm, task, "_make_cancelled_error", vec![], vec![])?);
        }
        set(t, Attr::MustCancel, Value::Bool(false));
    }
    set(t, Attr::FutWaiter, Value::None);
    set(t, Attr::IoWaiting, Value::Bool(false));
    let Value::Coro(coro) = get(t, Attr::Coro) else {
        return vm.err("TypeError", "a coroutine was expected");
    };
    prelude.set_state(RunState::CurrentTask, task.clone());
    let step = vm.drive(&coro, Value::None, exc);
    prelude.set_state(RunState::CurrentTask, Value::None);
    let result = match step {
        Drive::Yielded(result) => result,
        Drive::Returned(value) => return finish(vm, t, task, Ok(value)),
        Drive::Raised(e) => return finish(vm, t, task, Err(e)),
    };
    match &result {
        Value::Int(ns) => {
            if get(t, Attr::MustCancel).truthy() {
                set(t, Attr::MustCancel, Value::Bool(false));
                set(t, Attr::IoCancelled, Value::Bool(true));
                set(t, Attr::IoCancelMsg, get(t, Attr::CancelMessage));
                return Ok(Next::Again);
            }
            set(t, Attr::IoWaiting, Value::Bool(true));
            Ok(if *ns > 0 {
                Next::Io(*ns as u64)
            } else {
                Next::Done
            })
        }
        Value::Instance(r) if r.class.is_subclass(&future) => {
            if Rc::ptr_eq(r, t) {
                let shown = vm.repr(task)?;
                let e = vm.exc(
                    "RuntimeError",
                    format!("Task cannot await on itself: {shown}"),
                );
                set(t, Attr::NextExc, e);
                return Ok(Next::Again);
            }
            future::set_blocking(&result, false);
            // Future's own add_done_callback at once; a subclass's override through a call.
            let own = r.class.lookup("add_done_callback");
            if matches!(&own, Some(Value::Builtin(b)) if b.0 == future::ADD_DONE_CALLBACK) {
                future::add_done_callback(vm, &result, get(t, Attr::Wakeup))?;
            } else {
                method(
                    vm,
                    &result,
                    "add_done_callback",
                    vec![get(t, Attr::Wakeup)],
                    vec![],
                )?;
            }
            set(t, Attr::FutWaiter, result.clone());
            if get(t, Attr::MustCancel).truthy() {
                let msg = (Rc::from("msg"), get(t, Attr::CancelMessage));
                if method(vm, &result, "cancel", vec![], vec![msg])?.truthy() {
                    set(t, Attr::MustCancel, Value::Bool(false));
                }
            }
            // Where the task waits, for traces and deadlock reports: the
            // line of the program's own code it suspended at.
            sim::set_wait(match vm.suspend_line {
                0 => r.class.name.to_string(),
                line => format!("{} at line {line}", r.class.name),
            });
            Ok(Next::Wait)
        }
        Value::None => Ok(Next::Again),
        other => {
            let shown = vm.repr(other)?;
            let e = vm.exc("RuntimeError", format!("Task got bad yield: {shown}"));
            set(t, Attr::NextExc, e);
            Ok(Next::Again)
        }
    }
}

/// The coroutine returned or raised: complete the task's future as `Task.__step` does.
fn finish(
    vm: &mut Vm,
    t: &Rc<Instance>,
    task: &Value,
    outcome: Result<Value, Value>,
) -> PyResult<Next> {
    let returned = match outcome {
        Ok(v) => Ok(v),
        // A budget stop is not the task's exception: it ends the run.
        Err(e) if vm.hazard.is_some() => return Err(e),
        Err(e) if vm.is_exc(&e, "StopIteration") => Ok(get_instance_attr(&e, "value")),
        Err(e) => Err(e),
    };
    // Future's own methods, not Task's (which refuse set_result and set_exception).
    match returned {
        Ok(v) if get(t, Attr::MustCancel).truthy() => {
            drop(v);
            set(t, Attr::MustCancel, Value::Bool(false));
            future::cancel(vm, task, t, get(t, Attr::CancelMessage))?;
        }
        Ok(v) => future::set_result(vm, task, t, v)?,
        Err(e) if vm.is_exc(&e, "CancelledError") => {
            set(t, Attr::CancelledExc, e);
            future::cancel(vm, task, t, Value::None)?;
        }
        Err(e) => future::set_exception(vm, task, t, e)?,
    }
    Ok(Next::Done)
}

fn get_instance_attr(v: &Value, name: &str) -> Value {
    match v {
        Value::Instance(i) => get_named(i, name),
        _ => Value::None,
    }
}

fn method(
    vm: &mut Vm,
    obj: &Value,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
) -> PyResult<Value> {
    let f = vm.get_attr(obj, name)?;
    vm.call_sync(&f, args, kwargs)
}
