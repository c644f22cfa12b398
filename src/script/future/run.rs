//! `asyncio.run` around the main coroutine: the main task, the shutdown
//! that cancels and gathers what is still pending, the main result, and the
//! report of exceptions nobody retrieved (CPython's `runners.py`).

use std::rc::Rc;

use super::attrs::{get, set, Attr, State};
use super::{gather::gather, new_task, prelude, result};
use crate::script::modules::RunState;
use crate::script::value::*;
use crate::script::vm::{PyResult, Vm};

/// `asyncio.run`'s start, once its argument is known to be a coroutine: the
/// loop is running, and the main task made.
pub(in crate::script) fn start_main(vm: &mut Vm, coro: Value) -> PyResult<Value> {
    let p = prelude(vm)?;
    p.set_state(RunState::Running, Value::Bool(true));
    new_task(vm, &p, coro)
}

/// `asyncio.run`'s end: the loop stops, and the main task's result is returned (or raised).
pub(in crate::script) fn main_result(vm: &mut Vm, task: &Value) -> PyResult<Value> {
    let p = prelude(vm)?;
    p.set_state(RunState::Running, Value::Bool(false));
    match task {
        Value::Instance(t) => result(vm, t),
        _ => Ok(Value::None),
    }
}

/// `asyncio.run`'s shutdown: cancel the tasks still pending and gather them
/// (None when there are none).
pub(in crate::script) fn start_shutdown(vm: &mut Vm) -> PyResult<Value> {
    let p = prelude(vm)?;
    let Value::List(all) = p.state(RunState::AllTasks) else {
        return Ok(Value::None);
    };
    let pending: Vec<Value> = all
        .borrow()
        .iter()
        .filter(|t| matches!(t, Value::Instance(i) if State::of(i) == State::Pending))
        .cloned()
        .collect();
    if pending.is_empty() {
        return Ok(Value::None);
    }
    for t in &pending {
        let cancel = vm.get_attr(t, "cancel")?;
        vm.call_sync(&cancel, vec![], vec![])?;
    }
    let yes = (Rc::from("return_exceptions"), Value::Bool(true));
    gather(vm, pending, &[yes])
}

/// At the end of `asyncio.run`: report each task whose exception nobody retrieved.
pub(in crate::script) fn report_unretrieved(vm: &mut Vm) -> PyResult<Value> {
    let p = prelude(vm)?;
    let Value::List(all) = p.state(RunState::AllTasks) else {
        return Ok(Value::None);
    };
    let tasks = all.borrow().clone();
    for t in &tasks {
        let Value::Instance(i) = t else { continue };
        if get(i, Attr::LogTraceback).truthy() {
            set(i, Attr::LogTraceback, Value::Bool(false));
            let name = vm.py_str(&get(i, Attr::Name))?;
            let exc = vm.repr(&get(i, Attr::Exception))?;
            let msg = format!("Task exception was never retrieved: {name}: {exc}");
            crate::script::aio::unretrieved(msg);
        }
    }
    Ok(Value::None)
}
