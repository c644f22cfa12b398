import asyncio


async def producer(q: asyncio.Queue, n: int):
    for i in range(n):
        await q.put(i)
        await asyncio.sleep(0.001 * (i % 3))
    for _ in range(2):
        await q.put(None)


async def worker(name: str, q: asyncio.Queue, out: asyncio.Queue, stop: asyncio.Event):
    handled = 0
    while not stop.is_set():
        item = await q.get()
        if item is None:
            q.task_done()
            break
        await asyncio.sleep(0.002 if item % 2 else 0.003)
        await out.put((name, item, item * item))
        handled += 1
        q.task_done()
    return name, handled


async def collector(out: asyncio.Queue, total: int):
    seen = []
    while len(seen) < total:
        name, item, sq = await out.get()
        seen.append(item)
    return sorted(seen)


async def main():
    q = asyncio.Queue(maxsize=3)
    out = asyncio.Queue()
    stop = asyncio.Event()
    col = asyncio.create_task(collector(out, 10))
    workers = [asyncio.create_task(worker(f"w{i}", q, out, stop)) for i in range(2)]
    await producer(q, 10)
    await q.join()
    stats = await asyncio.gather(*workers)
    print(stats)
    print(await col)
    loop = asyncio.get_running_loop()
    print(round(loop.time(), 3) > 0)


asyncio.run(main())
