# awaitsim: expect=hazard:blocking expect-elapsed=0.3
# A timer due during a blocking call fires late, by the blocking call's
# length: the ticker wanted to wake at 0.1 s but woke at 0.3 s.
import asyncio
import time


async def ticker(loop, start):
    await asyncio.sleep(0.1)
    print(f"ticker wanted to wake after 0.1s, woke after {loop.time() - start:.1f}s")


async def blocker():
    time.sleep(0.3)
    print("blocker done")


async def main():
    loop = asyncio.get_running_loop()
    await asyncio.gather(ticker(loop, loop.time()), blocker())


asyncio.run(main())
