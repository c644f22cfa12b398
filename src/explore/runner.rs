//! Running many schedules in parallel with results that do not depend on
//! the number of threads.
//!
//! Workers claim chunks of schedule indices in increasing order. When a
//! schedule fails, nobody starts a chunk past it, and every index below it
//! still runs, so "the first failure" is the one with the smallest index
//! whatever the thread timing — the same as `--jobs 1`.

use super::distinct::Distinct;
use super::plan::{Amount, ExploreConfig};
use super::target::Target;
use crate::sim::{Failure, FailureKind, RunReport, Seed, Sim, Strategy};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const CHUNK: u64 = 32;

/// A failing schedule found by an exploration.
#[derive(Clone, Debug)]
pub struct Found {
    /// Global schedule index (0-based).
    pub index: u64,
    /// Its seed.
    pub seed: Seed,
    /// Its strategy.
    pub strategy: Strategy,
    /// Why it failed.
    pub failure: Failure,
    /// Its report (schedule token, hazards, trace hash).
    pub report: RunReport,
}

/// The summary of an exploration.
#[derive(Clone, Debug, Default)]
pub struct Exploration {
    /// Schedules run (up to and including the first failure unless keep-going).
    pub schedules: u64,
    /// Distinct interleavings among them, by trace hash: exact up to
    /// [`ExploreConfig::distinct_cap`], estimated above it.
    pub distinct: u64,
    /// `distinct` is an estimate (more than the cap were seen).
    pub distinct_estimated: bool,
    /// The trace hashes seen (with the first schedule index of each), in
    /// bounded memory, so shards can be merged into the single-run count.
    pub interleavings: Distinct,
    /// Failures, in index order (only the first unless keep-going).
    pub failures: Vec<Found>,
    /// Failures by kind.
    pub by_kind: BTreeMap<FailureKind, u64>,
    /// Wall-clock time taken.
    pub elapsed: Duration,
    /// Stopped by [`ExploreConfig::interrupt`] before all schedules ran.
    pub interrupted: bool,
    /// The first schedule index not run (every index from the config's
    /// `start` up to here ran, for this shard): where a resumed run starts.
    pub next_index: u64,
}

impl Exploration {
    /// Schedules per second of wall-clock time.
    pub fn schedules_per_sec(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.schedules as f64 / s
        } else {
            0.0
        }
    }
}

/// Most failures kept in detail with keep-going (all are counted).
const KEEP_FAILURES: usize = 100;

struct Partial {
    /// Interleaving hashes with the index that produced them.
    distinct: Distinct,
    failures: Vec<Found>,
    /// (index, kind) of every failure.
    kinds: Vec<(u64, FailureKind)>,
    /// Schedules this worker ran.
    ran: u64,
}

/// Explores `target` as `config` says. Never panics because of the program.
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use awaitsim::explore::{explore, ExploreConfig, StrategyChoice};
/// use awaitsim::{spawn, yield_now, Strategy};
/// let racy = || async {
///     let n = Rc::new(Cell::new(0));
///     let mut hs = vec![];
///     for _ in 0..2 {
///         let n = n.clone();
///         hs.push(spawn(async move { let v = n.get(); yield_now().await; n.set(v + 1) }));
///         yield_now().await;
///     }
///     for h in hs { h.await.unwrap(); }
///     assert_eq!(n.get(), 2, "lost update");
/// };
/// let mut cfg = ExploreConfig::seeds(200);
/// cfg.strategy = StrategyChoice::Single(Strategy::Random);
/// let r = explore(&racy, &cfg);
/// assert_eq!(r.failures.len(), 1);
/// assert_eq!(r.schedules, r.failures[0].index + 1);
/// ```
pub fn explore<T: Target + ?Sized>(target: &T, config: &ExploreConfig) -> Exploration {
    explore_with_progress(target, config, &|_| {})
}

/// Like [`explore`], calling `progress(schedules_done)` now and then from
/// the workers (for a progress bar).
pub fn explore_with_progress<T: Target + ?Sized>(
    target: &T,
    config: &ExploreConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Exploration {
    let start = Instant::now();
    let horizon = pct_horizon(target, config);
    let (limit, deadline) = match config.amount {
        Amount::Seeds(n) => (n, None),
        Amount::Time(d) => (u64::MAX, Some(start + d)),
    };
    let next_chunk = AtomicU64::new(0);
    let first_fail = AtomicU64::new(u64::MAX);
    let done = AtomicU64::new(0);
    let parts = Mutex::new(Vec::new());
    let jobs = config.jobs.max(1);

    let work = || {
        let mut part = Partial {
            distinct: Distinct::with_cap(config.distinct_cap),
            failures: Vec::new(),
            kinds: Vec::new(),
            ran: 0,
        };
        let mut sims: BTreeMap<Strategy, Sim> = BTreeMap::new();
        'chunks: loop {
            // Decide to stop before claiming: every claimed chunk then runs
            // to its end, so "what ran" is a prefix of the indices.
            let stop = config
                .interrupt
                .as_ref()
                .is_some_and(|f| f.load(Ordering::Relaxed));
            if stop || deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let chunk = next_chunk.fetch_add(1, Ordering::Relaxed);
            let lo = config.start.saturating_add(chunk.saturating_mul(CHUNK));
            if lo >= limit {
                break;
            }
            let hi = (lo + CHUNK).min(limit);
            for index in lo..hi {
                if index > first_fail.load(Ordering::Relaxed) && !config.keep_going {
                    break 'chunks;
                }
                if !config.shard.owns(index) {
                    continue;
                }
                let strategy = config.strategy.for_index(index);
                let sim = sims.entry(strategy).or_insert_with(|| {
                    Sim::new(0)
                        .strategy(strategy)
                        .faults(config.faults.clone())
                        .budget(config.budget)
                        .hazards(config.hazards)
                        .pct_horizon(horizon)
                });
                let seed = config.base_seed.nth(index);
                sim.set_seed(seed);
                let out = target.run(sim);
                part.distinct.insert(out.report.trace_hash, index);
                part.ran += 1;
                if let Err(failure) = out.result {
                    first_fail.fetch_min(index, Ordering::Relaxed);
                    part.kinds.push((index, failure.kind()));
                    if part.failures.len() < KEEP_FAILURES {
                        part.failures.push(Found {
                            index,
                            seed,
                            strategy,
                            failure,
                            report: out.report,
                        });
                    }
                }
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_multiple_of(256) {
                    progress(n);
                }
            }
        }
        parts.lock().unwrap_or_else(|e| e.into_inner()).push(part);
    };
    std::thread::scope(|s| {
        for _ in 1..jobs {
            s.spawn(work);
        }
        work();
    });

    let parts = parts.into_inner().unwrap_or_else(|e| e.into_inner());
    let cutoff = if config.keep_going {
        u64::MAX
    } else {
        first_fail.load(Ordering::Relaxed)
    };
    let next_index = config
        .start
        .saturating_add(next_chunk.load(Ordering::Relaxed).saturating_mul(CHUNK))
        .min(limit);
    let mut result = Exploration {
        elapsed: start.elapsed(),
        interrupted: config
            .interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
            && next_index < limit,
        next_index,
        ..Exploration::default()
    };
    // The first worker's counter is reused, not copied: one sketch less at the peak.
    let mut distinct: Option<Distinct> = None;
    for p in parts {
        match &mut distinct {
            Some(d) => d.merge(&p.distinct),
            None => distinct = Some(p.distinct),
        }
        result.schedules += p.ran;
        for (i, k) in p.kinds {
            if i <= cutoff {
                *result.by_kind.entry(k).or_insert(0) += 1;
            }
        }
        result
            .failures
            .extend(p.failures.into_iter().filter(|f| f.index <= cutoff));
    }
    if cutoff != u64::MAX && deadline.is_none() {
        // Every owned index up to the first failure ran (and maybe a few
        // past it, in other workers' chunks): count exactly those.
        result.schedules = config.shard.size_of(cutoff + 1) - config.shard.size_of(config.start);
        result.next_index = cutoff + 1;
    }
    result.failures.sort_by_key(|f| f.index);
    result.failures.truncate(KEEP_FAILURES);
    // Other workers may have run a few schedules past the first failure.
    let mut distinct = distinct.unwrap_or_else(|| Distinct::with_cap(config.distinct_cap));
    distinct.cut(cutoff);
    (result.distinct, result.distinct_estimated) = distinct.count();
    result.interleavings = distinct;
    progress(result.schedules);
    result
}

/// PCT places its change points within the first `horizon` choices of a
/// run; measure a run's length once under FIFO with seed 0, so the horizon
/// depends only on the program and the fault plan, and a single schedule
/// replays with the same horizon as the exploration that found it. Only
/// PCT reads it: for the other strategies there is no probe run (1).
pub fn pct_horizon<T: Target + ?Sized>(target: &T, config: &ExploreConfig) -> u64 {
    if !config.strategy.uses_pct() {
        return 1;
    }
    let mut probe = Sim::new(0)
        .faults(config.faults.clone())
        .budget(config.budget)
        .hazards(config.hazards);
    target.run(&mut probe).report.steps.max(1)
}
