import asyncio

async def greedy(lock):
    for i in range(3):
        await lock.acquire()
        print("greedy", i)
        lock.release()

async def polite(lock):
    await lock.acquire()
    print("polite got it")
    lock.release()

async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    g = asyncio.create_task(greedy(lock))
    p = asyncio.create_task(polite(lock))
    await asyncio.sleep(0)
    lock.release()
    await asyncio.gather(g, p)
    print(lock.locked())

asyncio.run(main())
