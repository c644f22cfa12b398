//! The timer heap: deadlines ordered by (deadline, registration sequence).
//!
//! Like CPython's `_scheduled` heap, cancelled timers stay in the heap and are
//! skipped when they reach the top; slots are recycled once a timer has both
//! left the heap and been fired or cancelled.

use super::time::Nanos;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::task::Waker;

/// Names one registered timer; stale ids (of a recycled slot) are inert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerId {
    index: u32,
    gen: u32,
}

/// What happens when a timer fires.
pub(crate) enum TimerAction {
    /// Complete a sleep: wake the task that awaits it.
    Wake(Option<Waker>),
    /// Run a callback on the loop (`call_later`/`call_at`), named for the
    /// trace when its layer gave a name.
    Call(Box<dyn FnOnce()>, Option<Arc<str>>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// In the heap, waiting for its deadline.
    Armed,
    /// Due: moved to the ready queue, not yet run.
    Queued,
    /// Cancelled while armed or queued; freed when it leaves heap or queue.
    Cancelled,
    Free,
}

struct Slot {
    gen: u32,
    state: State,
    deadline: Nanos,
    seq: u64,
    action: Option<TimerAction>,
}

/// A heap entry. The order is (deadline, sequence) packed into one `u128`,
/// so the heap's sift compares a single integer: random deadlines made the
/// tuple comparison's branches mispredict at every level of the heap.
/// Sequences are unique, so the slot index never decides the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    key: u128,
    index: u32,
}

impl Entry {
    fn new(deadline: Nanos, seq: u64, index: u32) -> Self {
        Entry {
            key: (u128::from(deadline) << 64) | u128::from(seq),
            index,
        }
    }

    fn deadline(key: u128) -> Nanos {
        (key >> 64) as Nanos
    }
}

impl Ord for Entry {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl PartialOrd for Entry {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Default)]
pub(crate) struct Timers {
    slots: Vec<Slot>,
    free: Vec<u32>,
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
}

impl Timers {
    pub fn clear(&mut self) {
        self.heap.clear();
        self.free.clear();
        for (i, s) in self.slots.iter_mut().enumerate() {
            s.gen = s.gen.wrapping_add(1);
            s.state = State::Free;
            s.action = None;
            self.free.push(i as u32);
        }
        // Pop order must not depend on the previous run's history.
        self.free.reverse();
        self.seq = 0;
    }

    /// Registers a timer; returns its id and its registration sequence number.
    pub fn insert(&mut self, deadline: Nanos, action: TimerAction) -> (TimerId, u64) {
        let seq = self.seq;
        self.seq += 1;
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot {
                    gen: 0,
                    state: State::Free,
                    deadline: 0,
                    seq: 0,
                    action: None,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.state = State::Armed;
        slot.deadline = deadline;
        slot.seq = seq;
        slot.action = Some(action);
        self.heap.push(Reverse(Entry::new(deadline, seq, index)));
        (
            TimerId {
                index,
                gen: slot.gen,
            },
            seq,
        )
    }

    fn slot(&mut self, id: TimerId) -> Option<&mut Slot> {
        self.slots
            .get_mut(id.index as usize)
            .filter(|s| s.gen == id.gen && s.state != State::Free)
    }

    fn release(&mut self, index: u32) {
        let s = &mut self.slots[index as usize];
        s.gen = s.gen.wrapping_add(1);
        s.state = State::Free;
        s.action = None;
        self.free.push(index);
    }

    /// The registration sequence number of a live timer.
    pub fn seq_of(&self, id: TimerId) -> Option<u64> {
        self.slots
            .get(id.index as usize)
            .filter(|s| s.gen == id.gen && s.state != State::Free)
            .map(|s| s.seq)
    }

    /// True while the timer has not fired (armed or queued to fire).
    pub fn is_pending(&mut self, id: TimerId) -> bool {
        matches!(
            self.slot(id).map(|s| s.state),
            Some(State::Armed | State::Queued)
        )
    }

    /// Replaces the waker a sleep timer wakes.
    pub fn set_waker(&mut self, id: TimerId, waker: &Waker) {
        if let Some(s) = self.slot(id) {
            if let Some(TimerAction::Wake(w)) = &mut s.action {
                match w {
                    Some(old) if old.will_wake(waker) => {}
                    _ => *w = Some(waker.clone()),
                }
            }
        }
    }

    /// Cancels a timer that has not fired; a no-op otherwise. Returns the
    /// action so the caller can drop it outside any borrow of the loop.
    pub fn cancel(&mut self, id: TimerId) -> Option<TimerAction> {
        let s = self.slot(id)?;
        match s.state {
            State::Armed | State::Queued => {
                s.state = State::Cancelled;
                s.action.take()
            }
            _ => None,
        }
    }

    /// The earliest deadline of a live timer, dropping cancelled heads.
    pub fn next_deadline(&mut self) -> Option<Nanos> {
        while let Some(&Reverse(Entry { key, index })) = self.heap.peek() {
            let deadline = Entry::deadline(key);
            if self.slots[index as usize].state == State::Cancelled {
                self.heap.pop();
                self.release(index);
            } else {
                return Some(deadline);
            }
        }
        None
    }

    /// Pops the next timer due at `now`, in (deadline, sequence) order.
    pub fn pop_due(&mut self, now: Nanos) -> Option<TimerId> {
        loop {
            let &Reverse(Entry { key, index }) = self.heap.peek()?;
            let deadline = Entry::deadline(key);
            if deadline > now {
                return None;
            }
            self.heap.pop();
            let s = &mut self.slots[index as usize];
            if s.state == State::Cancelled {
                self.release(index);
                continue;
            }
            s.state = State::Queued;
            return Some(TimerId { index, gen: s.gen });
        }
    }

    /// Runs a due timer off the ready queue: frees it and hands back what to
    /// do (nothing if it was cancelled after becoming due).
    pub fn fire(&mut self, id: TimerId) -> Option<(TimerAction, u64)> {
        let s = self.slot(id)?;
        let fired = match s.state {
            State::Queued => s.action.take().map(|a| (a, s.seq)),
            _ => None,
        };
        self.release(id.index);
        fired
    }
}
