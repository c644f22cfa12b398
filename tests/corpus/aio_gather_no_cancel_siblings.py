import asyncio

async def bad():
    await asyncio.sleep(0.01)
    raise ValueError("boom")

async def slow():
    await asyncio.sleep(0.03)
    print("slow finished anyway")
    return "slow"

async def main():
    try:
        await asyncio.gather(bad(), slow())
    except ValueError as e:
        print("caught", e)
    await asyncio.sleep(0.05)
    print("end")

asyncio.run(main())
