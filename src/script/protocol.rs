//! The object protocol: attribute access, truthiness, iteration, operators, comparisons, and the
//! entry points to repr/str, as CPython defines them for the subset's values.

use std::cell::RefCell;
use std::rc::Rc;

use super::ir::{BinOp, CmpOp, UnaryOp};
use super::num;
use super::value::*;
use super::vm::{PyResult, Vm};

impl Vm {
    /// CPython's type name of a value.
    pub fn type_name(&self, v: &Value) -> String {
        match v {
            Value::Instance(i) => i.class.name.to_string(),
            other => other.builtin_type_name().into(),
        }
    }

    /// Attribute read.
    pub fn get_attr(&mut self, o: &Value, name: &str) -> PyResult<Value> {
        match o {
            Value::Instance(inst) => {
                if let Some(v) = inst.attrs.borrow().get(name) {
                    return Ok(v.clone());
                }
                match inst.class.lookup(name) {
                    Some(f) if f.binds_to_instance() => Ok(Value::Method(Rc::new((o.clone(), f)))),
                    Some(v) => Ok(v),
                    None => match name {
                        "__class__" => Ok(Value::Class(inst.class.clone())),
                        "__cause__" | "__context__" => {
                            let e = inst.exc.borrow();
                            let v = if name == "__cause__" {
                                e.cause.clone()
                            } else {
                                e.context.clone()
                            };
                            Ok(v.unwrap_or_default())
                        }
                        "args" if self.is_exc(o, "BaseException") => Ok(Value::tuple(vec![])),
                        _ => self.err(
                            "AttributeError",
                            format!("'{}' object has no attribute '{name}'", inst.class.name),
                        ),
                    },
                }
            }
            Value::Class(c) => match c.lookup(name) {
                Some(v) => Ok(v),
                None => match name {
                    "__name__" | "__qualname__" => Ok(Value::Str(c.name.clone())),
                    _ => self.err(
                        "AttributeError",
                        format!("type object '{}' has no attribute '{name}'", c.name),
                    ),
                },
            },
            Value::Module(m) => match m.attrs.borrow().get(name) {
                Some(v) => Ok(v.clone()),
                None => self.err_missing(
                    "AttributeError",
                    format!("module '{}' has no attribute '{name}'", m.name),
                    name,
                    m.attrs
                        .borrow()
                        .keys()
                        .map(|k| &**k)
                        .filter(|k| !k.starts_with('_')),
                ),
            },
            Value::Func(f) => match name {
                "__name__" => Ok(Value::Str(f.code.name.clone())),
                "__qualname__" => Ok(Value::Str(f.code.qualname.clone())),
                _ => self.err(
                    "AttributeError",
                    format!("'function' object has no attribute '{name}'"),
                ),
            },
            Value::Builtin(b) if name == "__name__" => Ok(Value::str(b.0)),
            Value::Coro(c) => match name {
                "__name__" | "__qualname__" => Ok(Value::Str(c.name.clone())),
                "send" | "throw" | "close" => {
                    Ok(Value::BuiltinMethod(Rc::new((o.clone(), Rc::from(name)))))
                }
                "cr_running" => Ok(Value::Bool(c.state.get() == CoroState::Running)),
                _ => self.err(
                    "AttributeError",
                    format!("'coroutine' object has no attribute '{name}'"),
                ),
            },
            Value::Method(m) if name == "__self__" => Ok(m.0.clone()),
            Value::Method(m) => self.get_attr(&m.1.clone(), name),
            _ => super::methods::builtin_attr(self, o, name),
        }
    }

    pub(super) fn set_attr(&mut self, o: &Value, name: Rc<str>, v: Value) -> PyResult<()> {
        match o {
            Value::Instance(inst) => {
                inst.attrs.borrow_mut().insert(name, v);
                Ok(())
            }
            Value::Class(c) if !c.builtin => {
                self.retire_prelude_if_owned(o);
                c.attrs.borrow_mut().insert(name, v);
                Ok(())
            }
            Value::Module(m) => {
                self.retire_prelude_if_owned(o);
                m.attrs.borrow_mut().insert(name, v);
                Ok(())
            }
            _ => {
                let tn = self.type_name(o);
                self.err(
                    "AttributeError",
                    format!("'{tn}' object has no attribute '{name}'"),
                )
            }
        }
    }

    /// A write to the shared prelude's module or one of its classes
    /// (monkeypatching) retires the image (`modules::PreludeImage`).
    fn retire_prelude_if_owned(&self, o: &Value) {
        if let Some(p) = &self.prelude {
            if p.owns(o) {
                super::modules::discard_prelude(p);
            }
        }
    }

    /// Truthiness, honouring `__bool__`/`__len__` on instances.
    pub fn truthy(&mut self, v: &Value) -> PyResult<bool> {
        if let Value::Instance(i) = v {
            if let Some(f) = i.class.lookup("__bool__") {
                let r = self.call_sync(&f, vec![v.clone()], vec![])?;
                return Ok(r.truthy());
            }
            if let Some(f) = i.class.lookup("__len__") {
                let r = self.call_sync(&f, vec![v.clone()], vec![])?;
                return Ok(r.truthy());
            }
        }
        Ok(v.truthy())
    }

    pub(super) fn check_hashable(&self, v: &Value) -> PyResult<()> {
        if v.hashable() {
            Ok(())
        } else {
            self.err(
                "TypeError",
                format!("unhashable type: '{}'", self.type_name(v)),
            )
        }
    }

    /// Build an exception instance from a class or instance (for `raise`).
    pub fn make_exc(&mut self, e: Value) -> PyResult<Value> {
        match &e {
            Value::Class(c) if c.is_subclass(&self.class("BaseException")) => {
                self.call_sync(&e, vec![], vec![])
            }
            Value::Instance(i) if i.class.is_subclass(&self.class("BaseException")) => Ok(e),
            _ => self.err("TypeError", "exceptions must derive from BaseException"),
        }
    }

    pub(super) fn exc_matches(&mut self, e: &Value, t: &Value) -> PyResult<bool> {
        match t {
            Value::Tuple(ts) => {
                for t in ts.iter() {
                    if self.exc_matches(e, t)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Value::Class(c) => Ok(match e {
                Value::Instance(i) => i.class.is_subclass(c),
                _ => false,
            }),
            _ => self.err(
                "TypeError",
                "catching classes that do not inherit from BaseException is not allowed",
            ),
        }
    }

    pub(super) fn import(&mut self, name: &str) -> PyResult<Value> {
        if let Some(m) = self.modules.get(name) {
            return Ok(m.clone());
        }
        let m = super::modules::load(self, name)?;
        self.modules.insert(Rc::from(name), m.clone());
        Ok(m)
    }

    /// Collect an iterable into a Vec.
    pub fn collect(&mut self, v: &Value) -> PyResult<Vec<Value>> {
        match v {
            Value::List(l) => Ok(l.borrow().clone()),
            Value::Tuple(t) => Ok(t.to_vec()),
            _ => {
                if let Value::Range(r) = v {
                    self.check_alloc(super::num::range_len(r.0, r.1, r.2).max(0) as u64)?;
                }
                let it = self.iter(v.clone())?;
                let mut out = vec![];
                while let Some(x) = self.next(&it)? {
                    self.check_alloc(out.len() as u64 + 1)?;
                    out.push(x);
                }
                Ok(out)
            }
        }
    }

    /// `iter(v)`.
    pub fn iter(&mut self, v: Value) -> PyResult<Value> {
        let st = match &v {
            Value::Range(r) => IterState::Range(r.0, r.1, r.2),
            Value::List(_) | Value::Tuple(_) | Value::Str(_) => IterState::Seq(v.clone(), 0),
            Value::Dict(d) => IterState::Vals(
                d.borrow()
                    .keys()
                    .map(|k| k.0.clone())
                    .collect::<Vec<_>>()
                    .into_iter(),
            ),
            // Iteration shows a set in the same order its repr does (CPython's table order for ints).
            Value::Set(d) => IterState::Vals(d.borrow().order().into_iter()),
            Value::View(view) => IterState::Vals(view.0.items(&view.1.borrow()).into_iter()),
            Value::Iter(_) => return Ok(v),
            Value::Instance(i) if i.class.lookup("__iter__").is_some() => {
                let f = self.get_attr(&v, "__iter__")?;
                return self.call_sync(&f, vec![], vec![]);
            }
            _ => {
                let tn = self.type_name(&v);
                return self.err("TypeError", format!("'{tn}' object is not iterable"));
            }
        };
        Ok(Value::Iter(Rc::new(RefCell::new(st))))
    }

    /// Advance an iterator made by `iter`.
    pub fn next(&mut self, it: &Value) -> PyResult<Option<Value>> {
        match it {
            Value::Iter(st) => Ok(st.borrow_mut().advance()),
            _ => {
                let tn = self.type_name(it);
                self.err("TypeError", format!("'{tn}' object is not an iterator"))
            }
        }
    }

    pub(super) fn unary(&mut self, u: UnaryOp, a: Value) -> PyResult<Value> {
        Ok(match (u, &a) {
            (UnaryOp::Not, _) => Value::Bool(!self.truthy(&a)?),
            (UnaryOp::Neg, Value::Int(i)) => match i.checked_neg() {
                Some(n) => Value::Int(n),
                None => num::norm(-num_bigint::BigInt::from(*i)),
            },
            (UnaryOp::Neg, Value::Bool(b)) => Value::Int(-(*b as i64)),
            (UnaryOp::Neg, Value::Big(b)) => num::norm(-(**b).clone()),
            (UnaryOp::Neg, Value::Float(f)) => Value::Float(-f),
            (UnaryOp::Pos, Value::Int(_) | Value::Big(_) | Value::Float(_)) => a,
            (UnaryOp::Pos, Value::Bool(b)) => Value::Int(*b as i64),
            (UnaryOp::Invert, Value::Int(i)) => Value::Int(!i),
            (UnaryOp::Invert, Value::Bool(b)) => Value::Int(!(*b as i64)),
            (UnaryOp::Invert, Value::Big(b)) => num::norm(-(**b).clone() - 1),
            _ => {
                let sym = match u {
                    UnaryOp::Neg => "-",
                    UnaryOp::Pos => "+",
                    UnaryOp::Invert => "~",
                    UnaryOp::Not => "not",
                };
                let tn = self.type_name(&a);
                return self.err(
                    "TypeError",
                    format!("bad operand type for unary {sym}: '{tn}'"),
                );
            }
        })
    }

    /// Binary operator on any values.
    pub fn binop(&mut self, op: BinOp, a: Value, b: Value, inplace: bool) -> PyResult<Value> {
        match num::binop(op, &a, &b) {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err((cls, msg)) => return self.err(cls, msg),
        }
        match (op, &a, &b) {
            (BinOp::Add, Value::Str(x), Value::Str(y)) => {
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                return Ok(Value::str(&s));
            }
            (BinOp::Add, Value::List(x), Value::List(y)) => {
                if inplace {
                    let ys = y.borrow().clone();
                    x.borrow_mut().extend(ys);
                    return Ok(a.clone());
                }
                let mut v = x.borrow().clone();
                v.extend(y.borrow().iter().cloned());
                return Ok(Value::list(v));
            }
            (BinOp::Add, Value::List(x), _) if inplace => {
                let items = self.collect(&b)?;
                x.borrow_mut().extend(items);
                return Ok(a.clone());
            }
            (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
                let mut v = x.to_vec();
                v.extend(y.iter().cloned());
                return Ok(Value::tuple(v));
            }
            (
                BinOp::Mul,
                Value::Str(_) | Value::List(_) | Value::Tuple(_),
                Value::Int(_) | Value::Bool(_),
            )
            | (
                BinOp::Mul,
                Value::Int(_) | Value::Bool(_),
                Value::Str(_) | Value::List(_) | Value::Tuple(_),
            ) => {
                let (s, n) = if matches!(a, Value::Int(_) | Value::Bool(_)) {
                    (&b, &a)
                } else {
                    (&a, &b)
                };
                let n = match n {
                    Value::Int(i) => (*i).max(0) as usize,
                    Value::Bool(x) => *x as usize,
                    _ => 0,
                };
                return match s {
                    Value::Str(x) => {
                        self.check_alloc(x.len().saturating_mul(n) as u64)?;
                        Ok(Value::str(&x.repeat(n)))
                    }
                    Value::List(l) => {
                        let l = l.borrow();
                        self.check_alloc(l.len().saturating_mul(n) as u64)?;
                        let mut v = Vec::with_capacity(l.len() * n);
                        for _ in 0..n {
                            v.extend(l.iter().cloned());
                        }
                        Ok(Value::list(v))
                    }
                    Value::Tuple(t) => {
                        let mut v = Vec::with_capacity(t.len() * n);
                        for _ in 0..n {
                            v.extend(t.iter().cloned());
                        }
                        Ok(Value::tuple(v))
                    }
                    _ => Ok(Value::None),
                };
            }
            (BinOp::Mod, Value::Str(f), _) => return super::format::percent_format(self, f, &b),
            (
                BinOp::Sub | BinOp::BitOr | BinOp::BitAnd | BinOp::BitXor,
                Value::Set(x),
                Value::Set(y),
            ) => {
                return Ok(match super::pyset::operate(op, x, y, inplace) {
                    // In place (`s |= t`), CPython changes `s` itself: other names for it see it.
                    None => a.clone(),
                    Some(r) => Value::Set(Rc::new(RefCell::new(r))),
                });
            }
            (BinOp::BitOr, Value::Dict(x), Value::Dict(y)) => {
                let mut d = x.borrow().clone();
                for (k, v) in y.borrow().iter() {
                    d.insert(k.clone(), v.clone());
                }
                return Ok(Value::Dict(Rc::new(RefCell::new(d))));
            }
            _ => {}
        }
        if let Value::Instance(i) = &a {
            let m = dunder(op);
            if let Some(f) = i.class.lookup(m) {
                return self.call_sync(&f, vec![a.clone(), b], vec![]);
            }
        }
        let (ta, tb) = (self.type_name(&a), self.type_name(&b));
        let sym = op_symbol(op);
        if op == BinOp::Mul && matches!(a, Value::Str(_) | Value::List(_) | Value::Tuple(_)) {
            return self.err(
                "TypeError",
                format!("can't multiply sequence by non-int of type '{tb}'"),
            );
        }
        if op == BinOp::Add && ta == "str" {
            return self.err(
                "TypeError",
                format!("can only concatenate str (not \"{tb}\") to str"),
            );
        }
        if op == BinOp::Add && ta == "list" {
            return self.err(
                "TypeError",
                format!("can only concatenate list (not \"{tb}\") to list"),
            );
        }
        let sym = if inplace {
            format!("{sym}=")
        } else {
            sym.to_string()
        };
        self.err(
            "TypeError",
            format!("unsupported operand type(s) for {sym}: '{ta}' and '{tb}'"),
        )
    }

    /// Equality with `__eq__` on instances.
    pub fn eq(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        match (a, b) {
            (Value::Instance(i), _) => {
                if let Some(f) = i.class.lookup("__eq__") {
                    let r = self.call_sync(&f, vec![a.clone(), b.clone()], vec![])?;
                    return self.truthy(&r);
                }
                Ok(a.identity() == b.identity())
            }
            (Value::List(x), Value::List(y)) => {
                let (x, y) = (x.borrow().clone(), y.borrow().clone());
                self.seq_eq(&x, &y)
            }
            (Value::Tuple(x), Value::Tuple(y)) => {
                let (x, y) = (x.clone(), y.clone());
                self.seq_eq(&x, &y)
            }
            (Value::Method(x), Value::Method(y)) => {
                Ok(x.0.identity() == y.0.identity() && x.1.identity() == y.1.identity())
            }
            _ => Ok(a.py_eq_simple(b)),
        }
    }

    pub(super) fn seq_eq(&mut self, x: &[Value], y: &[Value]) -> PyResult<bool> {
        if x.len() != y.len() {
            return Ok(false);
        }
        for (p, q) in x.iter().zip(y.iter()) {
            if !self.eq(p, q)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Ordering comparison `a < b` etc.; TypeError when unordered.
    pub fn less(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<bool> {
        use std::cmp::Ordering::*;
        let ord = match (a, b) {
            (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
            (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) => {
                let x = self.collect(a)?;
                let y = self.collect(b)?;
                for (p, q) in x.iter().zip(y.iter()) {
                    if !self.eq(p, q)? {
                        return self.less(op, p, q);
                    }
                }
                Some(x.len().cmp(&y.len()))
            }
            (Value::Instance(i), _) => {
                let m = match op {
                    CmpOp::Lt => "__lt__",
                    CmpOp::Le => "__le__",
                    CmpOp::Gt => "__gt__",
                    _ => "__ge__",
                };
                if let Some(f) = i.class.lookup(m) {
                    let r = self.call_sync(&f, vec![a.clone(), b.clone()], vec![])?;
                    return self.truthy(&r);
                }
                None
            }
            (Value::Float(x), _) | (_, Value::Float(x))
                if x.is_nan() && num::to_f64(a).is_some() && num::to_f64(b).is_some() =>
            {
                return Ok(false)
            }
            _ => num::num_cmp(a, b),
        };
        match ord {
            Some(o) => Ok(match op {
                CmpOp::Lt => o == Less,
                CmpOp::Le => o != Greater,
                CmpOp::Gt => o == Greater,
                _ => o != Less,
            }),
            None => {
                let sym = match op {
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    _ => ">=",
                };
                let (ta, tb) = (self.type_name(a), self.type_name(b));
                self.err(
                    "TypeError",
                    format!("'{sym}' not supported between instances of '{ta}' and '{tb}'"),
                )
            }
        }
    }

    pub(super) fn compare(&mut self, c: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        Ok(Value::Bool(match c {
            CmpOp::Eq => self.eq(a, b)?,
            CmpOp::Ne => !self.eq(a, b)?,
            CmpOp::Is => is_same(a, b),
            CmpOp::IsNot => !is_same(a, b),
            CmpOp::In => self.contains(b, a)?,
            CmpOp::NotIn => !self.contains(b, a)?,
            _ => self.less(c, a, b)?,
        }))
    }

    /// `x in container`.
    pub fn contains(&mut self, container: &Value, x: &Value) -> PyResult<bool> {
        match container {
            Value::Str(s) => match x {
                Value::Str(sub) => Ok(s.contains(&**sub)),
                _ => self.err(
                    "TypeError",
                    format!(
                        "'in <string>' requires string as left operand, not {}",
                        self.type_name(x)
                    ),
                ),
            },
            Value::Dict(d) => {
                self.check_hashable(x)?;
                Ok(d.borrow().contains_key(&Key(x.clone())))
            }
            Value::Set(d) => {
                self.check_hashable(x)?;
                Ok(d.borrow().contains_key(&Key(x.clone())))
            }
            Value::View(v) if v.0 == ViewKind::Keys => {
                self.check_hashable(x)?;
                Ok(v.1.borrow().contains_key(&Key(x.clone())))
            }
            Value::Range(r) => Ok(match x {
                Value::Int(i) => {
                    let (s, e, st) = **r;
                    (if st > 0 {
                        *i >= s && *i < e
                    } else {
                        *i <= s && *i > e
                    }) && (i - s) % st == 0
                }
                _ => false,
            }),
            Value::Instance(i) if i.class.lookup("__contains__").is_some() => {
                let f = self.get_attr(container, "__contains__")?;
                let r = self.call_sync(&f, vec![x.clone()], vec![])?;
                self.truthy(&r)
            }
            _ => {
                let items = self.collect(container)?;
                for it in &items {
                    if self.eq(it, x)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }

    pub(super) fn format_value(
        &mut self,
        v: Value,
        conv: u32,
        spec: Option<Value>,
    ) -> PyResult<Value> {
        let v = match char::from_u32(conv).unwrap_or(' ') {
            'r' => Value::str(&self.repr(&v)?),
            's' => Value::str(&self.py_str(&v)?),
            'a' => Value::str(&self.repr(&v)?),
            _ => v,
        };
        let spec = match spec {
            Some(Value::Str(s)) => s,
            _ => Rc::from(""),
        };
        let s = super::format::format_spec(self, &v, &spec)?;
        Ok(Value::str(&s))
    }

    /// `repr(v)`.
    pub fn repr(&mut self, v: &Value) -> PyResult<String> {
        super::format::repr(self, v)
    }

    /// `str(v)`.
    pub fn py_str(&mut self, v: &Value) -> PyResult<String> {
        match v {
            Value::Str(s) => Ok(s.to_string()),
            _ => super::format::to_str(self, v),
        }
    }
}

fn op_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "** or pow()",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::BitAnd => "&",
    }
}

fn dunder(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "__add__",
        BinOp::Sub => "__sub__",
        BinOp::Mul => "__mul__",
        BinOp::Div => "__truediv__",
        BinOp::FloorDiv => "__floordiv__",
        BinOp::Mod => "__mod__",
        BinOp::Pow => "__pow__",
        BinOp::LShift => "__lshift__",
        BinOp::RShift => "__rshift__",
        BinOp::BitOr => "__or__",
        BinOp::BitXor => "__xor__",
        BinOp::BitAnd => "__and__",
    }
}

fn is_same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        _ => a.identity() != 0 && a.identity() == b.identity(),
    }
}
