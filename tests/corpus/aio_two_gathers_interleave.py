import asyncio

async def step(name, n):
    for i in range(n):
        await asyncio.sleep(0.01)
        print(name, i)

async def main():
    g1 = asyncio.gather(step("x", 2), step("y", 2))
    g2 = asyncio.gather(step("z", 2))
    await g1
    await g2

asyncio.run(main())
