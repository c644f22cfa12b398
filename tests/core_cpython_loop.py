# Runs awaitsim's generated task programs on CPython's own asyncio event
# loop, in virtual time, and prints every task's log. Used by
# tests/core_props.rs (fifo_matches_cpython_asyncio_on_generated_programs):
# one program per stdin line, one event per stdout line.
#
# The loop's clock counts nanoseconds (as floats holding integers), so that
# deadline sums are exact: with float seconds, 0.007 + 0.002 > 0.008 + 0.001
# and the heap would order equal deadlines by rounding error.
import asyncio
import asyncio.base_events
import selectors
import sys

CLOCK = [0.0]
# The clock unit is a nanosecond, not a second: lift the one-day cap.
asyncio.base_events.MAXIMUM_SELECT_TIMEOUT = 1e18


class VirtualSelector(selectors.DefaultSelector):
    def select(self, timeout=None):
        if timeout is None:
            raise RuntimeError("deadlock: nothing ready and no timer")
        # Jump to the next deadline (no real sleeping), to the exact
        # nanosecond: the tie-breaking fraction below never reaches the clock.
        CLOCK[0] = float(round(CLOCK[0] + timeout))
        return super().select(0)


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        super().__init__(VirtualSelector())
        # Timers due within the resolution of `now` run in this iteration:
        # half a nanosecond makes timers of equal deadline due together.
        self._clock_resolution = 0.5
        self._registered = 0

    def time(self):
        return CLOCK[0]

    def call_at(self, when, callback, *args, context=None):
        # CPython's heap does not order equal deadlines; on a real clock,
        # equal sleeps registered one after another differ by the time that
        # passed between them. Add a registration-ordered fraction of a
        # nanosecond instead, far above float rounding here.
        self._registered += 1
        when += self._registered * 1e-5
        return super().call_at(when, callback, *args, context=context)


def now_ns():
    return round(CLOCK[0])


class Point:
    """Logs the real suspensions of one await."""

    def __init__(self, log, task, op, aw):
        self.log, self.task, self.op, self.aw = log, task, op, aw

    def __await__(self):
        it = self.aw.__await__()
        try:
            x = it.send(None)
        except StopIteration as e:
            return e.value
        while True:
            self.log.append((self.task, now_ns(), "Suspend", self.op, -1))
            try:
                v = yield x
            except BaseException as exc:
                # A failed task is thrown into its awaiter: still a resume.
                self.log.append((self.task, now_ns(), "Resume", self.op, -1))
                try:
                    x = it.throw(exc)
                except StopIteration as e:
                    return e.value
                continue
            self.log.append((self.task, now_ns(), "Resume", self.op, -1))
            try:
                x = it.send(v)
            except StopIteration as e:
                return e.value


async def run_task(prog, i, log):
    loop = asyncio.get_running_loop()
    log.append((i, now_ns(), "Start", -1, -1))
    panics, ops = prog[i]
    handles = {}
    for k, (kind, arg) in enumerate(ops):
        if kind == "s":
            await Point(log, i, k, asyncio.sleep(arg))
        elif kind == "y":
            await Point(log, i, k, asyncio.sleep(0))
        elif kind == "b":
            log.append((i, now_ns(), "BlockBegin", k, -1))
            CLOCK[0] += arg  # time.sleep: the loop is held
            log.append((i, now_ns(), "BlockEnd", k, -1))
        elif kind == "i":
            await Point(log, i, k, asyncio.sleep(arg))
            log.append((i, now_ns(), "IoDone", k, 1))
        elif kind == "p":
            handles[arg] = loop.create_task(run_task(prog, arg, log))
            log.append((i, now_ns(), "Spawned", arg, -1))
        elif kind == "j":
            try:
                await Point(log, i, k, handles.pop(arg))
                res = 0
            except Exception:
                res = 1
            log.append((i, now_ns(), "Joined", arg, res))
        elif kind == "g":
            run_task(prog, i, log).close()  # created, never awaited
        else:
            raise ValueError(kind)
    if panics:
        log.append((i, now_ns(), "Panicking", -1, -1))
        raise Exception(f"task {i} fails")
    log.append((i, now_ns(), "End", -1, -1))


def parse(line):
    prog = []
    for task in line.strip().split("|"):
        panics, _, ops = task.partition(";")
        parsed = []
        for op in filter(None, ops.split(",")):
            kind, _, arg = op.partition(":")
            parsed.append((kind, int(arg) if arg else 0))
        prog.append((panics == "1", parsed))
    return prog


for n, line in enumerate(sys.stdin):
    prog = parse(line)
    CLOCK[0] = 0.0
    log = []
    loop = VirtualLoop()
    loop.run_until_complete(run_task(prog, 0, log))
    loop.close()
    for task, at, kind, a, b in log:
        print(n, task, at, kind, a, b)
    print(n, "done")
