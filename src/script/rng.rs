//! The program's `random` module draws from the run's seeded user stream (never the OS, never the clock).

/// Uniform float in [0, 1) with 53 bits, as CPython's `random()`.
pub fn random() -> f64 {
    (crate::sim::user_random_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform integer in [0, n) without modulo bias (n > 0).
pub fn below(n: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = crate::sim::user_random_u64();
        if x < zone {
            return x % n;
        }
    }
}
