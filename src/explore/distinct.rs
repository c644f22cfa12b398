//! Counting distinct interleavings in bounded memory: exact up to a cap, then a HyperLogLog sketch that can still be cut at the first failure.
//!
//! An exploration counts the distinct trace hashes among the schedules it
//! ran, and the count must not depend on the thread count, and sharded runs
//! must merge to the single-run number. A run that stops at its first failure
//! counts only schedules up to that index, but other workers (or other
//! shards) may have run a few past it, so every observation is a pair
//! (hash, schedule index) and the counter can be *cut* at an index: the
//! result is then exactly what a counter fed only the pairs up to that index
//! would hold.
//!
//! - **Exact part.** The `cap + 1` distinct hashes with the smallest first
//!   index (order: index, then hash). While no more than `cap` hashes were
//!   seen this is every hash, and the count is exact.
//! - **Sketch.** Once `cap + 1` hashes were seen, a HyperLogLog (Flajolet,
//!   Fusy, Gandouet, Meunier, "HyperLogLog: the analysis of a near-optimal
//!   cardinality estimation algorithm", AofA 2007; 64-bit hashes and no
//!   large-range correction as in Heule, Nunkesser, Hall, "HyperLogLog in
//!   Practice", EDBT 2013) with `2^12` registers: relative standard error
//!   `1.04 / sqrt(4096)` ≈ 1.6 %. Instead of a register's maximum rank it
//!   keeps, for each rank `r`, the smallest schedule index of a hash in that
//!   register whose rank is at least `r` (the time-stamped registers of
//!   Chabchoub and Hébrail's "Sliding HyperLogLog", 2010, with the window
//!   replaced by a prefix of indices). The register's value is the number
//!   of ranks reached, cutting at an index forgets what came after it, and
//!   merging is a cell-wise minimum: exactly the sketch of the union, in any
//!   order.
//!
//! The whole state is a function of the set of pairs seen (the minimum is
//! commutative, the exact part is "the smallest `cap + 1`"), so insertion
//! order, worker count and sharding cannot change it. Memory is bounded by
//! the cap and the sketch (4096 × 53 cells of 8 bytes, 1.7 MB), whatever the
//! run length. Hand-written rather than a crate because no HyperLogLog crate
//! can cut a sketch at an index, and the common ones hash with random keys.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::BTreeMap;

/// Distinct hashes counted exactly before the sketch takes over: 2^16.
/// Below it the exact part costs about as much memory as the sketch
/// (65,537 pairs in a `BTreeMap`, ≈ 1.9 MB measured, against 1.7 MB), and
/// an estimate would be
/// off by about ±1,000 (1.6 %), more than users expect from small runs;
/// above it the count grows without bound while the sketch stays fixed.
pub const DEFAULT_CAP: usize = 1 << 16;

/// log2 of the number of registers.
const P: u32 = 12;
/// Registers.
const M: usize = 1 << P;
/// Ranks a register can reach: leading zeros of the remaining 64 − P bits, plus one.
const LEVELS: usize = 64 - P as usize + 1;
/// A cell no pair reached.
const NEVER: u64 = u64::MAX;

/// A bounded counter of distinct hashes, each seen at a schedule index.
///
/// ```
/// use awaitsim::explore::Distinct;
/// let mut d = Distinct::with_cap(2);
/// for (i, h) in [7, 8, 7, 9].into_iter().enumerate() {
///     d.insert(h, i as u64);
/// }
/// assert_eq!(d.count(), (3, true)); // over the cap of 2: estimated
/// d.cut(1);
/// assert_eq!(d.count(), (2, false)); // only indices 0 and 1: exact
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distinct {
    cap: usize,
    /// Hash → first index: the `cap + 1` smallest (index, hash) pairs.
    exact: BTreeMap<u64, u64>,
    /// Once more than `cap` hashes were seen: the largest (index, hash)
    /// kept in `exact`; a pair above it cannot enter.
    bound: Option<(u64, u64)>,
    /// Present once more than `cap` hashes were seen.
    sketch: Option<Sketch>,
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct::with_cap(DEFAULT_CAP)
    }
}

impl Distinct {
    /// A counter exact up to `cap` distinct hashes.
    pub fn with_cap(cap: usize) -> Self {
        Distinct {
            cap,
            exact: BTreeMap::new(),
            bound: None,
            sketch: None,
        }
    }

    /// Records `hash`, seen at schedule `index`. Cheap when indices mostly
    /// increase (as in a worker); out of order below the bound it scans the
    /// exact part once.
    pub fn insert(&mut self, hash: u64, index: u64) {
        if let Some(s) = &mut self.sketch {
            s.insert(hash, index);
        }
        if self.bound.is_some_and(|b| (index, hash) > b) {
            return;
        }
        let e = self.exact.entry(hash).or_insert(index);
        *e = (*e).min(index);
        if self.exact.len() > self.cap + 1 {
            let (_, worst) = self.max_kept();
            self.exact.remove(&worst);
        }
        if self.exact.len() == self.cap + 1 {
            if self.sketch.is_none() {
                // Nothing was dropped yet: the exact part is every pair.
                self.sketch = Some(Sketch::of(&self.exact));
            }
            self.bound = Some(self.max_kept());
        }
    }

    /// The largest (index, hash) in the exact part.
    fn max_kept(&self) -> (u64, u64) {
        self.exact
            .iter()
            .map(|(&h, &i)| (i, h))
            .max()
            .unwrap_or((NEVER, NEVER))
    }

    /// Adds everything `other` saw: afterwards `self` is what one counter
    /// fed both sets of pairs would be (with the smaller cap).
    pub fn merge(&mut self, other: &Distinct) {
        let cap = self.cap.min(other.cap);
        let mut pairs = std::mem::take(&mut self.exact);
        for (&h, &i) in &other.exact {
            let e = pairs.entry(h).or_insert(i);
            *e = (*e).min(i);
        }
        let over = self.sketch.is_some() || other.sketch.is_some() || pairs.len() > cap;
        if !over {
            // Nothing was dropped on either side, and nothing needs to be.
            *self = Distinct::with_cap(cap);
            self.exact = pairs;
            return;
        }
        // A side without a sketch never dropped a pair: its exact part is all it saw.
        let sketch = match (self.sketch.take(), &other.sketch) {
            (Some(mut s), Some(o)) => {
                s.merge(o);
                s
            }
            (Some(mut s), None) => {
                other.exact.iter().for_each(|(&h, &i)| s.insert(h, i));
                s
            }
            (None, Some(o)) => {
                let mut s = o.clone();
                pairs.iter().for_each(|(&h, &i)| s.insert(h, i));
                s
            }
            (None, None) => Sketch::of(&pairs),
        };
        let mut by_index: Vec<(u64, u64)> = pairs.into_iter().map(|(h, i)| (i, h)).collect();
        by_index.sort_unstable();
        by_index.truncate(cap + 1);
        *self = Distinct {
            cap,
            bound: by_index.last().copied(),
            exact: by_index.into_iter().map(|(i, h)| (h, i)).collect(),
            sketch: Some(sketch),
        };
    }

    /// Forgets every pair seen at an index above `last`: afterwards `self`
    /// is what a counter fed only the pairs up to `last` would be.
    pub fn cut(&mut self, last: u64) {
        self.exact.retain(|_, i| *i <= last);
        if self.bound.is_some_and(|(i, _)| i > last) {
            // Fewer than cap + 1 pairs up to `last`: all of them are kept.
            self.bound = None;
            self.sketch = None;
        }
        if let Some(s) = &mut self.sketch {
            s.cut(last);
        }
    }

    /// The number of distinct hashes, and whether it is an estimate (more
    /// than the cap were seen). The estimate is never below `cap + 1`,
    /// which is known exactly.
    pub fn count(&self) -> (u64, bool) {
        match &self.sketch {
            None => (self.exact.len() as u64, false),
            Some(s) => (s.estimate().max(self.cap as u64 + 1), true),
        }
    }

    /// The exact part: (hash, first index) sorted by hash. Every hash seen
    /// while [`Distinct::count`] is exact.
    pub fn hashes(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.exact.iter().map(|(&h, &i)| (h, i))
    }

    /// The sketch, encoded for a JSON line (URL-safe base64), if over the cap.
    pub fn sketch_text(&self) -> Option<String> {
        let s = self.sketch.as_ref()?;
        let mut out = vec![P as u8];
        varint(&mut out, self.cap as u64);
        s.encode(&mut out);
        Some(URL_SAFE_NO_PAD.encode(out))
    }

    /// Rebuilds a counter from [`Distinct::hashes`] and
    /// [`Distinct::sketch_text`].
    pub fn from_parts(
        hashes: impl IntoIterator<Item = (u64, u64)>,
        sketch: Option<&str>,
    ) -> Result<Distinct, String> {
        let exact: BTreeMap<u64, u64> = hashes.into_iter().collect();
        let Some(text) = sketch else {
            let cap = DEFAULT_CAP.max(exact.len());
            return Ok(Distinct {
                cap,
                exact,
                bound: None,
                sketch: None,
            });
        };
        let bad = |why: &str| format!("bad interleaving sketch: {why}");
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|e| bad(&e.to_string()))?;
        let mut r = Reader(&bytes);
        if r.byte()? != P as u8 {
            return Err(bad("made with another register count"));
        }
        let cap = usize::try_from(r.varint()?).map_err(|_| bad("cap too large"))?;
        let sketch = Sketch::decode(&mut r)?;
        if !r.0.is_empty() {
            return Err(bad("trailing bytes"));
        }
        if exact.len() != cap.saturating_add(1) {
            return Err(bad(&format!(
                "{} hashes with it, expected cap + 1 = {}",
                exact.len(),
                cap as u128 + 1
            )));
        }
        let mut d = Distinct {
            cap,
            exact,
            bound: None,
            sketch: Some(sketch),
        };
        d.bound = Some(d.max_kept());
        Ok(d)
    }
}

/// "999 distinct interleavings" or "~1.02M distinct interleavings (estimated)".
pub fn describe(count: u64, estimated: bool) -> String {
    if !estimated {
        return crate::report::count(count, "distinct interleaving");
    }
    let n = count as f64;
    let short = if n >= 1e9 {
        format!("{:.2}G", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.2}M", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1}k", n / 1e3)
    } else {
        count.to_string()
    };
    format!("~{short} distinct interleavings (estimated)")
}

/// The HyperLogLog with a first index per (register, rank).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sketch {
    /// `first[j * LEVELS + r - 1]`: smallest index of a hash in register
    /// `j` with rank ≥ `r`, or [`NEVER`]. Non-decreasing in `r`.
    first: Box<[u64]>,
}

impl Sketch {
    fn empty() -> Self {
        Sketch {
            first: vec![NEVER; M * LEVELS].into_boxed_slice(),
        }
    }

    fn of(pairs: &BTreeMap<u64, u64>) -> Self {
        let mut s = Sketch::empty();
        for (&h, &i) in pairs {
            s.insert(h, i);
        }
        s
    }

    fn insert(&mut self, hash: u64, index: u64) {
        // Trace hashes are FxHash-style; HyperLogLog needs every bit mixed.
        let x = mix(hash);
        let j = (x >> (64 - P)) as usize;
        let rank = ((x << P).leading_zeros() as usize + 1).min(LEVELS);
        let cells = &mut self.first[j * LEVELS..j * LEVELS + rank];
        // Non-decreasing: stop at the first rank already reached earlier.
        for c in cells.iter_mut().rev() {
            if *c <= index {
                break;
            }
            *c = index;
        }
    }

    fn merge(&mut self, other: &Sketch) {
        for (a, b) in self.first.iter_mut().zip(other.first.iter()) {
            *a = (*a).min(*b);
        }
    }

    fn cut(&mut self, last: u64) {
        for c in self.first.iter_mut().filter(|c| **c > last) {
            *c = NEVER;
        }
    }

    /// Register `j`'s value: the highest rank reached.
    fn register(&self, j: usize) -> usize {
        self.first[j * LEVELS..(j + 1) * LEVELS]
            .iter()
            .take_while(|&&c| c != NEVER)
            .count()
    }

    /// The HyperLogLog estimate, with linear counting for small counts.
    fn estimate(&self) -> u64 {
        let m = M as f64;
        let (mut sum, mut zeros) = (0.0f64, 0u32);
        for j in 0..M {
            let r = self.register(j);
            zeros += u32::from(r == 0);
            // 2^-r exactly (r ≤ 53).
            sum += f64::from_bits((1023 - r as u64) << 52);
        }
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let raw = alpha * m * m / sum;
        let e = if raw <= 2.5 * m && zeros > 0 {
            m * (m / f64::from(zeros)).ln()
        } else {
            raw
        };
        e.round() as u64
    }

    /// Per register: the number of ranks reached, then each rank's first
    /// index as a varint delta from the previous one.
    fn encode(&self, out: &mut Vec<u8>) {
        for j in 0..M {
            let n = self.register(j);
            out.push(n as u8);
            let mut prev = 0;
            for &c in &self.first[j * LEVELS..j * LEVELS + n] {
                varint(out, c - prev);
                prev = c;
            }
        }
    }

    fn decode(r: &mut Reader) -> Result<Sketch, String> {
        let mut s = Sketch::empty();
        for j in 0..M {
            let n = r.byte()? as usize;
            if n > LEVELS {
                return Err(format!("bad interleaving sketch: rank {n} in register {j}"));
            }
            let mut prev = 0u64;
            for c in &mut s.first[j * LEVELS..j * LEVELS + n] {
                prev = prev
                    .checked_add(r.varint()?)
                    .filter(|&v| v != NEVER)
                    .ok_or("bad interleaving sketch: index out of range")?;
                *c = prev;
            }
        }
        Ok(s)
    }
}

/// The 64-bit finalizer of MurmurHash3 (fmix64): a bijection that spreads
/// every input bit over the whole word.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// LEB128: seven bits a byte, low first.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let (&b, rest) = self
            .0
            .split_first()
            .ok_or("bad interleaving sketch: truncated")?;
        self.0 = rest;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f)
                .checked_shl(shift)
                .filter(|x| x >> shift == u64::from(b & 0x7f))
                .ok_or("bad interleaving sketch: varint overflow")?;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("bad interleaving sketch: varint too long".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fed(cap: usize, pairs: &[(u64, u64)]) -> Distinct {
        let mut d = Distinct::with_cap(cap);
        for &(h, i) in pairs {
            d.insert(h, i);
        }
        d
    }

    #[test]
    fn exact_below_the_cap() {
        let pairs: Vec<(u64, u64)> = (0..1000).map(|i| (i % 600, i)).collect();
        let d = fed(600, &pairs);
        assert_eq!(d.count(), (600, false));
        assert_eq!(d.hashes().count(), 600);
        assert_eq!(d.sketch_text(), None);
        let d = fed(599, &pairs);
        assert!(d.count().1);
        assert!(d.sketch_text().is_some());
        assert_eq!(d.hashes().count(), 600);
    }

    #[test]
    fn the_estimate_is_within_the_stated_error_on_a_million_hashes() {
        // Standard error 1.04 / sqrt(4096) = 1.625 %; allow three of it.
        let bound = 3.0 * 1.04 / (M as f64).sqrt();
        for salt in 0..3u64 {
            let n = 1_000_000u64;
            let mut d = Distinct::with_cap(1 << 10);
            for i in 0..n {
                // Each hash twice: duplicates must not count.
                let h = (i ^ (salt << 40)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                d.insert(h, 2 * i);
                d.insert(h, 2 * i + 1);
            }
            let (est, estimated) = d.count();
            assert!(estimated);
            let err = (est as f64 - n as f64).abs() / n as f64;
            assert!(err < bound, "salt {salt}: {est} vs {n} ({err:.4})");
        }
    }

    #[test]
    fn small_estimates_use_linear_counting() {
        let pairs: Vec<(u64, u64)> = (0..3000).map(|i| (i, i)).collect();
        let (est, _) = fed(10, &pairs).count();
        assert!((est as f64 - 3000.0).abs() < 150.0, "{est}");
    }

    #[test]
    fn the_sketch_text_round_trips_and_rejects_garbage() {
        let pairs: Vec<(u64, u64)> = (0..5000).map(|i| (i * 31 % 4000, i)).collect();
        let d = fed(100, &pairs);
        let text = d.sketch_text().unwrap();
        let back = Distinct::from_parts(d.hashes(), Some(&text)).unwrap();
        assert_eq!(back, d);
        assert!(Distinct::from_parts(d.hashes(), Some("%%")).is_err());
        assert!(Distinct::from_parts(d.hashes().skip(1), Some(&text)).is_err());
        assert!(Distinct::from_parts(d.hashes(), Some(&text[..text.len() - 8])).is_err());
        assert!(Distinct::from_parts(d.hashes(), Some("AAAA")).is_err());
    }

    #[test]
    fn describe_marks_estimates() {
        assert_eq!(describe(999, false), "999 distinct interleavings");
        assert_eq!(
            describe(1_024_000, true),
            "~1.02M distinct interleavings (estimated)"
        );
        assert_eq!(
            describe(65_600, true),
            "~65.6k distinct interleavings (estimated)"
        );
    }

    fn pairs() -> impl Strategy<Value = Vec<(u64, u64)>> {
        // Few hashes and indices, so repeats and ties are common.
        prop::collection::vec((0u64..40, 0u64..120), 0..150)
    }

    proptest! {
        #[test]
        fn the_state_does_not_depend_on_the_order(
            cap in 0usize..30,
            ps in pairs(),
            seed in any::<u64>(),
        ) {
            let mut shuffled = ps.clone();
            // A deterministic shuffle from the seed.
            let mut s = seed | 1;
            for k in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(k, (s % (k as u64 + 1)) as usize);
            }
            prop_assert_eq!(fed(cap, &ps), fed(cap, &shuffled));
        }

        #[test]
        fn merge_is_the_union_and_cut_is_the_prefix(
            cap in 0usize..30,
            ps in pairs(),
            split in prop::collection::vec(0usize..3, 150),
            last in 0u64..130,
        ) {
            let mut parts = vec![Vec::new(); 3];
            for (k, p) in ps.iter().enumerate() {
                parts[split[k]].push(*p);
            }
            let whole = fed(cap, &ps);
            let mut merged = Distinct::with_cap(cap);
            for p in &parts {
                // Through the JSON encoding, as `awaitsim merge` sees it.
                let d = fed(cap, p);
                let d = Distinct::from_parts(d.hashes(), d.sketch_text().as_deref()).unwrap();
                merged.merge(&d);
            }
            prop_assert_eq!(&merged, &whole);
            let prefix: Vec<_> = ps.iter().copied().filter(|p| p.1 <= last).collect();
            merged.cut(last);
            prop_assert_eq!(merged, fed(cap, &prefix));
        }
    }
}
