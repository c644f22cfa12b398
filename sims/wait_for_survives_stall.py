# awaitsim: expect=pass faults=stall=0.3
# The same requests under wait_for: a stalled reply times out and is
# retried, so every schedule finishes.
import asyncio


async def request(n):
    await asyncio.sleep(0.05)  # the reply (I/O)
    return f"reply {n}"


async def main():
    for n in range(3):
        while True:
            try:
                print(await asyncio.wait_for(request(n), timeout=1.0))
                break
            except asyncio.TimeoutError:
                print(f"request {n} timed out; retrying")


asyncio.run(main())
