import asyncio

class Cache:
    def __init__(self):
        self.data = {}
        self.lock = asyncio.Lock()
        self.fetches = 0

    async def get(self, key):
        async with self.lock:
            if key not in self.data:
                self.fetches += 1
                await asyncio.sleep(0.01)
                self.data[key] = key.upper()
            return self.data[key]

async def main():
    c = Cache()
    r = await asyncio.gather(c.get("a"), c.get("a"), c.get("b"))
    print(r, c.fetches)

asyncio.run(main())
