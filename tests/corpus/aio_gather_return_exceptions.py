import asyncio

async def ok(v):
    await asyncio.sleep(0.01)
    return v

async def bad():
    raise KeyError("k")

async def main():
    r = await asyncio.gather(ok(1), bad(), ok(3), return_exceptions=True)
    print(r)
    print([type(x).__name__ for x in r])

asyncio.run(main())
