//! Resource limits of one interpreted run: the allocation, output and recursion budgets.

use super::vm::{PyResult, Vm};

/// What one run may allocate, print and nest before it is stopped with a
/// Python exception that names the flag to raise the limit.
///
/// The defaults are far above anything the bundled sims need (the largest
/// builds lists of a few hundred items, prints a few kilobytes and nests a few
/// dozen calls) and low enough that a runaway program ends in a second, not by
/// exhausting the machine.
///
/// ```
/// use awaitsim::script::{run_source, Limits, RunOptions};
/// let opts = RunOptions { limits: Limits { max_alloc: 10, ..Limits::default() }, ..RunOptions::default() };
/// let r = run_source("big.py", "xs = [0] * 11\n", &opts);
/// assert_eq!(r.exit_code, 1);
/// assert!(r.stderr.contains("MemoryError: allocation budget exceeded"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most items in one list, tuple, dict or set, and characters in one
    /// string (`--max-alloc`).
    pub max_alloc: u64,
    /// Most bytes a run may print (`--max-output`).
    pub max_output: u64,
    /// Deepest Python call nesting (`--max-depth`): CPython's recursion
    /// limit, which raises RecursionError, never a Rust stack overflow.
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_alloc: 20_000_000,
            max_output: 64 << 20,
            max_depth: 1000,
        }
    }
}

/// Calls from Rust back into Python (`__repr__`, sort keys, `__eq__`) allowed
/// at once, whatever `max_depth` is: each uses Rust stack.
pub const MAX_NATIVE_DEPTH: u32 = 100;

impl Vm {
    /// Refuse to build an object of `n` items or characters past the allocation budget.
    pub fn check_alloc(&self, n: u64) -> PyResult<()> {
        if n > self.limits.max_alloc {
            return self.err(
                "MemoryError",
                format!(
                    "allocation budget exceeded: {n} items or characters in one object, the limit is {} (--max-alloc)",
                    self.limits.max_alloc
                ),
            );
        }
        Ok(())
    }

    /// Refuse output that would take the run past the output budget.
    pub fn check_output(&self, more: usize) -> PyResult<()> {
        let total = (self.out.len() as u64).saturating_add(more as u64);
        if total > self.limits.max_output {
            return self.err(
                "MemoryError",
                format!(
                    "output budget exceeded: the run would print more than {} bytes (--max-output)",
                    self.limits.max_output
                ),
            );
        }
        Ok(())
    }
}
