# awaitsim: expect=pass expect-elapsed=0.2
# A coroutine awaited directly runs inline, right away; the same coroutine
# wrapped in a task only starts when its creator suspends.
import asyncio


async def work(name, delay):
    print(f"{name} starts")
    await asyncio.sleep(delay)
    print(f"{name} done")
    return name.upper()


async def main():
    task = asyncio.create_task(work("task", 0.2))
    print("task created; it has not started")
    direct = await work("direct", 0.1)
    print("direct returned", direct)
    print("task returned", await task)


asyncio.run(main())
