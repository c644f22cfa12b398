import asyncio

depth = 0


def f(n):
    global depth
    depth = n
    f(n + 1)


def cb():
    try:
        f(1)
    except RecursionError:
        print("callback max depth", depth)


async def main():
    asyncio.get_running_loop().call_soon(cb)
    await asyncio.sleep(0)
    await asyncio.sleep(0)


asyncio.run(main())
