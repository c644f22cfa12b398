//! Builtin functions, the builtin exception hierarchy, and methods of builtin types (str, list, dict, set, tuple).

use std::cell::RefCell;
use std::rc::Rc;

use super::format::{format_spec, set_order};
use super::ir::CmpOp;
use super::num::{self, to_big, to_f64};
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

/// Create the builtin namespace and exception classes.
pub fn install(vm: &mut Vm) {
    for f in FUNCS {
        vm.builtins.insert(Rc::from(*f), Value::Builtin(Builtin(f)));
    }
    for (name, base) in EXCEPTIONS {
        let base = match vm.classes.get(*base) {
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
        }));
        vm.classes.insert(Rc::from(*name), c.clone());
        if !matches!(*name, "CancelledError" | "InvalidStateError") {
            vm.builtins.insert(Rc::from(*name), c);
        }
    }
}

fn kw(kwargs: &[(Rc<str>, Value)], name: &str) -> Option<Value> {
    kwargs
        .iter()
        .find(|(k, _)| &**k == name)
        .map(|(_, v)| v.clone())
}

fn check_kwargs(
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

fn arity(vm: &Vm, name: &str, args: &[Value], min: usize, max: usize) -> PyResult<()> {
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

fn set_from(items: Vec<Value>, vm: &Vm) -> PyResult<Value> {
    let mut d = Dict::default();
    for x in items {
        if !x.hashable() {
            return vm.err(
                "TypeError",
                format!("unhashable type: '{}'", vm.type_name(&x)),
            );
        }
        d.insert(Key(x), Value::None);
    }
    Ok(Value::Set(Rc::new(RefCell::new(d))))
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

fn int_of(vm: &Vm, v: &Value) -> PyResult<i64> {
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
fn sort_values(
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
            if vm.out.len() + line.len() > 64 << 20 {
                return vm.err("MemoryError", "output budget exceeded");
            }
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
                Value::Dict(d) | Value::Set(d) => d.borrow().len() as i64,
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
            let items = if args.is_empty() {
                vec![]
            } else {
                vm.collect(&a0)?
            };
            set_from(items, vm)?
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
            Value::Int(_) | Value::Big(_) => Value::Builtin(Builtin("int")),
            Value::Bool(_) => Value::Builtin(Builtin("bool")),
            Value::Float(_) => Value::Builtin(Builtin("float")),
            Value::Str(_) => Value::Builtin(Builtin("str")),
            Value::List(_) => Value::Builtin(Builtin("list")),
            Value::Dict(_) => Value::Builtin(Builtin("dict")),
            Value::Tuple(_) => Value::Builtin(Builtin("tuple")),
            Value::Set(_) => Value::Builtin(Builtin("set")),
            Value::Range(_) => Value::Builtin(Builtin("range")),
            Value::Class(_) => Value::Builtin(Builtin("type")),
            Value::None => Value::Builtin(Builtin("NoneType")),
            _ => Value::Builtin(Builtin("object")),
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

fn norm_index(vm: &Vm, i: &Value, len: usize, what: &str) -> PyResult<usize> {
    let k = match i {
        Value::Int(k) => *k,
        Value::Bool(b) => *b as i64,
        Value::Big(_) => {
            return vm.err(
                "IndexError",
                "cannot fit 'int' into an index-sized integer".to_string(),
            )
        }
        _ => {
            return vm.err(
                "TypeError",
                format!(
                    "{what} indices must be integers or slices, not {}",
                    vm.type_name(i)
                ),
            )
        }
    };
    let n = len as i64;
    let k = if k < 0 { k + n } else { k };
    if k < 0 || k >= n {
        return vm.err("IndexError", format!("{what} index out of range"));
    }
    Ok(k as usize)
}

fn slice_indices(vm: &Vm, s: &[Value; 3], len: usize) -> PyResult<Vec<usize>> {
    let n = len as i64;
    let get = |v: &Value| -> PyResult<Option<i64>> {
        match v {
            Value::None => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            Value::Bool(b) => Ok(Some(*b as i64)),
            _ => vm.err(
                "TypeError",
                "slice indices must be integers or None or have an __index__ method",
            ),
        }
    };
    let step = get(&s[2])?.unwrap_or(1);
    if step == 0 {
        return vm.err("ValueError", "slice step cannot be zero");
    }
    let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
    let (start, stop) = if step > 0 {
        let st = get(&s[0])?
            .map(|v| if v < 0 { v + n } else { v })
            .map(|v| clamp(v, 0, n))
            .unwrap_or(0);
        let sp = get(&s[1])?
            .map(|v| if v < 0 { v + n } else { v })
            .map(|v| clamp(v, 0, n))
            .unwrap_or(n);
        (st, sp)
    } else {
        let st = get(&s[0])?
            .map(|v| if v < 0 { v + n } else { v })
            .map(|v| clamp(v, -1, n - 1))
            .unwrap_or(n - 1);
        let sp = get(&s[1])?
            .map(|v| if v < 0 { v + n } else { v })
            .map(|v| clamp(v, -1, n - 1))
            .unwrap_or(-1);
        (st, sp)
    };
    let mut out = vec![];
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        match i.checked_add(step) {
            Some(n) => i = n,
            None => break,
        }
    }
    Ok(out)
}

/// `o[i]`.
pub fn getitem(vm: &mut Vm, o: &Value, i: &Value) -> PyResult<Value> {
    match (o, i) {
        (Value::List(l), Value::Slice(s)) => {
            let l = l.borrow();
            let idx = slice_indices(vm, s, l.len())?;
            Ok(Value::list(idx.into_iter().map(|k| l[k].clone()).collect()))
        }
        (Value::Tuple(t), Value::Slice(s)) => {
            let idx = slice_indices(vm, s, t.len())?;
            Ok(Value::tuple(
                idx.into_iter().map(|k| t[k].clone()).collect(),
            ))
        }
        (Value::Str(st), Value::Slice(s)) => {
            let chars: Vec<char> = st.chars().collect();
            let idx = slice_indices(vm, s, chars.len())?;
            Ok(Value::str(
                &idx.into_iter().map(|k| chars[k]).collect::<String>(),
            ))
        }
        (Value::List(l), _) => {
            let l = l.borrow();
            let k = norm_index(vm, i, l.len(), "list")?;
            Ok(l[k].clone())
        }
        (Value::Tuple(t), _) => {
            let k = norm_index(vm, i, t.len(), "tuple")?;
            Ok(t[k].clone())
        }
        (Value::Str(s), _) => {
            let n = s.chars().count();
            let k = norm_index(vm, i, n, "string")?;
            Ok(seq_item(o, k).unwrap_or_default())
        }
        (Value::Range(r), _) => {
            let n = num::range_len(r.0, r.1, r.2) as usize;
            let k = norm_index(vm, i, n, "range object")?;
            Ok(Value::Int((r.0 as i128 + r.2 as i128 * k as i128) as i64))
        }
        (Value::Dict(d), _) => {
            if !i.hashable() {
                return vm.err(
                    "TypeError",
                    format!("unhashable type: '{}'", vm.type_name(i)),
                );
            }
            let v = d.borrow().get(&Key(i.clone())).cloned();
            match v {
                Some(v) => Ok(v),
                None => Err(new_instance_with_args(
                    vm.class("KeyError"),
                    vec![i.clone()],
                )),
            }
        }
        (Value::Instance(inst), _) if inst.class.lookup("__getitem__").is_some() => {
            let f = vm.get_attr(o, "__getitem__")?;
            vm.call_sync(&f, vec![i.clone()], vec![])
        }
        _ => vm.err(
            "TypeError",
            format!("'{}' object is not subscriptable", vm.type_name(o)),
        ),
    }
}

/// `o[i] = v`.
pub fn setitem(vm: &mut Vm, o: &Value, i: Value, v: Value) -> PyResult<()> {
    match o {
        Value::List(l) => {
            if let Value::Slice(s) = &i {
                let items = vm.collect(&v)?;
                let len = l.borrow().len();
                let idx = slice_indices(vm, s, len)?;
                if matches!(s[2], Value::None) || matches!(s[2], Value::Int(1)) {
                    let start = idx.first().copied().unwrap_or_else(|| match &s[0] {
                        Value::Int(k) if *k < 0 => ((*k + len as i64).max(0)) as usize,
                        Value::Int(k) => (*k as usize).min(len),
                        _ => 0,
                    });
                    let end = start + idx.len();
                    l.borrow_mut().splice(start..end, items);
                    return Ok(());
                }
                if idx.len() != items.len() {
                    return vm.err(
                        "ValueError",
                        format!(
                            "attempt to assign sequence of size {} to extended slice of size {}",
                            items.len(),
                            idx.len()
                        ),
                    );
                }
                let mut l = l.borrow_mut();
                for (k, x) in idx.into_iter().zip(items) {
                    l[k] = x;
                }
                return Ok(());
            }
            let len = l.borrow().len();
            let k = norm_index(vm, &i, len, "list assignment")?;
            l.borrow_mut()[k] = v;
            Ok(())
        }
        Value::Dict(d) => {
            if !i.hashable() {
                return vm.err(
                    "TypeError",
                    format!("unhashable type: '{}'", vm.type_name(&i)),
                );
            }
            d.borrow_mut().insert(Key(i), v);
            Ok(())
        }
        Value::Instance(inst) if inst.class.lookup("__setitem__").is_some() => {
            let f = vm.get_attr(o, "__setitem__")?;
            vm.call_sync(&f, vec![i, v], vec![])?;
            Ok(())
        }
        _ => vm.err(
            "TypeError",
            format!(
                "'{}' object does not support item assignment",
                vm.type_name(o)
            ),
        ),
    }
}

/// `del o[i]`.
pub fn delitem(vm: &mut Vm, o: &Value, i: &Value) -> PyResult<()> {
    match o {
        Value::List(l) => {
            if let Value::Slice(s) = i {
                let len = l.borrow().len();
                let mut idx = slice_indices(vm, s, len)?;
                idx.sort_unstable();
                let mut l = l.borrow_mut();
                for k in idx.into_iter().rev() {
                    l.remove(k);
                }
                return Ok(());
            }
            let len = l.borrow().len();
            let k = norm_index(vm, i, len, "list assignment")?;
            l.borrow_mut().remove(k);
            Ok(())
        }
        Value::Dict(d) => {
            let removed = d.borrow_mut().shift_remove(&Key(i.clone()));
            match removed {
                Some(_) => Ok(()),
                None => Err(new_instance_with_args(
                    vm.class("KeyError"),
                    vec![i.clone()],
                )),
            }
        }
        _ => vm.err(
            "TypeError",
            format!("'{}' object doesn't support item deletion", vm.type_name(o)),
        ),
    }
}

const STR_METHODS: &[&str] = &[
    "upper",
    "lower",
    "strip",
    "lstrip",
    "rstrip",
    "split",
    "rsplit",
    "join",
    "replace",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "index",
    "count",
    "format",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "isupper",
    "islower",
    "title",
    "capitalize",
    "center",
    "ljust",
    "rjust",
    "zfill",
    "partition",
    "rpartition",
    "splitlines",
    "swapcase",
    "isnumeric",
    "isdecimal",
    "isidentifier",
    "removeprefix",
    "removesuffix",
];
const LIST_METHODS: &[&str] = &[
    "append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "clear",
    "copy",
];
const DICT_METHODS: &[&str] = &[
    "get",
    "items",
    "keys",
    "values",
    "pop",
    "setdefault",
    "update",
    "clear",
    "copy",
    "popitem",
];
const SET_METHODS: &[&str] = &[
    "add",
    "remove",
    "discard",
    "pop",
    "union",
    "intersection",
    "difference",
    "issubset",
    "issuperset",
    "update",
    "clear",
    "copy",
    "symmetric_difference",
    "isdisjoint",
];

/// Attribute of a builtin value (methods are returned bound, for calling later).
pub fn builtin_attr(vm: &mut Vm, o: &Value, name: &str) -> PyResult<Value> {
    let ok = match o {
        Value::Str(_) => STR_METHODS.contains(&name),
        Value::List(_) => LIST_METHODS.contains(&name),
        Value::Dict(_) => DICT_METHODS.contains(&name),
        Value::Set(_) => SET_METHODS.contains(&name),
        Value::Tuple(_) => matches!(name, "count" | "index"),
        Value::Float(f) => {
            if name == "is_integer" {
                true
            } else if name == "real" {
                return Ok(Value::Float(*f));
            } else {
                false
            }
        }
        Value::Int(_) | Value::Big(_) => matches!(name, "bit_length"),
        Value::Range(r) => {
            return match name {
                "start" => Ok(Value::Int(r.0)),
                "stop" => Ok(Value::Int(r.1)),
                "step" => Ok(Value::Int(r.2)),
                _ => vm.err(
                    "AttributeError",
                    format!("'range' object has no attribute '{name}'"),
                ),
            }
        }
        Value::Builtin(Builtin(t)) if *t == "dict" && name == "fromkeys" => true,
        Value::Builtin(Builtin(t)) if *t == "str" && name == "join" => true,
        // Unbound methods of builtin types (`key=str.lower`): called with the receiver first.
        Value::Builtin(Builtin(t)) => match *t {
            "str" => STR_METHODS.contains(&name),
            "list" => LIST_METHODS.contains(&name),
            "dict" => DICT_METHODS.contains(&name),
            "set" => SET_METHODS.contains(&name),
            "tuple" => matches!(name, "count" | "index"),
            _ => false,
        },
        _ => false,
    };
    if ok {
        return Ok(Value::BuiltinMethod(Rc::new((o.clone(), Rc::from(name)))));
    }
    let tn = vm.type_name(o);
    vm.err(
        "AttributeError",
        format!("'{tn}' object has no attribute '{name}'"),
    )
}

fn str_arg(vm: &Vm, v: Option<&Value>, what: &str) -> PyResult<Rc<str>> {
    match v {
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(o) => vm.err(
            "TypeError",
            format!("{what} arg must be None or str, not {}", vm.type_name(o)),
        ),
        None => vm.err(
            "TypeError",
            format!("{what}() takes at least 1 argument (0 given)"),
        ),
    }
}

/// Call a method of a builtin value.
pub fn call_method(vm: &mut Vm, o: &Value, name: &str, args: Vec<Value>) -> PyResult<Value> {
    let a0 = args.first().cloned();
    match o {
        Value::Str(s) => str_method(vm, s, name, args),
        Value::List(l) => {
            let l = l.clone();
            Ok(match name {
                "append" => {
                    arity(vm, "append", &args, 1, 1)?;
                    let mut lb = l.borrow_mut();
                    if lb.len() as i64 >= super::vm::MAX_SEQ {
                        return vm.err("MemoryError", "allocation budget exceeded");
                    }
                    lb.push(a0.unwrap_or_default());
                    Value::None
                }
                "extend" => {
                    let items = vm.collect(&a0.unwrap_or_default())?;
                    if (l.borrow().len() + items.len()) as i64 > super::vm::MAX_SEQ {
                        return vm.err("MemoryError", "allocation budget exceeded");
                    }
                    l.borrow_mut().extend(items);
                    Value::None
                }
                "pop" => {
                    let len = l.borrow().len();
                    if len == 0 {
                        return vm.err("IndexError", "pop from empty list");
                    }
                    let k = match &a0 {
                        Some(i) => norm_index(vm, i, len, "pop")?,
                        None => len - 1,
                    };
                    l.borrow_mut().remove(k)
                }
                "insert" => {
                    let len = l.borrow().len() as i64;
                    let i = int_of(vm, &a0.unwrap_or_default())?;
                    let i = if i < 0 { (i + len).max(0) } else { i.min(len) };
                    l.borrow_mut()
                        .insert(i as usize, args.get(1).cloned().unwrap_or_default());
                    Value::None
                }
                "remove" | "index" => {
                    let x = a0.unwrap_or_default();
                    let items = l.borrow().clone();
                    for (i, it) in items.iter().enumerate() {
                        if vm.eq(it, &x)? {
                            if name == "remove" {
                                l.borrow_mut().remove(i);
                                return Ok(Value::None);
                            }
                            return Ok(Value::Int(i as i64));
                        }
                    }
                    if name == "remove" {
                        return vm.err("ValueError", "list.remove(x): x not in list");
                    }
                    let r = vm.repr(&x)?;
                    return vm.err("ValueError", format!("{r} is not in list"));
                }
                "count" => {
                    let x = a0.unwrap_or_default();
                    let items = l.borrow().clone();
                    let mut n = 0;
                    for it in &items {
                        if vm.eq(it, &x)? {
                            n += 1;
                        }
                    }
                    Value::Int(n)
                }
                "sort" => return list_sort(vm, &l, &[]),
                "reverse" => {
                    l.borrow_mut().reverse();
                    Value::None
                }
                "clear" => {
                    l.borrow_mut().clear();
                    Value::None
                }
                "copy" => Value::list(l.borrow().clone()),
                _ => return builtin_attr(vm, o, name),
            })
        }
        Value::Dict(d) => {
            let d = d.clone();
            let key = |vm: &Vm, v: Option<Value>| -> PyResult<Key> {
                let v = v.unwrap_or_default();
                if !v.hashable() {
                    return vm.err(
                        "TypeError",
                        format!("unhashable type: '{}'", vm.type_name(&v)),
                    );
                }
                Ok(Key(v))
            };
            Ok(match name {
                "get" => {
                    let k = key(vm, a0)?;
                    d.borrow()
                        .get(&k)
                        .cloned()
                        .unwrap_or_else(|| args.get(1).cloned().unwrap_or_default())
                }
                "items" => Value::View(Rc::new((ViewKind::Items, d.clone()))),
                "keys" => Value::View(Rc::new((ViewKind::Keys, d.clone()))),
                "values" => Value::View(Rc::new((ViewKind::Values, d.clone()))),
                "pop" => {
                    let k = key(vm, a0)?;
                    let r = d.borrow_mut().shift_remove(&k);
                    match (r, args.get(1)) {
                        (Some(v), _) => v,
                        (None, Some(dflt)) => dflt.clone(),
                        (None, None) => {
                            return Err(new_instance_with_args(vm.class("KeyError"), vec![k.0]))
                        }
                    }
                }
                "setdefault" => {
                    let k = key(vm, a0)?;
                    let dflt = args.get(1).cloned().unwrap_or_default();
                    d.borrow_mut().entry(k).or_insert(dflt).clone()
                }
                "update" => {
                    match a0 {
                        Some(Value::Dict(src)) => {
                            let src = src.borrow().clone();
                            d.borrow_mut().extend(src);
                        }
                        Some(other) => {
                            for item in vm.collect(&other)? {
                                let kv = vm.collect(&item)?;
                                if kv.len() == 2 {
                                    d.borrow_mut().insert(Key(kv[0].clone()), kv[1].clone());
                                }
                            }
                        }
                        None => {}
                    }
                    Value::None
                }
                "clear" => {
                    d.borrow_mut().clear();
                    Value::None
                }
                "copy" => Value::Dict(Rc::new(RefCell::new(d.borrow().clone()))),
                "popitem" => match d.borrow_mut().pop() {
                    Some((k, v)) => Value::tuple(vec![k.0, v]),
                    None => return vm.err("KeyError", "'popitem(): dictionary is empty'"),
                },
                _ => return builtin_attr(vm, o, name),
            })
        }
        Value::Set(s) => {
            let s = s.clone();
            Ok(match name {
                "add" | "discard" | "remove" => {
                    let x = a0.unwrap_or_default();
                    if !x.hashable() {
                        return vm.err(
                            "TypeError",
                            format!("unhashable type: '{}'", vm.type_name(&x)),
                        );
                    }
                    if name == "add" {
                        s.borrow_mut().insert(Key(x), Value::None);
                    } else if s.borrow_mut().shift_remove(&Key(x.clone())).is_none()
                        && name == "remove"
                    {
                        return Err(new_instance_with_args(vm.class("KeyError"), vec![x]));
                    }
                    Value::None
                }
                "pop" => {
                    let first = set_order(&s.borrow()).into_iter().next();
                    match first {
                        Some(v) => {
                            s.borrow_mut().shift_remove(&Key(v.clone()));
                            v
                        }
                        None => return vm.err("KeyError", "'pop from an empty set'"),
                    }
                }
                "clear" => {
                    s.borrow_mut().clear();
                    Value::None
                }
                "copy" => Value::Set(Rc::new(RefCell::new(s.borrow().clone()))),
                "update" => {
                    for a in &args {
                        for x in vm.collect(a)? {
                            s.borrow_mut().insert(Key(x), Value::None);
                        }
                    }
                    Value::None
                }
                "union" | "intersection" | "difference" | "symmetric_difference" => {
                    let mut cur = Value::Set(Rc::new(RefCell::new(s.borrow().clone())));
                    for a in &args {
                        let other = set_from(vm.collect(a)?, vm)?;
                        cur = match name {
                            "union" => vm.binop(super::ir::BinOp::BitOr, cur, other, false)?,
                            "intersection" => {
                                vm.binop(super::ir::BinOp::BitAnd, cur, other, false)?
                            }
                            "difference" => vm.binop(super::ir::BinOp::Sub, cur, other, false)?,
                            _ => {
                                let a = vm.binop(
                                    super::ir::BinOp::Sub,
                                    cur.clone(),
                                    other.clone(),
                                    false,
                                )?;
                                let b = vm.binop(super::ir::BinOp::Sub, other, cur, false)?;
                                vm.binop(super::ir::BinOp::BitOr, a, b, false)?
                            }
                        };
                    }
                    cur
                }
                "issubset" | "issuperset" | "isdisjoint" => {
                    let Value::Set(other) = set_from(vm.collect(&a0.unwrap_or_default())?, vm)?
                    else {
                        return Ok(Value::None);
                    };
                    let (a, b) = (s.borrow(), other.borrow());
                    Value::Bool(match name {
                        "issubset" => a.keys().all(|k| b.contains_key(k)),
                        "issuperset" => b.keys().all(|k| a.contains_key(k)),
                        _ => a.keys().all(|k| !b.contains_key(k)),
                    })
                }
                _ => return builtin_attr(vm, o, name),
            })
        }
        Value::Tuple(t) => {
            let x = a0.unwrap_or_default();
            let items = t.to_vec();
            let mut n = 0;
            for (i, it) in items.iter().enumerate() {
                if vm.eq(it, &x)? {
                    if name == "index" {
                        return Ok(Value::Int(i as i64));
                    }
                    n += 1;
                }
            }
            match name {
                "count" => Ok(Value::Int(n)),
                "index" => vm.err("ValueError", "tuple.index(x): x not in tuple"),
                _ => builtin_attr(vm, o, name),
            }
        }
        Value::Float(f) if name == "is_integer" => Ok(Value::Bool(f.fract() == 0.0)),
        Value::Int(i) if name == "bit_length" => {
            Ok(Value::Int(64 - i.unsigned_abs().leading_zeros() as i64))
        }
        Value::Builtin(Builtin("dict")) if name == "fromkeys" => {
            let mut d = Dict::default();
            for k in vm.collect(&a0.unwrap_or_default())? {
                d.insert(Key(k), args.get(1).cloned().unwrap_or_default());
            }
            Ok(Value::Dict(Rc::new(RefCell::new(d))))
        }
        Value::Builtin(Builtin(t)) if matches!(*t, "str" | "list" | "dict" | "set" | "tuple") => {
            let Some(recv) = a0 else {
                return vm.err(
                    "TypeError",
                    format!("unbound method {t}.{name}() needs an argument"),
                );
            };
            let want = Value::Builtin(Builtin(t));
            let call = vm.call_sync(
                &Value::Builtin(Builtin("isinstance")),
                vec![recv.clone(), want],
                vec![],
            )?;
            if !matches!(call, Value::Bool(true)) {
                let tn = vm.type_name(&recv);
                return vm.err(
                    "TypeError",
                    format!(
                        "descriptor '{name}' for '{t}' objects doesn't apply to a '{tn}' object"
                    ),
                );
            }
            call_method(vm, &recv, name, args[1..].to_vec())
        }
        Value::Instance(_) | Value::Class(_) | Value::Module(_) => {
            let f = vm.get_attr(o, name)?;
            vm.call_sync(&f, args, vec![])
        }
        _ => {
            let f = vm.get_attr(o, name)?;
            vm.call_sync(&f, args, vec![])
        }
    }
}

/// `list.sort(key=..., reverse=...)`, called with keywords from the VM.
pub fn list_sort(
    vm: &mut Vm,
    l: &Rc<RefCell<Vec<Value>>>,
    kwargs: &[(Rc<str>, Value)],
) -> PyResult<Value> {
    check_kwargs(vm, "sort", kwargs, &["key", "reverse"])?;
    let items = l.borrow().clone();
    let rev = match kw(kwargs, "reverse") {
        Some(r) => vm.truthy(&r)?,
        None => false,
    };
    let sorted = sort_values(vm, items, kw(kwargs, "key").as_ref(), rev)?;
    *l.borrow_mut() = sorted;
    Ok(Value::None)
}

fn str_method(vm: &mut Vm, s: &Rc<str>, name: &str, args: Vec<Value>) -> PyResult<Value> {
    let a0 = args.first().cloned();
    let strip_chars = |v: &Option<Value>| -> Option<Vec<char>> {
        match v {
            Some(Value::Str(c)) => Some(c.chars().collect()),
            _ => None,
        }
    };
    Ok(match name {
        "upper" => Value::str(&s.to_uppercase()),
        "lower" => Value::str(&s.to_lowercase()),
        "swapcase" => Value::str(
            &s.chars()
                .map(|c| {
                    if c.is_uppercase() {
                        c.to_lowercase().next().unwrap_or(c)
                    } else {
                        c.to_uppercase().next().unwrap_or(c)
                    }
                })
                .collect::<String>(),
        ),
        "strip" | "lstrip" | "rstrip" => {
            let cs = strip_chars(&a0);
            let pred = |c: char| match &cs {
                Some(cs) => cs.contains(&c),
                None => c.is_whitespace(),
            };
            Value::str(match name {
                "strip" => s.trim_matches(pred),
                "lstrip" => s.trim_start_matches(pred),
                _ => s.trim_end_matches(pred),
            })
        }
        "split" | "rsplit" => {
            let maxsplit = match args.get(1) {
                Some(v) => int_of(vm, v)?,
                None => -1,
            };
            let parts: Vec<String> = match &a0 {
                None | Some(Value::None) => {
                    let words: Vec<&str> = s.split_whitespace().collect();
                    if maxsplit < 0 || words.len() as i64 <= maxsplit {
                        words.into_iter().map(String::from).collect()
                    } else if name == "split" {
                        let mut out: Vec<String> = vec![];
                        let mut rest: &str = s.trim_start();
                        for _ in 0..maxsplit {
                            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                            out.push(rest[..end].to_string());
                            rest = rest[end..].trim_start();
                        }
                        out.push(rest.to_string());
                        out
                    } else {
                        let mut out: Vec<String> = vec![];
                        let mut rest: &str = s.trim_end();
                        for _ in 0..maxsplit {
                            let st = rest.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                            out.push(rest[st..].to_string());
                            rest = rest[..st].trim_end();
                        }
                        out.push(rest.to_string());
                        out.reverse();
                        out
                    }
                }
                Some(Value::Str(sep)) => {
                    if sep.is_empty() {
                        return vm.err("ValueError", "empty separator");
                    }
                    if maxsplit < 0 {
                        s.split(&**sep).map(String::from).collect()
                    } else if name == "split" {
                        s.splitn(maxsplit as usize + 1, &**sep)
                            .map(String::from)
                            .collect()
                    } else {
                        let mut v: Vec<String> = s
                            .rsplitn(maxsplit as usize + 1, &**sep)
                            .map(String::from)
                            .collect();
                        v.reverse();
                        v
                    }
                }
                Some(o) => {
                    return vm.err(
                        "TypeError",
                        format!("must be str or None, not {}", vm.type_name(o)),
                    )
                }
            };
            Value::list(parts.iter().map(|p| Value::str(p)).collect())
        }
        "splitlines" => Value::list(s.lines().map(Value::str).collect()),
        "join" => {
            let items = vm.collect(&a0.unwrap_or_default())?;
            let mut out = String::new();
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(s);
                }
                match it {
                    Value::Str(x) => out.push_str(x),
                    other => {
                        return vm.err(
                            "TypeError",
                            format!(
                                "sequence item {i}: expected str instance, {} found",
                                vm.type_name(other)
                            ),
                        );
                    }
                }
            }
            Value::str(&out)
        }
        "replace" => {
            let a = str_arg(vm, a0.as_ref(), "replace")?;
            let b = str_arg(vm, args.get(1), "replace")?;
            match args.get(2) {
                Some(n) => {
                    let n = int_of(vm, n)?;
                    if n < 0 {
                        Value::str(&s.replace(&*a, &b))
                    } else {
                        Value::str(&s.replacen(&*a, &b, n as usize))
                    }
                }
                None => Value::str(&s.replace(&*a, &b)),
            }
        }
        "startswith" | "endswith" => {
            let pats: Vec<Value> = match &a0 {
                Some(Value::Tuple(t)) => t.to_vec(),
                Some(v) => vec![v.clone()],
                None => vec![],
            };
            let mut hit = false;
            for p in pats {
                let p = str_arg(vm, Some(&p), name)?;
                hit |= if name == "startswith" {
                    s.starts_with(&*p)
                } else {
                    s.ends_with(&*p)
                };
            }
            Value::Bool(hit)
        }
        "find" | "rfind" | "index" => {
            let p = str_arg(vm, a0.as_ref(), name)?;
            let r = if name == "rfind" {
                s.rfind(&*p)
            } else {
                s.find(&*p)
            };
            match r {
                Some(b) => Value::Int(s[..b].chars().count() as i64),
                None if name == "index" => return vm.err("ValueError", "substring not found"),
                None => Value::Int(-1),
            }
        }
        "count" => {
            let p = str_arg(vm, a0.as_ref(), "count")?;
            Value::Int(if p.is_empty() {
                s.chars().count() as i64 + 1
            } else {
                s.matches(&*p).count() as i64
            })
        }
        "format" => Value::str(&str_format(vm, s, &args, &[])?),
        "isdigit" | "isnumeric" | "isdecimal" => {
            Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
        }
        "isalpha" => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphabetic)),
        "isalnum" => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphanumeric)),
        "isspace" => Value::Bool(!s.is_empty() && s.chars().all(char::is_whitespace)),
        "isupper" => {
            Value::Bool(s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase))
        }
        "islower" => {
            Value::Bool(s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase))
        }
        "isidentifier" => Value::Bool(
            s.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && s.chars().all(|c| c.is_alphanumeric() || c == '_'),
        ),
        "title" => {
            let mut out = String::new();
            let mut prev_alpha = false;
            for c in s.chars() {
                if c.is_alphabetic() {
                    if prev_alpha {
                        out.extend(c.to_lowercase());
                    } else {
                        out.extend(c.to_uppercase());
                    }
                    prev_alpha = true;
                } else {
                    out.push(c);
                    prev_alpha = false;
                }
            }
            Value::str(&out)
        }
        "capitalize" => {
            let mut c = s.chars();
            Value::str(&match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            })
        }
        "center" | "ljust" | "rjust" => {
            let w = int_of(vm, &a0.unwrap_or_default())?.max(0) as usize;
            let fill = match args.get(1) {
                Some(Value::Str(f)) => f.chars().next().unwrap_or(' '),
                _ => ' ',
            };
            let n = s.chars().count();
            if n >= w {
                Value::Str(s.clone())
            } else {
                let pad = w - n;
                let f = |k: usize| fill.to_string().repeat(k);
                Value::str(&match name {
                    "ljust" => format!("{s}{}", f(pad)),
                    "rjust" => format!("{}{s}", f(pad)),
                    _ => {
                        // CPython centres with the extra space on the right when the string length is even... by this formula.
                        let left = pad / 2 + (pad & w & 1);
                        format!("{}{s}{}", f(left), f(pad - left))
                    }
                })
            }
        }
        "zfill" => {
            let w = int_of(vm, &a0.unwrap_or_default())?.max(0) as usize;
            let n = s.chars().count();
            if n >= w {
                Value::Str(s.clone())
            } else {
                let (sign, rest) = if s.starts_with(['-', '+']) {
                    s.split_at(1)
                } else {
                    ("", &**s)
                };
                Value::str(&format!("{sign}{}{rest}", "0".repeat(w - n)))
            }
        }
        "partition" | "rpartition" => {
            let p = str_arg(vm, a0.as_ref(), name)?;
            let r = if name == "partition" {
                s.find(&*p)
            } else {
                s.rfind(&*p)
            };
            match r {
                Some(i) => Value::tuple(vec![
                    Value::str(&s[..i]),
                    Value::Str(p.clone()),
                    Value::str(&s[i + p.len()..]),
                ]),
                None if name == "partition" => {
                    Value::tuple(vec![Value::Str(s.clone()), Value::str(""), Value::str("")])
                }
                None => Value::tuple(vec![Value::str(""), Value::str(""), Value::Str(s.clone())]),
            }
        }
        "removeprefix" => {
            let p = str_arg(vm, a0.as_ref(), name)?;
            Value::str(s.strip_prefix(&*p).unwrap_or(s))
        }
        "removesuffix" => {
            let p = str_arg(vm, a0.as_ref(), name)?;
            Value::str(s.strip_suffix(&*p).unwrap_or(s))
        }
        _ => return builtin_attr(vm, &Value::Str(s.clone()), name),
    })
}

/// `str.format`.
pub fn str_format(
    vm: &mut Vm,
    fmt: &str,
    args: &[Value],
    kwargs: &[(Rc<str>, Value)],
) -> PyResult<String> {
    let c: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut auto = 0usize;
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '{' if c.get(i + 1) == Some(&'{') => {
                out.push('{');
                i += 2;
            }
            '}' if c.get(i + 1) == Some(&'}') => {
                out.push('}');
                i += 2;
            }
            '{' => {
                let Some(end) = c[i..].iter().position(|&x| x == '}') else {
                    return vm.err("ValueError", "Single '{' encountered in format string");
                };
                let field: String = c[i + 1..i + end].iter().collect();
                i += end + 1;
                let (field, spec) = match field.split_once(':') {
                    Some((f, s)) => (f.to_string(), s.to_string()),
                    None => (field, String::new()),
                };
                let (field, conv) = match field.split_once('!') {
                    Some((f, cv)) => (f.to_string(), cv.chars().next()),
                    None => (field, None),
                };
                let v = if field.is_empty() {
                    auto += 1;
                    args.get(auto - 1).cloned()
                } else if let Ok(n) = field.parse::<usize>() {
                    args.get(n).cloned()
                } else {
                    match kw(kwargs, &field) {
                        Some(v) => Some(v),
                        None => {
                            return Err(new_instance_with_args(
                                vm.class("KeyError"),
                                vec![Value::str(&field)],
                            ))
                        }
                    }
                };
                let Some(v) = v else {
                    return vm.err(
                        "IndexError",
                        format!(
                            "Replacement index {} out of range for positional args tuple",
                            auto.saturating_sub(1)
                        ),
                    );
                };
                let v = match conv {
                    Some('r') => Value::str(&vm.repr(&v)?),
                    Some('s') => Value::str(&vm.py_str(&v)?),
                    _ => v,
                };
                out.push_str(&format_spec(vm, &v, &spec)?);
            }
            '}' => return vm.err("ValueError", "Single '}' encountered in format string"),
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    Ok(out)
}
