//! Subscripts and slices of builtin sequences and mappings: `o[i]`, `o[i] = v`, `del o[i]`.

use super::builtins::seq_item;
use super::num;
use super::value::*;
use super::vm::{new_instance_with_args, PyResult, Vm};

pub(super) fn norm_index(vm: &Vm, i: &Value, len: usize, what: &str) -> PyResult<usize> {
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
