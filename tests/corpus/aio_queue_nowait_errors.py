import asyncio

async def main():
    q = asyncio.Queue(1)
    q.put_nowait("x")
    try:
        q.put_nowait("y")
    except asyncio.QueueFull:
        print("full")
    print(q.get_nowait())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("empty")

asyncio.run(main())
