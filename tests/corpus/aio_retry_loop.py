import asyncio

attempts = 0

async def flaky():
    global attempts
    attempts += 1
    await asyncio.sleep(0.01)
    if attempts < 3:
        raise ConnectionError("flaky")
    return "ok"

async def with_retry():
    for i in range(5):
        try:
            return await flaky()
        except ConnectionError as e:
            print("retry", i, e)
            await asyncio.sleep(0.01 * (2 ** i))
    raise RuntimeError("gave up")

async def main():
    print(await with_retry(), attempts)

asyncio.run(main())
