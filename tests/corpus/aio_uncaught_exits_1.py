import asyncio

async def main():
    print("before")
    await asyncio.sleep(0.01)
    raise ValueError("unhandled")

asyncio.run(main())
print("never")
