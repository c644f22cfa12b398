//! Leaf futures of time: `sleep`, `sleep_until`, `yield_now`.

use super::context::{self, with_core};
use super::time::{to_nanos, Nanos};
use super::timers::TimerId;
use super::trace::Wait;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Suspends for at least `d` of virtual time. The deadline counts from the
/// first poll (a future is lazy), and a fault plan's `late` may add to it but
/// never takes from it. `sleep(Duration::ZERO)` is a pure yield, like
/// `asyncio.sleep(0)`.
///
/// ```
/// use std::time::Duration;
/// let t = awaitsim::Sim::new(0).run(async {
///     awaitsim::sleep(Duration::from_millis(100)).await;
///     awaitsim::sleep(Duration::from_millis(200)).await;
///     awaitsim::now()
/// });
/// assert_eq!(t, Duration::from_millis(300)); // sequential awaits sum
/// ```
pub fn sleep(d: Duration) -> Sleep {
    Sleep {
        target: Target::After(to_nanos(d)),
        state: State::Start,
    }
}

/// Suspends until virtual time `t` (since the run began).
///
/// ```
/// use std::time::Duration;
/// let t = awaitsim::Sim::new(0).run(async {
///     awaitsim::sleep_until(Duration::from_secs(2)).await;
///     awaitsim::now()
/// });
/// assert_eq!(t, Duration::from_secs(2));
/// ```
pub fn sleep_until(t: Duration) -> Sleep {
    Sleep {
        target: Target::At(to_nanos(t)),
        state: State::Start,
    }
}

/// Yields once: the task goes to the back of the ready queue, and runs again
/// after everything that was ready before it (exactly one loop iteration).
///
/// ```
/// let order = awaitsim::Sim::new(0).run(async {
///     let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
///     let l = log.clone();
///     let h = awaitsim::spawn(async move { l.borrow_mut().push("child") });
///     awaitsim::yield_now().await;
///     log.borrow_mut().push("main");
///     h.await.unwrap();
///     let v = log.borrow().clone();
///     v
/// });
/// assert_eq!(order, ["child", "main"]);
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

#[derive(Clone, Copy, Debug)]
enum Target {
    After(Nanos),
    At(Nanos),
}

#[derive(Clone, Copy, Debug)]
enum State {
    Start,
    Yielded,
    Waiting(TimerId, Nanos),
    Done,
}

/// Future returned by [`sleep`] and [`sleep_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    target: Target,
    state: State,
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let target = self.target;
        let mut wake_self = false;
        let (state, ready) = with_core(|c| {
            c.tick();
            match self.state {
                State::Start => {
                    let delay = match target {
                        Target::After(d) => d,
                        Target::At(t) => t.saturating_sub(c.now),
                    };
                    if delay == 0 {
                        wake_self = true;
                        c.current_wait = Some(Wait::Yield);
                        return (State::Yielded, false);
                    }
                    let (id, until) = c.sleep_timer(delay, cx.waker());
                    c.current_wait = Some(Wait::Sleep { until });
                    (State::Waiting(id, until), false)
                }
                State::Yielded => (State::Done, true),
                State::Waiting(id, until) => {
                    if c.timers.is_pending(id) {
                        c.timers.set_waker(id, cx.waker());
                        c.current_wait = Some(Wait::Sleep { until });
                        (self.state, false)
                    } else {
                        (State::Done, true)
                    }
                }
                State::Done => (State::Done, true),
            }
        });
        self.state = state;
        if wake_self {
            // Outside the loop's borrow: waking re-enters the loop.
            cx.waker().wake_by_ref();
        }
        if ready {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let State::Waiting(id, _) = self.state {
            let action = context::try_with_core(|c| c.timers.cancel(id));
            drop(action);
        }
    }
}

/// Future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();
    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Out of line, so the resuming poll above stays a single inlined test.
        suspend_for_yield(cx);
        Poll::Pending
    }
}

#[inline(never)]
fn suspend_for_yield(cx: &mut Context<'_>) {
    let woken = with_core(|c| {
        c.tick();
        c.current_wait = Some(Wait::Yield);
        c.wake_own(cx.waker())
    });
    if !woken {
        // Someone else's waker (a combinator's): wake it outside the
        // loop's borrow, since waking may re-enter the loop.
        cx.waker().wake_by_ref();
    }
}
