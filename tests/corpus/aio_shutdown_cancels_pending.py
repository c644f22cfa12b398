import asyncio

async def forever(i):
    try:
        while True:
            await asyncio.sleep(0.01)
    finally:
        print("stopped", i)

async def main():
    for i in range(3):
        asyncio.create_task(forever(i))
    await asyncio.sleep(0.025)
    print("main done")

asyncio.run(main())
