//! The ready queue: callbacks that can run now, oldest first (CPython's
//! `_ready` deque).

use super::task::TaskId;
use super::timers::TimerId;

/// Identifies a callback queued with [`crate::sim::call_soon`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallId(pub(crate) u32);

/// One ready callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ready {
    /// A task's next step (CPython's `Task.__step`).
    Step(TaskId),
    /// A due timer's callback (completes a sleep or runs a `call_at`).
    Timer(TimerId),
    /// A `call_soon` callback.
    Call(CallId),
}

/// A FIFO that also allows taking from the middle, which non-FIFO
/// strategies need; a vector with a moving head keeps it one slice.
#[derive(Default)]
pub(crate) struct ReadyQueue {
    buf: Vec<Ready>,
    head: usize,
}

impl ReadyQueue {
    pub fn clear(&mut self) {
        self.buf.clear();
        self.head = 0;
    }

    #[inline]
    pub fn push(&mut self, r: Ready) {
        self.buf.push(r);
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.buf.len() - self.head
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn as_slice(&self) -> &[Ready] {
        &self.buf[self.head..]
    }

    /// Removes and returns entry `i` (0 = oldest), keeping the others in
    /// order. Moves whichever side of `i` is shorter: the older entries one
    /// step right (the head advances) or the newer ones one step left.
    #[inline]
    pub fn take(&mut self, i: usize) -> Ready {
        let at = self.head + i;
        let r = self.buf[at];
        if i == 0 {
            // FIFO's every pick: no entry moves.
            self.advance_head();
        } else if i < self.len() / 2 {
            self.buf.copy_within(self.head..at, self.head + 1);
            self.advance_head();
        } else {
            self.buf.remove(at);
        }
        r
    }

    /// Drops the oldest slot, reclaiming the dead prefix now and then so the
    /// buffer stays proportional to what is queued.
    #[inline]
    fn advance_head(&mut self) {
        self.head += 1;
        if self.head == self.buf.len() {
            self.buf.clear();
            self.head = 0;
        } else if self.head >= 1024 && self.head * 2 >= self.buf.len() {
            self.buf.drain(..self.head);
            self.head = 0;
        }
    }
}
