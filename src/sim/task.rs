//! Tasks: ids, the cell that owns a spawned future and its output, join
//! handles, and the allocation-free waker.

use super::context;
use super::trace::{TaskEnd, Wait};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

/// A task's id: its creation order in the run (the main future is `#0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub(crate) u32);

impl TaskId {
    /// The main future of a run.
    pub const MAIN: TaskId = TaskId(0);

    /// The id as an index (creation order).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Why awaiting a task's handle gave no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The task panicked; the message.
    Panicked(String),
    /// The task was cancelled.
    Cancelled,
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Panicked(m) => write!(f, "task panicked: {m}"),
            JoinError::Cancelled => f.write_str("task was cancelled"),
        }
    }
}

impl std::error::Error for JoinError {}

/// The type-erased face of a task the executor drives.
pub(crate) trait Runnable {
    /// Polls the task's future once (one step).
    fn poll_step(&self, cx: &mut Context<'_>) -> Poll<TaskEnd>;
    /// Drops the future: the task is cancelled.
    fn cancel(&self);
    /// The failure message if the task failed and nobody took the result.
    fn unretrieved_failure(&self) -> Option<String>;
    /// True once the join handle is gone: nobody can retrieve a failure.
    fn detached(&self) -> bool;
}

trait Joinable<T> {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>>;
    fn is_finished(&self) -> bool;
    fn detach(&self);
}

enum Stage<F: Future> {
    Running(F),
    Done(Result<F::Output, JoinError>),
    Taken,
}

/// One allocation per task: the future, then its output, and the waker of
/// whoever awaits the handle.
pub(crate) struct TaskCell<F: Future> {
    stage: RefCell<Stage<F>>,
    join_waker: Cell<Option<Waker>>,
    detached: Cell<bool>,
}

impl<F: Future> TaskCell<F> {
    pub fn new(fut: F) -> Self {
        TaskCell {
            stage: RefCell::new(Stage::Running(fut)),
            join_waker: Cell::new(None),
            detached: Cell::new(false),
        }
    }

    fn finish(&self, result: Result<F::Output, JoinError>) {
        // Dropping the finished future may run arbitrary code; keep a panic
        // there from tearing through the executor.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            *self.stage.borrow_mut() = Stage::Done(result);
        }));
        if let Some(w) = self.join_waker.take() {
            w.wake();
        }
    }
}

impl<F: Future> Runnable for TaskCell<F> {
    fn poll_step(&self, cx: &mut Context<'_>) -> Poll<TaskEnd> {
        let polled = {
            let mut stage = self.stage.borrow_mut();
            let Stage::Running(fut) = &mut *stage else {
                return Poll::Ready(TaskEnd::Completed);
            };
            // SAFETY: the future lives inside an `Rc` allocation that never
            // moves, and it is only ever dropped in place (by `finish` or
            // `cancel` replacing the stage), so it is pinned.
            let fut = unsafe { Pin::new_unchecked(fut) };
            catch_unwind(AssertUnwindSafe(|| fut.poll(cx)))
        };
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => {
                self.finish(Ok(v));
                Poll::Ready(TaskEnd::Completed)
            }
            Err(payload) => {
                let msg = context::panic_message(payload);
                self.finish(Err(JoinError::Panicked(msg.clone())));
                Poll::Ready(TaskEnd::Failed(msg))
            }
        }
    }

    fn cancel(&self) {
        self.finish(Err(JoinError::Cancelled));
    }

    fn unretrieved_failure(&self) -> Option<String> {
        match &*self.stage.try_borrow().ok()? {
            Stage::Done(Err(JoinError::Panicked(m))) => Some(m.clone()),
            _ => None,
        }
    }

    fn detached(&self) -> bool {
        self.detached.get()
    }
}

impl<F: Future> Joinable<F::Output> for TaskCell<F> {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        let Ok(mut stage) = self.stage.try_borrow_mut() else {
            // A task awaiting its own handle: it can never finish.
            return Poll::Pending;
        };
        match std::mem::replace(&mut *stage, Stage::Taken) {
            Stage::Done(r) => Poll::Ready(r),
            Stage::Taken => panic!("awaitsim: JoinHandle polled after it returned"),
            running @ Stage::Running(_) => {
                *stage = running;
                self.join_waker.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        }
    }

    fn is_finished(&self) -> bool {
        !matches!(&*self.stage.borrow(), Stage::Running(_))
    }

    fn detach(&self) {
        self.detached.set(true);
    }
}

/// Awaits a spawned task: `Ok(output)`, or a [`JoinError`] if it panicked or
/// was cancelled. Dropping the handle detaches the task (it keeps running).
///
/// ```
/// use awaitsim::{spawn, Sim, JoinError};
/// let out = Sim::new(0).run(async {
///     let ok = spawn(async { 40 + 2 });
///     let bad = spawn(async { panic!("boom") });
///     (ok.await, bad.await.is_err())
/// });
/// assert_eq!(out, (Ok(42), true));
/// ```
pub struct JoinHandle<T> {
    cell: Rc<dyn Joinable<T>>,
    id: TaskId,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new<F: Future<Output = T> + 'static>(cell: Rc<TaskCell<F>>, id: TaskId) -> Self {
        JoinHandle { cell, id }
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// True once the task has completed, failed or been cancelled.
    pub fn is_finished(&self) -> bool {
        self.cell.is_finished()
    }

    /// Cancels the task: it is dropped at its next step (queued now, in
    /// FIFO order), and awaiting the handle gives [`JoinError::Cancelled`].
    pub fn cancel(&self) {
        context::with_core(|c| c.cancel_task(self.id));
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.cell.detach();
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let r = self.cell.poll_join(cx);
        if r.is_pending() {
            context::set_wait(Wait::Join(self.id));
        }
        r
    }
}

// The waker carries (run epoch, task index) in its data word: no allocation,
// and a waker kept from an earlier run finds a different epoch and does
// nothing.
const HALF: u32 = usize::BITS / 2;

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_raw, wake_raw, wake_raw, drop_raw);

fn clone_raw(data: *const ()) -> RawWaker {
    RawWaker::new(data, &VTABLE)
}

fn wake_raw(data: *const ()) {
    let v = data.addr();
    let epoch = (v >> HALF) as u32;
    let task = TaskId((v & ((1usize << HALF) - 1)) as u32);
    context::wake(epoch, task);
}

fn drop_raw(_: *const ()) {}

pub(crate) fn waker(epoch: u32, task: TaskId) -> Waker {
    let mask = (1usize << HALF) - 1;
    let v = ((epoch as usize & mask) << HALF) | (task.index() & mask);
    // SAFETY: the vtable functions treat the data word as an integer and
    // never dereference it; cloning and dropping are trivially sound.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::without_provenance(v), &VTABLE)) }
}

/// The (epoch, task) a waker made by [`waker`] wakes, or `None` for any
/// other waker. Lets the loop wake its own tasks without a vtable call and a
/// second borrow of itself.
#[inline]
pub(crate) fn own_waker_target(w: &Waker) -> Option<(u32, TaskId)> {
    if !std::ptr::eq(w.vtable(), &VTABLE) {
        return None;
    }
    let v = w.data().addr();
    Some((
        (v >> HALF) as u32,
        TaskId((v & ((1usize << HALF) - 1)) as u32),
    ))
}

/// Epoch as the waker stores it (truncated on 32-bit targets).
pub(crate) fn epoch_key(epoch: u32) -> u32 {
    (epoch as usize & ((1usize << HALF) - 1)) as u32
}
