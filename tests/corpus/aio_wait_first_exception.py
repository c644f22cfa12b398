import asyncio

async def ok(d):
    await asyncio.sleep(d)
    return d

async def bad(d):
    await asyncio.sleep(d)
    raise RuntimeError("bad")

async def main():
    ts = [asyncio.create_task(ok(0.03)), asyncio.create_task(bad(0.01)), asyncio.create_task(ok(0.02))]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
    print(len(done), len(pending))
    for t in ts:
        print(t.done(), t.done() and (t.exception() is not None))
    await asyncio.wait(pending)

asyncio.run(main())
