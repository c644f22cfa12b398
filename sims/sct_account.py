# awaitsim: expect=fail
# Port of SCTBench's "account": a deposit and a withdrawal update one
# balance with a read, an await, and a write; the auditor expects the sum.
# FIFO happens to serialise them; a reordering loses one of the updates.
import asyncio


class Account:
    def __init__(self, balance):
        self.balance = balance

    async def deposit(self, amount):
        current = self.balance
        await asyncio.sleep(0)  # the ledger write (I/O)
        self.balance = current + amount

    async def withdraw(self, amount):
        await asyncio.sleep(0)  # authorisation
        await asyncio.sleep(0)
        current = self.balance
        await asyncio.sleep(0)
        self.balance = current - amount


async def main():
    account = Account(100)
    await asyncio.gather(account.deposit(50), account.withdraw(30))
    print("balance", account.balance)
    assert account.balance == 120, f"balance {account.balance}, expected 120"


asyncio.run(main())
