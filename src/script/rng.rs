//! The seeded random source behind the scenario's `random` module (never the OS, never the clock).

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng as _, SeedableRng};

/// Seeded generator for the program's `random` module.
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// A generator fully determined by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform float in [0, 1) with 53 bits, as CPython's `random()`.
    pub fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) without modulo bias (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}
