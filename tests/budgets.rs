//! Every budget (issue 6): a flag that sets it, a program that trips it with a message naming the
//! flag, the same program passing under the default, and no bundled sim within a tenth of any default.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn awaitsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_awaitsim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn scenario(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("awaitsim-budgets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write scenario");
    path
}

struct Case {
    budget: &'static str,
    flag: &'static [&'static str],
    program: &'static str,
    /// What stderr must say when the budget trips.
    says: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        budget: "operations between suspensions",
        flag: &["--max-ops", "10"],
        program: "import asyncio\n\nasync def main():\n    n = 0\n    for i in range(10000):\n        n += i\n    print(n)\n\nasyncio.run(main())\n",
        says: &["never-yields", "step budget exceeded", "raise --max-ops"],
    },
    Case {
        budget: "task steps in a run",
        flag: &["--max-steps", "500"],
        program: "import asyncio\n\nasync def main():\n    for _ in range(1000):\n        await asyncio.sleep(0)\n    print('done')\n\nasyncio.run(main())\n",
        says: &["budget exhausted", "more than 500 steps", "raise --max-steps"],
    },
    Case {
        budget: "virtual time horizon",
        flag: &["--max-time", "10s"],
        program: "import asyncio\n\nasync def main():\n    for _ in range(100):\n        await asyncio.sleep(1)\n    print('done')\n\nasyncio.run(main())\n",
        says: &["budget exhausted", "virtual nanoseconds", "raise --max-time"],
    },
    Case {
        budget: "recursion depth",
        flag: &["--max-depth", "30"],
        program: "def depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\n\nprint(depth(50))\n",
        says: &["Traceback (most recent call last):", "RecursionError: maximum recursion depth exceeded"],
    },
    Case {
        budget: "allocation size",
        flag: &["--max-alloc", "100"],
        program: "xs = [0] * 1000\nprint(len(xs))\n",
        says: &["MemoryError: allocation budget exceeded: 1000 items or characters in one object, the limit is 100 (--max-alloc)"],
    },
    Case {
        budget: "output size",
        flag: &["--max-output", "100"],
        program: "for i in range(1000):\n    print('line', i)\n",
        says: &["MemoryError: output budget exceeded: the run would print more than 100 bytes (--max-output)"],
    },
];

#[test]
fn each_budget_has_a_flag_that_trips_it_with_a_message_naming_the_flag() {
    for (i, case) in CASES.iter().enumerate() {
        let file = scenario(&format!("budget{i}.py"), case.program);
        let file = file.to_str().expect("utf-8 path");

        let ok = awaitsim(&["run", file]);
        assert_eq!(
            ok.status.code(),
            Some(0),
            "{}: passes under the default: {}",
            case.budget,
            String::from_utf8_lossy(&ok.stderr)
        );

        let mut args = vec!["run", file];
        args.extend_from_slice(case.flag);
        let out = awaitsim(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", case.budget);
        for s in case.says {
            assert!(
                stderr.contains(s),
                "{}: expected {s:?} in:\n{stderr}",
                case.budget
            );
        }
        assert!(!stderr.contains("panicked"), "{}: {stderr}", case.budget);
    }
}

#[test]
fn no_bundled_sim_comes_within_a_tenth_of_any_default() {
    let sims = Path::new(env!("CARGO_MANIFEST_DIR")).join("sims");
    let out = awaitsim(&[
        "check",
        sims.to_str().expect("utf-8 path"),
        "--max-seeds",
        "50",
        "--max-ops",
        "100000",
        "--max-steps",
        "1000000",
        "--max-time",
        "864000s",
        "--max-depth",
        "100",
        "--max-alloc",
        "2000000",
        "--max-output",
        "6000000",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
