# awaitsim: expect=pass
# The interpreted race for explore throughput: two tasks x three rounds of
# read / await asyncio.sleep(0) / write on a shared counter. The final check
# never fails, so every explored schedule runs to the end.
import asyncio

counter = 0


async def bump():
    global counter
    for _ in range(3):
        seen = counter
        await asyncio.sleep(0)
        counter = seen + 1


async def main():
    await asyncio.gather(bump(), bump())
    assert counter <= 6


asyncio.run(main())
