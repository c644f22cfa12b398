# awaitsim: expect=pass seeds=500
# A producer and two consumers on a bounded Queue: the producer waits when
# the queue is full (backpressure), every item is consumed exactly once,
# and the queue never holds more than maxsize, under every schedule.
import asyncio


async def producer(queue, n):
    for i in range(n):
        await queue.put(i)
        assert queue.qsize() <= 2, "queue over its bound"
    for _ in range(2):
        await queue.put(None)


async def consumer(queue, seen):
    while True:
        item = await queue.get()
        if item is None:
            queue.task_done()
            return
        await asyncio.sleep(0.01)
        seen.append(item)
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=2)
    seen = []
    await asyncio.gather(producer(queue, 6), consumer(queue, seen), consumer(queue, seen))
    await queue.join()
    print(sorted(seen))
    assert sorted(seen) == list(range(6))


asyncio.run(main())
