# Every way to await asyncio.sleep gives CPython's values, errors and timing
# (the interpreter awaits the common forms without running sleep's frame).
import asyncio
from asyncio import sleep


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    print(await asyncio.sleep(0.25))
    print(await asyncio.sleep(0.25, 'result'))
    print(await sleep(0.25))
    c = asyncio.sleep(0.25)
    print(asyncio.iscoroutine(c), await c)
    print(await asyncio.sleep(0), await asyncio.sleep(-1))
    print(round(loop.time() - t0, 1))
    for bad in ['x', None]:
        try:
            await asyncio.sleep(bad)
        except TypeError as e:
            print('TypeError', e)

    async def sleeper():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            print('cancelled at', round(loop.time() - t0, 1))
            raise

    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0.5)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print('task cancelled:', t.cancelled())
    print(await asyncio.wait_for(asyncio.sleep(0.1, 'in time'), 1))
    try:
        await asyncio.wait_for(asyncio.sleep(5), 0.1)
    except asyncio.TimeoutError:
        print('timed out at', round(loop.time() - t0, 1))


asyncio.run(main())
