//! Methods of builtin values (str, list, dict, set, tuple), bound or called directly, and `str.format`.

use std::cell::RefCell;
use std::rc::Rc;

use super::builtins::{arity, check_kwargs, int_of, kw, set_from, sort_values};
use super::format::format_spec;
use super::pyset::{self, SetObj};
use super::subscript::norm_index;
use super::value::*;
use super::vm::{new_instance_with_args, PyResult, Vm};

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
                    vm.check_alloc(lb.len() as u64 + 1)?;
                    lb.push(a0.unwrap_or_default());
                    Value::None
                }
                "extend" => {
                    let items = vm.collect(&a0.unwrap_or_default())?;
                    vm.check_alloc((l.borrow().len() + items.len()) as u64)?;
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
                        s.borrow_mut().add(x);
                    } else if !s.borrow_mut().discard(&x) && name == "remove" {
                        return Err(new_instance_with_args(vm.class("KeyError"), vec![x]));
                    }
                    Value::None
                }
                "pop" => {
                    let popped = s.borrow_mut().pop();
                    match popped {
                        Some(v) => v,
                        None => return vm.err("KeyError", "'pop from an empty set'"),
                    }
                }
                "clear" => {
                    s.borrow_mut().clear();
                    Value::None
                }
                "copy" => Value::Set(Rc::new(RefCell::new(s.borrow().copied()))),
                "update" => {
                    for a in &args {
                        super::builtins::set_update(vm, &s, a)?;
                    }
                    Value::None
                }
                // CPython's set_union, set_intersection_multi, set_difference_multi and
                // set_symmetric_difference: each decides the result's table, so its order.
                "union" => {
                    let r = Rc::new(RefCell::new(s.borrow().copied()));
                    // set_union skips the set itself among its arguments.
                    for a in args
                        .iter()
                        .filter(|a| !matches!(a, Value::Set(o) if Rc::ptr_eq(o, &s)))
                    {
                        super::builtins::set_update(vm, &r, a)?;
                    }
                    Value::Set(r)
                }
                "intersection" => {
                    // Starts from the set itself, each argument narrowing the last result.
                    let mut r: Option<SetObj> = None;
                    for a in &args {
                        let next = match a {
                            Value::Set(o) => {
                                let this = s.borrow();
                                pyset::intersection(r.as_ref().unwrap_or(&this), &o.borrow())
                            }
                            other => {
                                // Collected before the set is borrowed: iterating may run Python.
                                let items = collect_hashable(vm, other)?;
                                let this = s.borrow();
                                let cur = r.as_ref().unwrap_or(&this);
                                items
                                    .into_iter()
                                    .filter(|x| cur.contains_key(&Key(x.clone())))
                                    .collect()
                            }
                        };
                        r = Some(next);
                    }
                    let r = r.unwrap_or_else(|| s.borrow().copied());
                    Value::Set(Rc::new(RefCell::new(r)))
                }
                "difference" => {
                    // A set first argument takes set_difference's walk; the rest discard.
                    let (mut r, rest) = match args.first() {
                        Some(Value::Set(o)) => (pyset::difference(&s.borrow(), &o.borrow()), 1),
                        _ => (s.borrow().copied(), 0),
                    };
                    for a in &args[rest..] {
                        r.discard_all(&collect_hashable(vm, a)?);
                    }
                    Value::Set(Rc::new(RefCell::new(r)))
                }
                "symmetric_difference" => {
                    let r = Rc::new(RefCell::new(SetObj::default()));
                    super::builtins::set_update(vm, &r, &a0.unwrap_or_default())?;
                    pyset::toggle(&mut r.borrow_mut(), &s.borrow());
                    Value::Set(r)
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
            vm.check_alloc(w as u64)?;
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
            vm.check_alloc(w as u64)?;
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

/// The items of iterable `v`, each checked hashable (as set methods need them).
fn collect_hashable(vm: &mut Vm, v: &Value) -> PyResult<Vec<Value>> {
    let items = vm.collect(v)?;
    for x in &items {
        vm.check_hashable(x)?;
    }
    Ok(items)
}
