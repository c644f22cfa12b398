# awaitsim: expect=fail
# Port of SCTBench's "wronglock": two tasks protect the same counter with
# different locks, so the locks exclude nothing.
import asyncio

counter = 0


async def bump(lock, delay):
    global counter
    await asyncio.sleep(delay)
    async with lock:
        seen = counter
        await asyncio.sleep(0.01)
        counter = seen + 1


async def main():
    lock_a = asyncio.Lock()
    lock_b = asyncio.Lock()
    await asyncio.gather(bump(lock_a, 0), bump(lock_b, 0.015))
    print("counter", counter)
    assert counter == 2, "the two locks did not exclude each other"


asyncio.run(main())
