//! `timeout`: race a future against a virtual-time deadline.

use super::sleep::{sleep, Sleep};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The deadline passed before the future finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline elapsed")
    }
}

impl std::error::Error for Elapsed {}

/// Runs `fut` for at most `d` of virtual time; on expiry the future is
/// dropped and `Err(Elapsed)` returned.
///
/// ```
/// use std::time::Duration;
/// let r = awaitsim::Sim::new(0).run(async {
///     let slow = awaitsim::sleep(Duration::from_secs(10));
///     awaitsim::timeout(Duration::from_secs(1), slow).await
/// });
/// assert_eq!(r, Err(awaitsim::Elapsed));
/// ```
pub fn timeout<F: Future>(d: Duration, fut: F) -> Timeout<F> {
    Timeout {
        fut,
        deadline: sleep(d),
    }
}

pin_project_lite::pin_project! {
    /// Future returned by [`timeout`].
    #[must_use = "futures do nothing unless awaited"]
    pub struct Timeout<F> {
        #[pin]
        fut: F,
        #[pin]
        deadline: Sleep,
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(v) = this.fut.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        // Keep the inner future's wait reason: it is what the task waits on.
        let inner_wait = super::context::try_with_core(|c| c.current_wait.take()).flatten();
        let r = match this.deadline.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed)),
            Poll::Pending => Poll::Pending,
        };
        if let Some(w) = inner_wait {
            super::context::set_wait(w);
        }
        r
    }
}
