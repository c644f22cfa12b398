# awaitsim: expect=pass
# Tasks created one after another start in creation order (FIFO), each only
# once main suspends.
import asyncio


async def job(n):
    print(f"job {n} runs")


async def main():
    tasks = [asyncio.create_task(job(n)) for n in range(4)]
    print("created all four")
    await asyncio.sleep(0)
    print("main resumes after one yield")
    await asyncio.gather(*tasks)


asyncio.run(main())
