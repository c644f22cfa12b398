import asyncio

async def inner():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("inner cancelled")
        raise

async def outer(t):
    try:
        await t
    except asyncio.CancelledError:
        print("outer cancelled")
        raise

async def main():
    t = asyncio.create_task(inner())
    o = asyncio.create_task(outer(t))
    await asyncio.sleep(0.01)
    o.cancel()
    r = await asyncio.gather(o, return_exceptions=True)
    print([type(x).__name__ for x in r], t.cancelled(), o.cancelled())

asyncio.run(main())
