import asyncio


async def value(v, d=0):
    await asyncio.sleep(d)
    return v


async def boom(msg, d=0):
    await asyncio.sleep(d)
    raise ValueError(msg)


async def main():
    loop = asyncio.get_running_loop()
    print(await asyncio.gather())
    empty = asyncio.gather()
    print(type(empty).__name__, empty.done(), empty.result())

    c = value("same")
    print(await asyncio.gather(c, c, value("other")))

    t = asyncio.create_task(value("task", 0.01))
    f = loop.create_future()
    loop.call_later(0.02, f.set_result, "future")
    print(await asyncio.gather(t, f, t))

    g = asyncio.gather(value(1, 0.01), boom("first", 0.02), boom("second", 0.03), return_exceptions=True)
    print([repr(r) for r in await g])

    try:
        await asyncio.gather(value(1, 0.05), boom("fails fast", 0.01))
    except ValueError as e:
        print("gather raised", e)

    slow = asyncio.create_task(value("slow", 1))
    g2 = asyncio.gather(slow, value("quick"))
    await asyncio.sleep(0.01)
    print(g2.cancel(msg="stop"), g2.cancel())
    try:
        await g2
    except asyncio.CancelledError as e:
        print("gather cancelled", e.args, slow.cancelled())

    done = loop.create_future()
    done.set_result("already")
    print(await asyncio.gather(done))

    cancelled_child = asyncio.create_task(value("never", 1))
    g3 = asyncio.gather(cancelled_child, value("ok", 0.01), return_exceptions=True)
    await asyncio.sleep(0)
    cancelled_child.cancel("child msg")
    print([type(r).__name__ + repr(r.args if isinstance(r, BaseException) else r) for r in await g3])

    try:
        asyncio.gather(value(1), 5)
    except TypeError as e:
        print("TypeError:", e)
    await asyncio.sleep(0)

    outer = asyncio.gather(boom("unretrieved child", 0.01), boom("second child", 0.02))
    try:
        await outer
    except ValueError as e:
        print("first error only:", e)
    await asyncio.sleep(0.05)


asyncio.run(main())
