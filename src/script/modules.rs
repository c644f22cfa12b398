//! The importable modules: `time` and `random` (virtual clock, seeded RNG) and `asyncio` (the prelude, CPython's algorithms in the subset).

use std::cell::RefCell;
use std::rc::Rc;

use super::num::to_f64;
use super::rng;
use super::value::*;
use super::vm::{PyResult, Vm};

/// The asyncio prelude: CPython 3.11's Lib/asyncio logic, ported to the scenario subset.
pub const ASYNCIO_PRELUDE: &str = include_str!("asyncio_prelude.py");

fn native(name: &'static str) -> Value {
    Value::Builtin(Builtin(name))
}

fn module(name: &str, attrs: Attrs) -> Value {
    Value::Module(Rc::new(ModuleObj {
        name: Rc::from(name),
        attrs: RefCell::new(attrs),
    }))
}

/// Build a module on first import.
pub fn load(vm: &mut Vm, name: &str) -> PyResult<Value> {
    let mut a = Attrs::default();
    match name {
        "time" => {
            for (n, f) in [
                ("sleep", "mod:time.sleep"),
                ("time", "mod:time.time"),
                ("monotonic", "mod:time.monotonic"),
                ("perf_counter", "mod:time.monotonic"),
            ] {
                a.insert(Rc::from(n), native(f));
            }
            Ok(module("time", a))
        }
        "random" => {
            for (n, f) in [
                ("random", "mod:random.random"),
                ("randint", "mod:random.randint"),
                ("choice", "mod:random.choice"),
                ("shuffle", "mod:random.shuffle"),
                ("uniform", "mod:random.uniform"),
                ("seed", "mod:random.seed"),
                ("randrange", "mod:random.randrange"),
            ] {
                a.insert(Rc::from(n), native(f));
            }
            Ok(module("random", a))
        }
        "asyncio" => load_asyncio(vm),
        // Annotations are never evaluated; typing exists so that `from typing import ...` works.
        "typing" => {
            for n in [
                "Any",
                "Optional",
                "List",
                "Dict",
                "Tuple",
                "Set",
                "Callable",
                "Awaitable",
                "Coroutine",
                "Union",
                "Iterable",
                "Iterator",
                "Sequence",
                "Mapping",
                "TypeVar",
                "Generic",
                "ClassVar",
                "Final",
            ] {
                a.insert(Rc::from(n), native("object"));
            }
            Ok(module("typing", a))
        }
        _ => vm.err("ModuleNotFoundError", format!("No module named '{name}'")),
    }
}

thread_local! {
    /// The prelude compiled once per thread: exploration runs it for every
    /// schedule, and parsing a thousand lines each time would dominate.
    static PRELUDE_CODE: std::cell::OnceCell<Result<Rc<super::code::Code>, String>> =
        const { std::cell::OnceCell::new() };
}

fn prelude_code() -> Result<Rc<super::code::Code>, String> {
    PRELUDE_CODE.with(|c| {
        c.get_or_init(|| {
            super::lower::lower("<asyncio>", ASYNCIO_PRELUDE)
                .map(|m| super::compile::compile_module(&m, "<asyncio>", ASYNCIO_PRELUDE, true))
                .map_err(|d| d.render(false))
        })
        .clone()
    })
}

/// The module-level names `reset_state` rebinds; the module object mirrors them.
const PRELUDE_STATE: [&str; 5] = [
    "_all_tasks",
    "_current_task",
    "_task_name_counter",
    "_running",
    "_loop",
];

/// The prelude's per-run state, by its place in `PRELUDE_STATE`.
#[derive(Clone, Copy)]
pub enum RunState {
    AllTasks,
    CurrentTask,
    TaskNameCounter,
    Running,
    Loop,
}

/// The asyncio prelude, executed once per thread and reused by every run on it.
///
/// Executing the prelude's thousand lines of class and function definitions
/// cost a third of every explored schedule. Its definitions never change
/// after loading; its per-run state lives in the few globals `reset_state`
/// rebinds at each import. A run that writes an attribute of the module or of
/// one of its classes (monkeypatching) retires the image: the run keeps its
/// changes and the next run on
/// the thread gets a freshly executed image, so no run ever sees another's
/// writes.
///
/// [`Vm::set_attr`] calls [`discard_prelude`] on such a write.
#[derive(Debug)]
pub struct PreludeImage {
    globals: Rc<RefCell<Attrs>>,
    module: Rc<ModuleObj>,
    classes: Vec<Rc<Class>>,
    /// The code of `asyncio.sleep`, which the VM awaits without running it
    /// (`Vm::await_value`).
    pub sleep_code: Option<Rc<super::code::Code>>,
    /// The code of `asyncio.run`, whose checks and suspension `Vm::do_call`
    /// does without its frame.
    pub run_code: Option<Rc<super::code::Code>>,
    /// `asyncio.Future`, which every task step asks about (`step.rs`).
    pub future: Option<Rc<Class>>,
    /// `Future.__await__`, which `Vm::await_value` runs natively for futures
    /// and tasks that do not override it.
    pub future_await: Option<Rc<Function>>,
    /// Where each of `PRELUDE_STATE` sits in the globals (`_current_task`
    /// is set twice every task step) and in the module's attributes.
    state_at: [Place; 5],
    module_state_at: [Place; 5],
}

impl PreludeImage {
    /// One of the per-run globals (found at its known place: no hashing).
    pub fn state(&self, s: RunState) -> Value {
        let g = self.globals.borrow();
        self.state_at[s as usize]
            .get(&g, PRELUDE_STATE[s as usize])
            .cloned()
            .unwrap_or_default()
    }

    /// Rebind one of the per-run globals (see [`PreludeImage::state`]).
    pub fn set_state(&self, s: RunState, v: Value) {
        let name = PRELUDE_STATE[s as usize];
        self.state_at[s as usize].rebind(&mut self.globals.borrow_mut(), name, v);
    }

    /// One of the prelude's module-level names (None when unbound).
    pub fn global(&self, name: &str) -> Value {
        self.globals.borrow().get(name).cloned().unwrap_or_default()
    }

    /// Does the run's write to `o` change this image?
    pub fn owns(&self, o: &Value) -> bool {
        match o {
            Value::Module(m) => Rc::ptr_eq(m, &self.module),
            Value::Class(c) => self.classes.iter().any(|k| Rc::ptr_eq(k, c)),
            _ => false,
        }
    }

    /// Execute the prelude in an interpreter of its own (outside any run, so
    /// none of its work is charged to a run's operation budget or CPU cost).
    fn build() -> Result<PreludeImage, String> {
        let code = prelude_code()?;
        let mut loader = Vm::new(Rc::from("<asyncio>"), Rc::from(ASYNCIO_PRELUDE));
        let globals = Rc::new(RefCell::new(Attrs::default()));
        {
            let mut g = globals.borrow_mut();
            for n in super::aio::NATIVES.iter().chain(super::future::NATIVES) {
                g.insert(Rc::from(&n[8..]), native(n));
            }
            for n in ["CancelledError", "InvalidStateError"] {
                g.insert(Rc::from(n), Value::Class(loader.class(n)));
            }
        }
        if let Err(e) = loader.run_module(code, globals.clone()) {
            let shown = loader.repr(&e).unwrap_or_default();
            return Err(format!("asyncio prelude failed to load: {shown}"));
        }
        reset_state(&globals, &Default::default(), None);
        let attrs: Attrs = globals
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let classes = attrs
            .values()
            .filter_map(|v| match v {
                Value::Class(c) if !c.builtin => Some(c.clone()),
                _ => None,
            })
            .collect();
        let code_of = |name: &str| match globals.borrow().get(name) {
            Some(Value::Func(f)) => Some(f.code.clone()),
            _ => None,
        };
        let (sleep_code, run_code) = (code_of("sleep"), code_of("run"));
        let class = |name: &str| match globals.borrow().get(name) {
            Some(Value::Class(c)) => Some(c.clone()),
            _ => None,
        };
        let future = class("Future");
        let future_await = match future.as_ref().and_then(|f| f.lookup("__await__")) {
            Some(Value::Func(f)) => Some(f),
            _ => None,
        };
        let state_at = state_positions(&globals.borrow());
        let module_state_at = state_positions(&attrs);
        Ok(PreludeImage {
            state_at,
            module_state_at,
            sleep_code,
            run_code,
            future,
            future_await,
            globals,
            module: Rc::new(ModuleObj {
                name: Rc::from("asyncio"),
                attrs: RefCell::new(attrs),
            }),
            classes,
        })
    }
}

impl Drop for PreludeImage {
    /// Functions hold their globals, which hold the functions: break the cycle.
    fn drop(&mut self) {
        let g = std::mem::take(&mut *self.globals.borrow_mut());
        let m = std::mem::take(&mut *self.module.attrs.borrow_mut());
        let c: Vec<Attrs> = self
            .classes
            .iter()
            .map(|c| std::mem::take(&mut *c.attrs.borrow_mut()))
            .collect();
        drop((g, m, c));
    }
}

thread_local! {
    static PRELUDE: RefCell<Option<Rc<PreludeImage>>> = const { RefCell::new(None) };
}

/// Forget this thread's image if `image` is it (the run that dirtied it is over).
pub fn discard_prelude(image: &Rc<PreludeImage>) {
    PRELUDE.with(|p| {
        let mut p = p.borrow_mut();
        if p.as_ref().is_some_and(|cur| Rc::ptr_eq(cur, image)) {
            *p = None;
        }
    });
}

/// Give the prelude's per-run state (`PRELUDE_STATE`) its starting values —
/// no tasks, no current task, the name counter at 0, the loop not running,
/// and a new loop object — in `globals` (the names at `at` when known) and
/// in `mirror`. Returns the loop object.
fn reset_state(
    globals: &RefCell<Attrs>,
    at: &[Place; 5],
    mirror: Option<(&RefCell<Attrs>, &[Place; 5])>,
) -> Option<Rc<Instance>> {
    let mut g = globals.borrow_mut();
    let lp = match g.get("_Loop") {
        Some(Value::Class(c)) => Some(Rc::new(Instance {
            class: c.clone(),
            attrs: Default::default(),
            exc: Default::default(),
        })),
        _ => None,
    };
    let values = [
        Value::list(Vec::new()),
        Value::None,
        Value::Int(0),
        Value::Bool(false),
        lp.clone().map(Value::Instance).unwrap_or_default(),
    ];
    if let Some((m, m_at)) = mirror {
        let mut m = m.borrow_mut();
        for ((name, v), at) in PRELUDE_STATE.iter().zip(&values).zip(m_at) {
            at.rebind(&mut m, name, v.clone());
        }
    }
    for ((name, v), at) in PRELUDE_STATE.iter().zip(values).zip(at) {
        at.rebind(&mut g, name, v);
    }
    lp
}

/// Where a name was in a map when the image was built: its position and the
/// key itself, so finding it again is an index and a pointer compare (no
/// hashing, no string compare); a name that was not there is found by name.
#[derive(Debug, Default)]
struct Place(Option<(usize, Rc<str>)>);

impl Place {
    fn get<'a>(&self, map: &'a Attrs, name: &str) -> Option<&'a Value> {
        match &self.0 {
            Some((at, key)) => get_at(map, *at, |k| Rc::ptr_eq(k, key), name),
            None => map.get(name),
        }
    }

    fn rebind(&self, map: &mut Attrs, name: &str, v: Value) {
        match &self.0 {
            Some((at, key)) => rebind_at(map, *at, |k| Rc::ptr_eq(k, key), name, v),
            None => rebind(map, name, v),
        }
    }
}

/// Where each of `PRELUDE_STATE` sits in `map`.
fn state_positions(map: &Attrs) -> [Place; 5] {
    PRELUDE_STATE.map(|name| Place(map.get_full(name).map(|(i, k, _)| (i, k.clone()))))
}

fn load_asyncio(vm: &mut Vm) -> PyResult<Value> {
    let cached = PRELUDE.with(|p| p.borrow().clone());
    let image = match cached {
        Some(image) => image,
        None => match PreludeImage::build() {
            Ok(image) => {
                let image = Rc::new(image);
                PRELUDE.with(|p| *p.borrow_mut() = Some(image.clone()));
                image
            }
            Err(msg) => return vm.err("ImportError", msg),
        },
    };
    let mirror = (&image.module.attrs, &image.module_state_at);
    if let Some(lp) = reset_state(&image.globals, &image.state_at, Some(mirror)) {
        vm.made_instances.push(Rc::downgrade(&lp));
    }
    let module = Value::Module(image.module.clone());
    vm.prelude = Some(image);
    Ok(module)
}

/// What `asyncio.sleep(delay)` asks the loop for: None for `delay <= 0` (one
/// bare yield, CPython's `__sleep0`), else its nanoseconds, at least 1 (0 would
/// be no sleep at all). Errors are the ones the comparison and conversion raise.
pub fn sleep_request(vm: &mut Vm, delay: &Value) -> PyResult<Value> {
    if vm.less(super::ir::CmpOp::Le, delay, &Value::Int(0))? {
        return Ok(Value::None);
    }
    let ns = secs_to_ns(vm, delay)?;
    Ok(Value::Int(ns.clamp(1, i64::MAX as i128 / 4) as i64))
}

fn secs_to_ns(vm: &Vm, v: &Value) -> PyResult<i128> {
    match to_f64(v) {
        Some(f) if f.is_nan() => vm.err("ValueError", "Invalid value NaN (not a number)"),
        Some(f) => Ok(if f > 1e12 {
            i128::MAX / 4
        } else {
            (f * 1e9).round() as i128
        }),
        None => vm.err(
            "TypeError",
            format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            ),
        ),
    }
}

fn int_arg(vm: &Vm, v: Option<&Value>) -> PyResult<i64> {
    match v {
        Some(Value::Int(i)) => Ok(*i),
        Some(Value::Bool(b)) => Ok(*b as i64),
        Some(o) => vm.err(
            "TypeError",
            format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(o)
            ),
        ),
        None => vm.err("TypeError", "missing required argument"),
    }
}

/// Call a module-level native function.
pub fn call(
    vm: &mut Vm,
    name: &str,
    args: Vec<Value>,
    _kwargs: Vec<(Rc<str>, Value)>,
) -> PyResult<Value> {
    let a0 = args.first().cloned().unwrap_or_default();
    Ok(match name {
        "time.sleep" => {
            let ns = secs_to_ns(vm, &a0)?;
            if ns < 0 {
                return vm.err("ValueError", "sleep length must be non-negative");
            }
            vm.block(ns as u64);
            Value::None
        }
        "time.time" => Value::Float(1_700_000_000.0 + crate::sim::now_nanos() as f64 / 1e9),
        "time.monotonic" => Value::Float(crate::sim::now_nanos() as f64 / 1e9),
        "random.random" => Value::Float(rng::random()),
        "random.uniform" => {
            let a = to_f64(&a0).unwrap_or(0.0);
            let b = to_f64(args.get(1).unwrap_or(&Value::None)).unwrap_or(0.0);
            Value::Float(a + (b - a) * rng::random())
        }
        "random.randint" | "random.randrange" => {
            let a = int_arg(vm, args.first())?;
            let (lo, hi) = if name == "random.randint" {
                (a, int_arg(vm, args.get(1))?)
            } else if args.len() == 1 {
                (0, a - 1)
            } else {
                (a, int_arg(vm, args.get(1))? - 1)
            };
            if hi < lo {
                return vm.err(
                    "ValueError",
                    format!("empty range for randrange() ({lo}, {})", hi + 1),
                );
            }
            let span = (hi as i128 - lo as i128 + 1) as u64;
            Value::Int(lo + rng::below(span) as i64)
        }
        "random.choice" => {
            let items = vm.collect(&a0)?;
            if items.is_empty() {
                return vm.err("IndexError", "Cannot choose from an empty sequence");
            }
            let i = rng::below(items.len() as u64) as usize;
            items[i].clone()
        }
        "random.shuffle" => {
            if let Value::List(l) = &a0 {
                let mut l = l.borrow_mut();
                for i in (1..l.len()).rev() {
                    let j = rng::below(i as u64 + 1) as usize;
                    l.swap(i, j);
                }
            }
            Value::None
        }
        "random.seed" => {
            return vm.err(
                "NotImplementedError",
                "random.seed: a scenario's randomness comes from the run's seed (--seed)",
            )
        }
        "sim._yield" => Value::YieldReq(Rc::new(a0)),
        "sim._now_ns" => Value::Int(crate::sim::now_nanos() as i64),
        "sim._step_begin" => {
            vm.step_begin();
            Value::None
        }
        "sim._secs_to_ns" => {
            let ns = secs_to_ns(vm, &a0)?;
            Value::Int(ns.clamp(i64::MIN as i128 / 4, i64::MAX as i128 / 4) as i64)
        }
        "sim._sleep_ns" => sleep_request(vm, &a0)?,
        "sim._block" => {
            let ns = secs_to_ns(vm, &a0)?;
            vm.block(ns.max(0) as u64);
            Value::None
        }
        n if n.starts_with("sim.") => return super::aio::native(vm, &n[4..], args),
        "sim._heappush" => {
            if let Value::List(l) = &a0 {
                let item = args.get(1).cloned().unwrap_or_default();
                let l = l.clone();
                l.borrow_mut().push(item);
                let mut pos = l.borrow().len() - 1;
                while pos > 0 {
                    let parent = (pos - 1) / 2;
                    let (a, b) = {
                        let lb = l.borrow();
                        (lb[pos].clone(), lb[parent].clone())
                    };
                    if vm.less(super::ir::CmpOp::Lt, &a, &b)? {
                        l.borrow_mut().swap(pos, parent);
                        pos = parent;
                    } else {
                        break;
                    }
                }
            }
            Value::None
        }
        "sim._heappop" => {
            let Value::List(l) = &a0 else {
                return vm.err("TypeError", "heap must be a list");
            };
            let l = l.clone();
            let n = l.borrow().len();
            if n == 0 {
                return vm.err("IndexError", "index out of range");
            }
            l.borrow_mut().swap(0, n - 1);
            let top = l.borrow_mut().pop().unwrap_or_default();
            let n = n - 1;
            let mut pos = 0;
            loop {
                let (lc, rc) = (2 * pos + 1, 2 * pos + 2);
                let mut m = pos;
                for c in [lc, rc] {
                    if c < n {
                        let (a, b) = {
                            let lb = l.borrow();
                            (lb[c].clone(), lb[m].clone())
                        };
                        if vm.less(super::ir::CmpOp::Lt, &a, &b)? {
                            m = c;
                        }
                    }
                }
                if m == pos {
                    break;
                }
                l.borrow_mut().swap(pos, m);
                pos = m;
            }
            top
        }
        _ => return vm.err("AttributeError", format!("no native function '{name}'")),
    })
}
