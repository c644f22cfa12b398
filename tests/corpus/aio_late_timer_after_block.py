import asyncio
import time

async def timer():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(0.01)
    print("timer late by", round(loop.time() - t0 - 0.01, 2))

async def main():
    t = asyncio.create_task(timer())
    await asyncio.sleep(0)
    time.sleep(0.05)
    await t

asyncio.run(main())
