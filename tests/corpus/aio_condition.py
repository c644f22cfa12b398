import asyncio


async def consumer(cond, items, name):
    async with cond:
        await cond.wait_for(lambda: len(items) > 0)
        print(name, "took", items.pop(0))


async def producer(cond, items):
    for i in range(3):
        await asyncio.sleep(0.01)
        async with cond:
            items.append(i)
            cond.notify()
            print("produced", i)


async def main():
    cond = asyncio.Condition()
    items = []
    consumers = [asyncio.create_task(consumer(cond, items, f"c{i}")) for i in range(3)]
    await producer(cond, items)
    await asyncio.gather(*consumers)
    async with cond:
        cond.notify_all()
    try:
        cond.notify()
    except RuntimeError as e:
        print(e)


asyncio.run(main())
