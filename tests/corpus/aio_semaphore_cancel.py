import asyncio

async def worker(sem, i, d):
    try:
        async with sem:
            print("worker", i, "in")
            await asyncio.sleep(d)
            print("worker", i, "out")
    except asyncio.CancelledError:
        print("worker", i, "cancelled")

async def main():
    sem = asyncio.Semaphore(1)
    ts = [asyncio.create_task(worker(sem, i, 0.01)) for i in range(4)]
    await asyncio.sleep(0.005)
    ts[1].cancel()
    await asyncio.gather(*ts)
    print(sem.locked(), sem._value)

asyncio.run(main())
