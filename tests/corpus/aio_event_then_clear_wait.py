import asyncio

async def waiter(ev, name):
    await ev.wait()
    print(name, "passed")

async def main():
    ev = asyncio.Event()
    t1 = asyncio.create_task(waiter(ev, "early"))
    await asyncio.sleep(0)
    ev.set()
    ev.clear()
    t2 = asyncio.create_task(waiter(ev, "late"))
    await asyncio.sleep(0.01)
    print("late waiting:", not t2.done())
    ev.set()
    await asyncio.gather(t1, t2)

asyncio.run(main())
