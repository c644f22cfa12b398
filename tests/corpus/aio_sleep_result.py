import asyncio

async def main():
    print(await asyncio.sleep(0.01, "value"))
    print(await asyncio.sleep(0, result=3))

asyncio.run(main())
