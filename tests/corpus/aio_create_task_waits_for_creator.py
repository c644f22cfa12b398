import asyncio

async def child():
    print("child runs")

async def main():
    t = asyncio.create_task(child())
    print("creator continues")
    print("still before suspension")
    await asyncio.sleep(0)
    print("after yield")
    await t

asyncio.run(main())
