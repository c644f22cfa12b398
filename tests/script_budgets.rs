//! Runaway programs are stopped with a clear message and exit 1, never a Rust stack overflow or a hang.

use awaitsim::script::{run_source, RunOptions};

#[test]
fn runaway_loop_is_a_never_yields_hazard() {
    let src = "import asyncio\n\nasync def spin():\n    n = 0\n    while True:\n        n += 1\n\nasync def main():\n    await spin()\n\nasyncio.run(main())\n";
    let opts = RunOptions {
        op_budget: 2_000_000,
        ..RunOptions::default()
    };
    let r = run_source("spin.py", src, &opts);
    assert_eq!(r.exit_code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("never-yields") || r.stderr.contains("budget"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("spin.py:"),
        "names the scenario: {}",
        r.stderr
    );
}

#[test]
fn runaway_module_loop_is_stopped() {
    let opts = RunOptions {
        op_budget: 1_000_000,
        ..RunOptions::default()
    };
    let r = run_source("m.py", "while True:\n    pass\n", &opts);
    assert_eq!(r.exit_code, 1, "{}", r.stderr);
}

#[test]
fn deep_recursion_is_recursion_error_not_overflow() {
    let src = "def f(n):\n    return f(n + 1) + 1\n\nf(0)\n";
    let r = run_source("rec.py", src, &RunOptions::default());
    assert_eq!(r.exit_code, 1);
    assert!(
        r.stderr
            .contains("RecursionError: maximum recursion depth exceeded"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.starts_with("Traceback (most recent call last):"),
        "{}",
        r.stderr
    );
}

#[test]
fn deep_recursion_in_coroutines_is_recursion_error() {
    let src = "import asyncio\n\nasync def f(n):\n    return await f(n + 1)\n\nasyncio.run(f(0))\n";
    let r = run_source("arec.py", src, &RunOptions::default());
    assert_eq!(r.exit_code, 1);
    assert!(r.stderr.contains("RecursionError"), "{}", r.stderr);
}

#[test]
fn huge_allocation_is_memory_error() {
    for src in [
        "x = [0] * (10 ** 10)\n",
        "x = list(range(10 ** 12))\n",
        "s = 'ab' * (10 ** 10)\n",
    ] {
        let r = run_source("big.py", src, &RunOptions::default());
        assert_eq!(r.exit_code, 1, "{src}: {}", r.stderr);
        assert!(r.stderr.contains("MemoryError"), "{src}: {}", r.stderr);
    }
}

#[test]
fn uncaught_exception_traceback_format() {
    let src =
        "def inner():\n    raise ValueError('bad value')\n\ndef outer():\n    inner()\n\nouter()\n";
    let r = run_source("tb.py", src, &RunOptions::default());
    assert_eq!(r.exit_code, 1);
    let want = "Traceback (most recent call last):\n  File \"tb.py\", line 7, in <module>\n    outer()\n  File \"tb.py\", line 5, in outer\n    inner()\n  File \"tb.py\", line 2, in inner\n    raise ValueError('bad value')\nValueError: bad value\n";
    assert!(r.stderr.starts_with(want), "got:\n{}", r.stderr);
}

#[test]
fn chained_exception_traceback() {
    let src =
        "try:\n    {}['k']\nexcept KeyError as e:\n    raise RuntimeError('wrapped') from e\n";
    let r = run_source("chain.py", src, &RunOptions::default());
    assert_eq!(r.exit_code, 1);
    assert!(r.stderr.contains("KeyError: 'k'\n\nThe above exception was the direct cause of the following exception:\n\nTraceback"), "{}", r.stderr);
    assert!(r.stderr.contains("RuntimeError: wrapped"), "{}", r.stderr);
}

#[test]
fn hostile_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let chain = format!("x = {}\n", vec!["1"; 20_000].join("+"));
    let parens = format!("x = {}1{}\n", "(".repeat(1000), ")".repeat(1000));
    let unary = format!("x = {}1\n", "- ".repeat(50_000));
    for src in [chain, parens, unary] {
        let r = run_source("deep.py", &src, &RunOptions::default());
        assert_eq!(r.exit_code, 2, "{}", &r.stderr[..r.stderr.len().min(300)]);
        assert!(
            r.stderr.contains("nested"),
            "{}",
            &r.stderr[..r.stderr.len().min(300)]
        );
    }
}

#[test]
fn recursive_repr_is_recursion_error() {
    let src = "class A:\n    def __repr__(self):\n        return repr(self)\n\nprint(repr(A()))\n";
    let r = run_source("rr.py", src, &RunOptions::default());
    assert_eq!(r.exit_code, 1);
    assert!(r.stderr.contains("RecursionError"), "{}", r.stderr);
}

#[test]
fn absurd_widths_are_memory_errors() {
    for src in [
        "x = f'{1:>1000000000000}'\n",
        "x = 'a'.center(10 ** 12)\n",
        "x = '1'.zfill(10 ** 12)\n",
        "x = '{:.999999999999f}'.format(1.5)\n",
    ] {
        let r = run_source("w.py", src, &RunOptions::default());
        assert_eq!(r.exit_code, 1, "{src}: {}", r.stderr);
        assert!(r.stderr.contains("MemoryError"), "{src}: {}", r.stderr);
    }
}
