//! Sets, and the order CPython iterates a set of ints in: a copy of CPython 3.11's open-addressed
//! table (`Objects/setobject.c`) kept beside the members, dummies and pop finger included.
//!
//! CPython prints a set in table-slot order. For ints that order is a pure function of the
//! operations applied (an int hashes to itself), so a scenario that prints `{3, 1, 2}` after some
//! `add`/`discard`/`pop` calls must print what CPython prints. Members live in an insertion-ordered
//! map (for lookups and equality); while every member is an int or a bool, [`IntTable`] mirrors
//! CPython's table. Once any other value is added the set falls back to insertion order (CPython's
//! own order for strings changes from process to process).

use std::cell::RefCell;
use std::ops::Deref;
use std::rc::Rc;

use super::ir::BinOp;
use super::value::{Dict, Key, Value};

/// CPython's `LINEAR_PROBES` and `PERTURB_SHIFT`, and the size of a fresh table.
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
const MIN_SIZE: usize = 8;

/// One slot of the table.
#[derive(Clone, Debug)]
enum Slot {
    Empty,
    /// A removed member: probing passes it, an add may reuse it, and it counts towards `fill`
    /// until a resize.
    Dummy,
    Active(u64, Value),
}

/// CPython's table for a set whose members are all ints.
#[derive(Clone, Debug)]
pub struct IntTable {
    slots: Vec<Slot>,
    /// Active and dummy slots.
    fill: usize,
    /// Active slots.
    used: usize,
    /// Where `pop` starts looking.
    finger: usize,
}

/// CPython's `hash()` of an int or bool; `None` for anything else.
fn int_hash(v: &Value) -> Option<u64> {
    const MODULUS: u64 = (1 << 61) - 1;
    let h = match v {
        Value::Bool(b) => i64::from(*b),
        Value::Int(i) => {
            let m = (i.unsigned_abs() % MODULUS) as i64;
            let h = if *i < 0 { -m } else { m };
            if h == -1 {
                -2
            } else {
                h
            }
        }
        _ => return None,
    };
    Some(h as u64)
}

fn same(a: &Value, b: &Value) -> bool {
    let n = |v: &Value| match v {
        Value::Bool(b) => i64::from(*b),
        Value::Int(i) => *i,
        _ => i64::MIN,
    };
    n(a) == n(b)
}

impl Default for IntTable {
    fn default() -> Self {
        IntTable {
            slots: vec![Slot::Empty; MIN_SIZE],
            fill: 0,
            used: 0,
            finger: 0,
        }
    }
}

impl IntTable {
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Slots probed for `hash`, in CPython's order (linear runs, then perturbed jumps); endless.
    fn probe(mask: usize, hash: u64) -> impl Iterator<Item = usize> {
        let mut i = (hash as usize) & mask;
        let mut perturb = hash;
        let mut j = 0usize;
        std::iter::from_fn(move || {
            let limit = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            if j > limit {
                perturb >>= PERTURB_SHIFT;
                i = (i
                    .wrapping_mul(5)
                    .wrapping_add(1)
                    .wrapping_add(perturb as usize))
                    & mask;
                j = 0;
            }
            let at = i + j;
            j += 1;
            Some(at)
        })
    }

    /// `set_add_entry`: a new member takes the last dummy its probe passed (3.11 overwrites
    /// `freeslot` at each dummy), else the empty slot that ended the probe (and only then can
    /// the table grow).
    fn add(&mut self, hash: u64, v: Value) {
        let mask = self.mask();
        let mut freeslot = None;
        for at in Self::probe(mask, hash) {
            match &self.slots[at] {
                Slot::Empty => {
                    self.used += 1;
                    if let Some(free) = freeslot {
                        self.slots[free] = Slot::Active(hash, v);
                        return;
                    }
                    self.slots[at] = Slot::Active(hash, v);
                    self.fill += 1;
                    if self.fill * 5 >= mask * 3 {
                        let used = self.used;
                        self.resize(if used > 50_000 { used * 2 } else { used * 4 });
                    }
                    return;
                }
                Slot::Active(h, k) if *h == hash && same(k, &v) => return,
                Slot::Dummy => freeslot = Some(at),
                _ => {}
            }
        }
    }

    /// `set_discard_entry`: the member's slot becomes a dummy.
    fn discard(&mut self, hash: u64, v: &Value) -> bool {
        let mask = self.mask();
        for at in Self::probe(mask, hash) {
            match &self.slots[at] {
                Slot::Empty => return false,
                Slot::Active(h, k) if *h == hash && same(k, v) => {
                    self.slots[at] = Slot::Dummy;
                    self.used -= 1;
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    /// `set_pop`: the first member at or after the finger, wrapping around.
    fn pop(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut at = self.finger & mask;
        while !matches!(self.slots[at], Slot::Active(..)) {
            at = if at == mask { 0 } else { at + 1 };
        }
        let Slot::Active(_, v) = std::mem::replace(&mut self.slots[at], Slot::Dummy) else {
            return None;
        };
        self.used -= 1;
        self.finger = at + 1;
        Some(v)
    }

    /// The end of `set_difference_update_internal`: rebuild when over a quarter of the slots are dummies.
    fn tidy(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            let used = self.used;
            self.resize(if used > 50_000 { used * 2 } else { used * 4 });
        }
    }

    /// `set_clear_internal`: back to an empty table of the smallest size (the finger stays).
    fn clear(&mut self) {
        self.slots = vec![Slot::Empty; MIN_SIZE];
        self.fill = 0;
        self.used = 0;
    }

    /// `set_insert_clean`: place a member known to be absent, in a table without dummies.
    fn insert_clean(slots: &mut [Slot], hash: u64, v: Value) {
        let mask = slots.len() - 1;
        for at in Self::probe(mask, hash) {
            if matches!(slots[at], Slot::Empty) {
                slots[at] = Slot::Active(hash, v);
                return;
            }
        }
    }

    /// `set_table_resize`: the smallest power of two above `minused`, members re-placed in slot order.
    fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        if size == MIN_SIZE && self.slots.len() == MIN_SIZE && self.fill == self.used {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::Empty; size]);
        for slot in old {
            if let Slot::Active(h, v) = slot {
                Self::insert_clean(&mut self.slots, h, v);
            }
        }
        self.fill = self.used;
    }

    /// One resize up front for `n` more members, as CPython does before merging a set or a dict.
    fn reserve(&mut self, n: usize) {
        if (self.fill + n) * 5 >= self.mask() * 3 {
            self.resize((self.used + n) * 2);
        }
    }

    /// `set_merge`: add every member of `other`, as `set(other)`, `s.copy()` and `s | t` do.
    fn merge(&mut self, other: &IntTable) {
        if other.used == 0 {
            return;
        }
        self.reserve(other.used);
        if self.fill == 0 && self.slots.len() == other.slots.len() && other.fill == other.used {
            self.slots = other.slots.clone();
            self.fill = other.fill;
            self.used = other.used;
        } else if self.fill == 0 {
            for slot in &other.slots {
                if let Slot::Active(h, v) = slot {
                    Self::insert_clean(&mut self.slots, *h, v.clone());
                }
            }
            self.fill = other.used;
            self.used = other.used;
        } else {
            for slot in &other.slots {
                if let Slot::Active(h, v) = slot {
                    self.add(*h, v.clone());
                }
            }
        }
    }

    fn members(&self) -> impl Iterator<Item = &Value> {
        self.slots.iter().filter_map(|s| match s {
            Slot::Active(_, v) => Some(v),
            _ => None,
        })
    }
}

/// A Python set.
#[derive(Clone, Debug)]
pub struct SetObj {
    items: Dict,
    /// CPython's table, while every member is an int.
    table: Option<IntTable>,
}

impl Default for SetObj {
    fn default() -> Self {
        SetObj {
            items: Dict::default(),
            table: Some(IntTable::default()),
        }
    }
}

impl Deref for SetObj {
    type Target = Dict;
    fn deref(&self) -> &Dict {
        &self.items
    }
}

impl SetObj {
    /// `set.add`: a member already present (by value) stays where it is.
    pub fn add(&mut self, v: Value) {
        let (_, old) = self.items.insert_full(Key(v.clone()), Value::None);
        if old.is_some() {
            return;
        }
        match (&mut self.table, int_hash(&v)) {
            (Some(t), Some(h)) => t.add(h, v),
            (t, _) => *t = None,
        }
    }

    /// `set.discard`; true if `v` was a member.
    pub fn discard(&mut self, v: &Value) -> bool {
        let Some((_, k, _)) = self.items.shift_remove_full(&Key(v.clone())) else {
            return false;
        };
        if let (Some(t), Some(h)) = (&mut self.table, int_hash(&k.0)) {
            t.discard(h, &k.0);
        }
        true
    }

    /// `set.pop`: the member CPython would pop.
    pub fn pop(&mut self) -> Option<Value> {
        let v = match &mut self.table {
            Some(t) => t.pop()?,
            None => self.order().into_iter().next()?,
        };
        self.items.shift_remove(&Key(v.clone()));
        Some(v)
    }

    /// `s -= t`, `s.difference_update(t)` (`set_difference_update_internal`): discard each of
    /// `values`, then rebuild the table if removals left it mostly dummies.
    pub fn discard_all(&mut self, values: &[Value]) {
        for v in values {
            self.discard(v);
        }
        if let Some(t) = &mut self.table {
            t.tidy();
        }
    }

    /// `set.clear`.
    pub fn clear(&mut self) {
        self.items.clear();
        if let Some(t) = &mut self.table {
            t.clear();
        }
    }

    /// Add every member of `other` (`set_merge`: its table order, in one resize).
    pub fn merge(&mut self, other: &SetObj) {
        match (&mut self.table, &other.table) {
            (Some(t), Some(o)) => {
                t.merge(o);
                for v in o.members() {
                    self.items.insert(Key(v.clone()), Value::None);
                }
            }
            _ => {
                for v in other.order() {
                    self.add(v);
                }
            }
        }
    }

    /// Prepare for `n` more members in one go (`set.update` with a dict).
    pub fn reserve(&mut self, n: usize) {
        if let Some(t) = &mut self.table {
            t.reserve(n);
        }
    }

    /// `self` given `old`'s pop finger, as `s &= t` leaves it (CPython swaps the table, not the finger).
    pub fn with_finger_of(mut self, old: &SetObj) -> SetObj {
        if let (Some(t), Some(o)) = (&mut self.table, &old.table) {
            t.finger = o.finger;
        }
        self
    }

    /// A copy as `s.copy()` and `set(s)` make it.
    pub fn copied(&self) -> SetObj {
        let mut s = SetObj::default();
        s.merge(self);
        s
    }

    /// Members in the order CPython iterates them.
    pub fn order(&self) -> Vec<Value> {
        match &self.table {
            Some(t) => t.members().cloned().collect(),
            // Ints again after other values left: CPython's table for
            // them, inserted in this set's order (it had no removals since).
            None => {
                let keys = self.items.keys().map(|k| &k.0);
                if self.items.is_empty() || !keys.clone().all(|v| int_hash(v).is_some()) {
                    return keys.cloned().collect();
                }
                let mut t = IntTable::default();
                for v in keys {
                    t.add(int_hash(v).unwrap_or_default(), v.clone());
                }
                t.members().cloned().collect()
            }
        }
    }
}

impl FromIterator<Value> for SetObj {
    /// A set of `values` added in order (the caller has checked they are hashable).
    fn from_iter<I: IntoIterator<Item = Value>>(values: I) -> SetObj {
        let mut s = SetObj::default();
        for v in values {
            s.add(v);
        }
        s
    }
}

/// `{c1, c2, c3, ...}` of three or more constants: CPython's compiler folds it into a frozenset,
/// rebuilds that frozenset from its own order when it merges constants, and the display copies
/// the result into a new set — three layouts, and the last is what prints.
pub fn constant_display(values: Vec<Value>) -> SetObj {
    let folded: SetObj = values.into_iter().collect();
    let merged: SetObj = folded.order().into_iter().collect();
    merged.copied()
}

/// `a & b` (`set_intersection`): walk the smaller set in its order, keep what the other holds
/// (`s & s` is a copy).
pub fn intersection(a: &SetObj, b: &SetObj) -> SetObj {
    if std::ptr::eq(a, b) {
        return a.copied();
    }
    let (walk, probe) = if b.len() > a.len() { (a, b) } else { (b, a) };
    let mut r = SetObj::default();
    for v in walk.order() {
        if probe.contains_key(&Key(v.clone())) {
            r.add(v);
        }
    }
    r
}

/// `a - b` (`set_difference`): copy `a` and discard `b`'s members when `a` is over four times
/// larger, else walk `a` keeping what `b` lacks.
pub fn difference(a: &SetObj, b: &SetObj) -> SetObj {
    if (a.len() >> 2) > b.len() {
        let mut r = a.copied();
        r.discard_all(&b.order());
        return r;
    }
    let mut r = SetObj::default();
    for v in a.order() {
        if !b.contains_key(&Key(v.clone())) {
            r.add(v);
        }
    }
    r
}

/// `a ^ b` (`set_symmetric_difference`): a copy of `b`, then each member of `a` toggled.
pub fn symmetric_difference(a: &SetObj, b: &SetObj) -> SetObj {
    let mut r = b.copied();
    toggle(&mut r, a);
    r
}

/// `a ^= b` (`set_symmetric_difference_update`): each member of `b` toggled in `a`.
pub fn toggle(a: &mut SetObj, b: &SetObj) {
    for v in b.order() {
        if !a.discard(&v) {
            a.add(v);
        }
    }
}

/// `x - y`, `x | y`, `x & y`, `x ^ y` and their in-place forms (`set_isub` & co.), which change
/// `x` itself and give None. `s op= s` does what CPython's identity checks do: `|=` nothing, `&=`
/// a copy, `-=` and `^=` a clear; `s | s` is a copy.
pub fn operate(
    op: BinOp,
    x: &Rc<RefCell<SetObj>>,
    y: &Rc<RefCell<SetObj>>,
    inplace: bool,
) -> Option<SetObj> {
    if inplace && Rc::ptr_eq(x, y) {
        let mut xs = x.borrow_mut();
        match op {
            BinOp::BitOr => {}
            BinOp::BitAnd => {
                let r = xs.copied().with_finger_of(&xs);
                *xs = r;
            }
            _ => xs.clear(),
        }
        return None;
    }
    if inplace {
        let (mut xs, other) = (x.borrow_mut(), y.borrow());
        match op {
            BinOp::Sub => xs.discard_all(&other.order()),
            BinOp::BitOr => xs.merge(&other),
            BinOp::BitAnd => {
                let r = intersection(&xs, &other).with_finger_of(&xs);
                *xs = r;
            }
            _ => toggle(&mut xs, &other),
        }
        return None;
    }
    let (xs, other) = (x.borrow(), y.borrow());
    Some(match op {
        BinOp::Sub => difference(&xs, &other),
        // `s | s` is the copy alone (set_or returns before merging a set into its own copy).
        BinOp::BitOr if Rc::ptr_eq(x, y) => xs.copied(),
        BinOp::BitOr => {
            let mut r = xs.copied();
            r.merge(&other);
            r
        }
        BinOp::BitAnd => intersection(&xs, &other),
        _ => symmetric_difference(&xs, &other),
    })
}
