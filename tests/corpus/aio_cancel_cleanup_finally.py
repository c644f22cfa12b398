import asyncio

async def worker():
    try:
        print("working")
        await asyncio.sleep(10)
    finally:
        print("cleanup")

async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(0.01)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("cancelled", t.cancelled(), t.done())

asyncio.run(main())
