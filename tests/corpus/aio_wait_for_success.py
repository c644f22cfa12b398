import asyncio

async def quick():
    await asyncio.sleep(0.01)
    return "fast"

async def main():
    print(await asyncio.wait_for(quick(), 1))
    print(await asyncio.wait_for(quick(), None))

asyncio.run(main())
