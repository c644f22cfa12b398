import asyncio


class Sub(asyncio.Future):
    pass


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    for call in (f.result, f.exception):
        try:
            call()
        except asyncio.InvalidStateError as e:
            print("pending:", type(e).__name__, e)
    f.set_result([1, 2])
    for again in (lambda: f.set_result(3), lambda: f.set_exception(ValueError("x"))):
        try:
            again()
        except asyncio.InvalidStateError as e:
            print("done:", e)
    print(f.result(), f.exception(), f.cancelled(), f.cancel())
    f.add_done_callback(lambda fut: print("late callback sees", fut.result()))
    await asyncio.sleep(0)

    g = loop.create_future()
    g.set_exception(KeyError)
    print(type(g.exception()).__name__, repr(g.exception()))
    try:
        g.result()
    except KeyError as e:
        print("result raised", repr(e))
    try:
        loop.create_future().set_exception(StopIteration())
    except TypeError as e:
        print("TypeError:", e)

    c = loop.create_future()
    c.add_done_callback(lambda fut: print("cancel callback", fut.cancelled()))
    print(c.cancel("why"), c.cancel(), c.cancelled(), c.done())
    try:
        c.result()
    except asyncio.CancelledError as e:
        print("CancelledError", e.args)
    try:
        c.exception()
    except asyncio.CancelledError as e:
        print("CancelledError again", e.args)
    await asyncio.sleep(0)

    s = Sub()
    print(isinstance(s, asyncio.Future), s.done(), asyncio.Future.done(s))
    asyncio.Future.set_result(s, "via the class")
    print(s.result(), repr(s))
    bound = s.result
    print(bound(), type(bound).__name__, callable(bound))

    async def work():
        return 5

    t = asyncio.ensure_future(work())
    print(t.get_name(), t.done())
    print(await t, t.done(), t.result())
    named = asyncio.create_task(work(), name=42)
    print(repr(named.get_name()))
    await named
    try:
        asyncio.Task(5)
    except TypeError as e:
        print("TypeError:", e)


asyncio.run(main())
