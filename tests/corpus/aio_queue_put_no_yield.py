import asyncio

async def other():
    print("other ran")

async def main():
    q = asyncio.Queue()
    asyncio.create_task(other())
    await q.put(1)
    await q.put(2)
    print("put twice without yielding", q.qsize())
    print(await q.get(), q.get_nowait())
    await asyncio.sleep(0)

asyncio.run(main())
