//! (b) Timers: N tasks, each sleeping M durations drawn from a fixed seed, in
//! virtual time — awaitsim's clock against tokio's paused clock.

use crate::measure::time;
use awaitsim::Sim;
use rand::{Rng, SeedableRng};
use std::rc::Rc;
use std::time::Duration;

/// The durations every executor sleeps: `n` lists of `m`, 1 µs to 10 ms,
/// from a fixed seed so every run and every executor sleeps the same.
pub fn durations(n: usize, m: usize) -> Rc<Vec<Vec<Duration>>> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x7153);
    Rc::new(
        (0..n)
            .map(|_| {
                (0..m)
                    .map(|_| Duration::from_micros(rng.gen_range(1..=10_000)))
                    .collect()
            })
            .collect(),
    )
}

/// awaitsim, FIFO, reusing `sim`.
pub fn awaitsim(sim: &mut Sim, plan: &Rc<Vec<Vec<Duration>>>) -> Duration {
    let plan = plan.clone();
    time(|| {
        sim.run(async move {
            let handles: Vec<_> = (0..plan.len())
                .map(|i| {
                    let plan = plan.clone();
                    awaitsim::spawn(async move {
                        for &d in &plan[i] {
                            awaitsim::sleep(d).await;
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
            awaitsim::now()
        })
    })
}

/// tokio `current_thread` with `start_paused(true)` (what
/// `#[tokio::main(flavor = "current_thread", start_paused = true)]` builds):
/// the clock auto-advances to the next timer whenever the runtime is idle.
/// The runtime is built per batch, because paused time only moves forward.
pub fn tokio(plan: &Rc<Vec<Vec<Duration>>>) -> Duration {
    let plan: Vec<Vec<Duration>> = plan.as_ref().clone();
    time(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("tokio runtime");
        rt.block_on(async move {
            let start = tokio::time::Instant::now();
            let handles: Vec<_> = plan
                .into_iter()
                .map(|ds| {
                    tokio::spawn(async move {
                        for d in ds {
                            tokio::time::sleep(d).await;
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
            start.elapsed()
        })
    })
}
