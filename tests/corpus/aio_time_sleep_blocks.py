import asyncio
import time

async def worker(i):
    time.sleep(0.01)
    print("worker", i)
    await asyncio.sleep(0)

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.gather(*(worker(i) for i in range(3)))
    print(round(loop.time() - t0, 2))

asyncio.run(main())
