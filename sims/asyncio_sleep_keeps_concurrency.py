# awaitsim: expect=pass expect-elapsed=0.5
# The same workers with asyncio.sleep: they wait together, 0.5 s in all.
import asyncio


async def worker(n):
    print(f"worker {n} starts")
    await asyncio.sleep(0.5)
    print(f"worker {n} done")


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.gather(worker(1), worker(2), worker(3))
    print(f"elapsed {loop.time() - start:.1f}s")


asyncio.run(main())
