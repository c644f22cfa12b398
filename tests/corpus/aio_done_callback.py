import asyncio

async def job():
    await asyncio.sleep(0.01)
    return "r"

async def main():
    t = asyncio.create_task(job())
    t.add_done_callback(lambda f: print("callback saw", f.result()))
    await t
    print("after await")
    await asyncio.sleep(0)
    print("end")

asyncio.run(main())
