import asyncio

async def main():
    s = asyncio.Semaphore(1)
    print(s.locked())
    await s.acquire()
    print(s.locked())
    s.release()
    lock = asyncio.Lock()
    print(lock.locked())
    try:
        lock.release()
    except RuntimeError as e:
        print(e)

asyncio.run(main())
