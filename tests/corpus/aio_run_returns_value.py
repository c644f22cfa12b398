import asyncio

async def main():
    await asyncio.sleep(0.01)
    return {"answer": 42}

print(asyncio.run(main()))
print(asyncio.run(main())["answer"])
