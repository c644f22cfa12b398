//! Fault-plan behaviour seen from Python: injected I/O failures raise ConnectionError at the await,
//! an injected cancel raises CancelledError there (finally blocks run), a stall is reported.

use awaitsim::explore::{run_one, RunSpec};
use awaitsim::script::{run_source, RunOptions};
use awaitsim::FaultPlan;

fn run_with(src: &str, faults: &str) -> awaitsim::script::RunResult {
    let opts = RunOptions {
        faults: faults.parse::<FaultPlan>().expect("fault spec"),
        ..RunOptions::default()
    };
    run_source("faults.py", src, &opts)
}

const WORKER: &str = "import asyncio\n\nasync def worker():\n    try:\n        await asyncio.sleep(0.1)\n        print('slept')\n    except ConnectionError as e:\n        print('connection error')\n    except asyncio.CancelledError:\n        print('cancelled at the await')\n        raise\n    finally:\n        print('finally')\n\nasync def main():\n    t = asyncio.create_task(worker())\n    try:\n        await t\n    except asyncio.CancelledError:\n        print('main saw cancelled', t.cancelled())\n    print('main done')\n\nasyncio.run(main())\n";

#[test]
fn injected_failure_is_connection_error() {
    let r = run_with(WORKER, "fail=1");
    assert_eq!(
        r.stdout, "connection error\nfinally\nmain done\n",
        "{}",
        r.stderr
    );
    assert_eq!(r.exit_code, 0);
}

#[test]
fn injected_cancel_raises_cancelled_error_at_the_await() {
    let r = run_with(WORKER, "cancel=1");
    assert_eq!(
        r.stdout, "cancelled at the await\nfinally\nmain saw cancelled True\nmain done\n",
        "{}",
        r.stderr
    );
    assert_eq!(r.exit_code, 0);
    // The worker stays one task in the trace: cancelled at its await, woken,
    // stepped again with CancelledError (no second task carries it on).
    let program = awaitsim::script::ScriptProgram::new("faults.py", WORKER, 0).expect("parses");
    let spec = RunSpec {
        faults: "cancel=1".parse().expect("fault spec"),
        ..RunSpec::fifo()
    };
    let trace = run_one(&program, &spec)
        .report
        .trace
        .expect("a full trace")
        .render();
    let spawns: Vec<&str> = trace.lines().filter(|l| l.contains("spawn")).collect();
    assert_eq!(spawns.len(), 3, "main, Task-1, the worker:\n{trace}");
    let fault = trace
        .find("fault    cancel")
        .expect("the fault is in the trace");
    let after: Vec<&str> = trace[fault..].lines().take(4).collect();
    assert!(after[1].contains("wake     #2 (Task-2)"), "{trace}");
    assert!(after[2].contains("on io `sleep`, cancelled"), "{trace}");
    assert!(after[3].contains("step     #2 (Task-2)"), "{trace}");
}

#[test]
fn stall_is_reported_with_the_waiting_tasks() {
    let r = run_with(WORKER, "stall=1");
    assert_eq!(r.stdout, "");
    assert_eq!(r.exit_code, 1);
    assert!(r.stderr.contains("stall"), "{}", r.stderr);
}

#[test]
fn no_faults_is_plain_cpython_order() {
    let r = run_with(WORKER, "none");
    assert_eq!(r.stdout, "slept\nfinally\nmain done\n", "{}", r.stderr);
}
