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
///
/// The file is only ever replaced by renaming a complete, synced copy over
/// it, so when any step fails (a full disk, a read-only folder) the error
/// says which, the file keeps its earlier lines byte for byte, and the
/// temporary copy is removed.
pub fn save(path: &Path, entry: &Regression) -> Result<bool, SaveError> {
    save_with(path, entry, &|_| Ok(()))
}

/// A step of [`save`], in the order it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Creating the regressions folder.
    CreateDir,
    /// Creating and locking `.<name>.lock` beside the file.
    Lock,
    /// Reading the file's earlier lines.
    Read,
    /// Creating the temporary copy `.<name>.tmp<pid>` beside the file.
    CreateTemp,
    /// Writing the new text to the temporary copy.
    Write,
    /// Flushing the temporary copy to disk.
    Sync,
    /// Renaming the temporary copy over the file.
    Rename,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 7] = [
        Step::CreateDir,
        Step::Lock,
        Step::Read,
        Step::CreateTemp,
        Step::Write,
        Step::Sync,
        Step::Rename,
    ];
}

/// Why [`save`] could not save a regression. Its text names the file, what
/// failed, and that earlier lines are untouched.
#[derive(Debug)]
pub struct SaveError {
    /// The regression file.
    pub path: PathBuf,
    /// The step that failed.
    pub step: Step,
    /// The path that step works on (the folder, the lock, the file, or the
    /// temporary copy).
    pub at: PathBuf,
    /// The operating system's error.
    pub source: io::Error,
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (at, e) = (self.at.display(), &self.source);
        write!(f, "cannot save the regression to {}: ", self.path.display())?;
        match self.step {
            Step::CreateDir if e.kind() == io::ErrorKind::AlreadyExists => {
                write!(f, "{at} is a file, not a folder")
            }
            Step::CreateDir => write!(f, "cannot create the folder {at}: {e}"),
            Step::Lock => write!(f, "cannot create the lock file {at}: {e}"),
            Step::Read => write!(f, "cannot read it: {e}"),
            Step::CreateTemp => write!(f, "cannot create the temporary file {at}: {e}"),
            Step::Write => write!(f, "cannot write the temporary file {at}: {e}"),
            Step::Sync => write!(f, "cannot flush the temporary file {at} to disk: {e}"),
            Step::Rename => write!(f, "cannot rename the temporary file {at} over it: {e}"),
        }?;
        write!(f, "; earlier lines are untouched")
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// [`save`] with a fault injector: `fault(step)` runs before each step, and
/// an error it returns stands for that step's own failure (the step is then
/// not performed). For tests of a full disk or a read-only folder, which
/// permissions alone cannot make when tests run as root.
#[doc(hidden)]
pub fn save_with(
    path: &Path,
    entry: &Regression,
    fault: &dyn Fn(Step) -> io::Result<()>,
) -> Result<bool, SaveError> {
    let steps = Steps { path, fault };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "regressions".into(), |n| n.to_string_lossy());
    steps.run(Step::CreateDir, dir, || fs::create_dir_all(dir))?;
    let lock_path = dir.join(format!(".{name}.lock"));
    let lock = steps.run(Step::Lock, &lock_path, || {
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        f.lock()?;
        Ok(f)
    })?;
    let result = (|| {
        let old = steps.run(Step::Read, path, || match fs::read_to_string(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(String::new()),
            r => r,
        })?;
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
        let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
        let mut f = steps.run(Step::CreateTemp, &tmp, || File::create(&tmp))?;
        let replaced = steps
            .run(Step::Write, &tmp, || f.write_all(text.as_bytes()))
            .and_then(|()| steps.run(Step::Sync, &tmp, || f.sync_all()))
            .and_then(|()| {
                drop(f);
                steps.run(Step::Rename, &tmp, || fs::rename(&tmp, path))
            });
        if replaced.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        replaced.map(|()| true)
    })();
    let _ = lock.unlock();
    result
}

/// Runs the steps of one save, each through the fault injector.
struct Steps<'a> {
    path: &'a Path,
    fault: &'a dyn Fn(Step) -> io::Result<()>,
}

impl Steps<'_> {
    fn run<T>(
        &self,
        step: Step,
        at: &Path,
        op: impl FnOnce() -> io::Result<T>,
    ) -> Result<T, SaveError> {
        (self.fault)(step)
            .and_then(|()| op())
            .map_err(|source| SaveError {
                path: self.path.to_path_buf(),
                step,
                at: at.to_path_buf(),
                source,
            })
    }
}
