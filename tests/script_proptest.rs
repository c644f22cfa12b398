//! Random small async programs inside the subset, each run under python3 and under the interpreter
//! (FIFO): stdout and exit status must be identical.
//!
//! Programs mix tasks, prints, sleep(0), timed sleeps, a shared Lock, exceptions and gather. Timed
//! sleeps of task i are multiples (at most 6x in total) of its own unit of milliseconds, the units
//! chosen so that any two tasks' wake-up times differ by at least 7 ms, and locks guard only untimed
//! sections. CPython runs on the real clock, where each sleep ends a little late and the lateness
//! adds up (units of 11 and 17 ms, waking at 33 and 34 ms, swapped on a loaded machine); with 7 ms
//! between any two wake-ups its order is the virtual-time order, and a mismatch is a real bug.
//! Cases: 60 by default, `SCRIPT_PROPTEST_CASES=N` for more. Skips without python3 (fails in CI).

use std::process::Command;

mod python;

use awaitsim::script::{run_source, RunOptions};
use proptest::prelude::*;

/// The smallest units (found by search) whose multiples 1..=6 differ across tasks by at least 7 ms.
const UNITS_MS: [u32; 5] = [35, 49, 56, 63, 77];

/// The property rests on this: two tasks never wake within 7 ms of each
/// other, so CPython's real-time loop and the virtual one order them alike.
#[test]
fn sleep_units_keep_tasks_apart() {
    for (i, a) in UNITS_MS.iter().enumerate() {
        for b in UNITS_MS.iter().skip(i + 1) {
            for m in 1..=6 {
                for n in 1..=6 {
                    assert!((m * a).abs_diff(n * b) >= 7, "{m} x {a} ms vs {n} x {b} ms");
                }
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Step {
    Print,
    Yield,
    Sleep(u32),
    Locked,
    Raise,
    Spawn,
    Gather,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Print),
        2 => Just(Step::Yield),
        2 => (1u32..=2).prop_map(Step::Sleep),
        1 => Just(Step::Locked),
        1 => Just(Step::Raise),
        1 => Just(Step::Spawn),
        1 => Just(Step::Gather),
    ]
}

fn program() -> impl Strategy<Value = (Vec<Vec<Step>>, bool)> {
    (
        prop::collection::vec(prop::collection::vec(step(), 1..6), 1..5),
        any::<bool>(),
    )
}

fn render(tasks: &[Vec<Step>], create_first: bool) -> String {
    let mut s = String::from(
        "import asyncio\n\nlock = None\n\nasync def child(tag):\n    print(tag, 'start')\n    await asyncio.sleep(0)\n    print(tag, 'end')\n    return tag\n\n",
    );
    for (i, steps) in tasks.iter().enumerate() {
        s.push_str(&format!("async def t{i}():\n"));
        let mut timed = 0;
        let mut spawned = Vec::new();
        for (j, st) in steps.iter().enumerate() {
            match st {
                Step::Print => s.push_str(&format!("    print('t{i} step {j}')\n")),
                Step::Yield => s.push_str("    await asyncio.sleep(0)\n"),
                Step::Sleep(k) if timed + k <= 6 => {
                    timed += k;
                    let ms = UNITS_MS[i] * k;
                    s.push_str(&format!("    await asyncio.sleep({ms} / 1000)\n    print('t{i} woke {j}')\n"));
                }
                Step::Sleep(_) => s.push_str("    await asyncio.sleep(0)\n"),
                Step::Locked => s.push_str(&format!(
                    "    async with lock:\n        print('t{i} locked {j}')\n        await asyncio.sleep(0)\n        print('t{i} unlocking {j}')\n"
                )),
                Step::Raise => s.push_str(&format!(
                    "    if True:\n        raise ValueError('t{i} failed at {j}')\n"
                )),
                Step::Spawn => {
                    s.push_str(&format!("    c{j} = asyncio.create_task(child('t{i}c{j}'))\n"));
                    spawned.push(j);
                }
                Step::Gather => s.push_str(&format!(
                    "    print(await asyncio.gather(child('t{i}g{j}a'), child('t{i}g{j}b')))\n"
                )),
            }
        }
        for j in spawned {
            s.push_str(&format!("    print('t{i} joined', await c{j})\n"));
        }
        s.push_str(&format!("    return 't{i} done'\n\n"));
    }
    s.push_str("async def main():\n    global lock\n    lock = asyncio.Lock()\n");
    let names: Vec<String> = (0..tasks.len()).map(|i| format!("t{i}()")).collect();
    if create_first {
        for (i, n) in names.iter().enumerate() {
            s.push_str(&format!("    c{i} = asyncio.create_task({n})\n"));
        }
        s.push_str("    print('main created tasks')\n    await asyncio.sleep(0)\n");
        let cs: Vec<String> = (0..tasks.len()).map(|i| format!("c{i}")).collect();
        s.push_str(&format!(
            "    r = await asyncio.gather({}, return_exceptions=True)\n",
            cs.join(", ")
        ));
    } else {
        s.push_str(&format!(
            "    r = await asyncio.gather({}, return_exceptions=True)\n",
            names.join(", ")
        ));
    }
    s.push_str("    print([repr(x) for x in r])\n\nasyncio.run(main())\n");
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: python::cases("SCRIPT_PROPTEST_CASES", 60), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_async_programs_match_cpython((tasks, create_first) in program()) {
        if !python::available() {
            return Ok(());
        }
        let src = render(&tasks, create_first);
        let dir = std::env::temp_dir().join(format!("awaitsim-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("prog.py");
        std::fs::write(&file, &src).expect("write program");
        let py = Command::new("python3").arg(&file).output().expect("python3 runs");
        let ours = run_source("prog.py", &src, &RunOptions::default());
        prop_assert_eq!(String::from_utf8_lossy(&py.stdout).to_string(), ours.stdout.clone(), "program:\n{}\nstderr:\n{}", src, ours.stderr);
        prop_assert_eq!(py.status.code().unwrap_or(-1), ours.exit_code, "program:\n{}", src);
    }
}
