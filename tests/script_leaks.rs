//! A run frees everything it allocated, however it ends: normally, with an uncaught exception, or
//! stopped by a budget mid-step (Python objects form reference cycles that teardown must break).
//! A counting global allocator measures the bytes still live after repeated runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use awaitsim::script::{run_source, Limits, RunOptions};
use awaitsim::Budget;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes still live after `runs` more runs of `src`, once the thread's caches are warm.
fn growth(src: &str, opts: &RunOptions, runs: usize) -> isize {
    for _ in 0..3 {
        run_source("leak.py", src, opts);
    }
    let before = LIVE.load(Ordering::Relaxed);
    for _ in 0..runs {
        run_source("leak.py", src, opts);
    }
    LIVE.load(Ordering::Relaxed) - before
}

/// (name, program, what its stderr says: the way the case claims to end).
const CASES: &[(&str, &str, &str)] = &[
    ("ends normally", "import asyncio\n\nasync def w(q):\n    await q.put(1)\n\nasync def main():\n    q = asyncio.Queue()\n    await asyncio.gather(w(q), w(q))\n    print(q.qsize())\n\nasyncio.run(main())\n", ""),
    ("uncaught exception", "import asyncio\n\nasync def main():\n    t = asyncio.create_task(asyncio.sleep(1))\n    raise ValueError('x')\n\nasyncio.run(main())\n", "ValueError: x"),
    ("op budget in a task", "import asyncio\n\nclass Box:\n    def __init__(self):\n        self.me = self\n\nasync def spin(b):\n    while True:\n        b.me = b\n\nasync def main():\n    t = asyncio.create_task(spin(Box()))\n    await asyncio.sleep(1)\n\nasyncio.run(main())\n", "never-yields at 0.000s in task Task-2"),
    ("op budget at module level", "xs = []\nwhile True:\n    xs = [xs]\n", "never-yields at 0.000s in task main"),
    ("op budget inside a nested call", "import asyncio\n\ndef key(x):\n    while True:\n        pass\n\nasync def main():\n    print(sorted([3, 1, 2], key=key))\n\nasyncio.run(main())\n", "never-yields at 0.000s in task Task-1 (leak.py:4)"),
    ("recursion error", "def f(n):\n    return f(n + 1)\n\nf(0)\n", "RecursionError"),
    ("allocation budget", "import asyncio\n\nasync def main():\n    xs = [asyncio.Event()] * 100\n\nasyncio.run(main())\n", "MemoryError: allocation budget exceeded"),
    ("step budget with tasks waiting", "import asyncio\n\nasync def ping(q, r):\n    while True:\n        await r.put(await q.get())\n\nasync def main():\n    a, b = asyncio.Queue(), asyncio.Queue()\n    await a.put(1)\n    await asyncio.gather(ping(a, b), ping(b, a))\n\nasyncio.run(main())\n", "more than 300 steps"),
    ("time budget with timers pending", "import asyncio\n\nasync def tick(e):\n    while True:\n        await asyncio.sleep(100)\n        e.set()\n\nasync def main():\n    e = asyncio.Event()\n    await asyncio.gather(tick(e), tick(e), e.wait())\n    await asyncio.sleep(10 ** 9)\n\nasyncio.run(main())\n", "virtual nanoseconds"),
    ("task budget", "import asyncio\n\nasync def spawn(n):\n    asyncio.create_task(spawn(n + 1))\n    await asyncio.sleep(1)\n\nasyncio.run(spawn(0))\n", "more than 20 tasks"),
    ("step budget while main awaits a task", "import asyncio\n\nasync def spin():\n    while True:\n        await asyncio.sleep(0)\n\nasync def main():\n    await asyncio.create_task(spin())\n\nasyncio.run(main())\n", "more than 300 steps"),
    ("deadlock", "import asyncio\n\nasync def main():\n    lock = asyncio.Lock()\n    await lock.acquire()\n    async with lock:\n        pass\n\nasyncio.run(main())\n", "deadlock: no task can run"),
];

#[test]
fn runs_free_what_they_allocate_however_they_end() {
    let opts = RunOptions {
        op_budget: 20_000,
        budget: Budget {
            max_steps: 300,
            max_ops_per_step: 200,
            max_time: 3_600_000_000_000,
            max_tasks: 20,
        },
        limits: Limits {
            max_alloc: 50,
            ..Limits::default()
        },
        ..RunOptions::default()
    };
    let mut report = Vec::new();
    for (name, src, says) in CASES {
        // Each case must end the way its name says, or it tests another path.
        let ended = run_source("leak.py", src, &opts);
        assert!(
            ended.stderr.contains(says) && (ended.exit_code == 0) == says.is_empty(),
            "{name}: ended otherwise (exit {}):\n{}",
            ended.exit_code,
            ended.stderr
        );
        let grown = growth(src, &opts, 50);
        if grown > 0 {
            report.push(format!("{name}: {grown} bytes still live after 50 runs"));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}
