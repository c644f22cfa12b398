import asyncio

async def main():
    loop = asyncio.get_running_loop()
    now = loop.time()
    loop.call_later(0.03, print, "later 0.03")
    loop.call_at(now + 0.01, print, "at 0.01")
    h = loop.call_later(0.02, print, "cancelled, never printed")
    h.cancel()
    await asyncio.sleep(0.05)
    print("end")

asyncio.run(main())
