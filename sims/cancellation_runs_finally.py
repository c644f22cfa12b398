# awaitsim: expect=pass
# Cancelling a task throws CancelledError at its await; its finally block
# still runs, and awaiting it raises CancelledError.
import asyncio


async def worker():
    try:
        print("worker waiting")
        await asyncio.sleep(10)
    finally:
        print("worker cleans up")


async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(0.1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("task cancelled:", task.cancelled())


asyncio.run(main())
