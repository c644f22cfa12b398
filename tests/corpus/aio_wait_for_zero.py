import asyncio

async def slow():
    await asyncio.sleep(1)

async def main():
    try:
        await asyncio.wait_for(slow(), 0)
    except TimeoutError:
        print("immediate timeout")

asyncio.run(main())
