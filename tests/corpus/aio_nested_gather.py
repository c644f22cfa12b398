import asyncio

async def leaf(i):
    await asyncio.sleep(0.01 * (3 - i))
    print("leaf", i)
    return i

async def branch(b):
    return await asyncio.gather(*(leaf(i) for i in range(3)))

async def main():
    print(await asyncio.gather(branch(0), branch(1)))

asyncio.run(main())
