//! Any bytes as a scenario: parse, lower, and — if it is in the subset — run
//! it under a small budget. A panic, a hang or unbounded memory is a bug;
//! diagnostics, exceptions and hazards are the expected outcomes.
#![no_main]

use awaitsim::script::{run_source, RunOptions};
use awaitsim::Budget;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let opts = RunOptions {
        op_budget: 100_000,
        budget: Budget {
            max_steps: 2_000,
            max_ops_per_step: 200,
            max_time: 3_600_000_000_000,
            max_tasks: 100,
        },
        ..RunOptions::default()
    };
    let r = run_source("fuzz.py", source, &opts);
    assert!(matches!(r.exit_code, 0..=2), "exit {}", r.exit_code);
});
