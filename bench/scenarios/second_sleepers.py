# 1,000 tasks that each sleep 100 times for 1 s: 100 s of real waiting for
# CPython, none for awaitsim.
import asyncio


async def sleeper(n):
    for _ in range(100):
        await asyncio.sleep(1)
    return n


async def main():
    results = await asyncio.gather(*(sleeper(n) for n in range(1000)))
    print(sum(results))


asyncio.run(main())
