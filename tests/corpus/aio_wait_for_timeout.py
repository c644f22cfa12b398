import asyncio

async def slow():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("inner cancelled first")
        raise

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    try:
        await asyncio.wait_for(slow(), timeout=0.05)
    except asyncio.TimeoutError:
        print("timed out at", round(loop.time() - t0, 2))

asyncio.run(main())
