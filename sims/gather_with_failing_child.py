# awaitsim: expect=pass
# gather propagates the first failure to the awaiter while the other
# children keep running; with return_exceptions=True failures come back as
# values, in argument order.
import asyncio


async def ok(name, delay):
    await asyncio.sleep(delay)
    print(f"{name} finished")
    return name


async def bad(delay):
    await asyncio.sleep(delay)
    raise RuntimeError("child failed")


async def main():
    try:
        await asyncio.gather(ok("slow", 0.2), bad(0.1))
    except RuntimeError as e:
        print("gather raised:", e)
    await asyncio.sleep(0.2)
    results = await asyncio.gather(ok("a", 0.1), bad(0.05), return_exceptions=True)
    print(results)


asyncio.run(main())
