import asyncio

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(0.3)
    print(round(loop.time() - t0, 1), loop.time() - t0 >= 0.3)
    await asyncio.sleep(0.4)
    print(round(loop.time() - t0, 1))

asyncio.run(main())
