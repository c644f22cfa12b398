import asyncio

async def w(i):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("child", i, "cancelled")
        raise

async def main():
    g = asyncio.gather(w(1), w(2))
    await asyncio.sleep(0.01)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print("gather cancelled")

asyncio.run(main())
