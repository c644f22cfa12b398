//! The bytecode VM: an explicit frame stack (no Rust recursion per Python call), exceptions, coroutines that suspend by saving frames.

use std::cell::RefCell;
use std::rc::Rc;

use super::code::{Code, Op};
use super::ir::{BinOp, CmpOp};
use super::value::*;

use super::limits::{Limits, MAX_NATIVE_DEPTH};

/// A Python result: the error is a raised exception instance.
pub type PyResult<T> = Result<T, Value>;

/// One activation record.
#[derive(Debug)]
pub struct Frame {
    pub code: Rc<Code>,
    pub ip: usize,
    pub stack: Vec<Value>,
    pub locals: Vec<Value>,
    pub cells: Vec<Rc<RefCell<Value>>>,
    pub blocks: Vec<Block>,
    pub globals: Rc<RefCell<Attrs>>,
    /// Class-body namespace.
    pub ns: Option<Rc<RefCell<Attrs>>>,
    pub kind: FrameKind,
    /// The exception being handled (for bare `raise` and implicit chaining).
    pub handling: Option<Value>,
}

/// What happens when a frame returns.
#[derive(Debug, Clone)]
pub enum FrameKind {
    Normal,
    /// `__init__` of a new instance: the instance is the call's value.
    Init(Value),
    /// The outermost frame of a coroutine driven by `send`/`throw`.
    CoroBase(Rc<Coro>),
    /// A coroutine awaited inline by the frame below.
    Awaited(Rc<Coro>),
    /// A class body: builds the class on return.
    ClassBody(Rc<str>, Option<Rc<Class>>),
    /// A call made from Rust: `run` returns when this frame returns.
    Boundary,
}

/// A try block.
#[derive(Debug, Clone)]
pub struct Block {
    pub handler: u32,
    pub depth: u32,
    pub kind: BlockKind,
}

/// Kinds of try blocks.
#[derive(Debug, Clone)]
pub enum BlockKind {
    Except,
    /// Restores the previously handled exception when left by an exception.
    Cleanup(Option<Value>),
}

/// What driving a coroutine from Rust produced.
pub enum Drive {
    Yielded(Value),
    /// The coroutine returned this value.
    Returned(Value),
    Raised(Value),
}

/// Outcome of starting a call.
pub enum Called {
    Value(Value),
    Pushed,
}

/// The interpreter state for one run.
pub struct Vm {
    pub frames: Vec<Frame>,
    pub out: String,
    /// The builtin exception classes (shared per thread, read-only).
    pub classes: Rc<Attrs>,
    pub modules: Attrs,
    /// The builtin namespace (shared per thread, read-only).
    pub builtins: Rc<Attrs>,
    /// What the program (and the loop's exception handler) wrote to stderr.
    pub err: String,
    /// The interpreter's own handle, for loop callbacks that re-enter it later.
    pub me: std::rc::Weak<RefCell<Vm>>,
    /// Virtual CPU cost per operation in nanoseconds (0: free).
    pub cpu_cost_ns: u64,
    /// Calls from Rust into Python currently nested.
    pub native_depth: u32,
    /// Every instance and closure cell made in this run, so teardown can break reference cycles.
    pub made_instances: Vec<std::rc::Weak<Instance>>,
    pub made_cells: Vec<std::rc::Weak<RefCell<Value>>>,
    pub made_classes: Vec<std::rc::Weak<Class>>,
    /// Coroutines made this run: a run stopped mid-step (a budget, a
    /// failure) leaves suspended frames whose values can form cycles.
    pub made_coros: Vec<std::rc::Weak<Coro>>,
    /// The Rust halves of this run's tasks: a task stopped mid-run (a budget,
    /// a failure) still holds its own join handle, which holds the task.
    pub made_slots: Vec<std::rc::Weak<super::aio::TaskSlot>>,
    /// Source line where the program last suspended or returned (where a step's CPU cost is charged).
    pub suspend_line: u32,
    /// Frames CPython would have below the current Rust entry (asyncio's own), for the recursion limit.
    pub depth_offset: usize,
    pub ops: u64,
    pub op_budget: u64,
    /// Set when the op budget or another hazard stopped the run.
    pub hazard: Option<String>,
    /// The line that was running when `hazard` was set.
    pub hazard_line: u32,
    pub source: Rc<str>,
    /// The scenario's file name, for hazard locations.
    pub path: Rc<str>,
    /// The asyncio prelude image this run imported (shared per thread; see `modules.rs`).
    pub prelude: Option<Rc<super::modules::PreludeImage>>,
    /// Emptied value vectors of returned frames, reused for the next call's
    /// arguments, locals and stack: a call then allocates nothing.
    vec_pool: Vec<Vec<Value>>,
    /// The allocation, output and recursion budgets.
    pub limits: Limits,
    /// The exception being propagated was re-raised by the end of a `finally`,
    /// an `except` chain that did not match, or a `with` that did not suppress
    /// it (CPython's RERAISE): its traceback already has this frame's line.
    reraised: bool,
    /// The frame `drive` runs a coroutine above (its sentinel), while it does.
    driver_base: Option<usize>,
}

/// Vectors kept for reuse, and the largest capacity worth keeping.
const VEC_POOL_MAX: usize = 64;
const VEC_POOL_CAP: usize = 256;

impl Vm {
    /// A fresh interpreter.
    pub fn new(path: Rc<str>, source: Rc<str>) -> Vm {
        let (builtins, classes) = super::builtins::shared();
        Vm {
            frames: Vec::new(),
            out: String::new(),
            classes,
            modules: Attrs::default(),
            builtins,
            err: String::new(),
            me: std::rc::Weak::new(),
            cpu_cost_ns: 0,
            depth_offset: 0,
            native_depth: 0,
            made_instances: Vec::new(),
            made_cells: Vec::new(),
            made_coros: Vec::new(),
            made_slots: Vec::new(),
            made_classes: Vec::new(),
            suspend_line: 0,
            ops: 0,
            op_budget: 200_000_000,
            hazard: None,
            hazard_line: 0,
            source,
            path,
            prelude: None,
            vec_pool: Vec::new(),
            limits: Limits::default(),
            reraised: false,
            driver_base: None,
        }
    }

    // ---------- exceptions ----------

    /// Look up a builtin exception class.
    pub fn class(&self, name: &str) -> Rc<Class> {
        match self.classes.get(name) {
            Some(Value::Class(c)) => c.clone(),
            _ => match self.classes.get("Exception") {
                Some(Value::Class(c)) => c.clone(),
                _ => Rc::new(Class {
                    name: Rc::from(name),
                    base: None,
                    attrs: RefCell::new(Attrs::default()),
                    builtin: true,
                    attrs_hint: std::cell::Cell::new(0),
                }),
            },
        }
    }

    /// Make an exception instance of a builtin class with a message.
    pub fn exc(&self, class: &str, msg: impl Into<String>) -> Value {
        let msg = msg.into();
        let args = if msg.is_empty() && class != "KeyError" {
            vec![]
        } else {
            vec![Value::str(&msg)]
        };
        new_instance_with_args(self.class(class), args)
    }

    /// `Err` of a new builtin exception.
    pub fn err<T>(&self, class: &str, msg: impl Into<String>) -> PyResult<T> {
        Err(self.exc(class, msg))
    }

    /// `NameError` for a global or builtin `name` that is not bound, with
    /// the closest bound name as the traceback's suggestion.
    fn name_error<T>(&self, name: &str, globals: &Rc<RefCell<Attrs>>) -> PyResult<T> {
        let g = globals.borrow();
        let known = g.keys().chain(self.builtins.keys()).map(|k| &**k);
        self.err_missing(
            "NameError",
            format!("name '{name}' is not defined"),
            name,
            known,
        )
    }

    /// `Err` of a NameError or AttributeError for `name`, carrying the
    /// closest of `candidates` for the traceback's "Did you mean" (the
    /// candidates are visited in a fixed order, so the choice is too).
    pub fn err_missing<'a, T>(
        &self,
        class: &str,
        msg: String,
        name: &str,
        candidates: impl Iterator<Item = &'a str>,
    ) -> PyResult<T> {
        let exc = self.exc(class, msg);
        if let (Value::Instance(i), Some(s)) = (&exc, super::traceback::suggest(name, candidates)) {
            i.exc.borrow_mut().suggestion = Some(Rc::from(s));
        }
        Err(exc)
    }

    /// Is `v` an instance of the named builtin exception class (or a subclass)?
    pub fn is_exc(&self, v: &Value, class: &str) -> bool {
        match v {
            Value::Instance(i) => i.class.is_subclass(&self.class(class)),
            _ => false,
        }
    }

    // ---------- running ----------

    /// Run the module code to completion.
    pub fn run_module(&mut self, code: Rc<Code>, globals: Rc<RefCell<Attrs>>) -> PyResult<Value> {
        let nloc = code.local_names.len();
        let ncells = code.cell_names.len();
        self.frames.push(Frame {
            code,
            ip: 0,
            stack: Vec::with_capacity(16),
            locals: vec![Value::Undef; nloc],
            cells: (0..ncells)
                .map(|_| Rc::new(RefCell::new(Value::Undef)))
                .collect(),
            blocks: vec![],
            globals,
            ns: None,
            kind: FrameKind::Boundary,
            handling: None,
        });
        let base = self.frames.len() - 1;
        self.run(base)
    }

    /// Call a value from Rust and run it to completion (used by builtins that take callbacks).
    pub fn call_sync(
        &mut self,
        f: &Value,
        args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
    ) -> PyResult<Value> {
        // Each nested call from Rust uses Rust stack: bound it well below any thread's stack.
        if self.native_depth >= MAX_NATIVE_DEPTH {
            return self.err("RecursionError", "maximum recursion depth exceeded");
        }
        self.native_depth += 1;
        let r = self.call_sync_inner(f, args, kwargs);
        self.native_depth -= 1;
        r
    }

    fn call_sync_inner(
        &mut self,
        f: &Value,
        args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
    ) -> PyResult<Value> {
        let base = self.frames.len();
        match self.call(f.clone(), args, kwargs)? {
            Called::Value(v) => Ok(v),
            Called::Pushed => {
                let top = self.frames.len() - 1;
                // The frame we pushed must hand its value back to us, not to the frame below.
                match &self.frames[top].kind {
                    FrameKind::Normal => self.frames[top].kind = FrameKind::Boundary,
                    FrameKind::Init(inst) => {
                        let inst = inst.clone();
                        self.frames[top].kind = FrameKind::Boundary;
                        self.run(base)?;
                        note_init_size(&inst);
                        return Ok(inst);
                    }
                    _ => {}
                }
                self.run(base)
            }
        }
    }

    fn push_err_frame_line(&self) -> u32 {
        self.frames
            .last()
            .map(|f| {
                f.code
                    .lines
                    .get(f.ip.saturating_sub(1))
                    .copied()
                    .unwrap_or(0)
            })
            .unwrap_or(0)
    }

    /// Run until the frame at index `base` returns.
    fn run(&mut self, base: usize) -> PyResult<Value> {
        loop {
            match self.step_loop(base) {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => {}
                Err(exc) => {
                    if let Some(v) = self.unwind(exc, base)? {
                        return Ok(v);
                    }
                }
            }
        }
    }

    /// Propagate an exception: find a handler (Ok(None)) or leave `base` (Err).
    fn unwind(&mut self, exc: Value, base: usize) -> PyResult<Option<Value>> {
        let mut first = true;
        let reraised = std::mem::take(&mut self.reraised);
        loop {
            let Some(f) = self.frames.last_mut() else {
                return Err(exc);
            };
            if !first || !f.code.hidden {
                if let Value::Instance(inst) = &exc {
                    // A re-raise's frame is already in the traceback.
                    let listed = first && reraised;
                    if !f.code.hidden && !listed {
                        let line = f
                            .code
                            .lines
                            .get(f.ip.saturating_sub(1))
                            .copied()
                            .unwrap_or(0);
                        inst.exc.borrow_mut().tb.push((
                            f.code.file.clone(),
                            line,
                            f.code.name.clone(),
                        ));
                    }
                }
            }
            first = false;
            let hazard = self.hazard.is_some();
            let f = self.frames.last_mut().expect("frame present");
            while let Some(b) = f.blocks.pop() {
                f.stack.truncate(b.depth as usize);
                match b.kind {
                    BlockKind::Cleanup(prev) => f.handling = prev,
                    BlockKind::Except if hazard => {}
                    BlockKind::Except => {
                        f.stack.push(exc);
                        f.ip = b.handler as usize;
                        return Ok(None);
                    }
                }
            }
            let idx = self.frames.len() - 1;
            let frame = self.frames.pop().expect("frame present");
            match &frame.kind {
                FrameKind::CoroBase(c) | FrameKind::Awaited(c) => c.state.set(CoroState::Done),
                _ => {}
            }
            if idx == base || matches!(frame.kind, FrameKind::Boundary) {
                return Err(exc);
            }
        }
    }

    /// The exception being handled, as CPython's per-thread exc_info sees it (innermost handler first).
    fn handled(&self) -> Option<Value> {
        self.frames.iter().rev().find_map(|f| f.handling.clone())
    }

    pub(super) fn set_context(&self, exc: &Value) {
        if let (Value::Instance(i), Some(h)) = (exc, self.handled()) {
            if h.identity() != exc.identity() {
                let mut e = i.exc.borrow_mut();
                if e.context.is_none() {
                    e.context = Some(h);
                }
            }
        }
    }

    /// Execute instructions; Ok(Some) when the base frame returns, Err on a raise.
    fn step_loop(&mut self, base: usize) -> PyResult<Option<Value>> {
        loop {
            let fi = self.frames.len() - 1;
            let f = &mut self.frames[fi];
            let op = f.code.ops[f.ip];
            f.ip += 1;
            self.ops += 1;
            match op {
                Op::Const(i) => {
                    let v = fast_clone(&f.code.consts[i as usize]);
                    f.stack.push(v);
                }
                Op::LoadFast(i) => {
                    let v = &f.locals[i as usize];
                    if let Value::Undef = v {
                        let n = f.code.local_names[i as usize].clone();
                        return self.err(
                            "UnboundLocalError",
                            format!("cannot access local variable '{n}' where it is not associated with a value"),
                        );
                    }
                    let v = fast_clone(v);
                    f.stack.push(v);
                }
                Op::StoreFast(i) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let old = std::mem::replace(&mut f.locals[i as usize], v);
                    fast_drop(old);
                }
                Op::DelFast(i) => f.locals[i as usize] = Value::Undef,
                Op::LoadDeref(i) => {
                    let v = f.cells[i as usize].borrow().clone();
                    if let Value::Undef = v {
                        let n = f.code.cell_names[i as usize].clone();
                        return self.err(
                            "NameError",
                            format!("cannot access free variable '{n}' where it is not associated with a value in enclosing scope"),
                        );
                    }
                    f.stack.push(v);
                }
                Op::StoreDeref(i) => {
                    let v = f.stack.pop().unwrap_or_default();
                    *f.cells[i as usize].borrow_mut() = v;
                }
                Op::LoadCell(i) => {
                    let c = f.cells[i as usize].clone();
                    f.stack.push(Value::Cell(c));
                }
                Op::LoadGlobal(i) => {
                    let code = &f.code;
                    let name = &code.names[i as usize];
                    let cache = &code.gcache[i as usize];
                    let g = f.globals.borrow();
                    let cached = g
                        .get_index(cache.get() as usize)
                        .filter(|(k, _)| Rc::ptr_eq(k, name) || ***k == **name)
                        .map(|(_, v)| v.clone());
                    let found = match cached {
                        Some(v) => Some(v),
                        None => g.get_full(&**name).map(|(idx, _, v)| {
                            cache.set(idx as u32);
                            v.clone()
                        }),
                    };
                    drop(g);
                    let v = match found {
                        Some(v) if !matches!(v, Value::Undef) => v,
                        _ => match self.builtins.get(name) {
                            Some(v) => v.clone(),
                            None => {
                                let (name, g) = (name.clone(), f.globals.clone());
                                return self.name_error(&name, &g);
                            }
                        },
                    };
                    self.frames[fi].stack.push(v);
                }
                Op::StoreGlobal(i) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let code = &f.code;
                    let name = &code.names[i as usize];
                    let cache = &code.gcache[i as usize];
                    let mut g = f.globals.borrow_mut();
                    match g.get_index_mut(cache.get() as usize) {
                        Some((k, slot)) if Rc::ptr_eq(k, name) || **k == **name => *slot = v,
                        _ => {
                            let (idx, _) = g.insert_full(name.clone(), v);
                            cache.set(idx as u32);
                        }
                    }
                }
                Op::DelGlobal(i) => {
                    let name = f.code.names[i as usize].clone();
                    f.globals.borrow_mut().insert(name, Value::Undef);
                }
                Op::LoadName(i) => {
                    let name = f.code.names[i as usize].clone();
                    let mut v = f.ns.as_ref().and_then(|ns| ns.borrow().get(&name).cloned());
                    if v.is_none() {
                        v = f
                            .globals
                            .borrow()
                            .get(&name)
                            .cloned()
                            .filter(|v| !matches!(v, Value::Undef));
                    }
                    let v = match v.or_else(|| self.builtins.get(&name).cloned()) {
                        Some(v) => v,
                        None => {
                            let g = f.globals.clone();
                            return self.name_error(&name, &g);
                        }
                    };
                    self.frames[fi].stack.push(v);
                }
                Op::StoreName(i) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let name = f.code.names[i as usize].clone();
                    match &f.ns {
                        Some(ns) => ns.borrow_mut().insert(name, v),
                        None => f.globals.borrow_mut().insert(name, v),
                    };
                }
                Op::LoadAttr(i) => {
                    let name = f.code.names[i as usize].clone();
                    let o = f.stack.pop().unwrap_or_default();
                    let v = self.get_attr(&o, &name)?;
                    self.frames[fi].stack.push(v);
                }
                Op::StoreAttr(i) => {
                    let name = f.code.names[i as usize].clone();
                    let o = f.stack.pop().unwrap_or_default();
                    let v = f.stack.pop().unwrap_or_default();
                    self.set_attr(&o, name, v)?;
                }
                Op::DelAttr(i) => {
                    let name = f.code.names[i as usize].clone();
                    let o = f.stack.pop().unwrap_or_default();
                    if let Value::Instance(inst) = &o {
                        if inst.attrs.borrow_mut().shift_remove(&name).is_none() {
                            return self.err(
                                "AttributeError",
                                format!("'{}' object has no attribute '{name}'", inst.class.name),
                            );
                        }
                    }
                }
                Op::LoadSubscr => {
                    let i = f.stack.pop().unwrap_or_default();
                    let o = f.stack.pop().unwrap_or_default();
                    if let (Value::List(l), Value::Int(k)) = (&o, &i) {
                        let l = l.borrow();
                        let n = l.len() as i64;
                        let k = if *k < 0 { k + n } else { *k };
                        if k >= 0 && k < n {
                            let v = l[k as usize].clone();
                            drop(l);
                            self.frames[fi].stack.push(v);
                            continue;
                        }
                    }
                    let v = super::subscript::getitem(self, &o, &i)?;
                    self.frames[fi].stack.push(v);
                }
                Op::StoreSubscr => {
                    let i = f.stack.pop().unwrap_or_default();
                    let o = f.stack.pop().unwrap_or_default();
                    let v = f.stack.pop().unwrap_or_default();
                    super::subscript::setitem(self, &o, i, v)?;
                }
                Op::DelSubscr => {
                    let i = f.stack.pop().unwrap_or_default();
                    let o = f.stack.pop().unwrap_or_default();
                    super::subscript::delitem(self, &o, &i)?;
                }
                Op::Pop => {
                    f.stack.pop();
                }
                Op::Dup => {
                    let v = f.stack.last().cloned().unwrap_or_default();
                    f.stack.push(v);
                }
                Op::Dup2 => {
                    let n = f.stack.len();
                    let a = f.stack[n - 2].clone();
                    let b = f.stack[n - 1].clone();
                    f.stack.push(a);
                    f.stack.push(b);
                }
                Op::Rot2 => {
                    let n = f.stack.len();
                    f.stack.swap(n - 1, n - 2);
                }
                Op::Rot3 => {
                    let v = f.stack.pop().unwrap_or_default();
                    let n = f.stack.len();
                    f.stack.insert(n - 2, v);
                }
                Op::Bin(bop) | Op::InplaceBin(bop) => {
                    let b = f.stack.pop().unwrap_or_default();
                    let a = f.stack.pop().unwrap_or_default();
                    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                        let (x, y) = (*x, *y);
                        let r = match bop {
                            BinOp::Add => x.checked_add(y),
                            BinOp::Sub => x.checked_sub(y),
                            BinOp::Mul => x.checked_mul(y),
                            BinOp::Mod if y > 0 && x >= 0 => Some(x % y),
                            BinOp::FloorDiv if y > 0 && x >= 0 => Some(x / y),
                            _ => None,
                        };
                        if let Some(r) = r {
                            std::mem::forget(a);
                            std::mem::forget(b);
                            f.stack.push(Value::Int(r));
                            continue;
                        }
                    }
                    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                        let r = match bop {
                            BinOp::Add => x.checked_add(*y),
                            BinOp::Sub => x.checked_sub(*y),
                            BinOp::Mul => x.checked_mul(*y),
                            BinOp::Mod if *y > 0 && *x >= 0 => Some(x % y),
                            BinOp::FloorDiv if *y > 0 && *x >= 0 => Some(x / y),
                            _ => None,
                        };
                        if let Some(r) = r {
                            f.stack.push(Value::Int(r));
                            continue;
                        }
                    }
                    let inplace = matches!(op, Op::InplaceBin(_));
                    let v = self.binop(bop, a, b, inplace)?;
                    self.frames[fi].stack.push(v);
                }
                Op::Unary(u) => {
                    let a = f.stack.pop().unwrap_or_default();
                    let v = self.unary(u, a)?;
                    self.frames[fi].stack.push(v);
                }
                Op::Cmp(c) => {
                    let b = f.stack.pop().unwrap_or_default();
                    let a = f.stack.pop().unwrap_or_default();
                    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                        let (x, y) = (*x, *y);
                        let r = match c {
                            CmpOp::Lt => Some(x < y),
                            CmpOp::Le => Some(x <= y),
                            CmpOp::Gt => Some(x > y),
                            CmpOp::Ge => Some(x >= y),
                            CmpOp::Eq => Some(x == y),
                            CmpOp::Ne => Some(x != y),
                            _ => None,
                        };
                        if let Some(r) = r {
                            f.stack.push(Value::Bool(r));
                            continue;
                        }
                    }
                    let v = self.compare(c, &a, &b)?;
                    self.frames[fi].stack.push(v);
                }
                Op::Jump(t) => {
                    if (t as usize) < f.ip && self.ops > self.op_budget {
                        return self.budget_exceeded();
                    }
                    f.ip = t as usize;
                }
                Op::JumpIfFalse(t) => {
                    let v = f.stack.pop().unwrap_or_default();
                    if let Value::Bool(b) = v {
                        std::mem::forget(v);
                        if !b {
                            f.ip = t as usize;
                        }
                        continue;
                    }
                    let b = match v {
                        Value::Bool(b) => b,
                        other => self.truthy(&other)?,
                    };
                    if !b {
                        self.frames[fi].ip = t as usize;
                    }
                }
                Op::JumpIfTrue(t) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let b = match v {
                        Value::Bool(b) => b,
                        other => self.truthy(&other)?,
                    };
                    if b {
                        self.frames[fi].ip = t as usize;
                    }
                }
                Op::JumpIfFalseOrPop(t) | Op::JumpIfTrueOrPop(t) => {
                    let v = f.stack.last().cloned().unwrap_or_default();
                    let b = self.truthy(&v)?;
                    let f = &mut self.frames[fi];
                    if b == matches!(op, Op::JumpIfTrueOrPop(_)) {
                        f.ip = t as usize;
                    } else {
                        f.stack.pop();
                    }
                }
                Op::BuildList(n) => {
                    let at = f.stack.len() - n as usize;
                    let v: Vec<Value> = f.stack.drain(at..).collect();
                    f.stack.push(Value::list(v));
                }
                Op::BuildTuple(n) => {
                    let at = f.stack.len() - n as usize;
                    let v: Vec<Value> = f.stack.drain(at..).collect();
                    f.stack.push(Value::tuple(v));
                }
                Op::BuildSet(n) => {
                    let at = f.stack.len() - n as usize;
                    let v: Vec<Value> = f.stack.drain(at..).collect();
                    let s = super::builtins::set_from(v, self)?;
                    self.frames[fi].stack.push(s);
                }
                Op::BuildConstSet(n) => {
                    let at = f.stack.len() - n as usize;
                    let v: Vec<Value> = f.stack.drain(at..).collect();
                    let s = super::pyset::constant_display(v);
                    f.stack.push(Value::Set(Rc::new(RefCell::new(s))));
                }
                Op::BuildDict(n) => {
                    let at = f.stack.len() - 2 * n as usize;
                    let v: Vec<Value> = f.stack.drain(at..).collect();
                    let mut d = Dict::default();
                    let mut it = v.into_iter();
                    while let (Some(k), Some(x)) = (it.next(), it.next()) {
                        self.check_hashable(&k)?;
                        d.insert(Key(k), x);
                    }
                    self.frames[fi]
                        .stack
                        .push(Value::Dict(Rc::new(RefCell::new(d))));
                }
                Op::BuildSlice => {
                    let c = f.stack.pop().unwrap_or_default();
                    let b = f.stack.pop().unwrap_or_default();
                    let a = f.stack.pop().unwrap_or_default();
                    f.stack.push(Value::Slice(Rc::new([a, b, c])));
                }
                Op::ListAppend(d) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let n = f.stack.len();
                    if let Value::List(l) = &f.stack[n - d as usize] {
                        l.borrow_mut().push(v);
                    }
                }
                Op::SetAdd(d) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let n = f.stack.len();
                    let s = f.stack[n - d as usize].clone();
                    self.check_hashable(&v)?;
                    if let Value::Set(s) = s {
                        s.borrow_mut().add(v);
                    }
                }
                Op::MapAdd(d) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let k = f.stack.pop().unwrap_or_default();
                    let n = f.stack.len();
                    let m = f.stack[n + 1 - d as usize].clone();
                    self.check_hashable(&k)?;
                    if let Value::Dict(m) = m {
                        m.borrow_mut().insert(Key(k), v);
                    }
                }
                Op::ListExtend => {
                    let it = f.stack.pop().unwrap_or_default();
                    let items = self.collect(&it)?;
                    if let Some(Value::List(l)) = self.frames[fi].stack.last() {
                        l.borrow_mut().extend(items);
                    }
                }
                Op::ListToTuple => {
                    if let Some(Value::List(l)) = f.stack.pop() {
                        let v = l.borrow().clone();
                        f.stack.push(Value::tuple(v));
                    }
                }
                Op::UnpackSeq(n) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let items = self.collect(&v)?;
                    if items.len() != n as usize {
                        return if items.len() > n as usize {
                            self.err(
                                "ValueError",
                                format!("too many values to unpack (expected {n})"),
                            )
                        } else {
                            self.err(
                                "ValueError",
                                format!(
                                    "not enough values to unpack (expected {n}, got {})",
                                    items.len()
                                ),
                            )
                        };
                    }
                    self.frames[fi].stack.extend(items.into_iter().rev());
                }
                Op::UnpackEx(before, after) => {
                    let v = f.stack.pop().unwrap_or_default();
                    let mut items = self.collect(&v)?;
                    let (b, a) = (before as usize, after as usize);
                    if items.len() < b + a {
                        return self.err(
                            "ValueError",
                            format!(
                                "not enough values to unpack (expected at least {}, got {})",
                                b + a,
                                items.len()
                            ),
                        );
                    }
                    let tail = items.split_off(items.len() - a);
                    let mid = items.split_off(b);
                    let st = &mut self.frames[fi].stack;
                    st.extend(tail.into_iter().rev());
                    st.push(Value::list(mid));
                    st.extend(items.into_iter().rev());
                }
                Op::GetIter => {
                    let v = f.stack.pop().unwrap_or_default();
                    let it = self.iter(v)?;
                    self.frames[fi].stack.push(it);
                }
                Op::ForIter(t) => {
                    let next = match f.stack.last() {
                        Some(Value::Iter(it)) => it.borrow_mut().advance(),
                        _ => None,
                    };
                    match next {
                        Some(v) => f.stack.push(v),
                        None => {
                            f.stack.pop();
                            f.ip = t as usize;
                        }
                    }
                }
                Op::Call(n) => {
                    let at = f.stack.len() - n as usize;
                    let mut args = self.vec_pool.pop().unwrap_or_default();
                    args.extend(f.stack.drain(at..));
                    let func = f.stack.pop().unwrap_or_default();
                    self.do_call(fi, func, args, vec![])?;
                }
                Op::CallKw(n, k) => {
                    let names = match &f.code.consts[k as usize] {
                        Value::Tuple(t) => t.clone(),
                        _ => Rc::from(vec![]),
                    };
                    let nk = names.len();
                    let at = f.stack.len() - nk;
                    let kwv: Vec<Value> = f.stack.drain(at..).collect();
                    let at = f.stack.len() - n as usize;
                    let args: Vec<Value> = f.stack.drain(at..).collect();
                    let func = f.stack.pop().unwrap_or_default();
                    let kwargs = names.iter().zip(kwv).map(|(n, v)| (str_of(n), v)).collect();
                    self.do_call(fi, func, args, kwargs)?;
                }
                Op::CallEx(k) => {
                    let mut kwargs = vec![];
                    if k != u32::MAX {
                        let names = match &f.code.consts[k as usize] {
                            Value::Tuple(t) => t.clone(),
                            _ => Rc::from(vec![]),
                        };
                        let at = f.stack.len() - names.len();
                        let kwv: Vec<Value> = f.stack.drain(at..).collect();
                        kwargs = names.iter().zip(kwv).map(|(n, v)| (str_of(n), v)).collect();
                    }
                    let args = match f.stack.pop() {
                        Some(Value::List(l)) => l.borrow().clone(),
                        _ => vec![],
                    };
                    let func = f.stack.pop().unwrap_or_default();
                    self.do_call(fi, func, args, kwargs)?;
                }
                Op::CallMethod(name, n) => {
                    let name = f.code.names[name as usize].clone();
                    let at = f.stack.len() - n as usize;
                    let mut args = self.vec_pool.pop().unwrap_or_default();
                    args.extend(f.stack.drain(at..));
                    let obj = f.stack.pop().unwrap_or_default();
                    self.call_method(fi, obj, &name, args)?;
                }
                Op::MakeFunction(ci, flags) => {
                    let code = f.code.codes[ci as usize].clone();
                    let closure = if flags & 4 != 0 {
                        tuple_items(f.stack.pop())
                    } else {
                        vec![]
                    };
                    let kwd = if flags & 2 != 0 {
                        tuple_items(f.stack.pop())
                    } else {
                        vec![]
                    };
                    let defaults = if flags & 1 != 0 {
                        tuple_items(f.stack.pop())
                    } else {
                        vec![]
                    };
                    let closure = closure
                        .into_iter()
                        .map(|c| match c {
                            Value::Cell(c) => c,
                            _ => Rc::new(RefCell::new(Value::Undef)),
                        })
                        .collect();
                    let kwdefaults = code
                        .kwonly
                        .iter()
                        .cloned()
                        .zip(kwd)
                        .filter(|(_, v)| !matches!(v, Value::Undef))
                        .collect();
                    let func = Function {
                        code,
                        defaults,
                        kwdefaults,
                        closure,
                        globals: f.globals.clone(),
                        owner: RefCell::new(None),
                    };
                    f.stack.push(Value::Func(Rc::new(func)));
                }
                Op::BuildClass(ci, has_base) => {
                    let code = f.code.codes[ci as usize].clone();
                    let base = if has_base {
                        match f.stack.pop() {
                            Some(Value::Class(c)) => Some(c),
                            Some(Value::Builtin(Builtin("object"))) => None,
                            Some(other) => {
                                let tn = self.type_name(&other);
                                return self.err(
                                    "TypeError",
                                    format!("subclassing '{tn}' is not supported in scenarios; supported bases: user classes and exception classes"),
                                );
                            }
                            None => None,
                        }
                    } else {
                        None
                    };
                    let globals = f.globals.clone();
                    let closure: Vec<Rc<RefCell<Value>>> = code.cell_names[code.ncellvars..]
                        .iter()
                        .map(|n| match f.code.cell_names.iter().position(|m| m == n) {
                            Some(i) => f.cells[i].clone(),
                            None => Rc::new(RefCell::new(Value::Undef)),
                        })
                        .collect();
                    let mut cells: Vec<Rc<RefCell<Value>>> = (0..code.ncellvars)
                        .map(|_| Rc::new(RefCell::new(Value::Undef)))
                        .collect();
                    cells.extend(closure);
                    let name = code.name.clone();
                    self.push_frame(Frame {
                        code,
                        ip: 0,
                        stack: vec![],
                        locals: vec![],
                        cells,
                        blocks: vec![],
                        globals,
                        ns: Some(Rc::new(RefCell::new(Attrs::default()))),
                        kind: FrameKind::ClassBody(name, base),
                        handling: None,
                    })?;
                }
                Op::Return => {
                    if !f.code.hidden {
                        self.suspend_line = f.code.lines.get(f.ip - 1).copied().unwrap_or(0);
                    }
                    let f = &mut self.frames[fi];
                    let v = f.stack.pop().unwrap_or_default();
                    if let Some(v) = self.do_return(v, base)? {
                        return Ok(Some(v));
                    }
                }
                Op::Await => {
                    let v = f.stack.pop().unwrap_or_default();
                    self.await_value(v)?;
                }
                Op::SetupExcept(h) | Op::SetupFinally(h) => {
                    let depth = f.stack.len() as u32;
                    f.blocks.push(Block {
                        handler: h,
                        depth,
                        kind: BlockKind::Except,
                    });
                }
                Op::PopBlock => {
                    f.blocks.pop();
                }
                Op::PushExcInfo => {
                    let exc = f.stack.last().cloned();
                    let prev = std::mem::replace(&mut f.handling, exc);
                    let depth = f.stack.len() as u32 - 1;
                    f.blocks.push(Block {
                        handler: 0,
                        depth,
                        kind: BlockKind::Cleanup(prev),
                    });
                }
                Op::PopExcInfo => {
                    if let Some(Block {
                        kind: BlockKind::Cleanup(prev),
                        ..
                    }) = f.blocks.pop()
                    {
                        f.handling = prev;
                    }
                }
                Op::Raise(kind) => {
                    return Err(match kind {
                        0 => match self.handled() {
                            Some(e) => e,
                            None => self.exc("RuntimeError", "No active exception to reraise"),
                        },
                        1 => {
                            let e = f.stack.pop().unwrap_or_default();
                            let e = self.make_exc(e)?;
                            self.set_context(&e);
                            e
                        }
                        _ => {
                            let cause = f.stack.pop().unwrap_or_default();
                            let e = f.stack.pop().unwrap_or_default();
                            let e = self.make_exc(e)?;
                            let cause = if matches!(cause, Value::None) {
                                None
                            } else {
                                Some(self.make_exc(cause)?)
                            };
                            self.set_context(&e);
                            if let Value::Instance(i) = &e {
                                let mut x = i.exc.borrow_mut();
                                x.cause = cause;
                                x.suppress_context = true;
                            }
                            e
                        }
                    });
                }
                Op::Reraise => {
                    let e = f.stack.pop().unwrap_or_default();
                    self.reraised = true;
                    return Err(e);
                }
                Op::ExcMatch => {
                    let t = f.stack.pop().unwrap_or_default();
                    let e = f.stack.last().cloned().unwrap_or_default();
                    let m = self.exc_matches(&e, &t)?;
                    self.frames[fi].stack.push(Value::Bool(m));
                }
                Op::FormatValue(conv, has_spec) => {
                    let spec = if has_spec { f.stack.pop() } else { None };
                    let v = f.stack.pop().unwrap_or_default();
                    let s = self.format_value(v, conv, spec)?;
                    self.frames[fi].stack.push(s);
                }
                Op::BuildString(n) => {
                    let at = f.stack.len() - n as usize;
                    let mut s = String::new();
                    for v in f.stack.drain(at..) {
                        if let Value::Str(x) = v {
                            s.push_str(&x);
                        }
                    }
                    f.stack.push(Value::str(&s));
                }
                Op::ImportModule(i) => {
                    let name = f.code.names[i as usize].clone();
                    let m = self.import(&name)?;
                    self.frames[fi].stack.push(m);
                }
                Op::AssertFail(has_msg) => {
                    let args = if has_msg {
                        vec![f.stack.pop().unwrap_or_default()]
                    } else {
                        vec![]
                    };
                    return Err(new_instance_with_args(self.class("AssertionError"), args));
                }
            }
        }
    }

    fn budget_exceeded<T>(&mut self) -> PyResult<T> {
        // Name the line now: once the error unwinds, the frames are gone.
        self.hazard_line = self.current_line();
        self.hazard = Some(format!(
            "step budget exceeded: more than {} operations without reaching an await (runaway loop? raise --max-ops if not)",
            self.op_budget
        ));
        self.err("SystemExit", "step budget exceeded")
    }

    /// End of a run: break the reference cycles Python objects form (tasks and their wakeups, futures and
    /// their callbacks, functions and their globals, classes and their methods), so a run's objects die with it.
    pub fn teardown(&mut self, globals: &Rc<RefCell<Attrs>>) {
        self.frames.clear();
        for w in std::mem::take(&mut self.made_instances) {
            if let Some(i) = w.upgrade() {
                let attrs = std::mem::take(&mut *i.attrs.borrow_mut());
                let exc = std::mem::take(&mut *i.exc.borrow_mut());
                // A future's or task's map is kept for the next run's.
                super::future::recycle_attrs(attrs);
                drop(exc);
            }
        }
        for w in std::mem::take(&mut self.made_cells) {
            if let Some(c) = w.upgrade() {
                let v = std::mem::take(&mut *c.borrow_mut());
                drop(v);
            }
        }
        for w in std::mem::take(&mut self.made_coros) {
            if let Some(c) = w.upgrade() {
                let frames = std::mem::take(&mut *c.frames.borrow_mut());
                let awaiting = c.awaiting.borrow_mut().take();
                drop((frames, awaiting));
            }
        }
        for w in std::mem::take(&mut self.made_slots) {
            if let Some(s) = w.upgrade() {
                s.release();
            }
        }
        for w in std::mem::take(&mut self.made_classes) {
            if let Some(c) = w.upgrade() {
                let attrs = std::mem::take(&mut *c.attrs.borrow_mut());
                drop(attrs);
            }
        }
        let prelude = self.prelude.take();
        for m in std::mem::take(&mut self.modules).into_values() {
            // The prelude image outlives the run (its per-run state is rebound at the next import).
            if prelude.as_ref().is_some_and(|p| p.owns(&m)) {
                continue;
            }
            if let Value::Module(m) = m {
                let attrs = std::mem::take(&mut *m.attrs.borrow_mut());
                drop(attrs);
            }
        }
        let g = std::mem::take(&mut *globals.borrow_mut());
        drop(g);
    }

    /// A blocking call (`time.sleep`): the whole loop stands still while the
    /// virtual clock moves; a long one is a hazard naming the Python line.
    pub fn block(&mut self, ns: u64) {
        let at = format!("{}:{}", self.path, self.current_line());
        crate::sim::block_at(
            std::time::Duration::from_nanos(ns),
            "time.sleep, a blocking call (use `await asyncio.sleep`),",
            at,
        );
    }

    /// Reset the per-step operation budget (called by the loop at every task step).
    pub fn step_begin(&mut self) {
        self.ops = 0;
    }

    fn push_frame(&mut self, f: Frame) -> PyResult<()> {
        // CPython counts the frames asyncio itself keeps under a task step or callback: depth_offset.
        if self.frames.len() + self.depth_offset > self.limits.max_depth as usize {
            return self.err("RecursionError", "maximum recursion depth exceeded");
        }
        self.frames.push(f);
        Ok(())
    }

    fn do_return(&mut self, v: Value, base: usize) -> PyResult<Option<Value>> {
        let idx = self.frames.len() - 1;
        let mut frame = self.frames.pop().expect("frame");
        self.recycle(std::mem::take(&mut frame.stack));
        self.recycle(std::mem::take(&mut frame.locals));
        let v = match frame.kind {
            FrameKind::Normal => v,
            FrameKind::Boundary => return Ok(Some(v)),
            FrameKind::Init(inst) => {
                if !matches!(v, Value::None) {
                    return self.err(
                        "TypeError",
                        format!(
                            "__init__() should return None, not '{}'",
                            self.type_name(&v)
                        ),
                    );
                }
                note_init_size(&inst);
                inst
            }
            FrameKind::Awaited(c) => {
                c.state.set(CoroState::Done);
                v
            }
            FrameKind::CoroBase(c) if self.driver_base == Some(idx - 1) => {
                // Returning straight to `drive` (whose `run` has the sentinel
                // below as its base): the value goes back as it is, without
                // the StopIteration a Python caller would catch, and without
                // running the sentinel's `Return` (not the program's work).
                c.state.set(CoroState::Done);
                return Ok(Some(v));
            }
            FrameKind::CoroBase(c) => {
                c.state.set(CoroState::Done);
                let e = new_instance_with_args(self.class("StopIteration"), vec![v.clone()]);
                if let Value::Instance(i) = &e {
                    i.attrs.borrow_mut().insert(Rc::from("value"), v);
                }
                return Err(e);
            }
            FrameKind::ClassBody(name, base_cls) => {
                let ns = frame.ns.map(|n| n.borrow().clone()).unwrap_or_default();
                let cls = Rc::new(Class {
                    name,
                    base: base_cls,
                    attrs: RefCell::new(ns),
                    builtin: false,
                    attrs_hint: std::cell::Cell::new(0),
                });
                self.made_classes.push(Rc::downgrade(&cls));
                for v in cls.attrs.borrow().values() {
                    if let Value::Func(f) = v {
                        *f.owner.borrow_mut() = Some(cls.clone());
                    }
                }
                if let Some(c) = frame.cells.first() {
                    *c.borrow_mut() = Value::Class(cls.clone());
                }
                Value::Class(cls)
            }
        };
        if idx == base {
            return Ok(Some(v));
        }
        if let Some(f) = self.frames.last_mut() {
            f.stack.push(v);
        }
        Ok(None)
    }

    /// Suspend the running coroutine (up to its base frame), handing `y` to
    /// whoever resumed it; returns the coroutine.
    fn suspend(&mut self, y: Value) -> PyResult<Rc<Coro>> {
        let Some(b) = self
            .frames
            .iter()
            .rposition(|f| matches!(f.kind, FrameKind::CoroBase(_)))
        else {
            return self.err(
                "RuntimeError",
                "await outside of a task: use asyncio.run(main())",
            );
        };
        // Remember where the program suspended (for CPU-cost hazards reported after the step).
        if let Some(f) = self.frames.iter().rev().find(|f| !f.code.hidden) {
            self.suspend_line = f
                .code
                .lines
                .get(f.ip.saturating_sub(1))
                .copied()
                .unwrap_or(0);
        }
        let FrameKind::CoroBase(c) = &self.frames[b].kind else {
            return self.err("RuntimeError", "corrupt coroutine");
        };
        let c = c.clone();
        // Refill the vector the coroutine's last resumption emptied.
        let mut saved = std::mem::take(&mut *c.frames.borrow_mut());
        saved.clear();
        saved.extend(self.frames.drain(b..));
        c.state.set(CoroState::Suspended);
        *c.frames.borrow_mut() = saved;
        if let Some(f) = self.frames.last_mut() {
            f.stack.push(y);
        }
        Ok(c)
    }

    /// Does awaiting `inst` run the prelude's own `Future.__await__` (not a subclass's)?
    fn is_plain_future(&self, inst: &Instance) -> bool {
        let Some(own) = self.prelude.as_ref().and_then(|p| p.future_await.as_ref()) else {
            return false;
        };
        matches!(inst.class.lookup("__await__"), Some(Value::Func(f)) if Rc::ptr_eq(&f, own))
    }

    /// `await fut` as `Future.__await__` does it, without its coroutine: a
    /// done future gives its result at once; a pending one is yielded to the
    /// task (which waits for it), and the resumption gives its result
    /// (`resume_coro`).
    fn await_future(&mut self, fut: Value) -> PyResult<()> {
        if super::future::is_done(&fut) {
            return self.push_future_result(&fut);
        }
        super::future::set_blocking(&fut, true);
        let c = self.suspend(fut.clone())?;
        *c.awaiting.borrow_mut() = Some(fut);
        Ok(())
    }

    /// The value of `await fut` for a done future: its result on the awaiting frame's stack, or its exception.
    fn push_future_result(&mut self, fut: &Value) -> PyResult<()> {
        let r = super::future::result_of(self, fut)?;
        if let Some(f) = self.frames.last_mut() {
            f.stack.push(r);
        }
        Ok(())
    }

    fn await_value(&mut self, v: Value) -> PyResult<()> {
        if let Value::Coro(c) = &v {
            if let Some(req) = self.sleep_without_a_frame(c)? {
                return self.await_value(req);
            }
        }
        match v {
            Value::Coro(c) => {
                match c.state.get() {
                    CoroState::Created => {}
                    CoroState::Done => {
                        return self.err("RuntimeError", "cannot reuse already awaited coroutine")
                    }
                    _ => return self.err("RuntimeError", "coroutine is being awaited already"),
                }
                let mut frames = std::mem::take(&mut *c.frames.borrow_mut());
                if let Some(f) = frames.first_mut() {
                    f.kind = FrameKind::Awaited(c.clone());
                }
                c.state.set(CoroState::Running);
                for f in frames {
                    self.push_frame(f)?;
                }
                Ok(())
            }
            Value::YieldReq(y) => self.suspend((*y).clone()).map(drop),
            Value::Instance(ref inst) if self.is_plain_future(inst) => self.await_future(v),
            Value::Instance(_) => {
                let aw = self.get_attr(&v, "__await__")?;
                let c = self.call_sync(&aw, vec![], vec![])?;
                self.await_value(c)
            }
            other => {
                let tn = self.type_name(&other);
                self.err(
                    "TypeError",
                    format!("object {tn} can't be used in 'await' expression"),
                )
            }
        }
    }

    /// `await asyncio.sleep(d)` on a fresh coroutine of the prelude's `sleep`
    /// with the default `result`: its whole body is one request to the loop
    /// and `return None`, so the awaiting frame suspends with that request
    /// directly (the value it resumes with is the same None) instead of
    /// running a frame for it. Anything else, or a frame that would reach the
    /// recursion limit, takes the ordinary path, so errors stay CPython's.
    fn sleep_without_a_frame(&mut self, c: &Rc<Coro>) -> PyResult<Option<Value>> {
        let is_sleep = c.state.get() == CoroState::Created
            && c.frames
                .borrow()
                .first()
                .is_some_and(|f| self.is_prelude_sleep(&f.code));
        if !is_sleep {
            return Ok(None);
        }
        let delay = {
            let frames = c.frames.borrow();
            match frames[0].locals.as_slice() {
                [delay, Value::None, ..] => delay.clone(),
                _ => return Ok(None),
            }
        };
        let req = super::modules::sleep_request(self, &delay)?;
        c.state.set(CoroState::Done);
        c.frames.borrow_mut().clear();
        Ok(Some(Value::YieldReq(Rc::new(req))))
    }

    /// `await asyncio.sleep(d)` written out, the commonest await there is: a
    /// call of the prelude's `sleep` that frame `fi` awaits at once is the
    /// request `sleep`'s body would make, so no coroutine is made for it (it
    /// could never be seen: the await consumes it). Same conditions as
    /// `sleep_without_a_frame`.
    fn awaited_sleep(
        &mut self,
        fi: usize,
        func: &Value,
        args: &[Value],
    ) -> PyResult<Option<Value>> {
        match (func, args) {
            (Value::Func(f), [delay])
                if matches!(f.defaults.as_slice(), [Value::None])
                    && self.is_prelude_sleep(&f.code)
                    && matches!(
                        self.frames[fi].code.ops.get(self.frames[fi].ip),
                        Some(Op::Await)
                    ) =>
            {
                let req = super::modules::sleep_request(self, delay)?;
                Ok(Some(Value::YieldReq(Rc::new(req))))
            }
            _ => Ok(None),
        }
    }

    /// Is `code` the prelude's `asyncio.run`, called while the loop is not running?
    fn is_plain_run(&self, code: &Rc<Code>) -> bool {
        self.prelude.as_ref().is_some_and(|p| {
            p.run_code.as_ref().is_some_and(|r| Rc::ptr_eq(r, code))
                && !p.state(super::modules::RunState::Running).truthy()
        })
    }

    /// Is `code` the prelude's `asyncio.sleep`, with room for the frame it would have pushed?
    fn is_prelude_sleep(&self, code: &Rc<Code>) -> bool {
        self.prelude
            .as_ref()
            .and_then(|p| p.sleep_code.as_ref())
            .is_some_and(|s| Rc::ptr_eq(s, code))
            && self.frames.len() + self.depth_offset < self.limits.max_depth as usize
    }

    /// `coro.send(v)` / `coro.throw(e)`: resume a coroutine on top of the current frame.
    pub fn resume_coro(&mut self, c: &Rc<Coro>, send: Value, throw: Option<Value>) -> PyResult<()> {
        match c.state.get() {
            CoroState::Done => {
                return match throw {
                    Some(e) => Err(self.make_exc(e)?),
                    None => self.err("RuntimeError", "cannot reuse already awaited coroutine"),
                }
            }
            CoroState::Running => return self.err("ValueError", "coroutine already executing"),
            CoroState::Created if throw.is_none() && !matches!(send, Value::None) => {
                return self.err(
                    "TypeError",
                    "can't send non-None value to a just-started coroutine",
                )
            }
            _ => {}
        }
        let created = c.state.get() == CoroState::Created;
        // Suspended in `await fut`: a throw goes in as usual; otherwise the
        // awaiting frame gets the future's result, not the value sent.
        let awaited = c.awaiting.borrow_mut().take().filter(|_| throw.is_none());
        let mut frames = std::mem::take(&mut *c.frames.borrow_mut());
        if let Some(f) = frames.first_mut() {
            f.kind = FrameKind::CoroBase(c.clone());
        }
        c.state.set(CoroState::Running);
        let n = frames.len();
        let mut pushed = Ok(());
        for (i, mut f) in frames.drain(..).enumerate() {
            if i + 1 == n && !created && throw.is_none() && awaited.is_none() {
                f.stack.push(send.clone());
            }
            if let Err(e) = self.push_frame(f) {
                pushed = Err(e);
                break;
            }
        }
        // Keep the emptied vector: the coroutine's next suspension refills it.
        *c.frames.borrow_mut() = frames;
        pushed?;
        if let Some(fut) = awaited {
            // Computed in the coroutine's frames, so a raised exception
            // chains to what they are handling, as inside `__await__`.
            if !super::future::is_done(&fut) {
                return self.err("RuntimeError", "await wasn't used with future");
            }
            return self.push_future_result(&fut);
        }
        match throw {
            Some(e) => Err(self.make_exc(e)?),
            None => Ok(()),
        }
    }

    fn do_call(
        &mut self,
        fi: usize,
        func: Value,
        args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
    ) -> PyResult<()> {
        if self.ops > self.op_budget {
            return self.budget_exceeded();
        }
        if let Value::Builtin(Builtin("mod:sim._suspend")) = func {
            // Suspends everything up to the driving coroutine (the module, at asyncio.run).
            return self.await_value(Value::YieldReq(Rc::new(
                args.into_iter().next().unwrap_or_default(),
            )));
        }
        if let (Value::Func(f), [main @ Value::Coro(_)]) = (&func, args.as_slice()) {
            if kwargs.is_empty() && self.is_plain_run(&f.code) {
                // `asyncio.run(coro)` without its frame: what the prelude's
                // `run` does once its checks pass (they did: the loop is not
                // running, and `main` is a coroutine).
                let req = Value::tuple(vec![Value::str("run"), main.clone()]);
                return self.await_value(Value::YieldReq(Rc::new(req)));
            }
        }
        if kwargs.is_empty() {
            if let Some(req) = self.awaited_sleep(fi, &func, &args)? {
                self.frames[fi].ip += 1;
                self.recycle(args);
                return self.await_value(req);
            }
        }
        match self.call(func, args, kwargs)? {
            Called::Value(v) => self.frames[fi].stack.push(v),
            Called::Pushed => {}
        }
        Ok(())
    }

    /// Wrap module code as a coroutine, so that `asyncio.run` can suspend it while the loop runs.
    pub fn module_coro(&mut self, code: Rc<Code>, globals: Rc<RefCell<Attrs>>) -> Rc<Coro> {
        let nloc = code.local_names.len();
        let ncells = code.cell_names.len();
        let frame = Frame {
            code,
            ip: 0,
            stack: Vec::with_capacity(16),
            locals: vec![Value::Undef; nloc],
            cells: (0..ncells)
                .map(|_| Rc::new(RefCell::new(Value::Undef)))
                .collect(),
            blocks: vec![],
            globals,
            ns: None,
            kind: FrameKind::Normal,
            handling: None,
        };
        let c = Rc::new(Coro {
            name: Rc::from("<module>"),
            state: std::cell::Cell::new(CoroState::Created),
            frames: RefCell::new(vec![frame]),
            awaiting: RefCell::new(None),
        });
        self.made_coros.push(Rc::downgrade(&c));
        c
    }

    /// Resume a coroutine from Rust until it yields, returns or raises.
    pub fn drive(&mut self, c: &Rc<Coro>, send: Value, throw: Option<Value>) -> Drive {
        thread_local! {
            /// The driver's frame: one `Return`, shared by every drive on the thread.
            static DRIVER: (Rc<Code>, Rc<RefCell<Attrs>>) = (
                Rc::new(Code {
                    name: Rc::from("<driver>"),
                    ops: vec![Op::Return],
                    lines: vec![0],
                    hidden: true,
                    ..Code::default()
                }),
                Rc::new(RefCell::new(Attrs::default())),
            );
        }
        let (sentinel, globals) = DRIVER.with(|(c, g)| (c.clone(), g.clone()));
        // A suspension pushes what the coroutine yields onto this stack: a
        // pooled vector, so that push does not allocate every step.
        let stack = self.vec_pool.pop().unwrap_or_default();
        self.frames.push(Frame {
            code: sentinel,
            ip: 0,
            stack,
            locals: vec![],
            cells: vec![],
            blocks: vec![],
            globals,
            ns: None,
            kind: FrameKind::Boundary,
            handling: None,
        });
        let base = self.frames.len() - 1;
        let outer = self.driver_base.replace(base);
        let started = match self.resume_coro(c, send, throw) {
            Ok(()) => self.run(base),
            Err(exc) => match self.unwind(exc, base) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => self.run(base),
                Err(e) => Err(e),
            },
        };
        self.driver_base = outer;
        while self.frames.len() > base {
            if let Some(mut f) = self.frames.pop() {
                self.recycle(std::mem::take(&mut f.stack));
            }
        }
        match started {
            // A yield leaves the coroutine suspended; only a return ends it.
            Ok(v) if c.state.get() == CoroState::Done => Drive::Returned(v),
            Ok(v) => Drive::Yielded(v),
            Err(e)
                if self.hazard.is_none()
                    && self.is_exc(&e, "StopIteration")
                    && c.state.get() == CoroState::Done =>
            {
                let value = match &e {
                    Value::Instance(i) => i.attrs.borrow().get("value").cloned(),
                    _ => None,
                };
                Drive::Returned(value.unwrap_or_default())
            }
            Err(e) => Drive::Raised(e),
        }
    }

    fn call_method(&mut self, fi: usize, obj: Value, name: &str, args: Vec<Value>) -> PyResult<()> {
        match &obj {
            Value::Instance(inst) => {
                let own = inst.attrs.borrow().get(name).cloned();
                let f = match own {
                    Some(f) => f,
                    None => match inst.class.lookup(name) {
                        Some(f) if f.binds_to_instance() => {
                            // The argument vector is pooled and roomy: shifting beats a new one.
                            let mut args = args;
                            args.insert(0, obj.clone());
                            return self.do_call(fi, f, args, vec![]);
                        }
                        Some(other) => other,
                        None => self.get_attr(&obj, name)?,
                    },
                };
                self.do_call(fi, f, args, vec![])
            }
            Value::Class(_) | Value::Module(_) => {
                let f = self.get_attr(&obj, name)?;
                self.do_call(fi, f, args, vec![])
            }
            Value::Coro(c) => {
                let c = c.clone();
                match name {
                    "send" => {
                        self.resume_coro(&c, args.into_iter().next().unwrap_or_default(), None)
                    }
                    "throw" => self.resume_coro(
                        &c,
                        Value::None,
                        Some(args.into_iter().next().unwrap_or_default()),
                    ),
                    "close" => {
                        if c.state.get() != CoroState::Running {
                            c.state.set(CoroState::Done);
                            c.frames.borrow_mut().clear();
                        }
                        self.frames[fi].stack.push(Value::None);
                        Ok(())
                    }
                    _ => self.err(
                        "AttributeError",
                        format!("'coroutine' object has no attribute '{name}'"),
                    ),
                }
            }
            _ => {
                let v = super::methods::call_method(self, &obj, name, args)?;
                self.frames[fi].stack.push(v);
                Ok(())
            }
        }
    }

    /// Start a call: builtins finish at once, Python functions push a frame.
    pub fn call(
        &mut self,
        func: Value,
        mut args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
    ) -> PyResult<Called> {
        match func {
            Value::Func(f) => {
                let frame = self.make_frame(&f, args, kwargs)?;
                if f.code.is_async {
                    let c = Rc::new(Coro {
                        name: f.code.qualname.clone(),
                        state: std::cell::Cell::new(CoroState::Created),
                        frames: RefCell::new(vec![frame]),
                        awaiting: RefCell::new(None),
                    });
                    self.made_coros.push(Rc::downgrade(&c));
                    return Ok(Called::Value(Value::Coro(c)));
                }
                self.push_frame(frame)?;
                Ok(Called::Pushed)
            }
            Value::Method(m) => {
                args.insert(0, m.0.clone());
                self.call(m.1.clone(), args, kwargs)
            }
            Value::Class(cls) => {
                let init = cls.lookup("__init__");
                if cls.builtin && init.is_none() {
                    let inst = new_instance_with_args(cls.clone(), args);
                    return Ok(Called::Value(inst));
                }
                let attrs =
                    Attrs::with_capacity_and_hasher(cls.attrs_hint.get(), Default::default());
                let rc = Rc::new(Instance {
                    class: cls.clone(),
                    attrs: RefCell::new(attrs),
                    exc: RefCell::new(ExcInfo::default()),
                });
                self.made_instances.push(Rc::downgrade(&rc));
                let inst = Value::Instance(rc);
                if self.is_exc(&inst, "BaseException") {
                    if let Value::Instance(i) = &inst {
                        i.attrs
                            .borrow_mut()
                            .insert(Rc::from("args"), Value::tuple(args.clone()));
                    }
                }
                match init {
                    Some(Value::Func(init)) => {
                        args.insert(0, inst.clone());
                        let mut frame = self.make_frame(&init, args, kwargs)?;
                        frame.kind = FrameKind::Init(inst);
                        self.push_frame(frame)?;
                        Ok(Called::Pushed)
                    }
                    Some(other) => {
                        args.insert(0, inst.clone());
                        self.call_sync(&other, args, kwargs)?;
                        Ok(Called::Value(inst))
                    }
                    None => {
                        if !args.is_empty() && !self.is_exc(&inst, "BaseException") {
                            return self
                                .err("TypeError", format!("{}() takes no arguments", cls.name));
                        }
                        Ok(Called::Value(inst))
                    }
                }
            }
            Value::Builtin(b) => {
                super::builtins::call_builtin(self, b.0, args, kwargs).map(Called::Value)
            }
            Value::BuiltinMethod(m) => {
                if let Value::Native(n) = &m.0 {
                    return super::future::call_bound(self, n, &m.1, args).map(Called::Value);
                }
                if let Value::Coro(_) = &m.0 {
                    let fi = self.frames.len() - 1;
                    let before = self.frames.len();
                    self.call_method(fi, m.0.clone(), &m.1, args)?;
                    if self.frames.len() == before {
                        let v = self.frames[fi].stack.pop().unwrap_or_default();
                        return Ok(Called::Value(v));
                    }
                    return Ok(Called::Pushed);
                }
                if let (Value::List(l), "sort") = (&m.0, &*m.1) {
                    let l = l.clone();
                    return super::methods::list_sort(self, &l, &kwargs).map(Called::Value);
                }
                if let (Value::Str(s), "format") = (&m.0, &*m.1) {
                    let s = s.clone();
                    return super::methods::str_format(self, &s, &args, &kwargs)
                        .map(|r| Called::Value(Value::str(&r)));
                }
                if !kwargs.is_empty() {
                    return self.err("TypeError", format!("{}() takes no keyword arguments", m.1));
                }
                super::methods::call_method(self, &m.0, &m.1, args).map(Called::Value)
            }
            other => {
                let tn = self.type_name(&other);
                self.err("TypeError", format!("'{tn}' object is not callable"))
            }
        }
    }

    fn make_frame(
        &mut self,
        f: &Rc<Function>,
        args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
    ) -> PyResult<Frame> {
        let code = &f.code;
        let nloc = code.local_names.len();
        let np = code.nparams;
        let nargs = args.len();
        let mut extra = vec![];
        let mut locals = if nargs <= np {
            // The common call: the argument vector becomes the locals.
            let mut locals = args;
            locals.resize(nloc, Value::Undef);
            locals
        } else {
            let mut locals = vec![Value::Undef; nloc];
            for (i, a) in args.into_iter().enumerate() {
                if i < np {
                    locals[i] = a;
                } else {
                    extra.push(a);
                }
            }
            locals
        };
        if !extra.is_empty() && !code.varargs {
            return self.err(
                "TypeError",
                format!(
                    "{}() takes {} positional argument{} but {} {} given",
                    code.qualname,
                    np,
                    if np == 1 { "" } else { "s" },
                    nargs,
                    if nargs == 1 { "was" } else { "were" }
                ),
            );
        }
        let mut kw_extra = Dict::default();
        for (k, v) in kwargs {
            match code.param_index(&k) {
                Some(i) => {
                    if !matches!(locals[i], Value::Undef) {
                        return self.err(
                            "TypeError",
                            format!("{}() got multiple values for argument '{k}'", code.qualname),
                        );
                    }
                    locals[i] = v;
                }
                None if code.varkw => {
                    kw_extra.insert(Key(Value::Str(k)), v);
                }
                None => {
                    return self.err(
                        "TypeError",
                        format!(
                            "{}() got an unexpected keyword argument '{k}'",
                            code.qualname
                        ),
                    );
                }
            }
        }
        let nd = f.defaults.len();
        let mut missing = vec![];
        for (i, slot) in locals.iter_mut().enumerate().take(np) {
            if matches!(slot, Value::Undef) {
                if i + nd >= np {
                    *slot = f.defaults[i + nd - np].clone();
                } else {
                    missing.push(code.local_names[i].clone());
                }
            }
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|n| format!("'{n}'")).collect();
            let list = match names.len() {
                1 => names[0].clone(),
                2 => format!("{} and {}", names[0], names[1]),
                _ => format!(
                    "{}, and {}",
                    names[..names.len() - 1].join(", "),
                    names[names.len() - 1]
                ),
            };
            return self.err(
                "TypeError",
                format!(
                    "{}() missing {} required positional argument{}: {}",
                    code.qualname,
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    list
                ),
            );
        }
        let mut idx = np;
        if code.varargs {
            locals[idx] = Value::tuple(extra);
            idx += 1;
        }
        for k in &code.kwonly {
            if matches!(locals[idx], Value::Undef) {
                match f.kwdefaults.iter().find(|(n, _)| n == k) {
                    Some((_, v)) => locals[idx] = v.clone(),
                    None => {
                        return self.err(
                            "TypeError",
                            format!(
                                "{}() missing 1 required keyword-only argument: '{k}'",
                                code.qualname
                            ),
                        )
                    }
                }
            }
            idx += 1;
        }
        if code.varkw {
            locals[idx] = Value::Dict(Rc::new(RefCell::new(kw_extra)));
        }
        let mut cells: Vec<Rc<RefCell<Value>>> = (0..code.ncellvars)
            .map(|_| Rc::new(RefCell::new(Value::Undef)))
            .collect();
        self.made_cells.extend(cells.iter().map(Rc::downgrade));
        for &(li, ci) in &code.param_cells {
            *cells[ci].borrow_mut() = std::mem::take(&mut locals[li]);
        }
        cells.extend(f.closure.iter().cloned());
        let stack = self.vec_pool.pop().unwrap_or_else(|| Vec::with_capacity(8));
        Ok(Frame {
            code: code.clone(),
            ip: 0,
            stack,
            locals,
            cells,
            blocks: vec![],
            globals: f.globals.clone(),
            ns: None,
            kind: FrameKind::Normal,
            handling: None,
        })
    }

    /// Keep an emptied vector for the next call (see `vec_pool`).
    fn recycle(&mut self, mut v: Vec<Value>) {
        if self.vec_pool.len() < VEC_POOL_MAX && v.capacity() > 0 && v.capacity() <= VEC_POOL_CAP {
            v.clear();
            self.vec_pool.push(v);
        }
    }

    /// The line the innermost frame is executing (for hazards).
    pub fn current_line(&self) -> u32 {
        self.push_err_frame_line()
    }
}

/// Remember how many attributes `__init__` gave an instance of its class (see `Class::attrs_hint`).
fn note_init_size(inst: &Value) {
    if let Value::Instance(i) = inst {
        let n = i.attrs.borrow().len();
        if n > i.class.attrs_hint.get() {
            i.class.attrs_hint.set(n);
        }
    }
}

/// Clone without the out-of-line call for the scalars the hot loops move around.
#[inline(always)]
fn fast_clone(v: &Value) -> Value {
    match v {
        Value::Int(i) => Value::Int(*i),
        Value::Bool(b) => Value::Bool(*b),
        Value::Float(x) => Value::Float(*x),
        Value::None => Value::None,
        other => other.clone(),
    }
}

/// Drop without the out-of-line drop glue when the value owns nothing.
#[inline(always)]
fn fast_drop(v: Value) {
    match v {
        Value::Int(_) | Value::Bool(_) | Value::Float(_) | Value::None | Value::Undef => {
            std::mem::forget(v)
        }
        other => drop(other),
    }
}

fn tuple_items(v: Option<Value>) -> Vec<Value> {
    match v {
        Some(Value::Tuple(t)) => t.to_vec(),
        _ => vec![],
    }
}

fn str_of(v: &Value) -> Rc<str> {
    match v {
        Value::Str(s) => s.clone(),
        _ => Rc::from(""),
    }
}

/// A new instance of a builtin-style class with `args` set (exceptions).
pub fn new_instance_with_args(cls: Rc<Class>, args: Vec<Value>) -> Value {
    let mut attrs = Attrs::default();
    attrs.insert(Rc::from("args"), Value::tuple(args));
    Value::Instance(Rc::new(Instance {
        class: cls,
        attrs: RefCell::new(attrs),
        exc: RefCell::new(ExcInfo::default()),
    }))
}
