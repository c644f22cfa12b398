import asyncio

async def main():
    try:
        async with asyncio.timeout(0.05):
            try:
                async with asyncio.timeout(0.01):
                    await asyncio.sleep(1)
            except TimeoutError:
                print("inner timeout")
            await asyncio.sleep(1)
    except TimeoutError:
        print("outer timeout")
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(None) as cm:
        cm.reschedule(loop.time() + 0.01)
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("cancelled by rescheduled timeout")
            raise

try:
    asyncio.run(main())
except TimeoutError:
    print("rescheduled timeout fired")
