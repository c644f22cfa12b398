//! The I/O point: an await whose completion the fault plan controls.

use super::context::{self, with_core};
use super::time::{to_nanos, Nanos};
use super::timers::TimerId;
use super::trace::{Fault, Wait};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// An injected I/O failure (`fail=P`), standing in for `ConnectionError`;
/// or, for an await made with [`Io::cancel_by_error`], an injected `cancel`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoError {
    /// The I/O point that failed.
    pub name: Arc<str>,
    /// An injected cancellation rather than a failure.
    pub cancelled: bool,
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.cancelled {
            write!(f, "injected cancellation at io `{}`", self.name)
        } else {
            write!(f, "injected connection error at io `{}`", self.name)
        }
    }
}

impl std::error::Error for IoError {}

/// An I/O await of `latency`: a request, a read, a reply. Under a fault plan
/// it may fail (`fail`), cancel the awaiting task (`cancel`), never complete
/// (`stall`) or complete late (`late`); each decision is seeded and recorded.
///
/// ```
/// use std::time::Duration;
/// let (r, t) = awaitsim::Sim::new(0).run(async {
///     let r = awaitsim::io("fetch", Duration::from_millis(20)).await;
///     (r, awaitsim::now())
/// });
/// assert!(r.is_ok());
/// assert_eq!(t, Duration::from_millis(20));
/// ```
pub fn io(name: impl Into<Arc<str>>, latency: Duration) -> Io {
    Io {
        name: name.into(),
        latency: to_nanos(latency),
        state: State::Start,
        cancel_by_error: false,
    }
}

#[derive(Clone, Copy, Debug)]
enum State {
    Start,
    Waiting {
        timer: TimerId,
        until: Nanos,
        fail: bool,
    },
    Stalled,
    Cancelled,
    /// Cancelled by an injected fault, to resolve as an error when polled again.
    Cancelling,
    Done,
}

/// Future returned by [`io`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Io {
    name: Arc<str>,
    latency: Nanos,
    state: State,
    cancel_by_error: bool,
}

impl Io {
    /// Let an injected `cancel` end this await with an error
    /// (`IoError { cancelled: true, .. }`) instead of cancelling the awaiting
    /// task: for a runtime whose tasks handle their own cancellation, as an
    /// asyncio task raises `CancelledError` at the await and runs its
    /// `finally` blocks. The task is woken, and the error comes when it is
    /// next stepped, as a cancelled task of the default kind would be.
    ///
    /// ```
    /// use std::time::Duration;
    /// let r = awaitsim::Sim::new(0)
    ///     .faults("cancel=1".parse().unwrap())
    ///     .run(async { awaitsim::io("fetch", Duration::from_millis(20)).cancel_by_error().await });
    /// assert!(r.unwrap_err().cancelled);
    /// ```
    pub fn cancel_by_error(mut self) -> Io {
        self.cancel_by_error = true;
        self
    }
}

impl Future for Io {
    type Output = Result<(), IoError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let name = self.name.clone();
        let (state, latency, cancel_by_error) = (self.state, self.latency, self.cancel_by_error);
        let next = with_core(|c| {
            c.tick();
            match state {
                State::Start => {
                    // Fixed order of decisions, so that a schedule replays.
                    let plan = c.faults.clone();
                    if c.decider.coin(c.current, plan.cancel) {
                        c.injected(Fault::Cancel { name: name.clone() });
                        if cancel_by_error {
                            return State::Cancelling;
                        }
                        if let Some(t) = c.current {
                            c.cancel_task(t);
                        }
                        return State::Cancelled;
                    }
                    if c.decider.coin(c.current, plan.stall) {
                        c.injected(Fault::Stall { name: name.clone() });
                        return State::Stalled;
                    }
                    let fail = c.decider.coin(c.current, plan.fail);
                    if fail {
                        c.injected(Fault::Fail { name: name.clone() });
                    }
                    let (timer, until) = c.sleep_timer(latency, cx.waker());
                    State::Waiting { timer, until, fail }
                }
                State::Waiting { timer, .. } if c.timers.is_pending(timer) => {
                    c.timers.set_waker(timer, cx.waker());
                    state
                }
                State::Waiting { .. } => State::Done,
                other => other,
            }
        });
        let wait = match next {
            State::Waiting { until, .. } => Some(until),
            State::Stalled | State::Cancelled => None,
            State::Cancelling if matches!(state, State::Cancelling) => {
                self.state = State::Done;
                return Poll::Ready(Err(IoError {
                    name,
                    cancelled: true,
                }));
            }
            State::Cancelling => {
                // Woken outside the core's borrow; the error comes next poll.
                self.state = next;
                context::set_wait(Wait::Custom(Arc::from(format!("io `{name}`, cancelled"))));
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            State::Done | State::Start => {
                let failed = matches!(state, State::Waiting { fail: true, .. });
                self.state = State::Done;
                return Poll::Ready(if failed {
                    Err(IoError {
                        name,
                        cancelled: false,
                    })
                } else {
                    Ok(())
                });
            }
        };
        self.state = next;
        context::set_wait(Wait::Io { name, until: wait });
        Poll::Pending
    }
}

impl Drop for Io {
    fn drop(&mut self) {
        if let State::Waiting { timer, .. } = self.state {
            let action = context::try_with_core(|c| c.timers.cancel(timer));
            drop(action);
        }
    }
}
