import asyncio

async def body():
    print("body ran")
    return 1

async def main():
    c = body()
    print(asyncio.iscoroutine(c), asyncio.iscoroutinefunction(body))
    c.close()
    print("closed without running")

asyncio.run(main())
