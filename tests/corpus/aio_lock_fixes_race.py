import asyncio

class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = asyncio.Lock()

    async def withdraw(self, n):
        async with self.lock:
            if self.balance >= n:
                await asyncio.sleep(0.01)
                self.balance -= n
                return True
            return False

async def main():
    acct = Account(100)
    print(await asyncio.gather(acct.withdraw(80), acct.withdraw(80)), acct.balance)

asyncio.run(main())
