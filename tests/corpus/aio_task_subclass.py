import asyncio


class Named(asyncio.Task):
    def __init__(self, coro, label):
        super().__init__(coro, name="named-" + label)
        self.label = label


class Tracked(asyncio.Future):
    def set_result(self, result):
        print("set_result", result)
        super().set_result(result * 2)


async def work():
    await asyncio.sleep(0)
    return 3


async def main():
    t = Named(work(), "x")
    print(t.get_name(), t.label, isinstance(t, asyncio.Task), t.done())
    print(await t, t.done())
    f = Tracked()
    asyncio.get_running_loop().call_soon(f.set_result, 21)
    print(await f)
    print(await asyncio.gather(Named(work(), "a"), work()))


asyncio.run(main())
