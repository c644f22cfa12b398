# awaitsim: allow=unretrieved
# CPython only logs the lost failure to stderr and exits 0; awaitsim reports it as a hazard
# (a failure by default), so this file allows it to compare exit codes.
import asyncio

async def doomed():
    raise ValueError("nobody awaits me")

async def main():
    asyncio.create_task(doomed())
    await asyncio.sleep(0.01)
    print("main finished")

asyncio.run(main())
