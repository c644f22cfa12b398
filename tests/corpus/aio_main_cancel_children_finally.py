import asyncio

log = []

async def child(i):
    try:
        await asyncio.sleep(0.01 * (i + 1))
        log.append(("done", i))
    finally:
        log.append(("exit", i))

async def main():
    ts = [asyncio.create_task(child(i)) for i in range(3)]
    await asyncio.sleep(0.015)
    for t in ts:
        t.cancel()
    res = await asyncio.gather(*ts, return_exceptions=True)
    print(log)
    print([type(r).__name__ for r in res])

asyncio.run(main())
