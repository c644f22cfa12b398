//! The Python-subset scenario language: parse, lower, compile to bytecode, interpret (asyncio included) in virtual time.

mod builtins;
mod code;
mod compile;
pub mod diag;
mod format;
pub mod ir;
pub mod lower;
mod modules;
mod num;
mod rng;
mod value;
mod vm;

use std::cell::RefCell;
use std::rc::Rc;

pub use diag::{Diagnostic, Diagnostics, Span};

/// Parse and check a scenario; bad input comes back as renderable diagnostics (exit code 2).
pub fn compile(path: &str, source: &str) -> Result<ir::Module, Diagnostics> {
    lower::lower(path, source)
}

/// What to run and how.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Seed for the program's `random` module (and, later, the scheduler).
    pub seed: u64,
    /// Operations allowed between two suspension points before the run is stopped.
    pub op_budget: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            seed: 0,
            op_budget: 200_000_000,
        }
    }
}

/// Everything a run produced.
#[derive(Clone, Debug, Default)]
pub struct RunResult {
    /// What the program printed.
    pub stdout: String,
    /// Harness messages: diagnostics, tracebacks, hazards.
    pub stderr: String,
    /// 0 ok, 1 a property failed (uncaught exception, hazard), 2 bad input.
    pub exit_code: i32,
    /// Virtual time at the end of the run, in nanoseconds.
    pub virtual_ns: u64,
    /// Blocking calls the program made: (line, nanoseconds).
    pub blocking_calls: Vec<(u32, u64)>,
}

/// Run a scenario from source text: the single entry point the CLI and the tests use.
pub fn run_source(path: &str, source: &str, opts: &RunOptions) -> RunResult {
    let module = match compile(path, source) {
        Ok(m) => m,
        Err(d) => {
            return RunResult {
                stderr: d.render(false),
                exit_code: 2,
                ..RunResult::default()
            }
        }
    };
    let code = compile::compile_module(&module, path, source, false);
    let mut vm = vm::Vm::new(path, source, opts.seed);
    vm.op_budget = opts.op_budget;
    let globals = Rc::new(RefCell::new(value::Attrs::default()));
    globals.borrow_mut().insert(Rc::from("__name__"), value::Value::str("__main__"));
    let r = vm.run_module(code, globals);
    let mut res = RunResult::default();
    match r {
        Ok(_) => {}
        Err(exc) => {
            if let Some(h) = vm.hazard.take() {
                res.stderr = format!("hazard: {h} (line {})\n", vm.current_line());
            } else {
                res.stderr = vm.format_traceback(&exc);
            }
            res.exit_code = 1;
        }
    }
    res.stdout = std::mem::take(&mut vm.out);
    res.virtual_ns = vm.clock_ns;
    res.blocking_calls = std::mem::take(&mut vm.blocked);
    res
}

/// Read and run a scenario file; a missing file is bad input (exit 2).
pub fn run_file(path: &str, opts: &RunOptions) -> RunResult {
    match std::fs::read_to_string(path) {
        Ok(src) => run_source(path, &src, opts),
        Err(e) => RunResult {
            stderr: format!("error: cannot read {path}: {e}\n"),
            exit_code: 2,
            ..RunResult::default()
        },
    }
}
