import asyncio

async def other():
    print("other ran")

async def main():
    ev = asyncio.Event()
    ev.set()
    asyncio.create_task(other())
    await ev.wait()
    print("waited on set event without yielding")
    await asyncio.sleep(0)
    print("end")

asyncio.run(main())
