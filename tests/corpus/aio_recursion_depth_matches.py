depth = 0
def f(n):
    global depth
    depth = n
    f(n + 1)
try:
    f(1)
except RecursionError:
    print("max depth", depth)
import asyncio
async def g(n):
    global depth
    depth = n
    await g(n + 1)
async def main():
    try:
        await g(1)
    except RecursionError:
        print("async max depth", depth)
asyncio.run(main())
