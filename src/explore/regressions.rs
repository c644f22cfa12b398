//! Regression files: saved failing schedules, one per line, replayed by
//! `cargo test`.
//!
//! ```text
//! # comments start with '#'
//! sims/race.py strategy=random seed=0x00000000000000a1 faults=late=1 schedule=s1.AbC  # assertion: lost update
//! ```
//!
//! Saving appends under an exclusive file lock by rewriting the file to a
//! temporary sibling and renaming it over the original, so a crash leaves
//! either the old file or the new one, and concurrent savers each keep
//! their line.

use crate::sim::{FaultPlan, Schedule, Seed, Strategy};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// One saved failing schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct Regression {
    /// The scenario file, as given to the explorer.
    pub sim: String,
    /// Strategy of the failing run.
    pub strategy: Strategy,
    /// Seed of the failing run.
    pub seed: Seed,
    /// Fault plan of the failing run.
    pub faults: FaultPlan,
    /// The schedule token: replays the run exactly.
    pub schedule: Schedule,
    /// One-line summary of the failure.
    pub summary: String,
}

impl fmt::Display for Regression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let summary: String = self
            .summary
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(160)
            .collect();
        write!(
            f,
            "{} strategy={} seed={} faults={} schedule={}  # {summary}",
            self.sim, self.strategy, self.seed, self.faults, self.schedule
        )
    }
}

/// A malformed regression line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// The regression file.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: bad regression line: {}; expected `SIM strategy=S seed=0x.. faults=SPEC schedule=s1.. # summary` (delete the line, or save it again with `awaitsim explore --save`)",
            self.file, self.line, self.message
        )
    }
}

impl std::error::Error for LineError {}

/// Parses a regression file's text: one entry per non-comment line.
pub fn parse(file: &str, text: &str) -> Result<Vec<Regression>, LineError> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let err = |message: String| LineError {
            file: file.to_string(),
            line: n + 1,
            message,
        };
        let (body, summary) = match raw.split_once('#') {
            Some((b, s)) => (b.trim(), s.trim().to_string()),
            None => (raw.trim(), String::new()),
        };
        if body.is_empty() {
            continue;
        }
        let mut words = body.split_whitespace();
        let sim = words.next().unwrap_or_default().to_string();
        let (mut strategy, mut seed, mut faults, mut schedule) = (None, None, None, None);
        for w in words {
            let (k, v) = w
                .split_once('=')
                .ok_or_else(|| err(format!("`{w}` is not key=value")))?;
            match k {
                "strategy" => {
                    strategy = Some(v.parse::<Strategy>().map_err(|e| err(e.to_string()))?)
                }
                "seed" => seed = Some(v.parse::<Seed>().map_err(|e| err(e.to_string()))?),
                "faults" => {
                    faults = Some(v.parse::<FaultPlan>().map_err(|e| err(e.message.clone()))?)
                }
                "schedule" => {
                    schedule = Some(v.parse::<Schedule>().map_err(|e| err(e.to_string()))?)
                }
                _ => return Err(err(format!("unknown key `{k}`"))),
            }
        }
        let missing = |what: &str| err(format!("missing `{what}=`"));
        out.push(Regression {
            sim,
            strategy: strategy.ok_or_else(|| missing("strategy"))?,
            seed: seed.ok_or_else(|| missing("seed"))?,
            faults: faults.ok_or_else(|| missing("faults"))?,
            schedule: schedule.ok_or_else(|| missing("schedule"))?,
            summary,
        });
    }
    Ok(out)
}

/// The regression file for a scenario: `DIR/<stem>.txt`.
pub fn file_for(dir: &Path, sim: &Path) -> PathBuf {
    let stem = sim
        .file_stem()
        .map_or_else(|| "sim".into(), |s| s.to_string_lossy().into_owned());
    dir.join(format!("{stem}.txt"))
}

/// Appends `entry` to `path` atomically, keeping every earlier line; a line
/// already present is not added twice. Returns whether it was added.
pub fn save(path: &Path, entry: &Regression) -> io::Result<bool> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let lock_path = dir.join(format!(
        ".{}.lock",
        path.file_name()
            .map_or_else(|| "regressions".into(), |n| n.to_string_lossy())
    ));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)?;
    lock.lock()?;
    let result = (|| {
        let old = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let line = entry.to_string();
        let key = line.split('#').next().unwrap_or("").trim().to_string();
        if old
            .lines()
            .any(|l| l.split('#').next().unwrap_or("").trim() == key)
        {
            return Ok(false);
        }
        let mut text = old;
        if text.is_empty() {
            text.push_str("# awaitsim regressions: failing schedules replayed by `cargo test`.\n");
        } else if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&line);
        text.push('\n');
        let tmp = dir.join(format!(
            ".{}.tmp{}",
            path.file_name()
                .map_or_else(|| "regressions".into(), |n| n.to_string_lossy()),
            std::process::id()
        ));
        {
            let mut f = File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        if let Err(e) = fs::rename(&tmp, path) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(true)
    })();
    let _ = lock.unlock();
    result
}
