import asyncio

def bad_cb():
    raise ValueError("callback failed")

async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(bad_cb)
    await asyncio.sleep(0.01)
    print("loop survived")

asyncio.run(main())
