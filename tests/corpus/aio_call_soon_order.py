import asyncio

def cb(tag):
    print("callback", tag)

async def t():
    print("task step")

async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(cb, 1)
    asyncio.create_task(t())
    loop.call_soon(cb, 2)
    await asyncio.sleep(0)
    print("main after yield")
    await asyncio.sleep(0)

asyncio.run(main())
