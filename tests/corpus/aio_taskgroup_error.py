import asyncio

async def ok():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("sibling cancelled")
        raise

async def bad():
    await asyncio.sleep(0.01)
    raise ValueError("in group")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(ok())
            tg.create_task(bad())
    except ExceptionGroup as eg:
        print("group:", eg)
        print([repr(e) for e in eg.exceptions])

asyncio.run(main())
