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

use super::modules::{PreludeImage, RunState};
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
    "mod:fut._gathering_init",
    "mod:fut._task_wakeup",
    "mod:fut._gather",
];

/// A task's `__wakeup`, the done-callback it adds to what it awaits.
const WAKEUP: &str = "mod:fut._task_wakeup";

/// A future's `_state`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Cancelled,
    Finished,
}

impl State {
    fn of(t: &Instance) -> State {
        match get(t, Attr::State) {
            Value::Str(s) => INTERNED.with(|k| {
                // The natives store the interned strings: a pointer compare
                // decides, unless Python code stored an equal string of its own.
                if Rc::ptr_eq(&s, &k.states[0]) {
                    State::Pending
                } else if Rc::ptr_eq(&s, &k.states[2]) || &*s == "FINISHED" {
                    State::Finished
                } else if Rc::ptr_eq(&s, &k.states[1]) || &*s == "CANCELLED" {
                    State::Cancelled
                } else {
                    State::Pending
                }
            }),
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

/// State strings and attribute maps made once per thread: a new future's
/// attributes are a clone of a template (keys shared by reference count,
/// hashes already computed) with its own values put in by position.
struct Interned {
    states: [Rc<str>; 3],
    /// `Future.__init__`'s attributes, in its order, with their defaults.
    future: Attrs,
    /// The future's, then what `Task.__init__` adds, in its order.
    task: Attrs,
}

/// The attributes of a future, then those a task adds, in the order
/// `Future.__init__` and `Task.__init__` make them: a new instance's map is a
/// template clone, so each sits at its own position there (see [`get`]).
#[derive(Clone, Copy, PartialEq, Eq)]
// Every position is named, whether or not Rust code reads it.
#[allow(dead_code)]
pub(super) enum Attr {
    Loop,
    State,
    Result,
    Exception,
    Callbacks,
    CancelMessage,
    CancelledExc,
    LogTraceback,
    Name,
    MustCancel,
    FutWaiter,
    Coro,
    NumCancelsRequested,
    IoWaiting,
    IoCancelled,
    IoCancelMsg,
    NextExc,
    Wakeup,
    Handle,
}

impl Attr {
    /// Its name in the instance's attribute map.
    fn name(self) -> &'static str {
        ATTR_NAMES[self as usize]
    }
}

const ATTR_NAMES: [&str; 19] = [
    "_loop",
    "_state",
    "_result",
    "_exception",
    "_callbacks",
    "_cancel_message",
    "_cancelled_exc",
    "_log_traceback",
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

/// How many of them a plain future has.
const FUTURE_ATTRS: usize = 8;

/// The value a new future or task starts with for `name` (before its own values are put in).
fn default_of(name: &str, pending: &Rc<str>) -> Value {
    match name {
        "_state" => Value::Str(pending.clone()),
        "_num_cancels_requested" => Value::Int(0),
        "_log_traceback" | "_must_cancel" | "_io_waiting" | "_io_cancelled" => Value::Bool(false),
        _ => Value::None,
    }
}

thread_local! {
    static INTERNED: Interned = {
        let states = ["PENDING", "CANCELLED", "FINISHED"].map(Rc::from);
        let template = |names: &[&str]| -> Attrs {
            names.iter().map(|n| (Rc::from(*n), default_of(n, &states[0]))).collect()
        };
        let task = template(&ATTR_NAMES);
        Interned {
            // The same keys as the task's: a future's attributes are found at their positions too.
            future: task.iter().take(FUTURE_ATTRS).map(|(k, v)| (k.clone(), v.clone())).collect(),
            task,
            states,
        }
    };
}

/// Give `a` the attributes of `template`, then `values` at their positions
/// in it: a fresh instance's map becomes a clone of the template; one that
/// already has attributes (a subclass set some first) is assigned to by name,
/// keeping its order, as Python's attribute stores would.
fn fill(a: &mut Attrs, template: &Attrs, values: Vec<(usize, Value)>) {
    if a.is_empty() {
        *a = template.clone();
        for (at, v) in values {
            if let Some((_, slot)) = a.get_index_mut(at) {
                *slot = v;
            }
        }
        return;
    }
    let mut values = values.into_iter().peekable();
    for (at, (k, default)) in template.iter().enumerate() {
        let v = match values.next_if(|(i, _)| *i == at) {
            Some((_, v)) => v,
            None => default.clone(),
        };
        a.insert(k.clone(), v);
    }
}

/// Call the native `name` (without its `mod:fut.` prefix); `args[0]` is the receiver.
pub fn call(
    vm: &mut Vm,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
) -> PyResult<Value> {
    if name == "_gather" {
        return gather(vm, args, &kwargs);
    }
    // The Python-visible method name, for messages only.
    let method = || {
        let m = name.strip_prefix("_future_").unwrap_or(name);
        m.strip_prefix("_task_").unwrap_or(m).to_string()
    };
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
        "_future_schedule_callbacks" => {
            schedule_callbacks(vm, me)?;
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

fn prelude(vm: &Vm) -> PyResult<Rc<PreludeImage>> {
    match &vm.prelude {
        Some(p) => Ok(p.clone()),
        None => vm.err("RuntimeError", "asyncio is not imported"),
    }
}

/// `Future.__init__`: a pending future of the run's loop.
fn init_future(vm: &Vm, t: &Instance) {
    let values = vec![
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
    let name: Rc<str> = match name {
        Value::None => Rc::from(format!("Task-{n}")),
        Value::Str(s) => s,
        other => Rc::from(vm.py_str(&other)?),
    };
    let task = Value::Instance(t.clone());
    // CPython's `task.__wakeup`: a bound method of the task, which the
    // futures it awaits keep as their done-callback.
    let wakeup = Value::Method(Rc::new((task.clone(), Value::Builtin(Builtin(WAKEUP)))));
    let values = vec![
        (Attr::Loop as usize, loop_of(vm)),
        (Attr::Callbacks as usize, Value::list(Vec::new())),
        (Attr::Name as usize, Value::Str(name.clone())),
        (Attr::Coro as usize, coro),
        (Attr::Wakeup as usize, wakeup),
    ];
    INTERNED.with(|k| fill(&mut t.attrs.borrow_mut(), &k.task, values));
    let handle = super::aio::spawn(vm, task.clone(), name.to_string());
    // The core task exists only now: the attribute's place was kept.
    set(t, Attr::Handle, handle);
    if let Value::List(all) = p.state(RunState::AllTasks) {
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
    super::vm::new_instance_with_args(vm.class("CancelledError"), args)
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
    super::aio::call_soon(vm, cb, vec![me.clone()]);
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
    super::aio::wake(&get(task, Attr::Handle));
}

/// Read a future's attribute: at its template position when the map is a
/// template clone (the key there is the template's own), else by name.
pub(super) fn get(i: &Instance, a: Attr) -> Value {
    let attrs = i.attrs.borrow();
    match attrs.get_index(a as usize) {
        Some((k, v)) if is_template_key(k, a) => v.clone(),
        _ => attrs.get(a.name()).cloned().unwrap_or_default(),
    }
}

/// Write a future's attribute (see [`get`]).
pub(super) fn set(i: &Instance, a: Attr, v: Value) {
    let mut attrs = i.attrs.borrow_mut();
    match attrs.get_index_mut(a as usize) {
        Some((k, slot)) if is_template_key(k, a) => *slot = v,
        _ => rebind(&mut attrs, a.name(), v),
    }
}

fn is_template_key(k: &Rc<str>, a: Attr) -> bool {
    INTERNED.with(|t| {
        t.task
            .get_index(a as usize)
            .is_some_and(|(key, _)| Rc::ptr_eq(key, k))
    })
}

/// An attribute that is not one of [`Attr`]'s (None when unset).
pub(super) fn get_named(i: &Instance, name: &str) -> Value {
    i.attrs.borrow().get(name).cloned().unwrap_or_default()
}

/// What one `gather()` keeps between its children's completions (the
/// locals its `_done_callback` closure shares in CPython's `tasks.py`).
struct Gather {
    children: Vec<Value>,
    nfuts: usize,
    nfinished: usize,
    outer: Option<Value>,
    return_exceptions: bool,
}

/// The done-callback a gather adds to each child: a bound method of its
/// state, called with the child (see [`call_bound`]).
const GATHER_DONE: &str = "_done_callback";

/// `asyncio.gather(*coros_or_futures, return_exceptions=False)`.
fn gather(vm: &mut Vm, args: Vec<Value>, kwargs: &[(Rc<str>, Value)]) -> PyResult<Value> {
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
            set(t, Attr::Result, Value::list(vec![]));
            set(t, Attr::State, State::Finished.value());
        }
        return Ok(outer);
    }
    let state = Rc::new(std::cell::RefCell::new(Gather {
        children: Vec::with_capacity(args.len()),
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
        state.borrow_mut().children.push(fut);
    }
    let children = Value::list(state.borrow().children.clone());
    let class = p.global("_GatheringFuture");
    let outer = match fresh_instance(vm, &class, "mod:fut._gathering_init") {
        Some(t) => {
            init_gathering(vm, &t, children);
            Value::Instance(t)
        }
        None => vm.call_sync(&class, vec![children], vec![])?,
    };
    state.borrow_mut().outer = Some(outer.clone());
    Ok(outer)
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
    match fresh_instance(vm, &class, "mod:fut._task_init") {
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

/// Call a bound method of a native object (a gather's done-callback).
pub fn call_bound(vm: &mut Vm, obj: &NativeObj, name: &str, args: Vec<Value>) -> PyResult<Value> {
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
    let children = state.borrow().children.clone();
    let mut results = Vec::with_capacity(children.len());
    for child in &children {
        let Value::Instance(c) = child else { continue };
        let res = if State::of(c) == State::Cancelled {
            let args = match get(c, Attr::CancelMessage) {
                Value::None => vec![Value::str("")],
                msg => vec![msg],
            };
            super::vm::new_instance_with_args(vm.class("CancelledError"), args)
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

/// `Future.set_exception` on a future known to be pending, with an exception instance.
pub(super) fn set_exception(vm: &mut Vm, me: &Value, t: &Instance, exc: Value) -> PyResult<()> {
    set(t, Attr::Exception, exc);
    set(t, Attr::State, State::Finished.value());
    schedule_callbacks(vm, me)?;
    set(t, Attr::LogTraceback, Value::Bool(true));
    Ok(())
}

/// `asyncio.run`'s start, once its argument is known to be a coroutine: the
/// loop is running, and the main task made.
pub(super) fn start_main(vm: &mut Vm, coro: Value) -> PyResult<Value> {
    let p = prelude(vm)?;
    p.set_state(RunState::Running, Value::Bool(true));
    new_task(vm, &p, coro)
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

/// `asyncio.run`'s end: the loop stops, and the main task's result is returned (or raised).
pub(super) fn main_result(vm: &mut Vm, task: &Value) -> PyResult<Value> {
    let p = prelude(vm)?;
    p.set_state(RunState::Running, Value::Bool(false));
    match task {
        Value::Instance(t) => result(vm, t),
        _ => Ok(Value::None),
    }
}

/// `asyncio.run`'s shutdown: cancel the tasks still pending and gather them
/// (None when there are none).
pub(super) fn start_shutdown(vm: &mut Vm) -> PyResult<Value> {
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
pub(super) fn report_unretrieved(vm: &mut Vm) -> PyResult<Value> {
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
            super::aio::unretrieved(msg);
        }
    }
    Ok(Value::None)
}
