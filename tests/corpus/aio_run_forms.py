import asyncio


async def main(tag):
    try:
        asyncio.run(inner_coro)
    except RuntimeError as e:
        print("nested:", e)
    return tag


inner_coro = None


try:
    asyncio.run(5)
except ValueError as e:
    print("ValueError:", e)
print(asyncio.run(main("kw"), debug=False))
print(asyncio.run(main("plain")))
