# awaitsim: expect=fail
# A check-then-act cache: two requests miss the cache, both fetch, and the
# backend is hit twice. FIFO serialises them (the second request arrives
# after the first fetch); a slow fetch lets the second one miss too.
import asyncio


class Cache:
    def __init__(self):
        self.data = {}
        self.fetches = 0

    async def get(self, key):
        if key not in self.data:
            self.fetches += 1
            await asyncio.sleep(0.01)  # the backend (I/O)
            self.data[key] = key.upper()
        return self.data[key]


async def request(cache, key, delay):
    await asyncio.sleep(delay)
    return await cache.get(key)


async def main():
    cache = Cache()
    results = await asyncio.gather(request(cache, "k", 0), request(cache, "k", 0.015))
    print(results, "fetches", cache.fetches)
    assert cache.fetches == 1, f"backend fetched {cache.fetches} times"


asyncio.run(main())
