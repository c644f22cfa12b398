import asyncio
import random


class PoolExhausted(Exception):
    pass


class Connection:
    _ids = 0

    def __init__(self):
        Connection._ids += 1
        self.id = Connection._ids
        self.queries = 0

    async def query(self, sql: str) -> str:
        self.queries += 1
        await asyncio.sleep(0.01 * (1 + len(sql) % 3))
        if "fail" in sql:
            raise ConnectionError(f"conn {self.id}: {sql}")
        return f"{sql.upper()}@{self.id}"

    def __repr__(self):
        return f"Connection({self.id}, q={self.queries})"


class Pool:
    def __init__(self, size):
        self.free = [Connection() for _ in range(size)]
        self.sem = asyncio.Semaphore(size)
        self.lock = asyncio.Lock()
        self.stats = {"acquired": 0, "released": 0}

    async def acquire(self):
        await self.sem.acquire()
        async with self.lock:
            self.stats["acquired"] += 1
            return self.free.pop(0)

    async def release(self, conn):
        async with self.lock:
            self.free.append(conn)
            self.stats["released"] += 1
        self.sem.release()

    async def run(self, sql, retries=2):
        for attempt in range(retries + 1):
            conn = await self.acquire()
            try:
                return await conn.query(sql)
            except ConnectionError as e:
                print(f"attempt {attempt} failed: {e}")
                if attempt == retries:
                    raise
            finally:
                await self.release(conn)


async def client(pool, name, queries):
    results = []
    for q in queries:
        try:
            results.append(await asyncio.wait_for(pool.run(q), timeout=0.2))
        except ConnectionError:
            results.append(f"{name}: gave up on {q}")
        except asyncio.TimeoutError:
            results.append(f"{name}: timeout on {q}")
    return name, results


async def main():
    pool = Pool(2)
    clients = [
        client(pool, "alice", ["select a", "select bb"]),
        client(pool, "bob", ["fail once", "select c"]),
        client(pool, "carol", ["select dddd"]),
    ]
    done = await asyncio.gather(*clients)
    for name, res in sorted(done):
        print(name, res)
    print(pool.stats, sorted(pool.free, key=lambda c: c.id))
    ok = random.random() < 1.0
    print("random ok", ok)


if __name__ == "__main__":
    asyncio.run(main())
