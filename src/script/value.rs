//! Runtime values of the scenario language and the objects behind them (functions, classes, instances, coroutines).

use std::cell::{Cell, RefCell};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use indexmap::IndexMap;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

use super::code::Code;
use super::vm::Frame;

/// Deterministic hasher for dict keys: iteration order never depends on it (IndexMap keeps insertion order).
pub type Fx = std::hash::BuildHasherDefault<rustc_hash::FxHasher>;
/// An insertion-ordered dict.
pub type Dict = IndexMap<Key, Value, Fx>;
/// Attribute namespaces of classes, instances and modules.
pub type Attrs = IndexMap<Rc<str>, Value, Fx>;

/// A Python value. Cloning is cheap (reference counts).
#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    None,
    Bool(bool),
    Int(i64),
    Big(Rc<BigInt>),
    Float(f64),
    Str(Rc<str>),
    List(Rc<RefCell<Vec<Value>>>),
    Tuple(Rc<[Value]>),
    Dict(Rc<RefCell<Dict>>),
    /// A set: a dict whose values are unused.
    Set(Rc<RefCell<super::pyset::SetObj>>),
    Range(Rc<(i64, i64, i64)>),
    Slice(Rc<[Value; 3]>),
    Func(Rc<Function>),
    /// A builtin function or type, by name.
    Builtin(Builtin),
    /// A method of a builtin value, fetched without calling it (`f = lst.append`).
    BuiltinMethod(Rc<(Value, Rc<str>)>),
    /// A function bound to its receiver.
    Method(Rc<(Value, Value)>),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<ModuleObj>),
    Iter(Rc<RefCell<IterState>>),
    Coro(Rc<Coro>),
    /// The awaitable made by the prelude's `_yield(v)`: awaiting it suspends up to the coroutine's `send`.
    YieldReq(Rc<Value>),
    /// A mutable cell shared by closures (never visible to programs).
    Cell(Rc<RefCell<Value>>),
    /// An unbound local (never visible to programs).
    Undef,
    /// `dict.keys()` / `values()` / `items()`: a live view of the dict.
    View(Rc<(ViewKind, Rc<RefCell<Dict>>)>),
    /// An object owned by the Rust side (task slots, loop handles), opaque to programs.
    Native(NativeObj),
}

/// Which dict view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewKind {
    Keys,
    Values,
    Items,
}

impl ViewKind {
    /// CPython's type name of the view.
    pub fn name(self) -> &'static str {
        match self {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        }
    }

    /// The view's elements, in dict order.
    pub fn items(self, d: &Dict) -> Vec<Value> {
        match self {
            ViewKind::Keys => d.keys().map(|k| k.0.clone()).collect(),
            ViewKind::Values => d.values().cloned().collect(),
            ViewKind::Items => d
                .iter()
                .map(|(k, v)| Value::tuple(vec![k.0.clone(), v.clone()]))
                .collect(),
        }
    }
}

/// A Rust object carried through Python code (the prelude's handles on core tasks and timers).
#[derive(Clone)]
pub struct NativeObj(pub Rc<dyn std::any::Any>);

impl std::fmt::Debug for NativeObj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<native>")
    }
}

/// Bind `name` in `attrs`, allocating the name only when it is new (hot
/// paths rebind the same few names over and over).
pub fn rebind(attrs: &mut Attrs, name: &str, v: Value) {
    match attrs.get_mut(name) {
        Some(slot) => *slot = v,
        None => {
            attrs.insert(Rc::from(name), v);
        }
    }
}

/// `name`'s value in `attrs`, looked for first at position `at`: taken
/// there when `is_key` accepts the key found (a pointer compare, for maps
/// laid out the same way every time), else found by name.
#[inline(always)]
pub fn get_at<'a>(
    attrs: &'a Attrs,
    at: usize,
    is_key: impl Fn(&Rc<str>) -> bool,
    name: &str,
) -> Option<&'a Value> {
    match attrs.get_index(at) {
        Some((k, v)) if is_key(k) => Some(v),
        _ => get_by_name(attrs, name),
    }
}

/// [`get_at`]'s way when the map is not laid out as expected: kept out of
/// line so the hot positional path stays small.
#[cold]
#[inline(never)]
fn get_by_name<'a>(attrs: &'a Attrs, name: &str) -> Option<&'a Value> {
    attrs.get(name)
}

/// [`rebind`] `name`, at position `at` when the key there is the one
/// expected (see [`get_at`]).
#[inline(always)]
pub fn rebind_at(
    attrs: &mut Attrs,
    at: usize,
    is_key: impl Fn(&Rc<str>) -> bool,
    name: &str,
    v: Value,
) {
    match attrs.get_index_mut(at) {
        Some((k, slot)) if is_key(k) => *slot = v,
        _ => rebind(attrs, name, v),
    }
}

/// Builtin functions and types, dispatched by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Builtin(pub &'static str);

/// A module object: `asyncio`, `time`, `random`.
#[derive(Debug)]
pub struct ModuleObj {
    pub name: Rc<str>,
    pub attrs: RefCell<Attrs>,
}

/// A user function (or lambda, or async function).
#[derive(Debug)]
pub struct Function {
    pub code: Rc<Code>,
    pub defaults: Vec<Value>,
    pub kwdefaults: Vec<(Rc<str>, Value)>,
    pub closure: Vec<Rc<RefCell<Value>>>,
    pub globals: Rc<RefCell<Attrs>>,
    /// The class the function was defined in, for zero-argument `super()`.
    pub owner: RefCell<Option<Rc<Class>>>,
}

/// A class, user-defined or builtin (the exception hierarchy).
#[derive(Debug)]
pub struct Class {
    pub name: Rc<str>,
    pub base: Option<Rc<Class>>,
    pub attrs: RefCell<Attrs>,
    /// Defined by the interpreter itself, not the scenario.
    pub builtin: bool,
    /// How many attributes `__init__` gave an instance (the most seen): new
    /// instances reserve that much, so `__init__` does not regrow the map.
    /// Only capacity depends on it, never iteration order or any output.
    pub attrs_hint: Cell<usize>,
}

impl Class {
    /// Look an attribute up along the single-inheritance chain.
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.attrs.borrow().get(name) {
            return Some(v.clone());
        }
        let mut c = self.base.clone();
        while let Some(k) = c {
            if let Some(v) = k.attrs.borrow().get(name) {
                return Some(v.clone());
            }
            c = k.base.clone();
        }
        None
    }

    /// Is `self` `other` or a subclass of it?
    pub fn is_subclass(self: &Rc<Class>, other: &Rc<Class>) -> bool {
        let mut c = Some(self.clone());
        while let Some(k) = c {
            if Rc::ptr_eq(&k, other) {
                return true;
            }
            c = k.base.clone();
        }
        false
    }
}

/// An instance of a class; exceptions carry their traceback and chaining here.
#[derive(Debug)]
pub struct Instance {
    pub class: Rc<Class>,
    pub attrs: RefCell<Attrs>,
    pub exc: RefCell<ExcInfo>,
}

/// Exception state of an instance (unused for non-exceptions).
#[derive(Debug, Default)]
pub struct ExcInfo {
    /// (file, line, function) innermost first.
    pub tb: Vec<(Rc<str>, u32, Rc<str>)>,
    pub cause: Option<Value>,
    pub context: Option<Value>,
    pub suppress_context: bool,
    /// A close name CPython's traceback would offer ("Did you mean: 'sleep'?")
    /// for a NameError or AttributeError; shown in tracebacks only, never in
    /// `str(e)`, as in CPython.
    pub suggestion: Option<Rc<str>>,
}

/// A coroutine object: the saved frames of a suspended `async def` call.
#[derive(Debug)]
pub struct Coro {
    pub name: Rc<str>,
    pub state: Cell<CoroState>,
    /// Frames saved while suspended, outermost first; the first one is the coroutine's own.
    pub frames: RefCell<Vec<Frame>>,
    /// The asyncio future it suspended on (`await fut`, natively): resuming
    /// gives the awaiting frame the future's result, not the value sent.
    pub awaiting: RefCell<Option<Value>>,
}

/// Lifecycle of a coroutine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoroState {
    Created,
    Suspended,
    Running,
    Done,
}

/// Iterator state over builtin sequences.
#[derive(Debug)]
pub enum IterState {
    Seq(Value, usize),
    Range(i64, i64, i64),
    Vals(std::vec::IntoIter<Value>),
}

impl IterState {
    /// The next item, or None once exhausted (`for` and `next()` both step with it).
    #[inline]
    pub fn advance(&mut self) -> Option<Value> {
        match self {
            IterState::Range(cur, stop, step) => {
                if (*step > 0 && *cur < *stop) || (*step < 0 && *cur > *stop) {
                    let v = *cur;
                    *cur = cur.saturating_add(*step);
                    Some(Value::Int(v))
                } else {
                    None
                }
            }
            IterState::Seq(s, i) => {
                let v = super::builtins::seq_item(s, *i);
                *i += 1;
                v
            }
            IterState::Vals(v) => v.next(),
        }
    }
}

/// A hashable value used as a dict key or set member.
#[derive(Clone, Debug)]
pub struct Key(pub Value);

fn hash_f64(f: f64) -> u64 {
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        f as i64 as u64
    } else {
        f.to_bits()
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match &self.0 {
            Value::None => 0u64.hash(h),
            Value::Bool(b) => (*b as u64).hash(h),
            Value::Int(i) => (*i as u64).hash(h),
            Value::Big(b) => match b.to_f64() {
                Some(f) => hash_f64(f).hash(h),
                None => 7u64.hash(h),
            },
            Value::Float(f) => hash_f64(*f).hash(h),
            Value::Str(s) => s.hash(h),
            Value::Tuple(t) => {
                for v in t.iter() {
                    Key(v.clone()).hash(h)
                }
            }
            other => other.identity().hash(h),
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.0.py_eq_simple(&other.0)
    }
}
impl Eq for Key {}

impl Value {
    /// Build a str value.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    /// Build a list value.
    pub fn list(v: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(v)))
    }

    /// Build a tuple value.
    pub fn tuple(v: Vec<Value>) -> Value {
        Value::Tuple(Rc::from(v))
    }

    /// CPython's type name of a value of a built-in type (an instance's is
    /// its class's name: `Vm::type_name`).
    pub fn builtin_type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Big(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::Range(_) => "range",
            Value::Slice(_) => "slice",
            Value::Func(_) => "function",
            // A bound builtin is the prelude's native Future method (CPython's C methods).
            Value::Builtin(_) | Value::BuiltinMethod(_) => "builtin_function_or_method",
            Value::Method(m) if matches!(m.1, Value::Builtin(_)) => "builtin_function_or_method",
            Value::Method(_) => "method",
            Value::Class(_) => "type",
            Value::Instance(_) => "object",
            Value::Module(_) => "module",
            Value::Iter(_) => "iterator",
            Value::Coro(_) => "coroutine",
            Value::YieldReq(_) => "_yield",
            Value::Cell(_) => "cell",
            Value::View(v) => v.0.name(),
            Value::Undef => "undefined",
            Value::Native(_) => "native",
        }
    }

    /// Does this class attribute bind to an instance it is looked up on (a
    /// bound method), as a `def` does? The prelude's native `Future`
    /// methods do too (CPython's C methods are descriptors); other builtins
    /// stored on a class do not.
    pub fn binds_to_instance(&self) -> bool {
        match self {
            Value::Func(_) => true,
            Value::Builtin(b) => b.0.starts_with("mod:fut."),
            _ => false,
        }
    }

    /// An address-free identity for `is` and for hashing identity-keyed objects (never printed).
    pub fn identity(&self) -> usize {
        match self {
            Value::List(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Dict(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Set(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Func(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Class(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Instance(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Module(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Coro(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Method(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Tuple(r) => r.as_ptr() as usize,
            Value::Str(r) => r.as_ptr() as usize,
            Value::Native(n) => Rc::as_ptr(&n.0) as *const u8 as usize,
            _ => 0,
        }
    }

    /// Equality without user `__eq__` (used for keys and builtin containers).
    pub fn py_eq_simple(&self, o: &Value) -> bool {
        use Value::*;
        match (self, o) {
            (None, None) => true,
            (Int(a), Int(b)) => a == b,
            (Str(a), Str(b)) => a == b,
            (Bool(a), Bool(b)) => a == b,
            (Float(a), Float(b)) => a == b,
            (Int(_) | Bool(_) | Float(_) | Big(_), Int(_) | Bool(_) | Float(_) | Big(_)) => {
                super::num::num_cmp(self, o) == Some(std::cmp::Ordering::Equal)
            }
            (Tuple(a), Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.py_eq_simple(y))
            }
            (List(a), List(b)) => {
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.py_eq_simple(y))
            }
            (Dict(a), Dict(b)) => {
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k).is_some_and(|w| v.py_eq_simple(w)))
            }
            (Set(a), Set(b)) => {
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len() && a.keys().all(|k| b.contains_key(k))
            }
            (Range(a), Range(b)) => a == b,
            (Builtin(a), Builtin(b)) => a == b,
            _ => self.identity() != 0 && self.identity() == o.identity() && same_kind(self, o),
        }
    }

    /// Is this value usable as a dict key?
    pub fn hashable(&self) -> bool {
        match self {
            Value::List(_) | Value::Dict(_) | Value::Set(_) => false,
            Value::Tuple(t) => t.iter().all(Value::hashable),
            _ => true,
        }
    }

    /// Python truthiness for builtin values (instances are true unless they define `__len__`, checked by the VM).
    pub fn truthy(&self) -> bool {
        match self {
            Value::None | Value::Undef => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Big(_) => true,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.borrow().is_empty(),
            Value::Set(d) => !d.borrow().is_empty(),
            Value::Range(r) => super::num::range_len(r.0, r.1, r.2) > 0,
            Value::View(v) => !v.1.borrow().is_empty(),
            _ => true,
        }
    }
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}
