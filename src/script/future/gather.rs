//! `asyncio.gather` natively: its children, and the done-callback that
//! completes the outer future (CPython's `tasks.py` `gather` and its
//! `_done_callback` closure).

use std::rc::Rc;

use super::attrs::{get, get_named, set, Attr, State};
use super::{
    add_done_callback, ensure_future, fresh_instance, init_gathering, make_cancelled_error,
    prelude, set_exception, set_result,
};
use crate::script::value::*;
use crate::script::vm::{PyResult, Vm};

/// What one `gather()` keeps between its children's completions (the
/// locals its `_done_callback` closure shares in CPython's `tasks.py`).
struct Gather {
    /// The same list as the outer future's `_children` (one object, as in CPython).
    children: Rc<std::cell::RefCell<Vec<Value>>>,
    nfuts: usize,
    nfinished: usize,
    outer: Option<Value>,
    return_exceptions: bool,
}

/// The done-callback a gather adds to each child: a bound method of its
/// state, called with the child (see [`call_bound`]).
const GATHER_DONE: &str = "_done_callback";

/// `asyncio.gather(*coros_or_futures, return_exceptions=False)`.
pub(super) fn gather(
    vm: &mut Vm,
    args: Vec<Value>,
    kwargs: &[(Rc<str>, Value)],
) -> PyResult<Value> {
    let mut return_exceptions = false;
    for (k, v) in kwargs {
        match &**k {
            "return_exceptions" => return_exceptions = v.truthy(),
            other => {
                return vm.err(
                    "TypeError",
                    format!("gather() got an unexpected keyword argument '{other}'"),
                )
            }
        }
    }
    let p = prelude(vm)?;
    if args.is_empty() {
        let outer = vm.call_sync(&p.global("Future"), vec![], vec![])?;
        if let Value::Instance(t) = &outer {
            set_result(vm, &outer, t, Value::list(vec![]))?;
        }
        return Ok(outer);
    }
    let state = Rc::new(std::cell::RefCell::new(Gather {
        children: Rc::new(std::cell::RefCell::new(Vec::with_capacity(args.len()))),
        nfuts: 0,
        nfinished: 0,
        outer: None,
        return_exceptions,
    }));
    let done = Value::BuiltinMethod(Rc::new((
        Value::Native(NativeObj(state.clone())),
        Rc::from(GATHER_DONE),
    )));
    // CPython maps each distinct argument to one future (a dict keyed by the
    // argument; coroutines and futures hash by identity).
    let mut seen: Vec<(Value, Value)> = Vec::new();
    for arg in args {
        let known = seen
            .iter()
            .find(|(a, _)| a.identity() == arg.identity())
            .map(|(_, f)| f.clone());
        let fut = match known {
            Some(f) => f,
            None => {
                let fut = ensure_future(vm, &p, arg.clone())?;
                state.borrow_mut().nfuts += 1;
                seen.push((arg, fut.clone()));
                add_done_callback(vm, &fut, done.clone())?;
                fut
            }
        };
        state.borrow().children.borrow_mut().push(fut);
    }
    let children = Value::List(state.borrow().children.clone());
    let class = p.global("_GatheringFuture");
    let outer = match fresh_instance(vm, &class, super::GATHERING_INIT) {
        Some(t) => {
            init_gathering(vm, &t, children);
            Value::Instance(t)
        }
        None => vm.call_sync(&class, vec![children], vec![])?,
    };
    state.borrow_mut().outer = Some(outer.clone());
    Ok(outer)
}

/// Call a bound method of a native object (a gather's done-callback).
pub(in crate::script) fn call_bound(
    vm: &mut Vm,
    obj: &NativeObj,
    name: &str,
    args: Vec<Value>,
) -> PyResult<Value> {
    match (obj.0.clone().downcast::<std::cell::RefCell<Gather>>(), name) {
        (Ok(state), GATHER_DONE) => {
            let fut = args.into_iter().next().unwrap_or_default();
            gather_done(vm, &state, &fut)?;
            Ok(Value::None)
        }
        _ => vm.err("AttributeError", format!("no native method '{name}'")),
    }
}

/// A gather's child finished: fail the outer future at the first error
/// (unless `return_exceptions`), complete it with every result once all are done.
fn gather_done(vm: &mut Vm, state: &std::cell::RefCell<Gather>, fut: &Value) -> PyResult<()> {
    let Value::Instance(f) = fut else {
        return Ok(());
    };
    let (outer, all_done, return_exceptions) = {
        let mut g = state.borrow_mut();
        g.nfinished += 1;
        (g.outer.clone(), g.nfinished == g.nfuts, g.return_exceptions)
    };
    let outer_instance = match &outer {
        Some(Value::Instance(o)) if State::of(o) == State::Pending => o.clone(),
        _ => {
            // Mark the exception retrieved: nobody else will look at it.
            if State::of(f) != State::Cancelled {
                set(f, Attr::LogTraceback, Value::Bool(false));
            }
            return Ok(());
        }
    };
    let outer = Value::Instance(outer_instance.clone());
    if !return_exceptions {
        let exc = match State::of(f) {
            State::Cancelled => Some(make_cancelled_error(vm, f)),
            _ => {
                set(f, Attr::LogTraceback, Value::Bool(false));
                match get(f, Attr::Exception) {
                    Value::None => None,
                    e => Some(e),
                }
            }
        };
        if let Some(exc) = exc {
            return set_exception(vm, &outer, &outer_instance, exc);
        }
    }
    if !all_done {
        return Ok(());
    }
    let children = state.borrow().children.borrow().clone();
    let mut results = Vec::with_capacity(children.len());
    for child in &children {
        let Value::Instance(c) = child else { continue };
        let res = if State::of(c) == State::Cancelled {
            let args = match get(c, Attr::CancelMessage) {
                Value::None => vec![Value::str("")],
                msg => vec![msg],
            };
            crate::script::vm::new_instance_with_args(vm.class("CancelledError"), args)
        } else {
            set(c, Attr::LogTraceback, Value::Bool(false));
            match get(c, Attr::Exception) {
                Value::None => get(c, Attr::Result),
                e => e,
            }
        };
        results.push(res);
    }
    if get_named(&outer_instance, "_cancel_requested").truthy() {
        let exc = make_cancelled_error(vm, f);
        set_exception(vm, &outer, &outer_instance, exc)
    } else {
        set_result(vm, &outer, &outer_instance, Value::list(results))
    }
}
