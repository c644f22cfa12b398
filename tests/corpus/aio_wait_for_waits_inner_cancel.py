import asyncio

async def stubborn():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("inner got cancel, cleaning up")
        await asyncio.sleep(0.02)
        print("inner cleanup done")
        raise

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    try:
        await asyncio.wait_for(stubborn(), 0.01)
    except TimeoutError:
        print("TimeoutError after", round(loop.time() - t0, 2))

asyncio.run(main())
