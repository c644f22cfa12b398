//! `explore`: many schedules of each scenario, a report per file.

use super::run::spec;
use super::{collect_files, Exit, LoadOptions, Loader, Program};
use crate::explore::regressions::{self, Regression};
use crate::explore::{
    describe_distinct, explore_with_progress, run_one, Amount, Exploration, ExploreConfig, Found,
    Shard, StrategyChoice,
};
use crate::report::failure::{render, replay_line};
use crate::report::json::ResultLine;
use crate::sim::{FaultPlan, Seed};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Schedules per file when neither the flag nor the header says.
pub const DEFAULT_SEEDS: u64 = 1000;

/// `awaitsim explore PATH...`.
#[derive(Clone, Debug)]
pub struct ExploreOptions {
    /// Files or folders of scenarios.
    pub paths: Vec<PathBuf>,
    /// Schedules per file (overrides the header).
    pub seeds: Option<u64>,
    /// Explore for this long per file instead of a number of schedules.
    pub time: Option<Duration>,
    /// Strategy (overrides the header; default portfolio).
    pub strategy: Option<StrategyChoice>,
    /// Faults (overrides the header; default `late=1`).
    pub faults: Option<FaultPlan>,
    /// Worker threads.
    pub jobs: usize,
    /// Run only this slice of the schedules.
    pub shard: Option<Shard>,
    /// Keep exploring after the first failure.
    pub keep_going: bool,
    /// One JSON object per file on stdout.
    pub json: bool,
    /// Save failing schedules to the regressions folder.
    pub save: bool,
    /// Where regressions go (default `regressions/`).
    pub regressions_dir: PathBuf,
    /// Base seed: schedule `i` uses `base_seed.nth(i)`.
    pub base_seed: Seed,
    /// How to load scenarios.
    pub load: LoadOptions,
    /// Continue the interrupted runs recorded in this `--json` output.
    pub resume: Option<PathBuf>,
    /// Set by a Ctrl-C handler: finish the schedules in flight, report
    /// what ran, and stop.
    pub interrupt: Option<Arc<AtomicBool>>,
}

/// The exploration settings for one file: flags first, then its header,
/// then the defaults.
pub(crate) fn config_for(p: &dyn Program, o: &ExploreOptions) -> ExploreConfig {
    let h = p.header();
    let mut cfg = ExploreConfig::seeds(o.seeds.or(h.seeds).unwrap_or(DEFAULT_SEEDS));
    if let Some(t) = o.time {
        cfg.amount = Amount::Time(t);
    }
    cfg.base_seed = o.base_seed;
    cfg.strategy = o
        .strategy
        .or(h.strategy)
        .unwrap_or(StrategyChoice::Portfolio);
    cfg.faults = o
        .faults
        .clone()
        .or_else(|| h.faults.clone())
        .unwrap_or_else(|| FaultPlan::late(1.0));
    cfg.jobs = o.jobs.max(1);
    cfg.shard = o.shard.unwrap_or(Shard::ALL);
    cfg.keep_going = o.keep_going;
    cfg.budget = o.load.budget;
    cfg.hazards = p.hazard_policy();
    cfg.interrupt = o.interrupt.clone();
    cfg
}

/// Where each file's interrupted run stopped, from a `--json` output.
fn resume_points(path: &Path) -> Result<std::collections::BTreeMap<String, u64>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut points = std::collections::BTreeMap::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let l: ResultLine = serde_json::from_str(line).map_err(|e| {
            format!(
                "{}:{}: not an `explore --json` line ({e}); pass the file an interrupted `explore --json` wrote",
                path.display(),
                n + 1
            )
        })?;
        if let Some(r) = l.resume_from {
            points.insert(l.file, r);
        }
    }
    Ok(points)
}

/// The full report of a found failure (replayed once more with its trace),
/// ending with the replay line.
pub(crate) fn failure_report(p: &dyn Program, cfg: &ExploreConfig, f: &Found, of: &str) -> String {
    let mut s = spec(p, f.seed, f.strategy, &cfg.faults, cfg.budget);
    s.hazards = cfg.hazards;
    let replayed = run_one(p, &s);
    let (failure, report) = match &replayed.result {
        Err(fail) => (fail, &replayed.report),
        Ok(()) => (&f.failure, &f.report),
    };
    let replay = replay_line(p.path(), f.seed, f.strategy, &cfg.faults);
    render(
        p.path(),
        failure,
        report,
        &format!("schedule {} of {of}, ", f.index + 1),
        &replay,
        false,
    )
}

fn summary(file: &str, e: &Exploration, cfg: &ExploreConfig) -> String {
    let status = if e.failures.is_empty() {
        "pass"
    } else {
        "FAIL"
    };
    let mut s = format!(
        "{status} {file}: {}, {}, {:.0} schedules/s (strategy {}, faults {})",
        crate::report::count(e.schedules, "schedule"),
        describe_distinct(e.distinct, e.distinct_estimated),
        e.schedules_per_sec(),
        cfg.strategy,
        cfg.faults
    );
    if !e.by_kind.is_empty() {
        let kinds: Vec<String> = e.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
        s.push_str(&format!("; failures: {}", kinds.join(", ")));
    }
    if let Some(f) = e.failures.first() {
        s.push_str(&format!("; first failing seed {}", f.seed));
    }
    s
}

/// The JSON line of a file that was not explored.
fn error_line(file: &Path, o: &ExploreOptions) -> ResultLine {
    ResultLine {
        file: file.display().to_string(),
        status: "error".into(),
        strategy: String::new(),
        faults: String::new(),
        schedules: 0,
        distinct: 0,
        distinct_estimated: false,
        schedules_per_sec: 0.0,
        failures_by_kind: Default::default(),
        failure: None,
        error: None,
        shard: o.shard.map(|s| s.to_string()),
        total_seeds: None,
        hashes: Vec::new(),
        sketch: None,
        elapsed_sec: 0.0,
        interrupted: false,
        resume_from: None,
    }
}

/// Explores each scenario and reports per file.
pub fn explore(
    o: &ExploreOptions,
    loader: &Loader,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let files = match collect_files(&o.paths) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "awaitsim: {e}");
            return Exit::BadInput;
        }
    };
    let resume = match &o.resume {
        Some(path) => match resume_points(path) {
            Ok(p) => Some(p),
            Err(e) => {
                let _ = writeln!(err, "awaitsim: {e}");
                return Exit::BadInput;
            }
        },
        None => None,
    };
    let mut exit = Exit::Ok;
    let interrupted = || {
        o.interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    };
    for file in files {
        if interrupted() {
            let _ = writeln!(
                err,
                "awaitsim: interrupted: {} not explored",
                file.display()
            );
            if o.json {
                // Recorded, so that `--resume` explores it from the start.
                let mut line = error_line(&file, o);
                line.status = "pass".into();
                line.error = None;
                line.interrupted = true;
                line.resume_from = Some(0);
                let _ = writeln!(out, "{}", serde_json::to_string(&line).unwrap_or_default());
            }
            exit = exit.max(Exit::Interrupted);
            continue;
        }
        let p = match loader(&file, &o.load) {
            Ok(p) => p,
            Err(msg) => {
                let _ = writeln!(err, "{}", msg.trim_end());
                if o.json {
                    let mut line = error_line(&file, o);
                    line.error = Some(msg.lines().next().unwrap_or("").to_string());
                    let _ = writeln!(out, "{}", serde_json::to_string(&line).unwrap_or_default());
                }
                exit = exit.max(Exit::BadInput);
                continue;
            }
        };
        let mut cfg = config_for(&*p, o);
        if let Some(points) = &resume {
            match points.get(p.path()) {
                Some(&from) => cfg.start = from,
                None => {
                    let _ = writeln!(
                        err,
                        "awaitsim: {}: nothing to resume (it was not interrupted)",
                        p.path()
                    );
                    continue;
                }
            }
        }
        let how = if o.json {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            Progress::Bar
        } else {
            Progress::Lines
        };
        let e = with_progress(&*p, &cfg, how);
        let of = match cfg.amount {
            Amount::Seeds(n) => n.to_string(),
            Amount::Time(_) => "?".into(),
        };
        let report = e
            .failures
            .first()
            .map(|f| failure_report(&*p, &cfg, f, &of));
        if o.json {
            let mut line = ResultLine::from_exploration(
                p.path(),
                &cfg.strategy.to_string(),
                &cfg.faults.to_string(),
                &e,
                o.shard.is_some(),
                |f| {
                    replay_line(p.path(), f.seed, f.strategy, &cfg.faults)
                        .trim_start_matches("replay: ")
                        .to_string()
                },
            );
            line.shard = o.shard.map(|s| s.to_string());
            if let Amount::Seeds(n) = cfg.amount {
                line.total_seeds = Some(n);
            }
            let _ = writeln!(out, "{}", serde_json::to_string(&line).unwrap_or_default());
            if let Some(r) = &report {
                let _ = write!(err, "{r}");
            }
        } else {
            if let Some(r) = &report {
                let _ = write!(out, "{r}");
            }
            let _ = writeln!(out, "{}", summary(p.path(), &e, &cfg));
        }
        if e.interrupted {
            let _ = writeln!(
                err,
                "awaitsim: interrupted {}: schedules {}.. not run; `explore --json` records this, and `explore --resume THAT_FILE` continues",
                p.path(),
                e.next_index
            );
            exit = exit.max(Exit::Interrupted);
        }
        if let Some(f) = e.failures.first() {
            exit = exit.max(Exit::Failed);
            if o.save {
                if let Err(msg) = save(&o.regressions_dir, &file, p.path(), &cfg.faults, f) {
                    let _ = writeln!(err, "awaitsim: {msg}");
                    exit = exit.max(Exit::BadInput);
                }
            }
        }
    }
    exit
}

/// How an exploration shows progress on stderr.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// Nothing (`--json`: machines read stdout, and stderr stays quiet).
    Quiet,
    /// A plain line at each tenth of the way (stderr is a file or a pipe).
    Lines,
    /// An indicatif bar (stderr is a terminal).
    Bar,
}

fn with_progress(p: &dyn Program, cfg: &ExploreConfig, how: Progress) -> Exploration {
    if how == Progress::Quiet {
        return explore_with_progress(p, cfg, &|_| {});
    }
    if how == Progress::Lines {
        let Amount::Seeds(n) = cfg.amount else {
            return explore_with_progress(p, cfg, &|_| {});
        };
        let total = cfg
            .shard
            .size_of(n)
            .saturating_sub(cfg.shard.size_of(cfg.start))
            .max(1);
        let printed = std::sync::atomic::AtomicU64::new(0);
        return explore_with_progress(p, cfg, &|done| {
            let tenth = (done.min(total) * 10 / total).min(9);
            if tenth > printed.fetch_max(tenth, Ordering::Relaxed) {
                eprintln!("awaitsim: {}: {done}/{total} schedules", p.path());
            }
        });
    }
    let pb = match cfg.amount {
        Amount::Seeds(n) => indicatif::ProgressBar::new(cfg.shard.size_of(n)),
        Amount::Time(_) => indicatif::ProgressBar::new_spinner(),
    };
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} schedules ({per_sec})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    pb.set_prefix(p.path().to_string());
    let e = explore_with_progress(p, cfg, &|n| pb.set_position(n));
    pb.finish_and_clear();
    e
}

/// Appends a found failure to `dir/<stem>.txt`.
pub(crate) fn save(
    dir: &Path,
    file: &Path,
    shown: &str,
    faults: &FaultPlan,
    f: &Found,
) -> Result<(), String> {
    let path = regressions::file_for(dir, file);
    let entry = Regression {
        sim: shown.to_string(),
        strategy: f.strategy,
        seed: f.seed,
        faults: faults.clone(),
        schedule: f.report.schedule.clone(),
        summary: f.failure.summary(),
    };
    regressions::save(&path, &entry)
        .map(|_| ())
        .map_err(|e| e.to_string())
}
