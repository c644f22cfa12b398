//! `explore --json`: one JSON object per explored file, and `merge` of
//! sharded outputs into the summary a single run would have printed.

use crate::explore::{Distinct, Exploration, Found, DEFAULT_CAP};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A failing schedule, as the JSON line carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailureLine {
    /// Seed, `0x`-hex.
    pub seed: String,
    /// How many schedules ran until it, counting it.
    pub index: u64,
    /// `assertion`, `exception`, `deadlock`, `stall`, `hazard` or `budget`.
    pub kind: String,
    /// What failed, for a person.
    pub message: String,
    /// The command that replays it.
    pub replay: String,
    /// Its schedule token.
    pub schedule: String,
    /// Its strategy.
    pub strategy: String,
}

/// One explored file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultLine {
    /// The scenario file.
    pub file: String,
    /// `pass`, `fail` or `error`.
    pub status: String,
    /// The strategy (or `portfolio`).
    pub strategy: String,
    /// The fault plan.
    pub faults: String,
    /// Schedules run.
    pub schedules: u64,
    /// Distinct interleavings by trace hash (rounded, if estimated).
    pub distinct: u64,
    /// `distinct` is a HyperLogLog estimate: more distinct interleavings
    /// were seen than are counted exactly (65,536 by default).
    #[serde(default)]
    pub distinct_estimated: bool,
    /// Schedules per wall-clock second.
    pub schedules_per_sec: f64,
    /// Failures by kind.
    #[serde(default)]
    pub failures_by_kind: BTreeMap<String, u64>,
    /// The first failure.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub failure: Option<FailureLine>,
    /// For `error`: what made the file unrunnable.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// The shard (`I/N`) this line covers, if sharded.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<String>,
    /// Schedules the whole (unsharded) exploration asked for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub total_seeds: Option<u64>,
    /// Sharded runs only: distinct trace hashes (`0x`-hex) with the first
    /// index that produced each, so `merge` can count exactly. Over the
    /// exact cap, only the cap + 1 with the smallest indices.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub hashes: Vec<(String, u64)>,
    /// Sharded runs over the exact cap only: the HyperLogLog sketch of every
    /// trace hash (URL-safe base64), which `merge` combines with the other
    /// shards' into the single-run estimate.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sketch: Option<String>,
    /// Wall-clock seconds.
    pub elapsed_sec: f64,
    /// Stopped by Ctrl-C before every schedule ran.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub interrupted: bool,
    /// For an interrupted run: the first schedule index not run;
    /// `explore --resume THIS_FILE` continues from it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resume_from: Option<u64>,
}

impl ResultLine {
    /// The line for an exploration of `file`; `replay` makes the replay
    /// command of a failure.
    pub fn from_exploration(
        file: &str,
        strategy: &str,
        faults: &str,
        e: &Exploration,
        keep_hashes: bool,
        replay: impl Fn(&Found) -> String,
    ) -> ResultLine {
        ResultLine {
            file: file.to_string(),
            status: if e.failures.is_empty() {
                "pass"
            } else {
                "fail"
            }
            .into(),
            strategy: strategy.to_string(),
            faults: faults.to_string(),
            schedules: e.schedules,
            distinct: e.distinct,
            distinct_estimated: e.distinct_estimated,
            schedules_per_sec: (e.schedules_per_sec() * 10.0).round() / 10.0,
            failures_by_kind: e
                .by_kind
                .iter()
                .map(|(k, v)| (k.name().to_string(), *v))
                .collect(),
            failure: e.failures.first().map(|f| FailureLine {
                seed: f.seed.to_string(),
                index: f.index + 1,
                kind: f.failure.kind().name().into(),
                message: f.failure.to_string(),
                replay: replay(f),
                schedule: f.report.schedule.to_string(),
                strategy: f.strategy.to_string(),
            }),
            error: None,
            shard: None,
            total_seeds: None,
            hashes: if keep_hashes {
                e.interleavings
                    .hashes()
                    .map(|(h, i)| (format!("0x{h:016x}"), i))
                    .collect()
            } else {
                Vec::new()
            },
            sketch: if keep_hashes {
                e.interleavings.sketch_text()
            } else {
                None
            },
            elapsed_sec: e.elapsed.as_secs_f64(),
            interrupted: e.interrupted,
            resume_from: e.interrupted.then_some(e.next_index),
        }
    }

    /// The interleavings this line carries (`hashes` and `sketch`), if any.
    fn interleavings(&self) -> Result<Option<Distinct>, String> {
        if self.hashes.is_empty() && self.sketch.is_none() {
            return Ok(None);
        }
        let mut pairs = Vec::with_capacity(self.hashes.len());
        for (h, i) in &self.hashes {
            let hex = h.strip_prefix("0x").unwrap_or(h);
            let h = u64::from_str_radix(hex, 16).map_err(|_| {
                format!("`{h}` is not a trace hash (expected 0x and 16 hex digits)")
            })?;
            pairs.push((h, *i));
        }
        Distinct::from_parts(pairs, self.sketch.as_deref()).map(Some)
    }
}

/// One `explore --json` line with its interleavings (`hashes` and `sketch`)
/// parsed: what [`merge`] combines. Parsing is where a damaged line is found,
/// so `awaitsim merge` can name its file and line.
#[derive(Clone, Debug)]
pub struct ShardLine {
    line: ResultLine,
    interleavings: Option<Distinct>,
}

impl ShardLine {
    /// Fails on hashes or a sketch that do not parse.
    pub fn new(line: ResultLine) -> Result<ShardLine, String> {
        let interleavings = line.interleavings()?;
        Ok(ShardLine {
            line,
            interleavings,
        })
    }
}

/// Merges the lines of sharded explorations: per file, the first failure
/// over all shards, and the schedule and distinct-interleaving counts a
/// single run over all seeds would report.
pub fn merge(lines: &[ShardLine]) -> Vec<ResultLine> {
    merge_with_cap(lines, DEFAULT_CAP)
}

/// [`merge`] for shards explored with
/// [`crate::explore::ExploreConfig::distinct_cap`] = `cap`.
pub fn merge_with_cap(lines: &[ShardLine], cap: usize) -> Vec<ResultLine> {
    let mut by_file: BTreeMap<&str, Vec<&ShardLine>> = BTreeMap::new();
    for l in lines {
        by_file.entry(&l.line.file).or_default().push(l);
    }
    by_file
        .into_iter()
        .map(|(file, parts)| merge_file(file, &parts, cap))
        .collect()
}

fn merge_file(file: &str, shards: &[&ShardLine], cap: usize) -> ResultLine {
    let parts: Vec<&ResultLine> = shards.iter().map(|s| &s.line).collect();
    let first = parts
        .iter()
        .filter_map(|p| p.failure.as_ref())
        .min_by_key(|f| f.index)
        .cloned();
    let errors: Vec<&str> = parts.iter().filter_map(|p| p.error.as_deref()).collect();
    let cutoff = first.as_ref().map_or(u64::MAX, |f| f.index - 1);
    let mut union: Option<Distinct> = None;
    for d in shards.iter().filter_map(|s| s.interleavings.as_ref()) {
        union
            .get_or_insert_with(|| Distinct::with_cap(cap))
            .merge(d);
    }
    let (distinct, distinct_estimated) = match union {
        Some(mut d) => {
            d.cut(cutoff);
            d.count()
        }
        // Unsharded lines carry no hashes: the best is the sum.
        None => (
            parts.iter().map(|p| p.distinct).sum(),
            parts.iter().any(|p| p.distinct_estimated),
        ),
    };
    let schedules = match &first {
        Some(f) => f.index,
        None => parts.iter().map(|p| p.schedules).sum(),
    };
    let elapsed = parts.iter().map(|p| p.elapsed_sec).fold(0.0, f64::max);
    let cpu: f64 = parts.iter().map(|p| p.elapsed_sec).sum();
    let mut by_kind = BTreeMap::new();
    if let Some(f) = &first {
        by_kind.insert(f.kind.clone(), 1);
    }
    ResultLine {
        file: file.to_string(),
        status: if !errors.is_empty() {
            "error"
        } else if first.is_some() {
            "fail"
        } else {
            "pass"
        }
        .into(),
        strategy: parts[0].strategy.clone(),
        faults: parts[0].faults.clone(),
        schedules,
        distinct,
        distinct_estimated,
        schedules_per_sec: if cpu > 0.0 {
            (schedules as f64 / cpu * 10.0).round() / 10.0
        } else {
            0.0
        },
        failures_by_kind: by_kind,
        failure: first,
        error: errors.first().map(|e| e.to_string()),
        shard: None,
        total_seeds: parts[0].total_seeds,
        hashes: Vec::new(),
        sketch: None,
        elapsed_sec: elapsed,
        interrupted: parts.iter().any(|p| p.interrupted),
        resume_from: None,
    }
}
