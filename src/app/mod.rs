//! The commands of the `awaitsim` binary, as library functions: the binary
//! only parses arguments and calls these, so tests reach all of the logic.
//!
//! Contract (DESIGN.md): a scenario's own output goes to `out` (stdout) and
//! nothing else does; every harness message goes to `err` (stderr); the exit
//! code is 0 when everything held, 1 when a property failed, 2 for bad input.

mod check;
mod explore;
mod merge;
mod run;
mod shrink;

pub use check::{check, CheckOptions};
pub use explore::{explore, ExploreOptions};
pub use merge::merge;
pub use run::{replay, run, timeline, ReplayOptions, RunOptions, TimelineOptions};
pub use shrink::{shrink, ShrinkOptions};

use crate::explore::{Header, Target};
use crate::sim::{Budget, HazardPolicy, Outcome, Sim};
use std::path::{Path, PathBuf};

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything held.
    Ok = 0,
    /// A property failed: assertion, exception, deadlock, stall, denied
    /// hazard, unmet expectation.
    Failed = 1,
    /// Bad input or usage.
    BadInput = 2,
    /// Stopped by Ctrl-C before everything ran (the shell's 128 + SIGINT).
    Interrupted = 130,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// One run of a program with what it printed.
#[derive(Debug)]
pub struct Captured {
    /// Result and report.
    pub outcome: Outcome<()>,
    /// The program's own output.
    pub stdout: String,
    /// What the program wrote to stderr (tracebacks, warnings).
    pub stderr: String,
}

/// A scenario the commands can run: loaded, checked, ready to run any
/// number of times.
pub trait Program: Target {
    /// The file it came from, as the user named it.
    fn path(&self) -> &str;
    /// Its expectation header.
    fn header(&self) -> &Header;
    /// The hazard policy of its runs (its header's `deny=`/`allow=` on top
    /// of the defaults for its language).
    fn hazard_policy(&self) -> HazardPolicy;
    /// Runs once on `sim`, capturing output.
    fn run_captured(&self, sim: &mut Sim) -> Captured;
}

/// Options that shape how a scenario is loaded.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Virtual CPU cost per interpreted operation, in nanoseconds (0: free).
    pub cpu_cost_ns: u64,
    /// Budgets for every run.
    pub budget: Budget,
    /// The interpreter's allocation, output and recursion budgets.
    pub limits: crate::script::Limits,
}

/// Loads a scenario, or explains (for a person, with file:line:col, the
/// source line and a caret) why it cannot.
pub type Loader = dyn Fn(&Path, &LoadOptions) -> Result<Box<dyn Program>, String> + Sync;

/// The scenario files under `paths`: files as given, directories searched
/// (not recursively) for `*.py`, sorted, so every run sees the same order.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: cannot read directory: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "py") && f.is_file())
                .collect();
            if found.is_empty() {
                return Err(format!(
                    "{}: no scenario files (*.py) in this directory; add one, or name a file",
                    p.display()
                ));
            }
            found.sort();
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(format!("{} or a folder of them", missing(p)));
        }
    }
    Ok(files)
}

/// Read a scenario file, or say why not in words a person can act on.
pub fn read_scenario(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        // The loaders' callers print this as it is: it carries the prefix.
        std::io::ErrorKind::NotFound => format!("awaitsim: {}", missing(path)),
        _ => format!("awaitsim: cannot read {}: {e}", path.display()),
    })
}

/// Why `path` cannot be a scenario (unprefixed: `collect_files`' callers add `awaitsim: `).
fn missing(path: &Path) -> String {
    format!(
        "{}: no such file or directory; name a scenario file (like sims/race.py)",
        path.display()
    )
}
