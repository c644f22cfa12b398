//! Any bytes as a scenario: parse, lower, and — if it is in the subset — run
//! it under a small budget, in FIFO order or, chosen by the input's length,
//! under a random schedule with faults (cancels, failures, stalls, lateness,
//! blocking). A panic, a hang or unbounded memory is a bug; diagnostics,
//! exceptions and hazards are the expected outcomes.
#![no_main]

use awaitsim::script::{run_source, RunOptions};
use awaitsim::{Budget, FaultPlan, Strategy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    // The same input always gets the same plan, so a crash replays.
    let faults = ["none", "cancel=0.5", "fail=0.3,stall=0.1", "late=1,block=0.2:50ms"]
        [data.len() % 4];
    let seed = data.iter().fold(0u64, |h, &b| h.rotate_left(5) ^ u64::from(b));
    let opts = RunOptions {
        seed,
        strategy: if faults == "none" { Strategy::Fifo } else { Strategy::Random },
        faults: faults.parse::<FaultPlan>().expect("a valid fault spec"),
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
