import asyncio


class Conn:
    def __init__(self, name):
        self.name = name

    async def __aenter__(self):
        await asyncio.sleep(0.01)
        print("open", self.name)
        return self

    async def __aexit__(self, et, exc, tb):
        await asyncio.sleep(0)
        print("close", self.name, et.__name__ if et else None)
        return False


async def use(name, fail):
    async with Conn(name) as c:
        print("using", c.name)
        if fail:
            raise RuntimeError("query failed")
        return name.upper()


async def main():
    print(await use("db1", False))
    try:
        await use("db2", True)
    except RuntimeError as e:
        print("caught", e)
    print(await asyncio.gather(use("x", False), use("y", False)))


asyncio.run(main())
