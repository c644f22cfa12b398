import asyncio

async def bg():
    print("bg first step")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("bg cancelled at shutdown")
        raise

async def main():
    asyncio.create_task(bg())
    print("main returns")

asyncio.run(main())
print("after run")
