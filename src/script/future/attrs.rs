//! What a future's and a task's attributes hold, and where: the per-thread
//! templates a new instance's attribute map is laid out as (cloned, or a
//! torn-down instance's map refilled), and reads and writes at an
//! attribute's known position in that map.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::script::value::*;

/// A future's `_state`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::script) enum State {
    Pending,
    Cancelled,
    Finished,
}

impl State {
    pub(in crate::script) fn of(t: &Instance) -> State {
        let attrs = t.attrs.borrow();
        let Some(Value::Str(s)) = lookup(&attrs, Attr::State) else {
            return State::Pending;
        };
        // The natives store the interned strings: an address compare
        // decides, unless Python code stored an equal string of its own.
        let addr = str_addr(s);
        STATE_ADDRS.with(|a| {
            if addr == a[0].get() {
                State::Pending
            } else if addr == a[2].get() || &**s == "FINISHED" {
                State::Finished
            } else if addr == a[1].get() || &**s == "CANCELLED" {
                State::Cancelled
            } else {
                State::Pending
            }
        })
    }

    pub(super) fn value(self) -> Value {
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
pub(super) struct Interned {
    pub(super) states: [Rc<str>; 3],
    /// `Future.__init__`'s attributes, in its order, with their defaults.
    pub(super) future: Attrs,
    /// The future's, then what `Task.__init__` adds, in its order.
    pub(super) task: Attrs,
}

/// The attributes of a future, then those a task adds, in the order
/// `Future.__init__` and `Task.__init__` make them: a new instance's map is a
/// template clone, so each sits at its own position there (see [`get`]).
#[derive(Clone, Copy, PartialEq, Eq)]
// Every position is named, whether or not Rust code reads it.
#[allow(dead_code)]
pub(in crate::script) enum Attr {
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
    /// The addresses of the template's keys, in [`Attr`] order: [`get`] and
    /// [`set`] run on every future operation, and a const-initialized
    /// thread-local is read without the lazy-initialization test that
    /// reaching [`INTERNED`] costs. Zero (never an address) until
    /// [`INTERNED`] is made, which every template clone comes after.
    static KEY_ADDRS: [Cell<usize>; ATTR_NAMES.len()] =
        const { [const { Cell::new(0) }; ATTR_NAMES.len()] };

    /// The addresses of [`Interned::states`], for [`State::of`] (as [`KEY_ADDRS`]).
    static STATE_ADDRS: [Cell<usize>; 3] = const { [const { Cell::new(0) }; 3] };

    pub(super) static INTERNED: Interned = {
        let states = ["PENDING", "CANCELLED", "FINISHED"].map(Rc::from);
        let template = |names: &[&str]| -> Attrs {
            names.iter().map(|n| (Rc::from(*n), default_of(n, &states[0]))).collect()
        };
        let task = template(&ATTR_NAMES);
        KEY_ADDRS.with(|addrs| {
            for (addr, (key, _)) in addrs.iter().zip(&task) {
                addr.set(str_addr(key));
            }
        });
        STATE_ADDRS.with(|addrs| {
            for (addr, state) in addrs.iter().zip(&states) {
                addr.set(str_addr(state));
            }
        });
        Interned {
            // The same keys as the task's: a future's attributes are found at their positions too.
            future: task.iter().take(FUTURE_ATTRS).map(|(k, v)| (k.clone(), v.clone())).collect(),
            task,
            states,
        }
    };
}

/// Give `a` the attributes of `template`, then `values` at their positions
/// in it: a fresh instance's map becomes a copy of the template (a spare
/// map when there is one, else a clone); one that already has attributes (a
/// subclass set some first) is assigned to by name, keeping its order, as
/// Python's attribute stores would.
pub(super) fn fill<const N: usize>(a: &mut Attrs, template: &Attrs, values: [(usize, Value); N]) {
    if a.is_empty() {
        *a = match spare_of(template.len()).and_then(|i| SPARE.with(|s| s.borrow_mut()[i].pop())) {
            Some(mut spare) => {
                for (slot, default) in spare.values_mut().zip(template.values()) {
                    *slot = default.clone();
                }
                spare
            }
            None => template.clone(),
        };
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

thread_local! {
    /// Attribute maps of torn-down futures (`[0]`) and tasks (`[1]`), their
    /// values already dropped, kept for the next run's: refilling one costs
    /// a fraction of cloning a template (no allocation, no index to build).
    static SPARE: RefCell<[Vec<Attrs>; 2]> = const { RefCell::new([Vec::new(), Vec::new()]) };
}

/// Most spare maps kept of each kind (a run of the throughput scenario makes four).
const SPARE_MAX: usize = 64;

/// Which spare list holds maps of `len` attributes.
fn spare_of(len: usize) -> Option<usize> {
    match len {
        FUTURE_ATTRS => Some(0),
        n if n == ATTR_NAMES.len() => Some(1),
        _ => None,
    }
}

/// Keep `a`, the attribute map of an instance a run's teardown is breaking
/// up, for a future or task made later — if it is exactly a template's
/// layout (every key the template's own, nothing added). Its values are
/// dropped here either way, which is what the teardown is for.
pub(in crate::script) fn recycle(mut a: Attrs) {
    let kind = spare_of(a.len()).filter(|_| {
        KEY_ADDRS.with(|addrs| {
            a.keys()
                .zip(addrs)
                .all(|(k, addr)| addr.get() == str_addr(k))
        })
    });
    let Some(kind) = kind else { return };
    for v in a.values_mut() {
        *v = Value::None;
    }
    SPARE.with(|s| {
        let list = &mut s.borrow_mut()[kind];
        if list.len() < SPARE_MAX {
            list.push(a);
        }
    });
}

/// Read a future's attribute: at its template position when the map is a
/// template clone (the key there is the template's own), else by name.
pub(in crate::script) fn get(i: &Instance, a: Attr) -> Value {
    lookup(&i.attrs.borrow(), a).cloned().unwrap_or_default()
}

/// Write a future's attribute (see [`get`]).
pub(in crate::script) fn set(i: &Instance, a: Attr, v: Value) {
    let is_key = |k: &Rc<str>| is_template_key(k, a);
    rebind_at(&mut i.attrs.borrow_mut(), a as usize, is_key, a.name(), v);
}

#[inline(always)]
fn lookup(attrs: &Attrs, a: Attr) -> Option<&Value> {
    get_at(attrs, a as usize, |k| is_template_key(k, a), a.name())
}

/// Is `k` the template's own key for `a` (so the map is laid out as the template)?
fn is_template_key(k: &Rc<str>, a: Attr) -> bool {
    KEY_ADDRS.with(|addrs| addrs[a as usize].get() == str_addr(k))
}

fn str_addr(k: &Rc<str>) -> usize {
    Rc::as_ptr(k) as *const u8 as usize
}

/// An attribute that is not one of [`Attr`]'s (None when unset).
pub(in crate::script) fn get_named(i: &Instance, name: &str) -> Value {
    i.attrs.borrow().get(name).cloned().unwrap_or_default()
}
