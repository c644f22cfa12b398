//! The `awaitsim` command line: parses arguments and calls the library
//! (`awaitsim::app`). No logic lives here.

use awaitsim::app::{self, Exit, LoadOptions};
use awaitsim::explore::{default_jobs, Shard, StrategyChoice};
use awaitsim::{parse_duration, Budget, FaultPlan, Schedule, Seed, Strategy};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Deterministic simulation of asyncio programs: run them in virtual time
/// exactly as CPython orders them, explore other schedules and faults, and
/// replay every failure from a seed.
#[derive(Parser)]
#[command(name = "awaitsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one schedule: the program's output on stdout, exactly what
    /// `python3 FILE` prints in the default fifo mode.
    #[command(
        after_help = "Examples:\n  awaitsim run sims/gather_takes_the_max.py\n  awaitsim run sims/check_then_act_race.py --strategy random --seed 7 --trace"
    )]
    Run {
        /// The scenario file.
        file: PathBuf,
        #[command(flatten)]
        sched: Sched,
        /// Print the event trace to stderr.
        #[arg(long)]
        trace: bool,
        /// Print an ASCII timeline to stderr.
        #[arg(long)]
        timeline: bool,
        #[command(flatten)]
        load: Load,
    },
    /// Explore many schedules and faults of each scenario; report failures
    /// with a replay line.
    #[command(
        after_help = "Examples:\n  awaitsim explore sims/\n  awaitsim explore sims/check_then_act_race.py --seeds 10000 --strategy pct --faults late=1,fail=0.05\n  awaitsim explore sims/ --json --shard 0/4 > shard0.jsonl"
    )]
    Explore {
        /// Scenario files or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Schedules per file (default: the file's header, else 1000).
        #[arg(long, conflicts_with = "time", value_parser = count::<u64>)]
        seeds: Option<u64>,
        /// Explore each file for this long instead (like 30s).
        #[arg(long, value_parser = duration)]
        time: Option<Duration>,
        /// random, pct, pct:DEPTH, pos or portfolio (default: header, else portfolio).
        #[arg(long)]
        strategy: Option<StrategyChoice>,
        /// Fault spec (default: header, else late=1).
        #[arg(long)]
        faults: Option<FaultPlan>,
        /// Worker threads (default: all cores); results do not depend on it.
        #[arg(long, default_value_t = default_jobs(), value_parser = count::<usize>)]
        jobs: usize,
        /// Run only the I-th of N slices of the schedules (0-based), e.g. 0/4.
        #[arg(long)]
        shard: Option<Shard>,
        /// Keep exploring after the first failure.
        #[arg(long)]
        keep_going: bool,
        /// One JSON object per file on stdout.
        #[arg(long)]
        json: bool,
        /// Append failing schedules to regressions/<sim>.txt.
        #[arg(long)]
        save: bool,
        /// Base seed: schedule i uses a seed derived from it and i.
        #[arg(long, default_value = "0", allow_hyphen_values = true)]
        seed: Seed,
        /// Folder for --save.
        #[arg(long, default_value = "regressions")]
        regressions: PathBuf,
        /// Continue the runs a Ctrl-C interrupted, from the `--json` output
        /// they wrote (use the same flags).
        #[arg(long)]
        resume: Option<PathBuf>,
        #[command(flatten)]
        load: Load,
    },
    /// Rerun one schedule exactly and print its trace; exit 1 if it fails.
    #[command(
        after_help = "Examples:\n  awaitsim replay sims/check_then_act_race.py --seed 0x1f --strategy random --faults late=1\n  awaitsim replay --schedule s1.AbC sims/check_then_act_race.py"
    )]
    Replay {
        /// The scenario file.
        file: PathBuf,
        /// A schedule token from a report (instead of --seed).
        #[arg(long)]
        schedule: Option<Schedule>,
        #[command(flatten)]
        sched: Sched,
        #[command(flatten)]
        load: Load,
    },
    /// Minimise a failing schedule: fewest departures from FIFO and faults.
    #[command(
        after_help = "Example:\n  awaitsim shrink sims/check_then_act_race.py --seed 0x1f --strategy random --faults late=1 --save"
    )]
    Shrink {
        /// The scenario file.
        file: PathBuf,
        /// A schedule token from a report (instead of --seed).
        #[arg(long)]
        schedule: Option<Schedule>,
        #[command(flatten)]
        sched: Sched,
        /// Append the shrunk schedule to regressions/<sim>.txt.
        #[arg(long)]
        save: bool,
        /// Folder for --save.
        #[arg(long, default_value = "regressions")]
        regressions: PathBuf,
        #[command(flatten)]
        load: Load,
    },
    /// Draw one run as swimlanes: ASCII on stdout, SVG with --svg.
    #[command(
        after_help = "Example:\n  awaitsim timeline sims/gather_takes_the_max.py --svg gather.svg"
    )]
    Timeline {
        /// The scenario file.
        file: PathBuf,
        #[command(flatten)]
        sched: Sched,
        /// Write an SVG picture here.
        #[arg(long)]
        svg: Option<PathBuf>,
        #[command(flatten)]
        load: Load,
    },
    /// Check every scenario in DIR against its expectation header.
    #[command(after_help = "Example:\n  awaitsim check sims")]
    Check {
        /// Folder (default sims/) or files.
        paths: Vec<PathBuf>,
        /// Worker threads.
        #[arg(long, default_value_t = default_jobs(), value_parser = count::<usize>)]
        jobs: usize,
        /// At most this many schedules per file.
        #[arg(long, value_parser = count::<u64>)]
        max_seeds: Option<u64>,
        #[command(flatten)]
        load: Load,
    },
    /// Merge `explore --json` outputs of shards into one summary.
    #[command(
        after_help = "Example:\n  awaitsim merge shard0.jsonl shard1.jsonl shard2.jsonl shard3.jsonl"
    )]
    Merge {
        /// JSON-lines files written by `explore --json --shard I/N`.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// How one schedule is chosen.
#[derive(Args, Clone)]
struct Sched {
    /// Seed, decimal or 0x-hex.
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    seed: Seed,
    /// fifo (CPython's order), random, pct, pct:DEPTH or pos.
    #[arg(long, default_value = "fifo")]
    strategy: Strategy,
    /// Fault spec: late=F,fail=P,cancel=P,stall=P,block=P:DUR, or none.
    #[arg(long, default_value = "none")]
    faults: FaultPlan,
}

#[derive(Args, Clone)]
struct Load {
    /// Virtual CPU time per interpreted operation (like 1us): CPU-bound
    /// code then holds the loop in virtual time.
    #[arg(long, value_parser = duration)]
    cpu_cost: Option<Duration>,
    /// Most task steps in one run.
    #[arg(long, value_parser = count::<u64>)]
    max_steps: Option<u64>,
    /// Most simulator operations in one step before it "never yields"
    /// (a scenario may run 200 interpreted operations per unit).
    #[arg(long, value_parser = count::<u32>)]
    max_ops: Option<u32>,
    /// Virtual time horizon of one run (like 1h).
    #[arg(long, value_parser = duration)]
    max_time: Option<Duration>,
    /// Most items in one list, tuple, dict or set, or characters in one
    /// string (default 20000000); past it, MemoryError.
    #[arg(long, value_parser = count::<u64>)]
    max_alloc: Option<u64>,
    /// Most bytes one run may print (default 67108864); past it, MemoryError.
    #[arg(long, value_parser = count::<u64>)]
    max_output: Option<u64>,
    /// Deepest Python call nesting (default 1000, CPython's recursion
    /// limit); past it, RecursionError.
    #[arg(long, value_parser = count::<u32>)]
    max_depth: Option<u32>,
}

impl Load {
    fn options(&self) -> LoadOptions {
        let mut budget = Budget::default();
        if let Some(s) = self.max_steps {
            budget.max_steps = s;
        }
        if let Some(o) = self.max_ops {
            budget.max_ops_per_step = o.max(1);
        }
        if let Some(t) = self.max_time {
            budget.max_time = u64::try_from(t.as_nanos()).unwrap_or(u64::MAX);
        }
        let mut limits = awaitsim::script::Limits::default();
        if let Some(n) = self.max_alloc {
            limits.max_alloc = n;
        }
        if let Some(n) = self.max_output {
            limits.max_output = n;
        }
        if let Some(n) = self.max_depth {
            limits.max_depth = n;
        }
        LoadOptions {
            limits,
            cpu_cost_ns: self
                .cpu_cost
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
            budget,
        }
    }
}

/// A flag Ctrl-C sets: the explorer finishes the schedules in flight,
/// reports what ran and which schedules did not, and stops. A second Ctrl-C
/// ends the process at once.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let _ = ctrlc::set_handler(move || {
        if f.swap(true, Ordering::Relaxed) {
            std::process::exit(Exit::Interrupted.code());
        }
    });
    flag
}

/// A whole-number flag value (`--seeds`, `--jobs`, budgets), with a message
/// a person can act on rather than the parser's "invalid digit".
fn count<T: TryFrom<u64> + num_traits::Bounded + std::fmt::Display>(s: &str) -> Result<T, String> {
    let n: u64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a count: expected a whole number, like 1000"))?;
    T::try_from(n).map_err(|_| format!("`{s}` is too large: at most {}", T::max_value()))
}

fn duration(s: &str) -> Result<Duration, String> {
    parse_duration(s).map_err(|e| e.to_string())
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // Usage errors are bad input (2); --help and --version are not.
            std::process::exit(if e.use_stderr() {
                Exit::BadInput.code()
            } else {
                0
            });
        }
    };
    let loader = &awaitsim::script::load;
    // Unlocked handles: exploration workers print progress lines to stderr
    // while the command runs, so neither stream may stay locked.
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let exit = match cli.command {
        Command::Run {
            file,
            sched,
            trace,
            timeline,
            load,
        } => app::run(
            &app::RunOptions {
                file,
                seed: sched.seed,
                strategy: sched.strategy,
                faults: sched.faults,
                trace,
                timeline,
                load: load.options(),
            },
            loader,
            &mut out,
            &mut err,
        ),
        Command::Explore {
            paths,
            seeds,
            time,
            strategy,
            faults,
            jobs,
            shard,
            keep_going,
            json,
            save,
            seed,
            regressions,
            resume,
            load,
        } => app::explore(
            &app::ExploreOptions {
                paths,
                seeds,
                time,
                strategy,
                faults,
                jobs,
                shard,
                keep_going,
                json,
                save,
                regressions_dir: regressions,
                base_seed: seed,
                load: load.options(),
                resume,
                interrupt: Some(interrupt_flag()),
            },
            loader,
            &mut out,
            &mut err,
        ),
        Command::Replay {
            file,
            schedule,
            sched,
            load,
        } => app::replay(
            &app::ReplayOptions {
                file,
                seed: sched.seed,
                schedule,
                strategy: sched.strategy,
                faults: sched.faults,
                load: load.options(),
            },
            loader,
            &mut out,
            &mut err,
        ),
        Command::Shrink {
            file,
            schedule,
            sched,
            save,
            regressions,
            load,
        } => app::shrink(
            &app::ShrinkOptions {
                file,
                seed: sched.seed,
                schedule,
                strategy: sched.strategy,
                faults: sched.faults,
                save,
                regressions_dir: regressions,
                load: load.options(),
            },
            loader,
            &mut out,
            &mut err,
        ),
        Command::Timeline {
            file,
            sched,
            svg,
            load,
        } => app::timeline(
            &app::TimelineOptions {
                file,
                seed: sched.seed,
                strategy: sched.strategy,
                faults: sched.faults,
                svg,
                load: load.options(),
            },
            loader,
            &mut out,
            &mut err,
        ),
        Command::Check {
            paths,
            jobs,
            max_seeds,
            load,
        } => app::check(
            &app::CheckOptions {
                paths: if paths.is_empty() {
                    vec![PathBuf::from("sims")]
                } else {
                    paths
                },
                jobs,
                max_seeds,
                load: load.options(),
            },
            loader,
            &mut out,
            &mut err,
        ),
        Command::Merge { files } => app::merge(&files, &mut out, &mut err),
    };
    // `exit` skips destructors: flush what the command wrote first.
    use std::io::Write as _;
    let _ = out.flush();
    let _ = err.flush();
    std::process::exit(exit.code());
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
