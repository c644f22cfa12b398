# awaitsim: expect=fail faults=fail=0.2
# The same calls without retries: exploration injects a ConnectionError and
# the program dies with it.
import asyncio


async def call(n):
    await asyncio.sleep(0.01)  # the network (I/O)
    return n * 10


async def main():
    results = await asyncio.gather(*(call(n) for n in range(4)))
    print(results)


asyncio.run(main())
