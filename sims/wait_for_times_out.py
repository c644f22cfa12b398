# awaitsim: expect=pass expect-elapsed=0.5
# wait_for gives up after its timeout: the slow call is cancelled and
# TimeoutError raised at exactly 0.5 s of virtual time.
import asyncio


async def slow_reply():
    try:
        await asyncio.sleep(3600)
        return "reply"
    except asyncio.CancelledError:
        print("slow call cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        await asyncio.wait_for(slow_reply(), timeout=0.5)
    except asyncio.TimeoutError:
        print(f"timed out after {loop.time() - start:.1f}s")


asyncio.run(main())
