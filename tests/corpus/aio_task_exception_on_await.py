import asyncio

async def fails():
    raise RuntimeError("task failed")

async def main():
    t = asyncio.create_task(fails())
    await asyncio.sleep(0)
    print("done?", t.done())
    try:
        await t
    except RuntimeError as e:
        print("surfaced", e)
    print(type(t.exception()).__name__)

asyncio.run(main())
