import asyncio

async def victim():
    try:
        await asyncio.sleep(0.01)
        print("victim resumed normally")
    except asyncio.CancelledError:
        print("victim cancelled")
        raise

async def canceller(t):
    await asyncio.sleep(0.01)
    print("cancelling", t.cancel())

async def main():
    t = asyncio.create_task(victim())
    c = asyncio.create_task(canceller(t))
    await asyncio.sleep(0)
    await c
    try:
        await t
    except asyncio.CancelledError:
        print("main saw cancellation", t.cancelled())

asyncio.run(main())
