# awaitsim: expect=pass seeds=2000
# The same withdrawals with the check and the debit under one Lock: no
# schedule, however late the fraud check, can overdraw the account.
import asyncio

balance = 100


async def withdraw(lock, name, amount, arrives_after):
    global balance
    await asyncio.sleep(arrives_after)
    async with lock:
        if balance >= amount:
            await asyncio.sleep(0.01)  # fraud check (I/O)
            balance -= amount
            print(f"{name} withdrew {amount}")
        else:
            print(f"{name} declined")


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(withdraw(lock, "alice", 80, 0), withdraw(lock, "bob", 80, 0.015))
    print("balance", balance)
    assert balance >= 0, f"overdrawn: {balance}"


asyncio.run(main())
