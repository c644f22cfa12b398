import asyncio

async def producer(q):
    for i in range(5):
        await q.put(i)
        print("put", i)
    await q.put(None)

async def consumer(q):
    while True:
        item = await q.get()
        q.task_done()
        if item is None:
            break
        print("got", item)
        await asyncio.sleep(0.01)

async def main():
    q = asyncio.Queue(maxsize=2)
    await asyncio.gather(producer(q), consumer(q))
    await q.join()
    print("empty", q.empty(), q.maxsize)

asyncio.run(main())
