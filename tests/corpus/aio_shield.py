import asyncio

async def important():
    await asyncio.sleep(0.02)
    print("important finished")
    return 7

async def main():
    inner = asyncio.create_task(important())
    try:
        await asyncio.wait_for(asyncio.shield(inner), 0.01)
    except TimeoutError:
        print("outer timed out")
    print(await inner)

asyncio.run(main())
