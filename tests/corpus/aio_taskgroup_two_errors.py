import asyncio

async def fail(d, msg):
    await asyncio.sleep(d)
    raise ValueError(msg)

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail(0.01, "first"))
            tg.create_task(fail(0.01, "second"))
            tg.create_task(asyncio.sleep(1))
    except ExceptionGroup as eg:
        print(eg, sorted(str(e) for e in eg.exceptions))

asyncio.run(main())
