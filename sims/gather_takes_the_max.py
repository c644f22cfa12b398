# awaitsim: expect=pass expect-elapsed=0.2
# The same two fetches under gather: they overlap, so the whole takes the
# longest one (0.2 s), and results come back in argument order.
import asyncio


async def fetch_profile():
    await asyncio.sleep(0.1)
    return {"name": "ada"}


async def fetch_orders():
    await asyncio.sleep(0.2)
    return ["book", "lamp"]


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    orders, profile = await asyncio.gather(fetch_orders(), fetch_profile())
    print(profile["name"], orders)
    print(f"elapsed {loop.time() - start:.1f}s")


asyncio.run(main())
