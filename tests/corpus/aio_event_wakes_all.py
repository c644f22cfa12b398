import asyncio

async def waiter(ev, i):
    print("waiting", i)
    await ev.wait()
    print("released", i)

async def main():
    ev = asyncio.Event()
    ts = [asyncio.create_task(waiter(ev, i)) for i in range(3)]
    await asyncio.sleep(0.01)
    print("setting", ev.is_set())
    ev.set()
    await asyncio.gather(*ts)
    ev.clear()
    print(ev.is_set())

asyncio.run(main())
