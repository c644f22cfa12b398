import asyncio

async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(0.02, fut.set_result, "ready")
    print(fut.done())
    t0 = loop.time()
    print(await fut, fut.done(), round(loop.time() - t0, 2))
    f2 = loop.create_future()
    f2.set_exception(ValueError("bad"))
    try:
        await f2
    except ValueError as e:
        print("future exception", e)

asyncio.run(main())
