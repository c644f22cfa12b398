import asyncio

async def grandchild():
    print("grandchild")
    return 1

async def child():
    t = asyncio.create_task(grandchild())
    print("child before")
    r = await t
    print("child after", r)
    return r + 1

async def main():
    print(await asyncio.create_task(child()))

asyncio.run(main())
