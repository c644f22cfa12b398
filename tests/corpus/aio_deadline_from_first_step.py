import asyncio
import time

async def late():
    await asyncio.sleep(0.02)
    print("late task done")

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    t = asyncio.create_task(late())
    time.sleep(0.03)
    await asyncio.sleep(0.01)
    print("main slept")
    await t
    print(round(loop.time() - t0, 2))

asyncio.run(main())
