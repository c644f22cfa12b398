import asyncio

async def w(i):
    await asyncio.sleep((i % 3) * 0.01)
    return i

async def main():
    r = await asyncio.gather(*[w(i) for i in range(12)])
    print(r)
    order = []
    async def rec(i):
        await asyncio.sleep((5 - i) * 0.001)
        order.append(i)
    await asyncio.gather(*[rec(i) for i in range(6)])
    print(order)

asyncio.run(main())
