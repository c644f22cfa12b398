# awaitsim: expect=pass faults=fail=0.2
# Calls that can fail with ConnectionError, wrapped in a retry loop: every
# schedule completes, whatever fails.
import asyncio


async def call(n):
    await asyncio.sleep(0.01)  # the network (I/O)
    return n * 10


async def call_with_retry(n):
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call(n)
        except ConnectionError:
            await asyncio.sleep(0)


async def main():
    results = await asyncio.gather(*(call_with_retry(n) for n in range(4)))
    print(results)


asyncio.run(main())
