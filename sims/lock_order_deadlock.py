# awaitsim: expect=fail seeds=1000
# Two tasks take two locks in opposite order. In CPython's own order the
# first finishes before the second starts; when the second starts a moment
# earlier, each holds one lock and waits for the other: a deadlock, reported
# with both waiting tasks.
import asyncio


async def transfer(name, first, second, start_after):
    await asyncio.sleep(start_after)
    async with first:
        await asyncio.sleep(0.01)
        async with second:
            print(f"{name} moved the money")


async def main():
    a = asyncio.Lock()
    b = asyncio.Lock()
    await asyncio.gather(transfer("t1", a, b, 0), transfer("t2", b, a, 0.015))


asyncio.run(main())
