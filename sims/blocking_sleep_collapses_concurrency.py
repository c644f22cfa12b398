# awaitsim: expect=hazard:blocking expect-elapsed=1.5
# time.sleep inside a coroutine is a blocking call: it holds the whole loop.
# Three "concurrent" workers take 3 x 0.5 s, and awaitsim reports the line.
import asyncio
import time


async def worker(n):
    print(f"worker {n} starts")
    time.sleep(0.5)
    print(f"worker {n} done")


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.gather(worker(1), worker(2), worker(3))
    print(f"elapsed {loop.time() - start:.1f}s")


asyncio.run(main())
