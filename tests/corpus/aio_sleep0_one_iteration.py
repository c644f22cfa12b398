import asyncio

async def ticker(name, n):
    for i in range(n):
        print(name, i)
        await asyncio.sleep(0)

async def main():
    await asyncio.gather(ticker("a", 3), ticker("b", 3), ticker("c", 2))

asyncio.run(main())
