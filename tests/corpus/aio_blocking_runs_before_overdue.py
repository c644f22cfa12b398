import asyncio
import time

async def sleeper(i):
    await asyncio.sleep(0.01)
    print("sleeper", i)

async def blocker():
    time.sleep(0.05)
    print("blocker done")
    await asyncio.sleep(0)
    print("blocker resumed")

async def main():
    ts = [asyncio.create_task(sleeper(i)) for i in range(2)]
    b = asyncio.create_task(blocker())
    await asyncio.gather(*ts, b)

asyncio.run(main())
