import asyncio

async def w(d, v):
    await asyncio.sleep(d)
    print("done", v)
    return v

async def main():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(w(0.02, "a"))
        b = tg.create_task(w(0.01, "b"))
    print(a.result(), b.result())

asyncio.run(main())
