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

fn load_asyncio(vm: &mut Vm) -> PyResult<Value> {
    let code = match prelude_code() {
        Ok(c) => c,
        Err(d) => {
            return vm.err(
                "ImportError",
                format!("asyncio prelude failed to parse: {d}"),
            )
        }
    };
    let globals = Rc::new(RefCell::new(Attrs::default()));
    vm.module_globals.push(globals.clone());
    {
        let mut g = globals.borrow_mut();
        for n in super::aio::NATIVES {
            g.insert(Rc::from(&n[8..]), native(n));
        }
        for n in ["CancelledError", "InvalidStateError"] {
            g.insert(Rc::from(n), Value::Class(vm.class(n)));
        }
    }
    let saved_source = vm.source.clone();
    vm.source = Rc::from(ASYNCIO_PRELUDE);
    let r = vm.run_module(code, globals.clone());
    vm.source = saved_source;
    r?;
    let attrs: Attrs = globals
        .borrow()
        .iter()
        .filter(|(k, _)| !k.starts_with("_sim"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(module("asyncio", attrs))
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
