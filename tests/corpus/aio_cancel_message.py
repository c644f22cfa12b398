import asyncio

async def w():
    await asyncio.sleep(1)

async def main():
    t = asyncio.create_task(w())
    await asyncio.sleep(0)
    t.cancel("stop now")
    try:
        await t
    except asyncio.CancelledError as e:
        print("args", e.args)

asyncio.run(main())
