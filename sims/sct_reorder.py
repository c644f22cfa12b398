# awaitsim: expect=fail
# Port of SCTBench's "reorder": setters write a then b with an await in
# between; a checker that runs between the two writes sees a half-done
# update. Several setters make the window rare for a uniform sampler.
import asyncio

a = 0
b = 0


async def setter():
    global a, b
    await asyncio.sleep(0)
    a = 1
    await asyncio.sleep(0)
    b = -1


async def checker():
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert (a == 0 and b == 0) or (a == 1 and b == -1), f"half-done update: a={a} b={b}"


async def main():
    await asyncio.gather(checker(), setter(), setter(), setter())
    print("a", a, "b", b)


asyncio.run(main())
