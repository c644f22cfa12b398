# awaitsim: expect=pass expect-elapsed=0.1
# Sleeps with the same deadline resume in the order they were registered.
import asyncio


async def sleeper(n):
    await asyncio.sleep(0.1)
    print(f"sleeper {n} wakes")


async def main():
    await asyncio.gather(*(sleeper(n) for n in range(5)))


asyncio.run(main())
