# 1,000 tasks that each sleep 100 times (1 ms each): 100,000 timer waits.
# CPython waits in real time (about 0.1 s of sleeping plus loop overhead);
# awaitsim jumps its virtual clock.
import asyncio


async def sleeper(n):
    for _ in range(100):
        await asyncio.sleep(0.001)
    return n


async def main():
    results = await asyncio.gather(*(sleeper(n) for n in range(1000)))
    print(sum(results))


asyncio.run(main())
