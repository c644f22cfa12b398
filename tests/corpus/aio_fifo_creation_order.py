import asyncio

async def w(i):
    print("start", i)
    await asyncio.sleep(0)
    print("resume", i)

async def main():
    ts = [asyncio.create_task(w(i)) for i in range(4)]
    await asyncio.gather(*ts)

asyncio.run(main())
