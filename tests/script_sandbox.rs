//! A scenario has no way to reach files, the network, processes, the environment or the real clock
//! (issue 6): every route a program might try is refused with a message that names it, and nothing
//! of the host leaks into the output. Imports outside the subset are refused before anything runs
//! (exit 2); names and attributes that would open a door do not exist (a Python exception, exit 1).

use awaitsim::script::{run_source, RunOptions};

/// (what the program tries, its source, the exit code, what the message must say)
const ATTEMPTS: &[(&str, &str, i32, &str)] = &[
    (
        "import os",
        "import os\nprint(os.listdir('/'))\n",
        2,
        "module `os` is not available in scenarios",
    ),
    (
        "import sys",
        "import sys\nprint(sys.argv)\n",
        2,
        "module `sys` is not available in scenarios",
    ),
    (
        "import subprocess",
        "import subprocess\n",
        2,
        "module `subprocess` is not available in scenarios",
    ),
    (
        "import socket",
        "import socket\n",
        2,
        "module `socket` is not available in scenarios",
    ),
    (
        "import builtins",
        "import builtins\n",
        2,
        "module `builtins` is not available in scenarios",
    ),
    (
        "import importlib",
        "import importlib\n",
        2,
        "module `importlib` is not available in scenarios",
    ),
    (
        "from os import",
        "from os import environ\n",
        2,
        "supported: from asyncio/time/random import NAME",
    ),
    (
        "open a file",
        "print(open('/etc/passwd').read())\n",
        1,
        "NameError: name 'open' is not defined",
    ),
    (
        "__import__",
        "os = __import__('os')\n",
        1,
        "NameError: name '__import__' is not defined",
    ),
    (
        "eval",
        "print(eval('1 + 1'))\n",
        1,
        "NameError: name 'eval' is not defined",
    ),
    (
        "exec",
        "exec('x = 1')\n",
        1,
        "NameError: name 'exec' is not defined",
    ),
    (
        "compile",
        "compile('1', 'x', 'eval')\n",
        1,
        "NameError: name 'compile' is not defined",
    ),
    (
        "input",
        "print(input())\n",
        1,
        "NameError: name 'input' is not defined",
    ),
    (
        "globals",
        "print(globals())\n",
        1,
        "NameError: name 'globals' is not defined",
    ),
    (
        "vars",
        "print(vars())\n",
        1,
        "NameError: name 'vars' is not defined",
    ),
    (
        "__builtins__",
        "print(__builtins__)\n",
        1,
        "NameError: name '__builtins__' is not defined",
    ),
    (
        "breakpoint",
        "breakpoint()\n",
        1,
        "NameError: name 'breakpoint' is not defined",
    ),
    (
        "a dunder on a value",
        "print(().__class__.__bases__)\n",
        1,
        "AttributeError: 'tuple' object has no attribute '__class__'",
    ),
    (
        "getattr of a dunder",
        "print(getattr(1, '__class__'))\n",
        1,
        "AttributeError: 'int' object has no attribute '__class__'",
    ),
    (
        "a function's globals",
        "f = lambda: 0\nprint(f.__globals__)\n",
        1,
        "AttributeError: 'function' object has no attribute '__globals__'",
    ),
    (
        "a builtin's module",
        "print(getattr(print, '__self__'))\n",
        1,
        "has no attribute '__self__'",
    ),
    (
        "a module's namespace",
        "import asyncio\nprint(asyncio.__dict__)\n",
        1,
        "AttributeError: module 'asyncio' has no attribute '__dict__'",
    ),
    (
        "a module's loader",
        "import time\nprint(time.__loader__)\n",
        1,
        "AttributeError: module 'time' has no attribute '__loader__'",
    ),
    (
        "subclasses of a type",
        "print(type(1).__subclasses__())\n",
        1,
        "has no attribute '__subclasses__'",
    ),
];

#[test]
fn every_way_out_of_the_sandbox_is_refused_with_a_message() {
    for (what, src, code, says) in ATTEMPTS {
        let r = run_source("sandbox.py", src, &RunOptions::default());
        assert_eq!(r.exit_code, *code, "{what}: {}", r.stderr);
        assert!(
            r.stderr.contains(says),
            "{what}: expected {says:?} in:\n{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{what} printed {:?}", r.stdout);
    }
}

/// The real clock is virtual: `time.time()` and friends never read the host's clock, so two runs
/// in different processes at different moments print the same.
#[test]
fn the_clock_a_scenario_reads_is_virtual() {
    let src = "import time\nimport asyncio\n\nasync def main():\n    t0 = time.time()\n    m0 = time.monotonic()\n    await asyncio.sleep(3600)\n    time.sleep(0.5)\n    print(time.time() - t0, time.monotonic() - m0, time.perf_counter())\n\nasyncio.run(main())\n";
    let a = run_source("clock.py", src, &RunOptions::default());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let b = run_source("clock.py", src, &RunOptions::default());
    assert_eq!(a.stdout, "3600.5 3600.5 3600.5\n", "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
}
