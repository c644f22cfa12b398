import asyncio
import random

async def main():
    xs = [random.randint(1, 6) for _ in range(5)]
    print(len(xs), all(1 <= x <= 6 for x in xs))
    print(0 <= random.random() < 1, random.choice([7]), 2 <= random.uniform(2, 3) <= 3)

asyncio.run(main())
