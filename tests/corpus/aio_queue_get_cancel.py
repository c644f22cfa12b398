import asyncio

async def consumer(q):
    try:
        item = await q.get()
        print("got", item)
    except asyncio.CancelledError:
        print("consumer cancelled while waiting")
        raise

async def main():
    q = asyncio.Queue()
    c1 = asyncio.create_task(consumer(q))
    c2 = asyncio.create_task(consumer(q))
    await asyncio.sleep(0)
    c1.cancel()
    await asyncio.sleep(0)
    q.put_nowait("x")
    await asyncio.gather(c1, c2, return_exceptions=True)
    print(q.qsize())

asyncio.run(main())
