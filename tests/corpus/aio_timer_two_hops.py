import asyncio

async def sleeper():
    await asyncio.sleep(0.01)
    print("sleeper woke")

async def spinner():
    for i in range(6):
        print("spin", i)
        await asyncio.sleep(0)

async def main():
    a = asyncio.create_task(sleeper())
    b = asyncio.create_task(spinner())
    await asyncio.sleep(0.01)
    print("main woke")
    await a
    await b

asyncio.run(main())
