# CPU-bound, no sleeps: interpreter speed against CPython.
import asyncio


def work(n):
    total = 0
    i = 0
    while i < n:
        if i % 3 == 0:
            total += i * 2
        else:
            total -= 1
        i += 1
    return total


async def main():
    acc = 0
    for k in range(10):
        acc += work(300000)
    print(acc)


asyncio.run(main())
