# type() of the values a scenario handles prints as CPython prints it.
import asyncio


async def work():
    return 1


class Box:
    def get(self):
        return 2


async def main():
    c = work()
    print(type(c), type(c).__name__, asyncio.iscoroutine(c))
    print(await c)
    print(type(work).__name__, type(print).__name__, type(asyncio).__name__)
    print(type(Box().get).__name__, type([].append).__name__)
    print(type(None), type(1), type('s'), type([]), type({}), type(()), type(range(1)))
    d = work()
    print(type(c) is type(d), type(1) is int)
    d.close()


asyncio.run(main())
