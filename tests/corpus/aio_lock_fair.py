import asyncio

async def user(lock, name, n):
    for i in range(n):
        async with lock:
            print(name, "has lock", i)
            await asyncio.sleep(0)

async def main():
    lock = asyncio.Lock()
    await asyncio.gather(user(lock, "a", 3), user(lock, "b", 3), user(lock, "c", 2))

asyncio.run(main())
