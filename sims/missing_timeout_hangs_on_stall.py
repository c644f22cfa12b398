# awaitsim: expect=fail faults=stall=0.3
# A request whose reply can stall: without a timeout the caller waits
# forever. Exploration with the stall fault finds the hang and names the
# waiting task.
import asyncio


async def request(n):
    await asyncio.sleep(0.05)  # the reply (I/O)
    return f"reply {n}"


async def main():
    for n in range(3):
        print(await request(n))


asyncio.run(main())
