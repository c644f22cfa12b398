import asyncio

async def w(d, v):
    await asyncio.sleep(d)
    return v

async def main():
    a = asyncio.create_task(w(0.01, "a"))
    b = asyncio.create_task(w(0.05, "b"))
    done, pending = await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
    print([t.result() for t in done], len(pending))
    done, pending = await asyncio.wait([b])
    print([t.result() for t in done], len(pending))

asyncio.run(main())
