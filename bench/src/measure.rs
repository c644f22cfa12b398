//! Timing helpers: run a batch several times and keep the median, because
//! these machines are shared and noisy.

use std::time::{Duration, Instant};

/// Wall time of one call of `f`.
pub fn time<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    std::hint::black_box(f());
    start.elapsed()
}

/// The median of `samples` (sorted in place); zero when empty.
pub fn median(samples: &mut [Duration]) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// Runs `batch` once to warm up, then `reps` times, and returns the median
/// wall time of one batch.
pub fn median_of(reps: usize, mut batch: impl FnMut() -> Duration) -> Duration {
    batch();
    let mut samples: Vec<Duration> = (0..reps).map(|_| batch()).collect();
    median(&mut samples)
}

/// Runs each of `batches` once to warm up, then round-robin `reps` times,
/// and returns the median wall time of each. Interleaving keeps a ratio
/// between them honest when the machine's load drifts during the run.
pub fn medians(reps: usize, batches: &mut [&mut dyn FnMut() -> Duration]) -> Vec<Duration> {
    for b in batches.iter_mut() {
        b();
    }
    let mut samples = vec![Vec::with_capacity(reps); batches.len()];
    for _ in 0..reps {
        for (b, s) in batches.iter_mut().zip(&mut samples) {
            s.push(b());
        }
    }
    samples.iter_mut().map(|s| median(s)).collect()
}

/// Nanoseconds per operation for a batch of `ops` operations.
pub fn ns_per(d: Duration, ops: u64) -> f64 {
    d.as_nanos() as f64 / ops as f64
}
