//! Runs on one thread share the asyncio prelude image (it is executed once per thread): no run may
//! see state another run left behind — task-name counters, the task registry, the running flag, or
//! a monkeypatched module or class.

use awaitsim::script::{run_source, RunOptions};

/// Patches `asyncio.sleep` and a class attribute of `asyncio.Event`, and names two tasks.
const PATCHER: &str = r#"import asyncio

async def fake_sleep(d):
    print('patched sleep', d)

async def main():
    print(asyncio.current_task().get_name())
    asyncio.sleep = fake_sleep
    asyncio.Event.flag = 'set by the patcher'
    await asyncio.sleep(5)
    t = asyncio.create_task(asyncio.sleep(1))
    await t
    print(t.get_name(), asyncio.Event.flag)

asyncio.run(main())
"#;

const PATCHER_OUT: &str = "Task-1\npatched sleep 5\npatched sleep 1\nTask-2 set by the patcher\n";

/// Sees asyncio as a fresh process would (checked against python3 when written).
const PLAIN: &str = r#"import asyncio

async def main():
    print(asyncio.current_task().get_name())
    print(hasattr(asyncio.Event, 'flag'))
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(5)
    print(loop.time() - t0 >= 5)
    print(len(asyncio.all_tasks()))

asyncio.run(main())
"#;

const PLAIN_OUT: &str = "Task-1\nFalse\nTrue\n1\n";

fn run(src: &str) -> String {
    let r = run_source("iso.py", src, &RunOptions::default());
    assert_eq!(r.exit_code, 0, "stderr: {}", r.stderr);
    r.stdout
}

#[test]
fn a_run_never_sees_what_an_earlier_run_on_its_thread_changed() {
    assert_eq!(run(PLAIN), PLAIN_OUT, "first run on the thread");
    assert_eq!(
        run(PLAIN),
        PLAIN_OUT,
        "second run: counters and registry start over"
    );
    assert_eq!(run(PATCHER), PATCHER_OUT);
    assert_eq!(
        run(PLAIN),
        PLAIN_OUT,
        "after a run that monkeypatched asyncio"
    );
    assert_eq!(
        run(PATCHER),
        PATCHER_OUT,
        "patching again starts from a clean module"
    );
    assert_eq!(run(PLAIN), PLAIN_OUT);
}

#[test]
fn a_failed_run_leaves_nothing_behind() {
    let failing = "import asyncio\n\nasync def main():\n    asyncio.create_task(asyncio.sleep(1))\n    raise ValueError('boom')\n\nasyncio.run(main())\n";
    let r = run_source("iso.py", failing, &RunOptions::default());
    assert_eq!(r.exit_code, 1);
    assert!(r.stderr.contains("ValueError: boom"), "{}", r.stderr);
    assert_eq!(run(PLAIN), PLAIN_OUT);
}

/// Leaves futures and tasks in every end state: finished with an exception,
/// cancelled with a message, callbacks registered, exceptions retrieved.
const DIRTY: &str = r#"import asyncio

async def boom():
    await asyncio.sleep(0)
    raise ValueError("x")

async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    f.add_done_callback(print)
    f.set_exception(KeyError("k"))
    f.exception()
    t = asyncio.create_task(boom())
    t.cancel("why")
    u = asyncio.create_task(boom())
    await asyncio.sleep(0.1)
    print(t.cancelled(), type(u.exception()).__name__)

asyncio.run(main())
"#;

const DIRTY_OUT: &str = "<Future finished exception=KeyError('k')>\nTrue ValueError\n";

/// A new future and task, as a fresh process makes them (checked against python3).
const FRESH: &str = r#"import asyncio

async def work():
    await asyncio.sleep(0)
    return 7

async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    t = asyncio.create_task(work())
    print(f.done(), f.cancelled(), repr(f), t.done(), t.cancelled(), t.get_name())
    print(await t, t.done(), t.exception())

asyncio.run(main())
"#;

const FRESH_OUT: &str = "False False <Future pending> False False Task-2\n7 True None\n";

#[test]
fn futures_and_tasks_start_fresh_though_their_attribute_maps_are_reused() {
    // A run's teardown keeps its futures' and tasks' attribute maps for the
    // next run on the thread: what one run left in them must not show.
    assert_eq!(run(FRESH), FRESH_OUT, "first run on the thread");
    for round in 0..3 {
        assert_eq!(run(DIRTY), DIRTY_OUT, "round {round}");
        assert_eq!(
            run(FRESH),
            FRESH_OUT,
            "after a run that left them dirty, round {round}"
        );
    }
}
