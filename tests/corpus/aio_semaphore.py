import asyncio

async def job(sem, i):
    async with sem:
        print("in", i)
        await asyncio.sleep(0.01)
        print("out", i)

async def main():
    sem = asyncio.Semaphore(2)
    await asyncio.gather(*(job(sem, i) for i in range(5)))
    b = asyncio.BoundedSemaphore(1)
    await b.acquire()
    b.release()
    try:
        b.release()
    except ValueError as e:
        print(e)

asyncio.run(main())
