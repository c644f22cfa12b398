# awaitsim: expect=pass expect-elapsed=0
# Calling an async function creates a coroutine object and runs none of its
# body. Only awaiting it (or wrapping it in a task) drives it.
import asyncio


async def greet():
    print("greet body runs")
    return "hello"


async def main():
    coro = greet()
    print("called greet(), nothing printed yet")
    print("is a coroutine:", asyncio.iscoroutine(coro))
    coro.close()
    print("closed it without running it")
    result = await greet()
    print("awaited a fresh one:", result)


asyncio.run(main())
