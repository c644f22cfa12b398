//! (a) Cost per task switch: N tasks, each yielding M times, on each
//! executor. Every yield is one task switch, so a batch makes N × M of them.

use crate::measure::time;
use awaitsim::{Sim, Strategy};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// awaitsim: the main future spawns `n` tasks that each yield `m` times,
/// then awaits them. The `Sim` is reused across batches, as exploration does.
pub fn awaitsim(sim: &mut Sim, n: usize, m: usize) -> Duration {
    time(|| {
        sim.run(async move {
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    awaitsim::spawn(async move {
                        for _ in 0..m {
                            awaitsim::yield_now().await;
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        })
    })
}

/// A reusable awaitsim loop for this workload with `strategy` and the
/// default trace mode (hash only).
pub fn awaitsim_sim(strategy: Strategy) -> Sim {
    Sim::new(1).strategy(strategy)
}

/// `futures::executor::LocalPool`, which has no `yield_now`: [`Yield`] is
/// the same wake-then-pending future tokio and awaitsim use.
pub fn local_pool(n: usize, m: usize) -> Duration {
    use futures::task::LocalSpawnExt;
    time(|| {
        let mut pool = futures::executor::LocalPool::new();
        let spawner = pool.spawner();
        for _ in 0..n {
            spawner
                .spawn_local(async move {
                    for _ in 0..m {
                        Yield(false).await;
                    }
                })
                .unwrap();
        }
        pool.run();
    })
}

/// tokio's `current_thread` runtime (built once, outside the timing), plain
/// `tokio::spawn` and `tokio::task::yield_now`.
pub fn tokio(rt: &tokio::runtime::Runtime, n: usize, m: usize) -> Duration {
    time(|| {
        rt.block_on(async move {
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    tokio::spawn(async move {
                        for _ in 0..m {
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        })
    })
}

/// A `current_thread` runtime for [`tokio`].
pub fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime")
}

/// Yields once: wakes itself and returns `Pending` the first time.
pub struct Yield(pub bool);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
