# awaitsim: expect=pass expect-elapsed=0.1
# A coroutine that sleeps 0.1 s and returns a value: asyncio.run drives it,
# and the value is printed at virtual time 0.1 (instantly in real time).
import asyncio


async def fetch_answer():
    await asyncio.sleep(0.1)
    return 42


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    value = await fetch_answer()
    print(f"got {value} after {loop.time() - start:.1f}s")


asyncio.run(main())
