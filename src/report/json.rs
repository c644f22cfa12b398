//! `explore --json`: one JSON object per explored file, and `merge` of
//! sharded outputs into the summary a single run would have printed.

use crate::explore::{Exploration, Found};
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
    /// Distinct interleavings by trace hash.
    pub distinct: u64,
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
    /// index that produced each, so `merge` can count exactly.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub hashes: Vec<(String, u64)>,
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
                e.hashes
                    .iter()
                    .map(|(h, i)| (format!("0x{h:016x}"), *i))
                    .collect()
            } else {
                Vec::new()
            },
            elapsed_sec: e.elapsed.as_secs_f64(),
            interrupted: e.interrupted,
            resume_from: e.interrupted.then_some(e.next_index),
        }
    }
}

/// Merges the lines of sharded explorations: per file, the first failure
/// over all shards, and the schedule and distinct-interleaving counts a
/// single run over all seeds would report.
pub fn merge(lines: &[ResultLine]) -> Vec<ResultLine> {
    let mut by_file: BTreeMap<&str, Vec<&ResultLine>> = BTreeMap::new();
    for l in lines {
        by_file.entry(&l.file).or_default().push(l);
    }
    by_file
        .into_iter()
        .map(|(file, parts)| merge_file(file, &parts))
        .collect()
}

fn merge_file(file: &str, parts: &[&ResultLine]) -> ResultLine {
    let first = parts
        .iter()
        .filter_map(|p| p.failure.as_ref())
        .min_by_key(|f| f.index)
        .cloned();
    let errors: Vec<&str> = parts.iter().filter_map(|p| p.error.as_deref()).collect();
    let cutoff = first.as_ref().map_or(u64::MAX, |f| f.index - 1);
    let mut hashes: BTreeMap<&str, u64> = BTreeMap::new();
    for p in parts {
        for (h, i) in &p.hashes {
            let e = hashes.entry(h).or_insert(*i);
            *e = (*e).min(*i);
        }
    }
    let distinct = if hashes.is_empty() {
        parts.iter().map(|p| p.distinct).sum()
    } else {
        hashes.values().filter(|&&i| i <= cutoff).count() as u64
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
        elapsed_sec: elapsed,
        interrupted: parts.iter().any(|p| p.interrupted),
        resume_from: None,
    }
}
