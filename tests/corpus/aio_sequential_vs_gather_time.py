import asyncio

async def fetch(d, v):
    await asyncio.sleep(d)
    return v

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    a = await fetch(0.01, "profile")
    b = await fetch(0.02, "orders")
    print(a, b, round(loop.time() - t0, 2))
    t0 = loop.time()
    r = await asyncio.gather(fetch(0.02, "x"), fetch(0.01, "y"))
    print(r, round(loop.time() - t0, 2))

asyncio.run(main())
