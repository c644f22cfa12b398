import asyncio

async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    for i in range(3):
        f.add_done_callback(lambda fut, i=i: print("cb", i, fut.result()))
    cb = lambda fut: print("removed")
    f.add_done_callback(cb)
    print(f.remove_done_callback(cb))
    loop.call_soon(print, "call_soon before result")
    f.set_result(7)
    loop.call_soon(print, "call_soon after result")
    await asyncio.sleep(0)
    print("after one iteration")
    await asyncio.sleep(0)
    try:
        f.set_result(8)
    except asyncio.InvalidStateError:
        print("InvalidStateError")
    print(f.done(), f.cancelled(), f.result())

asyncio.run(main())
