import asyncio

async def deep():
    await asyncio.sleep(0)
    raise ValueError("deep failure")

async def mid():
    return await deep()

async def main():
    try:
        await mid()
    except ValueError as e:
        print("caught", repr(e))

asyncio.run(main())
