# awaitsim: expect=hazard:blocking cpu-cost=1us
# CPU work that never awaits holds the loop like a blocking call: with a
# virtual cost per operation, the heartbeat that should beat every 10 ms
# misses its beats while the crunch runs, and awaitsim reports it.
import asyncio


async def heartbeat(beats):
    for _ in range(5):
        await asyncio.sleep(0.01)
        beats.append(1)


async def crunch():
    await asyncio.sleep(0.005)
    total = 0
    for i in range(200000):
        total += i * i
    print("crunch total", total)


async def main():
    beats = []
    await asyncio.gather(heartbeat(beats), crunch())
    print("heartbeats", len(beats))


asyncio.run(main())
