import asyncio

async def job():
    await asyncio.sleep(0.01)
    return "finished"

async def main():
    t = asyncio.create_task(job())
    try:
        print(await asyncio.wait_for(t, 0.01))
    except TimeoutError:
        print("timeout", t.cancelled())

asyncio.run(main())
