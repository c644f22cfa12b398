import asyncio

async def job():
    await asyncio.sleep(0.01)
    return 42

async def main():
    t = asyncio.create_task(job(), name="worker-1")
    u = asyncio.create_task(job())
    print(t.get_name(), u.get_name(), t.done(), t.cancelled())
    print(await t, t.result(), t.done(), t.exception())
    print(asyncio.current_task().get_name())
    await u

asyncio.run(main())
