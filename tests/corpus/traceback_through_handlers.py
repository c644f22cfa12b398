# A traceback through async with, a finally, a non-matching except and raise ... from:
# each frame appears once, as in CPython (re-raises add no entry).
import asyncio

class Resource:
    async def __aenter__(self):
        return self
    async def __aexit__(self, *exc):
        return False

async def work(lock):
    async with lock:
        try:
            async with Resource():
                try:
                    {}['missing']
                finally:
                    pass
        except ValueError:
            print('not this one')

async def main():
    lock = asyncio.Lock()
    try:
        await work(lock)
    except KeyError as e:
        raise RuntimeError('wrapped') from e

asyncio.run(main())
