import asyncio

async def quick():
    return 5

async def other():
    print("other ran")

async def main():
    t = asyncio.create_task(quick())
    await asyncio.sleep(0)
    asyncio.create_task(other())
    v = await t
    print("awaited finished task", v)
    await asyncio.sleep(0)
    print("end")

asyncio.run(main())
