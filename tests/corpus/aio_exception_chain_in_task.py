import asyncio

async def fetch():
    try:
        await asyncio.sleep(0.01)
        raise KeyError("missing")
    except KeyError as e:
        raise RuntimeError("fetch failed") from e

async def main():
    try:
        await asyncio.create_task(fetch())
    except RuntimeError as e:
        print(e, "|", repr(e.__cause__))

asyncio.run(main())
