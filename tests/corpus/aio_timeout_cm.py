import asyncio

async def main():
    try:
        async with asyncio.timeout(0.02):
            await asyncio.sleep(1)
    except TimeoutError:
        print("timeout expired")
    async with asyncio.timeout(1):
        await asyncio.sleep(0.01)
        print("finished within timeout")

asyncio.run(main())
