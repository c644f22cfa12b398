# awaitsim: expect=hazard:unretrieved
# A task that fails while nobody awaits it: its exception is never
# retrieved. CPython logs it at garbage collection; awaitsim reports it.
import asyncio


async def flaky():
    await asyncio.sleep(0.01)
    raise ValueError("nobody will see this")


async def main():
    task = asyncio.create_task(flaky())
    await asyncio.sleep(0.1)
    print("main finished without awaiting the task; done =", task.done())


asyncio.run(main())
