import asyncio


async def other(log):
    log.append("other ran")


async def main():
    loop = asyncio.get_running_loop()
    log = []

    done = loop.create_future()
    done.set_result("ready")
    asyncio.create_task(other(log))
    print(await done, log)  # a done future does not suspend: other has not run
    await asyncio.sleep(0)
    print(log)

    later = loop.create_future()
    loop.call_soon(later.set_result, 42)
    print(await later)

    bad = loop.create_future()
    loop.call_soon(bad.set_exception, KeyError("k"))
    try:
        await bad
    except KeyError as e:
        print("raised", repr(e), e.__context__)

    gone = loop.create_future()
    loop.call_soon(gone.cancel, "bye")
    try:
        await gone
    except asyncio.CancelledError as e:
        print("cancelled", e.args)

    try:
        raise ValueError("outer")
    except ValueError:
        inner = loop.create_future()
        loop.call_soon(inner.set_exception, RuntimeError("inner"))
        try:
            await inner
        except RuntimeError as e:
            print("chained to", repr(e.__context__))

    async def slow():
        await asyncio.sleep(0.01)
        return "task result"

    t = asyncio.create_task(slow())
    print(await t, await t)

    waiter = loop.create_future()

    async def canceller():
        await asyncio.sleep(0)
        me.cancel("stop waiting")

    me = asyncio.current_task()
    asyncio.create_task(canceller())
    try:
        await waiter
    except asyncio.CancelledError as e:
        print("waiter cancelled", e.args, waiter.cancelled())
    me.uncancel()

    print(getattr(waiter, "_asyncio_future_blocking", None))


asyncio.run(main())
