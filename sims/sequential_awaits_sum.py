# awaitsim: expect=pass expect-elapsed=0.3
# Two awaits one after the other: their latencies add up (0.1 + 0.2 s).
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
    profile = await fetch_profile()
    orders = await fetch_orders()
    print(profile["name"], orders)
    print(f"elapsed {loop.time() - start:.1f}s")


asyncio.run(main())
