import asyncio

async def who():
    await asyncio.sleep(0)
    return asyncio.current_task().get_name()

async def main():
    print(asyncio.current_task().get_name())
    print(await asyncio.gather(who(), who()))
    t = asyncio.create_task(who(), name="named")
    print(await t)

asyncio.run(main())
