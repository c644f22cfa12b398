import asyncio


async def job(name, d):
    await asyncio.sleep(d)
    if name == "bad":
        raise ValueError("bad job")
    return name


async def main():
    tasks = [asyncio.create_task(job(n, d)) for n, d in [("slow", 0.03), ("fast", 0.01), ("bad", 0.02)]]
    for coro in asyncio.as_completed(tasks):
        try:
            print("finished:", await coro)
        except ValueError as e:
            print("failed:", e)
    slow = asyncio.create_task(job("sloth", 1))
    try:
        for coro in asyncio.as_completed([slow], timeout=0.05):
            await coro
    except TimeoutError:
        print("as_completed timed out")
    slow.cancel()


asyncio.run(main())
