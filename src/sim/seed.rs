//! The `Seed` newtype: the one number a run is a function of.

use std::fmt;
use std::str::FromStr;

/// A run's seed. Every random decision of a run comes from ChaCha streams
/// keyed by it (one for the strategy, one per task for faults), so
/// `(program, strategy, seed, fault plan)` fixes the run.
///
/// Seeds print as `0x`-hex and parse from decimal or `0x`-hex:
///
/// ```
/// use awaitsim::Seed;
/// let s: Seed = "0x2a".parse().unwrap();
/// assert_eq!(s, Seed(42));
/// assert_eq!("42".parse::<Seed>().unwrap(), s);
/// assert_eq!(s.to_string(), "0x000000000000002a");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seed(pub u64);

impl Seed {
    /// The seed of the `index`-th schedule of an exploration that starts at
    /// `self`. Consecutive indices give unrelated-looking seeds (splitmix64),
    /// so neighbouring schedules do not share RNG prefixes.
    ///
    /// ```
    /// use awaitsim::Seed;
    /// assert_ne!(Seed(0).nth(0), Seed(0).nth(1));
    /// assert_eq!(Seed(5).nth(3), Seed(5).nth(3));
    /// ```
    pub fn nth(self, index: u64) -> Seed {
        let mut z = self
            .0
            .wrapping_add(index.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Seed(z ^ (z >> 31))
    }
}

impl From<u64> for Seed {
    fn from(v: u64) -> Self {
        Seed(v)
    }
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:016x}", self.0)
    }
}

/// Why a string is not a seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedError {
    input: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a seed: expected an unsigned 64-bit integer in decimal (42) or 0x-hex (0x2a)",
            self.input
        )
    }
}

impl std::error::Error for SeedError {}

impl FromStr for Seed {
    type Err = SeedError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().replace('_', "");
        let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => t.parse::<u64>(),
        };
        parsed.map(Seed).map_err(|_| SeedError {
            input: s.to_string(),
        })
    }
}
