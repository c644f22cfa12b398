# awaitsim: expect=fail
# A lost wake-up: the consumer waits on an Event and clears it after each
# wake; if the producer sets it twice before the consumer clears it, one
# wake-up is lost and the consumer waits forever (a deadlock, reported with
# the waiting task).
import asyncio

items = []


async def producer(event):
    for gap in (0.01, 0.015):
        await asyncio.sleep(gap)
        items.append(gap)
        event.set()


async def consumer(event):
    handled = 0
    while handled < 2:
        await event.wait()
        await asyncio.sleep(0.01)  # handle the item (I/O)
        event.clear()
        handled += 1
    print("handled", handled)


async def main():
    event = asyncio.Event()
    await asyncio.gather(producer(event), consumer(event))


asyncio.run(main())
