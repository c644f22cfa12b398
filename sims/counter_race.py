# awaitsim: expect=fail
# The race benchmark: two tasks each do three rounds of read the counter,
# yield, write it back plus one. Every round is a chance to lose an update;
# CPython's own order already loses one. 70 interleavings are possible.
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
    print("counter", counter)
    assert counter == 6, f"lost {6 - counter} update(s)"


asyncio.run(main())
