import asyncio

async def child():
    await asyncio.sleep(0)
    print("child done")

async def counter():
    for i in range(5):
        print("tick", i)
        await asyncio.sleep(0)

async def main():
    c = asyncio.create_task(counter())
    await asyncio.gather(child())
    print("gather returned")
    await c

asyncio.run(main())
