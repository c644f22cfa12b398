import asyncio

async def doomed():
    raise ValueError("nobody awaits me")

async def main():
    asyncio.create_task(doomed())
    await asyncio.sleep(0.01)
    print("main finished")

asyncio.run(main())
