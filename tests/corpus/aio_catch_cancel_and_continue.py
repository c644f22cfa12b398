import asyncio

async def resilient():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("ignoring cancel")
    await asyncio.sleep(0.01)
    return "survived"

async def main():
    t = asyncio.create_task(resilient())
    await asyncio.sleep(0)
    t.cancel()
    print(await t, t.cancelled())

asyncio.run(main())
