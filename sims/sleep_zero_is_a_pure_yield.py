# awaitsim: expect=pass expect-elapsed=0
# asyncio.sleep(0) yields exactly once: two tasks that yield in a loop
# alternate, and no virtual time passes.
import asyncio


async def ping(name, rounds):
    for i in range(rounds):
        print(f"{name} {i}")
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.gather(ping("a", 3), ping("b", 3))
    print(f"elapsed {loop.time() - start:.1f}s")


asyncio.run(main())
