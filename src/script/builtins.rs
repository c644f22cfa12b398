//! Builtin functions, the builtin exception hierarchy, and methods of builtin types (str, list, dict, set, tuple).

use std::cell::RefCell;
use std::rc::Rc;

use super::format::format_spec;
use super::ir::CmpOp;
use super::num::{self, to_big, to_f64};
use super::pyset::SetObj;
use super::value::*;
use super::vm::{new_instance_with_args, PyResult, Vm};

const FUNCS: &[&str] = &[
    "print",
    "len",
    "range",
    "str",
    "int",
    "float",
    "bool",
    "repr",
    "list",
    "dict",
    "tuple",
    "set",
    "sum",
    "min",
    "max",
    "sorted",
    "reversed",
    "enumerate",
    "zip",
    "abs",
    "round",
    "any",
    "all",
    "isinstance",
    "issubclass",
    "type",
    "hasattr",
    "getattr",
    "setattr",
    "iter",
    "next",
    "map",
    "filter",
    "divmod",
    "pow",
    "chr",
    "ord",
    "hex",
    "bin",
    "callable",
    "super",
    "object",
    "format",
    "hash",
    "frozenset",
];

const EXCEPTIONS: &[(&str, &str)] = &[
    ("BaseException", ""),
    ("Exception", "BaseException"),
    ("SystemExit", "BaseException"),
    ("KeyboardInterrupt", "BaseException"),
    ("GeneratorExit", "BaseException"),
    ("CancelledError", "BaseException"),
    ("BaseExceptionGroup", "BaseException"),
    ("ExceptionGroup", "BaseExceptionGroup"),
    ("ArithmeticError", "Exception"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("LookupError", "Exception"),
    ("IndexError", "LookupError"),
    ("KeyError", "LookupError"),
    ("ValueError", "Exception"),
    ("TypeError", "Exception"),
    ("NameError", "Exception"),
    ("UnboundLocalError", "NameError"),
    ("AttributeError", "Exception"),
    ("RuntimeError", "Exception"),
    ("RecursionError", "RuntimeError"),
    ("NotImplementedError", "RuntimeError"),
    ("AssertionError", "Exception"),
    ("StopIteration", "Exception"),
    ("MemoryError", "Exception"),
    ("OSError", "Exception"),
    ("ConnectionError", "OSError"),
    ("ConnectionResetError", "ConnectionError"),
    ("ConnectionRefusedError", "ConnectionError"),
    ("ConnectionAbortedError", "ConnectionError"),
    ("TimeoutError", "OSError"),
    ("InvalidStateError", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
];

/// The builtin namespace and the builtin exception classes, as `(builtins, classes)`.
///
/// Built once per thread and shared by every interpreter on it: neither map
/// is written after this, and builtin classes refuse attribute assignment (as
/// CPython's immutable types do), so no run can see another's changes. Sharing
/// also keeps exception identity stable across the asyncio prelude image
/// (`modules.rs`), which is built by one interpreter and used by the next.
pub fn shared() -> (Rc<Attrs>, Rc<Attrs>) {
    thread_local! {
        static SHARED: (Rc<Attrs>, Rc<Attrs>) = build();
    }
    SHARED.with(|(b, c)| (b.clone(), c.clone()))
}

fn build() -> (Rc<Attrs>, Rc<Attrs>) {
    let mut builtins = Attrs::default();
    let mut classes = Attrs::default();
    for f in FUNCS {
        builtins.insert(Rc::from(*f), Value::Builtin(Builtin(f)));
    }
    for (name, base) in EXCEPTIONS {
        let base = match classes.get(*base) {
            Some(Value::Class(c)) => Some(c.clone()),
            _ => None,
        };
        let mut attrs = Attrs::default();
        if name == &"BaseException" {
            attrs.insert(
                Rc::from("__init__"),
                Value::Builtin(Builtin("BaseException.__init__")),
            );
        }
        let c = Value::Class(Rc::new(Class {
            name: Rc::from(*name),
            base,
            attrs: RefCell::new(attrs),
            builtin: true,
            attrs_hint: std::cell::Cell::new(0),
        }));
        classes.insert(Rc::from(*name), c.clone());
        if !matches!(*name, "CancelledError" | "InvalidStateError") {
            builtins.insert(Rc::from(*name), c);
        }
    }
    (Rc::new(builtins), Rc::new(classes))
}

pub(super) fn kw(kwargs: &[(Rc<str>, Value)], name: &str) -> Option<Value> {
    kwargs
        .iter()
        .find(|(k, _)| &**k == name)
        .map(|(_, v)| v.clone())
}

pub(super) fn check_kwargs(
    vm: &Vm,
    fname: &str,
    kwargs: &[(Rc<str>, Value)],
    allowed: &[&str],
) -> PyResult<()> {
    for (k, _) in kwargs {
        if !allowed.contains(&&**k) {
            return vm.err(
                "TypeError",
                format!("{fname}() got an unexpected keyword argument '{k}'"),
            );
        }
    }
    Ok(())
}

pub(super) fn arity(vm: &Vm, name: &str, args: &[Value], min: usize, max: usize) -> PyResult<()> {
    if args.len() < min || args.len() > max {
        if min == max {
            return vm.err(
                "TypeError",
                format!(
                    "{name}() takes exactly {min} argument{} ({} given)",
                    if min == 1 { "" } else { "s" },
                    args.len()
                ),
            );
        }
        if args.len() < min {
            return vm.err(
                "TypeError",
                format!(
                    "{name} expected at least {min} argument{}, got {}",
                    if min == 1 { "" } else { "s" },
                    args.len()
                ),
            );
        }
        return vm.err(
            "TypeError",
            format!(
                "{name} expected at most {max} arguments, got {}",
                args.len()
            ),
        );
    }
    Ok(())
}

/// A new set of `items`, added in order.
pub(super) fn set_from(items: Vec<Value>, vm: &Vm) -> PyResult<Value> {
    for x in &items {
        vm.check_hashable(x)?;
    }
    let s: SetObj = items.into_iter().collect();
    Ok(Value::Set(Rc::new(RefCell::new(s))))
}

/// `set_update_internal`: add the members of `src` to `s` the way CPython does for its kind —
/// a set merges its table, a dict reserves room first, anything else adds in iteration order.
pub(super) fn set_update(vm: &mut Vm, s: &Rc<RefCell<SetObj>>, src: &Value) -> PyResult<()> {
    match src {
        Value::Set(o) if Rc::ptr_eq(o, s) => Ok(()),
        Value::Set(o) => {
            s.borrow_mut().merge(&o.borrow());
            Ok(())
        }
        Value::Dict(d) => {
            let keys: Vec<Value> = d.borrow().keys().map(|k| k.0.clone()).collect();
            let mut s = s.borrow_mut();
            s.reserve(keys.len());
            for k in keys {
                s.add(k);
            }
            Ok(())
        }
        other => {
            for x in vm.collect(other)? {
                vm.check_hashable(&x)?;
                s.borrow_mut().add(x);
            }
            Ok(())
        }
    }
}

/// Index into a sequence for iteration.
pub fn seq_item(s: &Value, i: usize) -> Option<Value> {
    match s {
        Value::List(l) => l.borrow().get(i).cloned(),
        Value::Tuple(t) => t.get(i).cloned(),
        Value::Str(st) => {
            if st.is_ascii() {
                st.as_bytes()
                    .get(i)
                    .map(|b| Value::str(std::str::from_utf8(&[*b]).unwrap_or("")))
            } else {
                st.chars()
                    .nth(i)
                    .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
            }
        }
        _ => None,
    }
}

pub(super) fn int_of(vm: &Vm, v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::Big(_) => vm.err(
            "OverflowError",
            "Python int too large to convert to C ssize_t",
        ),
        _ => vm.err(
            "TypeError",
            format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            ),
        ),
    }
}

/// Stable merge sort with fallible comparisons through the VM.
pub(super) fn sort_values(
    vm: &mut Vm,
    items: Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> PyResult<Vec<Value>> {
    let keys = match key {
        Some(k) if !matches!(k, Value::None) => {
            let mut ks = Vec::with_capacity(items.len());
            for it in &items {
                ks.push(vm.call_sync(k, vec![it.clone()], vec![])?);
            }
            ks
        }
        _ => items.clone(),
    };
    let mut idx: Vec<usize> = (0..items.len()).collect();
    let mut buf = idx.clone();
    let mut width = 1;
    let n = idx.len();
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let hi = (i + 2 * width).min(n);
            let (mut a, mut b, mut o) = (i, mid, i);
            while a < mid && b < hi {
                // Stability under reverse: CPython reverses, sorts, reverses; equivalently take b only if strictly "before".
                let take_b = if reverse {
                    vm.less(CmpOp::Lt, &keys[idx[a]], &keys[idx[b]])?
                } else {
                    vm.less(CmpOp::Lt, &keys[idx[b]], &keys[idx[a]])?
                };
                if take_b {
                    buf[o] = idx[b];
                    b += 1;
                } else {
                    buf[o] = idx[a];
                    a += 1;
                }
                o += 1;
            }
            while a < mid {
                buf[o] = idx[a];
                a += 1;
                o += 1;
            }
            while b < hi {
                buf[o] = idx[b];
                b += 1;
                o += 1;
            }
            i += 2 * width;
        }
        std::mem::swap(&mut idx, &mut buf);
        width *= 2;
    }
    Ok(idx.into_iter().map(|i| items[i].clone()).collect())
}

fn minmax(
    vm: &mut Vm,
    name: &str,
    args: Vec<Value>,
    kwargs: &[(Rc<str>, Value)],
) -> PyResult<Value> {
    check_kwargs(vm, name, kwargs, &["key", "default"])?;
    let items = if args.len() == 1 {
        vm.collect(&args[0])?
    } else {
        args
    };
    if items.is_empty() {
        return match kw(kwargs, "default") {
            Some(d) => Ok(d),
            None => vm.err("ValueError", format!("{name}() arg is an empty sequence")),
        };
    }
    let key = kw(kwargs, "key").filter(|k| !matches!(k, Value::None));
    let mut best = items[0].clone();
    let mut best_k = match &key {
        Some(k) => vm.call_sync(k, vec![best.clone()], vec![])?,
        None => best.clone(),
    };
    for it in items.into_iter().skip(1) {
        let k = match &key {
            Some(f) => vm.call_sync(f, vec![it.clone()], vec![])?,
            None => it.clone(),
        };
        let better = if name == "min" {
            vm.less(CmpOp::Lt, &k, &best_k)?
        } else {
            vm.less(CmpOp::Gt, &k, &best_k)?
        };
        if better {
            best = it;
            best_k = k;
        }
    }
    Ok(best)
}

fn parse_int(vm: &Vm, s: &str, base: u32) -> PyResult<Value> {
    let t = s.trim();
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    let (neg, digits) = match clean.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean).to_string()),
    };
    let digits = if base == 16 {
        digits.trim_start_matches("0x").to_string()
    } else {
        digits
    };
    match num_bigint::BigInt::parse_bytes(digits.as_bytes(), base) {
        Some(b) if !digits.is_empty() && !t.starts_with('_') => {
            Ok(num::norm(if neg { -b } else { b }))
        }
        _ => vm.err(
            "ValueError",
            format!(
                "invalid literal for int() with base {base}: {}",
                super::format::str_repr(s)
            ),
        ),
    }
}

fn type_matches(vm: &Vm, v: &Value, t: &Value) -> PyResult<bool> {
    Ok(match t {
        Value::Tuple(ts) => {
            for t in ts.iter() {
                if type_matches(vm, v, t)? {
                    return Ok(true);
                }
            }
            false
        }
        Value::Class(c) => match v {
            Value::Instance(i) => i.class.is_subclass(c),
            _ => false,
        },
        Value::Builtin(Builtin(n)) => match *n {
            "int" => matches!(v, Value::Int(_) | Value::Big(_) | Value::Bool(_)),
            "float" => matches!(v, Value::Float(_)),
            "str" => matches!(v, Value::Str(_)),
            "bool" => matches!(v, Value::Bool(_)),
            "list" => matches!(v, Value::List(_)),
            "dict" => matches!(v, Value::Dict(_)),
            "tuple" => matches!(v, Value::Tuple(_)),
            "set" => matches!(v, Value::Set(_)),
            "object" => true,
            "type" => matches!(v, Value::Class(_)),
            _ => false,
        },
        _ => {
            return vm.err(
                "TypeError",
                "isinstance() arg 2 must be a type, a tuple of types, or a union",
            )
        }
    })
}

/// Call a builtin function by name.
pub fn call_builtin(
    vm: &mut Vm,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
) -> PyResult<Value> {
    if let Some(rest) = name.strip_prefix("mod:fut.") {
        return super::future::call(vm, rest, args, kwargs);
    }
    if let Some(rest) = name.strip_prefix("mod:") {
        return super::modules::call(vm, rest, args, kwargs);
    }
    if !matches!(
        name,
        "print"
            | "sorted"
            | "min"
            | "max"
            | "enumerate"
            | "int"
            | "round"
            | "sum"
            | "dict"
            | "BaseException.__init__"
    ) && !kwargs.is_empty()
    {
        return vm.err("TypeError", format!("{name}() takes no keyword arguments"));
    }
    let a0 = args.first().cloned().unwrap_or_default();
    Ok(match name {
        "print" => {
            check_kwargs(vm, "print", &kwargs, &["sep", "end", "flush"])?;
            let sep = match kw(&kwargs, "sep") {
                Some(Value::Str(s)) => s.to_string(),
                _ => " ".into(),
            };
            let end = match kw(&kwargs, "end") {
                Some(Value::Str(s)) => s.to_string(),
                _ => "\n".into(),
            };
            let mut line = String::new();
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    line.push_str(&sep);
                }
                line.push_str(&vm.py_str(a)?);
            }
            line.push_str(&end);
            vm.check_output(line.len())?;
            vm.out.push_str(&line);
            Value::None
        }
        "BaseException.__init__" => {
            if let Value::Instance(i) = &a0 {
                i.attrs
                    .borrow_mut()
                    .insert(Rc::from("args"), Value::tuple(args[1..].to_vec()));
            }
            Value::None
        }
        "len" => {
            arity(vm, "len", &args, 1, 1)?;
            Value::Int(match &a0 {
                Value::Str(s) => s.chars().count() as i64,
                Value::List(l) => l.borrow().len() as i64,
                Value::Tuple(t) => t.len() as i64,
                Value::Dict(d) => d.borrow().len() as i64,
                Value::Set(d) => d.borrow().len() as i64,
                Value::Range(r) => {
                    let n = num::range_len_wide(r.0, r.1, r.2);
                    if n > i64::MAX as i128 {
                        return vm.err(
                            "OverflowError",
                            "Python int too large to convert to C ssize_t",
                        );
                    }
                    n as i64
                }
                Value::View(v) => v.1.borrow().len() as i64,
                Value::Instance(i) if i.class.lookup("__len__").is_some() => {
                    let f = vm.get_attr(&a0, "__len__")?;
                    return vm.call_sync(&f, vec![], vec![]);
                }
                _ => {
                    return vm.err(
                        "TypeError",
                        format!("object of type '{}' has no len()", vm.type_name(&a0)),
                    )
                }
            })
        }
        "range" => {
            arity(vm, "range", &args, 1, 3)?;
            let ints: Vec<i64> = args
                .iter()
                .map(|a| int_of(vm, a))
                .collect::<PyResult<_>>()?;
            let (s, e, st) = match ints.len() {
                1 => (0, ints[0], 1),
                2 => (ints[0], ints[1], 1),
                _ => (ints[0], ints[1], ints[2]),
            };
            if st == 0 {
                return vm.err("ValueError", "range() arg 3 must not be zero");
            }
            Value::Range(Rc::new((s, e, st)))
        }
        "str" => match args.len() {
            0 => Value::str(""),
            _ => Value::str(&vm.py_str(&a0)?),
        },
        "repr" => Value::str(&vm.repr(&a0)?),
        "int" => {
            let base = match kw(&kwargs, "base").or_else(|| args.get(1).cloned()) {
                Some(b) => int_of(vm, &b)? as u32,
                None => 10,
            };
            match &a0 {
                Value::Int(_) | Value::Big(_) => a0,
                Value::Bool(b) => Value::Int(*b as i64),
                Value::Float(f) => {
                    if f.is_nan() {
                        return vm.err("ValueError", "cannot convert float NaN to integer");
                    }
                    if f.is_infinite() {
                        return vm.err("OverflowError", "cannot convert float infinity to integer");
                    }
                    let t = f.trunc();
                    if t.abs() < 9.0e18 {
                        Value::Int(t as i64)
                    } else {
                        let b = <num_bigint::BigInt as num_traits::FromPrimitive>::from_f64(t).unwrap_or_default();
                        num::norm(b)
                    }
                }
                Value::Str(s) => parse_int(vm, s, base)?,
                Value::None if args.is_empty() => Value::Int(0),
                _ => {
                    return vm.err(
                        "TypeError",
                        format!("int() argument must be a string, a bytes-like object or a real number, not '{}'", vm.type_name(&a0)),
                    )
                }
            }
        }
        "float" => match &a0 {
            Value::Str(s) => {
                let t = s.trim().to_ascii_lowercase();
                let f = match t.as_str() {
                    "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
                    "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
                    "nan" | "+nan" | "-nan" => Some(f64::NAN),
                    _ if t.chars().all(|c| {
                        c.is_ascii_digit() || matches!(c, '.' | 'e' | '-' | '+' | '_')
                    }) =>
                    {
                        t.replace('_', "").parse().ok()
                    }
                    _ => None,
                };
                match f {
                    Some(f) => Value::Float(f),
                    None => {
                        return vm.err(
                            "ValueError",
                            format!(
                                "could not convert string to float: {}",
                                super::format::str_repr(s)
                            ),
                        )
                    }
                }
            }
            Value::None if args.is_empty() => Value::Float(0.0),
            _ => match to_f64(&a0) {
                Some(f) => Value::Float(f),
                None => {
                    return vm.err(
                        "TypeError",
                        format!(
                            "float() argument must be a string or a real number, not '{}'",
                            vm.type_name(&a0)
                        ),
                    )
                }
            },
        },
        "bool" => Value::Bool(if args.is_empty() {
            false
        } else {
            vm.truthy(&a0)?
        }),
        "list" => Value::list(if args.is_empty() {
            vec![]
        } else {
            vm.collect(&a0)?
        }),
        "tuple" => Value::tuple(if args.is_empty() {
            vec![]
        } else {
            vm.collect(&a0)?
        }),
        "set" | "frozenset" => {
            let s = Rc::new(RefCell::new(SetObj::default()));
            if !args.is_empty() {
                set_update(vm, &s, &a0)?;
            }
            Value::Set(s)
        }
        "dict" => {
            let mut d = Dict::default();
            if let Value::Dict(src) = &a0 {
                d = src.borrow().clone();
            } else if !args.is_empty() {
                for item in vm.collect(&a0)? {
                    let kv = vm.collect(&item)?;
                    if kv.len() != 2 {
                        return vm.err("ValueError", format!("dictionary update sequence element #0 has length {}; 2 is required", kv.len()));
                    }
                    d.insert(Key(kv[0].clone()), kv[1].clone());
                }
            }
            for (k, v) in kwargs {
                d.insert(Key(Value::Str(k)), v);
            }
            Value::Dict(Rc::new(RefCell::new(d)))
        }
        "sum" => {
            let mut acc = kw(&kwargs, "start")
                .or_else(|| args.get(1).cloned())
                .unwrap_or(Value::Int(0));
            for x in vm.collect(&a0)? {
                acc = vm.binop(super::ir::BinOp::Add, acc, x, false)?;
            }
            acc
        }
        "min" | "max" => minmax(vm, name, args, &kwargs)?,
        "sorted" => {
            check_kwargs(vm, "sorted", &kwargs, &["key", "reverse"])?;
            let items = vm.collect(&a0)?;
            let rev = match kw(&kwargs, "reverse") {
                Some(r) => vm.truthy(&r)?,
                None => false,
            };
            Value::list(sort_values(vm, items, kw(&kwargs, "key").as_ref(), rev)?)
        }
        "reversed" => {
            let mut items = match &a0 {
                Value::Range(_) | Value::List(_) | Value::Tuple(_) | Value::Str(_) => {
                    vm.collect(&a0)?
                }
                Value::Dict(_) => vm.collect(&a0)?,
                _ => {
                    return vm.err(
                        "TypeError",
                        format!("'{}' object is not reversible", vm.type_name(&a0)),
                    )
                }
            };
            items.reverse();
            Value::Iter(Rc::new(RefCell::new(IterState::Vals(items.into_iter()))))
        }
        "enumerate" => {
            let start = match kw(&kwargs, "start").or_else(|| args.get(1).cloned()) {
                Some(s) => int_of(vm, &s)?,
                None => 0,
            };
            let items = vm.collect(&a0)?;
            let v: Vec<Value> = items
                .into_iter()
                .enumerate()
                .map(|(i, x)| Value::tuple(vec![Value::Int(start + i as i64), x]))
                .collect();
            Value::Iter(Rc::new(RefCell::new(IterState::Vals(v.into_iter()))))
        }
        "zip" => {
            let mut cols = vec![];
            for a in &args {
                cols.push(vm.collect(a)?);
            }
            let n = cols.iter().map(|c| c.len()).min().unwrap_or(0);
            let v: Vec<Value> = (0..n)
                .map(|i| Value::tuple(cols.iter().map(|c| c[i].clone()).collect()))
                .collect();
            Value::Iter(Rc::new(RefCell::new(IterState::Vals(v.into_iter()))))
        }
        "map" => {
            let f = a0.clone();
            let mut cols = vec![];
            for a in &args[1..] {
                cols.push(vm.collect(a)?);
            }
            let n = cols.iter().map(|c| c.len()).min().unwrap_or(0);
            let mut out = vec![];
            for i in 0..n {
                out.push(vm.call_sync(&f, cols.iter().map(|c| c[i].clone()).collect(), vec![])?);
            }
            Value::Iter(Rc::new(RefCell::new(IterState::Vals(out.into_iter()))))
        }
        "filter" => {
            let mut out = vec![];
            for x in vm.collect(args.get(1).unwrap_or(&Value::None))? {
                let keep = if matches!(a0, Value::None) {
                    vm.truthy(&x)?
                } else {
                    let r = vm.call_sync(&a0, vec![x.clone()], vec![])?;
                    vm.truthy(&r)?
                };
                if keep {
                    out.push(x);
                }
            }
            Value::Iter(Rc::new(RefCell::new(IterState::Vals(out.into_iter()))))
        }
        "abs" => match &a0 {
            Value::Int(i) => match i.checked_abs() {
                Some(a) => Value::Int(a),
                None => num::norm(num_bigint::BigInt::from(*i).magnitude().clone().into()),
            },
            Value::Bool(b) => Value::Int(*b as i64),
            Value::Big(b) => num::norm(num_bigint::BigInt::from(b.magnitude().clone())),
            Value::Float(f) => Value::Float(f.abs()),
            _ => {
                return vm.err(
                    "TypeError",
                    format!("bad operand type for abs(): '{}'", vm.type_name(&a0)),
                )
            }
        },
        "round" => {
            let nd = kw(&kwargs, "ndigits")
                .or_else(|| args.get(1).cloned())
                .filter(|v| !matches!(v, Value::None));
            match (&a0, nd) {
                (Value::Float(f), None) => {
                    if !f.is_finite() {
                        return vm.err(
                            if f.is_nan() {
                                "ValueError"
                            } else {
                                "OverflowError"
                            },
                            "cannot convert float to integer",
                        );
                    }
                    let r = f.round();
                    let r = if (f - f.trunc()).abs() == 0.5 {
                        2.0 * (f / 2.0).round()
                    } else {
                        r
                    };
                    if r.abs() < 9.0e18 {
                        Value::Int(r as i64)
                    } else {
                        num::norm(
                            <num_bigint::BigInt as num_traits::FromPrimitive>::from_f64(r)
                                .unwrap_or_default(),
                        )
                    }
                }
                (Value::Float(f), Some(n)) => {
                    let n = int_of(vm, &n)?;
                    if n >= 0 {
                        let s = format!("{:.*}", n.min(300) as usize, f);
                        Value::Float(s.parse().unwrap_or(*f))
                    } else {
                        let p = 10f64.powi((-n).min(400) as i32);
                        if p.is_infinite() {
                            Value::Float(0.0f64.copysign(*f))
                        } else {
                            let q = f / p;
                            let r = q.round();
                            let r = if (q - q.trunc()).abs() == 0.5 {
                                2.0 * (q / 2.0).round()
                            } else {
                                r
                            };
                            Value::Float(r * p)
                        }
                    }
                }
                (Value::Int(_) | Value::Bool(_) | Value::Big(_), None) => {
                    Value::Int(int_of(vm, &a0).unwrap_or(0))
                }
                (Value::Int(i), Some(n)) => {
                    let n = int_of(vm, &n)?;
                    if n >= 0 {
                        Value::Int(*i)
                    } else {
                        // Exact round-half-even on integers, as CPython does.
                        let p =
                            num_traits::pow(num_bigint::BigInt::from(10), (-n).min(4000) as usize);
                        let x = num_bigint::BigInt::from(*i);
                        let (q, r) = num_integer::Integer::div_mod_floor(&x, &p);
                        let twice: num_bigint::BigInt = &r * 2;
                        let up = twice > p || (twice == p && num_integer::Integer::is_odd(&q));
                        let q = if up { q + 1 } else { q };
                        num::norm(q * p)
                    }
                }
                _ => {
                    return vm.err(
                        "TypeError",
                        format!("type {} doesn't define __round__ method", vm.type_name(&a0)),
                    )
                }
            }
        }
        "any" | "all" => {
            let want = name == "any";
            let items = vm.collect(&a0)?;
            for x in items {
                if vm.truthy(&x)? == want {
                    return Ok(Value::Bool(want));
                }
            }
            Value::Bool(!want)
        }
        "isinstance" => {
            arity(vm, "isinstance", &args, 2, 2)?;
            Value::Bool(type_matches(vm, &a0, &args[1])?)
        }
        "issubclass" => {
            arity(vm, "issubclass", &args, 2, 2)?;
            Value::Bool(match (&a0, &args[1]) {
                (Value::Class(a), Value::Class(b)) => a.is_subclass(b),
                (Value::Class(a), Value::Tuple(ts)) => ts
                    .iter()
                    .any(|t| matches!(t, Value::Class(b) if a.is_subclass(b))),
                (x, y) => x.py_eq_simple(y),
            })
        }
        "type" => match &a0 {
            Value::Instance(i) => Value::Class(i.class.clone()),
            // Types a program cannot name (iterators, views, slices, ...).
            Value::Slice(_)
            | Value::Iter(_)
            | Value::YieldReq(_)
            | Value::Cell(_)
            | Value::View(_)
            | Value::Undef
            | Value::Native(_) => Value::Builtin(Builtin("object")),
            other => Value::Builtin(Builtin(other.builtin_type_name())),
        },
        "hasattr" => {
            let n = vm.py_str(args.get(1).unwrap_or(&Value::None))?;
            match vm.get_attr(&a0, &n) {
                Ok(_) => Value::Bool(true),
                Err(e) if vm.is_exc(&e, "AttributeError") => Value::Bool(false),
                Err(e) => return Err(e),
            }
        }
        "getattr" => {
            let n = vm.py_str(args.get(1).unwrap_or(&Value::None))?;
            match vm.get_attr(&a0, &n) {
                Ok(v) => v,
                Err(e) if vm.is_exc(&e, "AttributeError") && args.len() > 2 => args[2].clone(),
                Err(e) => return Err(e),
            }
        }
        "setattr" => {
            let n = vm.py_str(args.get(1).unwrap_or(&Value::None))?;
            if let Value::Instance(i) = &a0 {
                i.attrs.borrow_mut().insert(
                    Rc::from(n.as_str()),
                    args.get(2).cloned().unwrap_or_default(),
                );
            }
            Value::None
        }
        "iter" => vm.iter(a0)?,
        "next" => match vm.next(&a0)? {
            Some(v) => v,
            None => match args.get(1) {
                Some(d) => d.clone(),
                None => return Err(new_instance_with_args(vm.class("StopIteration"), vec![])),
            },
        },
        "divmod" => {
            let b = args.get(1).cloned().unwrap_or_default();
            let q = vm.binop(super::ir::BinOp::FloorDiv, a0.clone(), b.clone(), false)?;
            let r = vm.binop(super::ir::BinOp::Mod, a0, b, false)?;
            Value::tuple(vec![q, r])
        }
        "pow" => {
            let b = args.get(1).cloned().unwrap_or_default();
            vm.binop(super::ir::BinOp::Pow, a0, b, false)?
        }
        "chr" => match char::from_u32(int_of(vm, &a0)? as u32) {
            Some(c) => Value::str(c.encode_utf8(&mut [0; 4])),
            None => return vm.err("ValueError", "chr() arg not in range(0x110000)"),
        },
        "ord" => match &a0 {
            Value::Str(s) if s.chars().count() == 1 => {
                Value::Int(s.chars().next().map_or(0, |c| c as i64))
            }
            _ => return vm.err("TypeError", "ord() expected a character"),
        },
        "hex" | "bin" => {
            let b = to_big(&a0).unwrap_or_default();
            let (p, r) = if name == "hex" { ("0x", 16) } else { ("0b", 2) };
            let neg = b.sign() == num_bigint::Sign::Minus;
            Value::str(&format!(
                "{}{p}{}",
                if neg { "-" } else { "" },
                b.magnitude().to_str_radix(r)
            ))
        }
        "callable" => Value::Bool(matches!(
            a0,
            Value::Func(_)
                | Value::Builtin(_)
                | Value::BuiltinMethod(_)
                | Value::Method(_)
                | Value::Class(_)
        )),
        "format" => {
            let spec = match args.get(1) {
                Some(Value::Str(s)) => s.to_string(),
                _ => String::new(),
            };
            Value::str(&format_spec(vm, &a0, &spec)?)
        }
        "hash" => {
            match &a0 {
                Value::Int(i) => Value::Int(if *i == -1 { -2 } else { *i }),
                Value::Bool(b) => Value::Int(*b as i64),
                _ if a0.hashable() => return vm.err(
                    "TypeError",
                    "hash() of non-int values is process-dependent in CPython and not supported",
                ),
                _ => {
                    return vm.err(
                        "TypeError",
                        format!("unhashable type: '{}'", vm.type_name(&a0)),
                    )
                }
            }
        }
        "object" => {
            let cls = Rc::new(Class {
                name: Rc::from("object"),
                base: None,
                attrs: RefCell::new(Attrs::default()),
                builtin: true,
                attrs_hint: std::cell::Cell::new(0),
            });
            Value::Instance(Rc::new(Instance {
                class: cls,
                attrs: RefCell::new(Attrs::default()),
                exc: RefCell::new(ExcInfo::default()),
            }))
        }
        "super" => {
            let (Value::Class(cls), obj) = (&a0, args.get(1).cloned().unwrap_or_default()) else {
                return vm.err("RuntimeError", "super(): no arguments");
            };
            // A proxy namespace: attributes of the base chain, nearest last so it wins, bound to obj.
            let mut chain = vec![];
            let mut c = cls.base.clone();
            while let Some(k) = c {
                chain.push(k.clone());
                c = k.base.clone();
            }
            let mut attrs = Attrs::default();
            for k in chain.iter().rev() {
                for (n, v) in k.attrs.borrow().iter() {
                    let bound = match v {
                        Value::Func(_) | Value::Builtin(_) => {
                            Value::Method(Rc::new((obj.clone(), v.clone())))
                        }
                        other => other.clone(),
                    };
                    attrs.insert(n.clone(), bound);
                }
            }
            if !attrs.contains_key("__init__") {
                attrs.insert(
                    Rc::from("__init__"),
                    Value::Builtin(Builtin("object.__init__")),
                );
            }
            Value::Module(Rc::new(ModuleObj {
                name: Rc::from("super"),
                attrs: RefCell::new(attrs),
            }))
        }
        "object.__init__" => Value::None,
        "NoneType" => Value::None,
        _ => return vm.err("NameError", format!("name '{name}' is not defined")),
    })
}
