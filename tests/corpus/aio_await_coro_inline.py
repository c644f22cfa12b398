import asyncio

async def inner(tag):
    print("inner", tag)
    return tag

async def other():
    print("other task step")

async def main():
    asyncio.create_task(other())
    v = await inner(1)
    print("got", v, "no switch yet")
    await asyncio.sleep(0)
    print("now other ran")

asyncio.run(main())
