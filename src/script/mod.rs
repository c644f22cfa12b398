//! The Python-subset scenario language: parse, lower, compile to bytecode, interpret (asyncio included) on the core executor.
//!
//! Entry points: [`load`] (the CLI's loader: a checked [`ScriptProgram`] the app layer runs any number of
//! times) and [`run_source`] / [`run_file`] (one run with captured output; inputs path, source, seed,
//! strategy, fault plan, budgets; outputs stdout, stderr, exit status 0/1/2 and the core's report).
//!
//! Pipeline: `lower` (the only module that knows ruff's AST) → `ir` → `scope` + `compile` → `code`
//! (bytecode) → `vm` (explicit frame stack) with `protocol`, `builtins`, `methods`, `subscript`,
//! `format`, `num`; `modules` provides time/random/typing and loads the asyncio prelude
//! (`asyncio_prelude.py`, CPython 3.11's asyncio ported to the subset), which `aio` runs on the core.
//!
//! Documented departures from CPython: generator expressions are evaluated eagerly; sets of ints iterate in
//! CPython's order (`pyset.rs` keeps a copy of CPython's table; `tests/script_sets.rs` checks random set
//! programs against python3), but sets holding other values iterate in insertion order (CPython's str hashes
//! are randomised per process, so its own order changes from run to run); object and task reprs omit
//! addresses and source paths; `loop.time()` starts at 0 (virtual); `random` draws from the run's
//! seeded stream, not CPython's Mersenne Twister; `hash()` is defined for ints only; `typing` names are
//! placeholders (annotations are never evaluated).

mod aio;
mod builtins;
mod code;
mod compile;
pub mod diag;
mod format;
mod future;
pub mod ir;
mod limits;
pub mod lower;
mod methods;
mod modules;
mod num;
mod protocol;
mod pyset;
mod rng;
mod scope;
mod step;
mod subscript;
pub mod traceback;
mod value;
mod vm;

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

pub use diag::{Diagnostic, Diagnostics, Span};
pub use limits::Limits;

use crate::app::{Captured, LoadOptions, Program};
use crate::explore::{Header, Target};
use crate::sim::{
    Budget, FaultPlan, HazardKind, HazardPolicy, Outcome, Policy, RunReport, Seed, Sim, Strategy,
};

/// Hazard defaults for Python scenarios: CPython only logs a never-retrieved task exception
/// (exit status 0), so by default it is reported, not failed; `deny=unretrieved` makes it fail.
pub fn python_hazard_defaults() -> HazardPolicy {
    HazardPolicy::default().set(HazardKind::UnretrievedFailure, Policy::Report)
}

/// Parse and check a scenario; bad input comes back as renderable diagnostics (exit code 2).
pub fn compile(path: &str, source: &str) -> Result<ir::Module, Diagnostics> {
    lower::lower(path, source)
}

/// Check a scenario on a thread with a large stack: hostile nesting must end in a diagnostic, never a
/// stack overflow (the parser and the AST's destructor recurse). Once it passes, the nesting is bounded
/// and later parses of the same source are safe on any thread.
fn validate(path: &str, source: &str, colour: bool) -> Result<(), String> {
    let (p, s) = (path.to_string(), source.to_string());
    let worker = std::thread::Builder::new()
        .name("awaitsim-parse".into())
        .stack_size(512 << 20)
        .spawn(move || compile(&p, &s).map(|_| ()).map_err(|d| d.render(colour)));
    match worker {
        Ok(h) => h
            .join()
            .unwrap_or_else(|_| Err(format!("error: {path}: the parser failed on this input\n"))),
        Err(_) => compile(path, source)
            .map(|_| ())
            .map_err(|d| d.render(colour)),
    }
}

/// Colour diagnostics only for a person at a terminal (and never with `NO_COLOR` set).
fn colour() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A checked scenario, ready to run any number of times (compiled once per thread: compiled code is not `Sync`).
#[derive(Debug)]
pub struct ScriptProgram {
    path: String,
    source: String,
    header: Header,
    cpu_cost_ns: u64,
    op_budget: u64,
    limits: Limits,
}

/// Interpreted operations allowed per step for each core operation in `Budget::max_ops_per_step`.
const OPS_PER_CORE_OP: u64 = 200;

/// Load a scenario for the app layer: syntax, subset and header are checked here, before anything runs.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Box<dyn Program>, String> {
    let shown = path.display().to_string();
    let source = crate::app::read_scenario(path)?;
    let mut program = ScriptProgram::checked(&shown, &source, opts.cpu_cost_ns, colour())?;
    program.op_budget = u64::from(opts.budget.max_ops_per_step).saturating_mul(OPS_PER_CORE_OP);
    program.limits = opts.limits;
    Ok(Box::new(program))
}

impl ScriptProgram {
    /// Check `source` (named `path` in messages); the error is the rendered diagnostics.
    pub fn new(path: &str, source: &str, cpu_cost_ns: u64) -> Result<ScriptProgram, String> {
        Self::checked(path, source, cpu_cost_ns, false)
    }

    fn checked(
        path: &str,
        source: &str,
        cpu_cost_ns: u64,
        colour: bool,
    ) -> Result<ScriptProgram, String> {
        validate(path, source, colour)?;
        let header = Header::parse(source).map_err(|d| {
            Diagnostics {
                path: path.to_string(),
                source: source.to_string(),
                items: vec![d],
            }
            .render(colour)
        })?;
        // An explicit cost (the CLI's --cpu-cost) wins over the header's cpu-cost=.
        let cpu_cost_ns = match (cpu_cost_ns, header.cpu_cost) {
            (0, Some(d)) => u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
            (n, _) => n,
        };
        Ok(ScriptProgram {
            path: path.to_string(),
            source: source.to_string(),
            header,
            cpu_cost_ns,
            op_budget: u64::from(crate::sim::Budget::default().max_ops_per_step) * OPS_PER_CORE_OP,
            limits: Limits::default(),
        })
    }
}

impl Target for ScriptProgram {
    fn run(&self, sim: &mut Sim) -> Outcome<()> {
        self.run_captured(sim).outcome
    }
}

impl Program for ScriptProgram {
    fn path(&self) -> &str {
        &self.path
    }

    fn header(&self) -> &Header {
        &self.header
    }

    fn hazard_policy(&self) -> HazardPolicy {
        self.header.hazard_policy(python_hazard_defaults())
    }

    fn run_captured(&self, sim: &mut Sim) -> Captured {
        run_on(self, sim)
    }
}

/// A scenario compiled on this thread, with the text its tracebacks quote.
#[derive(Clone)]
struct Compiled {
    path: Rc<str>,
    source: Rc<str>,
    code: Rc<code::Code>,
}

thread_local! {
    /// Compiled programs by source text, per thread: compiled code holds `Rc`s
    /// (not `Sync`), and an exploration runs the same program on each worker
    /// thousands of times. Keyed by the text, so nothing address-dependent
    /// can leak into a run.
    static COMPILED: RefCell<std::collections::BTreeMap<String, Vec<Compiled>>> =
        const { RefCell::new(std::collections::BTreeMap::new()) };
}

/// The compiled module for `source`, compiled on this thread's first use.
fn compiled(path: &str, source: &str) -> Result<Compiled, Diagnostics> {
    let hit = COMPILED.with(|m| {
        m.borrow()
            .get(source)
            .and_then(|v| v.iter().find(|c| &*c.path == path).cloned())
    });
    if let Some(c) = hit {
        return Ok(c);
    }
    let module = compile(path, source)?;
    let c = Compiled {
        path: Rc::from(path),
        source: Rc::from(source),
        code: compile::compile_module(&module, path, source, false),
    };
    COMPILED.with(|m| {
        let mut m = m.borrow_mut();
        // A long-lived thread that loads many programs keeps a few, not all.
        if m.len() >= 64 {
            m.clear();
        }
        m.entry(source.to_string()).or_default().push(c.clone());
    });
    Ok(c)
}

fn run_on(program: &ScriptProgram, sim: &mut Sim) -> Captured {
    let compiled = match compiled(&program.path, &program.source) {
        Ok(c) => c,
        Err(d) => {
            // Checked at load; kept for callers that skip `load`.
            let msg = d.render(false);
            let outcome = sim.try_run(async move {
                crate::sim::fail_run(crate::sim::Failure::Exception {
                    task: "main".into(),
                    message: msg,
                });
            });
            return Captured {
                outcome,
                stdout: String::new(),
                stderr: String::new(),
            };
        }
    };

    let code = compiled.code;
    let vm = Rc::new(RefCell::new(vm::Vm::new(compiled.path, compiled.source)));
    {
        let mut v = vm.borrow_mut();
        v.me = Rc::downgrade(&vm);
        v.cpu_cost_ns = program.cpu_cost_ns;
        v.op_budget = program.op_budget;
        v.limits = program.limits;
    }
    // Room for every name the module's code mentions (a bound on its
    // globals), so its imports and definitions never regrow the map.
    let mut names =
        value::Attrs::with_capacity_and_hasher(code.names.len() + 1, Default::default());
    names.insert(Rc::from("__name__"), value::Value::str("__main__"));
    let globals = Rc::new(RefCell::new(names));
    let outcome = sim.try_run(aio::run_module(vm.clone(), code, globals.clone()));
    let mut v = vm.borrow_mut();
    let stdout = std::mem::take(&mut v.out);
    let stderr = std::mem::take(&mut v.err);
    v.teardown(&globals);
    Captured {
        outcome,
        stdout,
        stderr,
    }
}

/// Options for one direct run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Seed for the scheduler and the program's `random` module.
    pub seed: u64,
    /// Scheduling strategy (FIFO gives CPython's order).
    pub strategy: Strategy,
    /// Virtual CPU cost per interpreted operation, in nanoseconds.
    pub cpu_cost_ns: u64,
    /// Faults to inject (none by default).
    pub faults: FaultPlan,
    /// Interpreted operations allowed in one step before the run stops with a never-yields hazard.
    pub op_budget: u64,
    /// The core's budgets (steps, virtual time, tasks).
    pub budget: Budget,
    /// The interpreter's allocation, output and recursion budgets.
    pub limits: Limits,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            seed: 0,
            strategy: Strategy::Fifo,
            cpu_cost_ns: 0,
            faults: FaultPlan::none(),
            op_budget: u64::from(crate::sim::Budget::default().max_ops_per_step) * OPS_PER_CORE_OP,
            budget: Budget::default(),
            limits: Limits::default(),
        }
    }
}

/// Everything one run produced.
#[derive(Debug, Default)]
pub struct RunResult {
    /// What the program printed.
    pub stdout: String,
    /// Tracebacks, diagnostics, the failure report.
    pub stderr: String,
    /// 0 ok, 1 a property failed (uncaught exception, hazard, deadlock), 2 bad input.
    pub exit_code: i32,
    /// The core's report (absent for bad input).
    pub report: Option<RunReport>,
}

/// Run a scenario from source text once.
pub fn run_source(path: &str, source: &str, opts: &RunOptions) -> RunResult {
    let prog = match ScriptProgram::new(path, source, opts.cpu_cost_ns) {
        Ok(mut p) => {
            p.op_budget = opts.op_budget;
            p.limits = opts.limits;
            p
        }
        Err(msg) => {
            return RunResult {
                stderr: msg,
                exit_code: 2,
                ..RunResult::default()
            }
        }
    };
    let hazards = prog.hazard_policy();
    let mut sim = Sim::new(Seed(opts.seed))
        .strategy(opts.strategy)
        .faults(opts.faults.clone())
        .budget(opts.budget)
        .hazards(hazards);
    let c = prog.run_captured(&mut sim);
    let mut stderr = c.stderr;
    let exit_code = match &c.outcome.result {
        Ok(()) => 0,
        Err(f) => {
            if !matches!(f, crate::sim::Failure::Exception { .. }) || stderr.is_empty() {
                stderr.push_str(&format!("{f}\n"));
            }
            1
        }
    };
    RunResult {
        stdout: c.stdout,
        stderr,
        exit_code,
        report: Some(c.outcome.report),
    }
}

/// Read and run a scenario file once; a missing file is bad input (exit 2).
pub fn run_file(path: &str, opts: &RunOptions) -> RunResult {
    match crate::app::read_scenario(Path::new(path)) {
        Ok(src) => run_source(path, &src, opts),
        Err(e) => RunResult {
            stderr: format!("{e}\n"),
            exit_code: 2,
            ..RunResult::default()
        },
    }
}
