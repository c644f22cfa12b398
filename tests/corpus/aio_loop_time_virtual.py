import asyncio

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(0.25)
    print(round(loop.time() - t0, 2))
    await asyncio.sleep(0.5)
    print(round(loop.time() - t0, 2))

asyncio.run(main())
