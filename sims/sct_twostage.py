# awaitsim: expect=fail
# Port of SCTBench's "twostage": a writer updates data1 under one lock and
# data2 under another; a reader checks data2 == data1 + 1 in between. The
# bug needs the reader to run exactly between the two stages.
import asyncio

data1 = 0
data2 = 0


async def writer(lock1, lock2):
    global data1, data2
    await asyncio.sleep(0)
    async with lock1:
        data1 = 1
    await asyncio.sleep(0)
    async with lock2:
        data2 = data1 + 1


async def reader(lock1, lock2):
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    async with lock1:
        if data1 == 1:
            async with lock2:
                assert data2 == data1 + 1, "read between the two stages"


async def main():
    lock1 = asyncio.Lock()
    lock2 = asyncio.Lock()
    await asyncio.gather(writer(lock1, lock2), reader(lock1, lock2))
    print("data", data1, data2)


asyncio.run(main())
