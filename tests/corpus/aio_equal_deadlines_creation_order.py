import asyncio

async def w(i):
    await asyncio.sleep(0.01)
    print("woke", i)

async def main():
    await asyncio.gather(*(w(i) for i in range(5)))

asyncio.run(main())
