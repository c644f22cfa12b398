# awaitsim: expect=pass
# An exception in an awaited coroutine propagates to the awaiter, and a
# failure inside a task surfaces when the task is awaited.
import asyncio


class PaymentDeclined(Exception):
    pass


async def charge(amount):
    await asyncio.sleep(0.01)
    if amount > 100:
        raise PaymentDeclined(f"{amount} is over the limit")
    return amount


async def main():
    try:
        await charge(500)
    except PaymentDeclined as e:
        print("awaited coroutine raised:", e)
    task = asyncio.create_task(charge(900))
    await asyncio.sleep(0.1)
    print("task done:", task.done())
    try:
        await task
    except PaymentDeclined as e:
        print("task raised when awaited:", e)


asyncio.run(main())
