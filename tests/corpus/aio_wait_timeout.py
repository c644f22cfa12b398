import asyncio

async def w(d):
    await asyncio.sleep(d)
    return d

async def main():
    ts = [asyncio.create_task(w(d)) for d in (0.01, 0.1)]
    done, pending = await asyncio.wait(ts, timeout=0.05)
    print(len(done), len(pending))
    for t in pending:
        t.cancel()

asyncio.run(main())
