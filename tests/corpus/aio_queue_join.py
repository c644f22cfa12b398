import asyncio

async def worker(q, name):
    while True:
        item = await q.get()
        await asyncio.sleep(item)
        print(name, "did", item)
        q.task_done()

async def main():
    q = asyncio.Queue()
    for d in (0.03, 0.01, 0.02, 0.01):
        q.put_nowait(d)
    ws = [asyncio.create_task(worker(q, f"w{i}")) for i in range(2)]
    await q.join()
    print("all done")
    for w in ws:
        w.cancel()
    r = await asyncio.gather(*ws, return_exceptions=True)
    print([type(x).__name__ for x in r])

asyncio.run(main())
