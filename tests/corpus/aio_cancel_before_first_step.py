import asyncio

async def never():
    print("should not print")

async def main():
    t = asyncio.create_task(never())
    print(t.cancel())
    try:
        await t
    except asyncio.CancelledError:
        print("cancelled before start", t.cancelled())

asyncio.run(main())
